"""Readers: a source file as a stream of raw rows, each with its line number, or of bad rows set aside.

A bad row (undecodable bytes, a stray quote, wrong number of columns, not JSON, not an object) never
stops the file: it comes out as a BadRow with its reason and its exact text, and goes to quarantine.
Every row, good or bad, keeps the exact text of its physical line(s) (`raw`) and the first line's
number, so a quarantined row can be fixed and read again (`read_quarantined`) through the same code.
A missing file, an unreadable header, duplicate column names or a mapped column that the file does not
have stop the source with one error naming the file, the source and the field.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from idgraph.graph.errors import SourceError
from idgraph.ingest.csv_rows import Chunk, CsvChunks
from idgraph.ingest.lines import (Line, decode_error, lines_of, lines_of_text, raw_base64, raw_text,
                                  read_lines)
from idgraph.ingest.mapping import Format, Source

JSONL_PROBE = 500  # records looked at to decide a mapped key is missing from a JSON Lines file


@dataclass(slots=True)
class RawRow:
    line: int  # the first physical line of the row
    values: dict[str, object]
    # the row's text exactly as read (a dict only from an old quarantine file); None: a request's row,
    # whose quarantine makes it from the values when the row is refused (ingest/jobs/incoming.py)
    raw: str | dict | None = ""
    header: str | None = None  # CSV: the header row's text, kept with a quarantined row to read it again


@dataclass(slots=True)
class BadRow:
    line: int
    raw: str
    reason: str
    raw_base64: str | None = None  # the bytes as read, when some could not be decoded
    header: str | None = None


def read_source(path: Path, source: Source) -> Iterator[RawRow | BadRow]:
    if not path.is_file():
        raise SourceError(f"{path}: file not found (source {source.name!r})")
    if source.format is Format.csv:
        return _csv_rows(read_lines(path, source.encoding), source, path)
    return _jsonl_rows(read_lines(path, source.encoding), source, path, check_columns=True)


def read_quarantined(file: Path, line: int, raw: str | dict, raw_b64: str | None, header: str | None,
                     source: Source) -> Iterator[RawRow | BadRow]:
    """A quarantined row read again with the source's current mapping, as `read_source` reads a file.

    `raw` is read as text, unless it still holds the replacement character of undecodable bytes and
    the entry kept those bytes (`raw_base64`): then the bytes are decoded with the source's encoding,
    so a corrected `encoding:` in the mapping is enough. A CSV row is read under its header as read."""
    if isinstance(raw, dict):  # written by an older version: the values as they were read
        yield RawRow(line, raw, raw, header)
        return
    data = _bytes(raw_b64) if raw_b64 and "\ufffd" in raw else None
    lines = lines_of(data, source.encoding, line) if data is not None else lines_of_text(raw, line)
    if source.format is Format.jsonl:
        yield from _jsonl_rows(lines, source, file, check_columns=False)
        return
    if header is None:
        header = _file_header(file, source)
    yield from _csv_rows(lines, source, file, lines_of_text(header, 1))


def _bytes(b64: str) -> bytes | None:
    try:
        return base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        return None


def _missing(source: Source, path: Path, present: set[str]) -> None:
    for role, columns in source.fields.items():
        for col in columns:
            if col.column and col.column not in present:
                raise SourceError(f"{path}: source {source.name!r}, field {role!r}: column {col.column!r} not found")
    for name, col in source.attributes.items():
        if col.column and col.column not in present:
            raise SourceError(f"{path}: source {source.name!r}, attribute {name!r}: column {col.column!r} not found")
    for col in ([] if source.id is None else source.id.columns) + source.keep:
        if col not in present:
            raise SourceError(f"{path}: source {source.name!r}, field 'id'/'keep': column {col!r} not found")


# -- CSV -----------------------------------------------------------------------------------------
def _header(chunks: CsvChunks, source: Source, path: Path) -> tuple[list[str], str]:
    chunk = chunks.next(None)
    if chunk is None:
        raise SourceError(f"{path}: source {source.name!r}: the file is empty (no header row)")
    problem = decode_error(chunk.lines) or chunk.reason
    if problem:
        raise SourceError(f"{path}: source {source.name!r}: cannot read the header (line {chunk.line}): {problem}")
    names = [h.strip() for h in chunk.fields or []]
    dupes = [name for name, n in Counter(names).items() if n > 1]
    if dupes:
        where = "; ".join(f"{name!r} (columns {_and(i + 1 for i, h in enumerate(names) if h == name)})"
                          for name in dupes)
        raise SourceError(f"{path}: source {source.name!r}: the header names a column twice: {where}; "
                          "rename the columns so each name is used once")
    return names, chunk.raw


def _and(numbers: Iterable[int]) -> str:
    *most, last = map(str, numbers)
    return f"{', '.join(most)} and {last}"


def _file_header(file: Path, source: Source) -> str:
    if not file.is_file():
        raise SourceError(f"{file}: file not found (source {source.name!r}); the quarantined rows of a CSV "
                          "source need its header")
    with closing(read_lines(file, source.encoding)) as lines:
        return _header(CsvChunks(lines, source.delimiter), source, file)[1]


def _csv_rows(lines: Iterable[Line], source: Source, path: Path,
              header_lines: Iterable[Line] | None = None) -> Iterator[RawRow | BadRow]:
    chunks = CsvChunks(lines, source.delimiter)
    names, header = _header(chunks if header_lines is None else CsvChunks(header_lines, source.delimiter),
                            source, path)
    _missing(source, path, set(names))
    width = len(names)
    while (chunk := chunks.next(width)) is not None:
        yield csv_row(chunk, names, header)


def csv_row(chunk: Chunk, names: list[str], header: str) -> RawRow | BadRow:
    """One CSV row under its header, or the reason it is not one."""
    error = decode_error(chunk.lines)
    if error or chunk.fields is None:
        return BadRow(chunk.line, chunk.raw, error or chunk.reason or "", raw_base64(chunk.lines), header)
    if len(chunk.fields) != len(names):
        return BadRow(chunk.line, chunk.raw, f"expected {len(names)} columns, got {len(chunk.fields)}", None, header)
    return RawRow(chunk.line, dict(zip(names, chunk.fields)), chunk.raw, header)


# -- JSON Lines ----------------------------------------------------------------------------------
def _jsonl_row(line: Line) -> RawRow | BadRow | None:
    raw = raw_text([line])
    if line.error:
        return BadRow(line.number, raw, line.error, raw_base64([line]))
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return BadRow(line.number, raw, f"not JSON: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return BadRow(line.number, raw, "not JSON: nested too deeply")
    if not isinstance(value, dict):
        return BadRow(line.number, raw, f"expected a JSON object, got {json_type(value)}")
    return RawRow(line.number, value, raw)


def json_type(value: object) -> str:
    """A value's kind in JSON's words, for reasons a person reads."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float) and not math.isfinite(value):
        return "a number too large (infinity)" if math.isinf(value) else "NaN"
    if isinstance(value, int | float):
        return "a number"
    return {str: "text", dict: "object", list: "array"}.get(type(value), type(value).__name__)


def _jsonl_rows(lines: Iterable[Line], source: Source, path: Path, *,
                check_columns: bool) -> Iterator[RawRow | BadRow]:
    seen: set[str] = set()
    probe: list[RawRow | BadRow] = []
    records = 0
    checked = not check_columns
    for line in lines:
        row = _jsonl_row(line)
        if row is None:
            continue
        if checked:
            yield row
            continue
        probe.append(row)
        if isinstance(row, RawRow):
            seen.update(row.values)
            records += 1
            if records >= JSONL_PROBE:
                _missing(source, path, seen)
                checked = True
                yield from probe
    if not checked:
        if records:
            _missing(source, path, seen)
        yield from probe
