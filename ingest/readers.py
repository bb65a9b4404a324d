"""Readers: a source file as a stream of raw rows, each with its line number, or of bad rows set aside.

A bad line (undecodable bytes, wrong number of columns, not JSON, not an object) never stops the file:
it comes out as a BadRow with its reason and goes to quarantine. A missing file or a mapped column that
the file does not have stops the source with one error naming the file, the source and the field.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from idgraph.graph.errors import SourceError
from idgraph.ingest.mapping import Format, Source

JSONL_PROBE = 500  # records looked at to decide a mapped key is missing from a JSON Lines file


@dataclass(slots=True)
class RawRow:
    line: int
    values: dict[str, object]


@dataclass(slots=True)
class BadRow:
    line: int
    raw: str
    reason: str


def read_source(path: Path, source: Source) -> Iterator[RawRow | BadRow]:
    if not path.is_file():
        raise SourceError(f"{path}: file not found (source {source.name!r})")
    reader = _read_csv if source.format is Format.csv else _read_jsonl
    return reader(path, source)


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


def _decoded_lines(path: Path, encoding: str, bad: list[BadRow], position: list[int]) -> Iterator[str]:
    """Decode line by line so one bad byte sequence costs one line, not the file."""
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            position[0] = number
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as exc:
                bad.append(BadRow(number, raw.decode(encoding, errors="replace").rstrip("\r\n"),
                                  f"undecodable bytes ({encoding}): {exc.reason}"))


def _read_csv(path: Path, source: Source) -> Iterator[RawRow | BadRow]:
    bad: list[BadRow] = []
    position = [0]
    rows = csv.reader(_decoded_lines(path, source.encoding, bad, position), delimiter=source.delimiter)
    try:
        header = [h.strip().lstrip("\ufeff") for h in next(rows)]
    except StopIteration:
        raise SourceError(f"{path}: source {source.name!r}: the file is empty (no header row)") from None
    except csv.Error as exc:
        raise SourceError(f"{path}: source {source.name!r}: cannot read the header: {exc}") from None
    _missing(source, path, set(header))
    width = len(header)
    # A row's line number is the line where it ends: exact for the usual one-line row.
    while True:
        try:
            fields = next(rows)
        except StopIteration:
            break
        except csv.Error as exc:
            yield BadRow(position[0], "", f"csv: {exc}")
            continue
        yield from bad
        bad.clear()
        if not fields:
            continue
        if len(fields) != width:
            yield BadRow(position[0], source.delimiter.join(fields), f"expected {width} columns, got {len(fields)}")
        else:
            yield RawRow(position[0], dict(zip(header, fields)))
    yield from bad


def _read_jsonl(path: Path, source: Source) -> Iterator[RawRow | BadRow]:
    bad: list[BadRow] = []
    position = [0]
    seen: set[str] = set()
    probe: list[RawRow | BadRow] = []
    checked = False
    for line in _decoded_lines(path, source.encoding, bad, position):
        number = position[0]
        out: list[RawRow | BadRow] = list(bad)
        bad.clear()
        text = line.strip()
        if text:
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                out.append(BadRow(number, text, f"not JSON: {exc.msg} at column {exc.colno}"))
            else:
                if isinstance(value, dict):
                    out.append(RawRow(number, value))
                    seen.update(value)
                else:
                    out.append(BadRow(number, text, f"expected a JSON object, got {type(value).__name__}"))
        if checked:
            yield from out
            continue
        probe.extend(out)
        if sum(isinstance(r, RawRow) for r in probe) >= JSONL_PROBE:
            _missing(source, path, seen)
            checked = True
            yield from probe
    if not checked:
        if any(isinstance(r, RawRow) for r in probe):
            _missing(source, path, seen)
        yield from probe
    yield from bad
