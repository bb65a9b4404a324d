"""A source file read in blocks of rows: the lines that are easy to read, in bulk through polars; the others
by the row reader itself.

The row reader (ingest/readers.py) reads one physical line at a time and is the definition of what a file
holds. This reader gives the same rows, line for line, value for value, reason for reason, faster:

* a *plain* CSV line (no quote, no carriage return but its terminator) is split at the delimiter, as the
  row reader does (csv_rows.CsvChunks' own shortcut): polars splits all of them at once;
* a *well-quoted* line (every field either free of quotes or wholly quoted with "" inside; no carriage
  return but its terminator; no NUL) is one row whatever follows it: polars' CSV parser reads them at once;
* every other line (a stray quote, a quoted line break, undecodable bytes, a byte order mark, the last line
  of a file without a line break) starts a run read by the row reader's own CsvChunks, line-exact, which
  ends at the first line that is plain or well-quoted again.

A block ends where no row can cross it: after MAX_LINES - 1 lines none of which starts a line-exact run
(a row spans at most MAX_LINES lines and only such a line opens one). Where a file gives no such place
within MAX_CARRY bytes (quotes broken everywhere), the row reader reads the rest of it, in blocks. JSON
Lines files and encodings other than those below are read by the row reader, in blocks.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl

from idgraph.graph.errors import SourceError
from idgraph.ingest.csv_rows import MAX_LINES, CsvChunks
from idgraph.ingest.lines import Line, decode, read_lines, split_bytes
from idgraph.ingest.mapping import Format, Source
from idgraph.ingest.readers import BadRow, RawRow, _header, _missing, csv_row, read_source

CHUNK_BYTES = 8 << 20  # bytes read at a time
MAX_CARRY = 64 << 20  # a block that finds no place to end within this many bytes: the row reader takes over
ROWS_PER_BLOCK = 100_000  # rows of a block the row reader makes
# Codecs under which decoding a stretch of lines at once gives each line's own decoding: UTF-8 and
# single-byte codecs (a line break is the byte 0x0A and no character spans it).
FAST_CODECS = frozenset({"utf-8", "utf-8-sig", "ascii", "iso8859-1", "iso8859-15", "cp1252"})


@dataclass(slots=True)
class Block:
    """The rows of a stretch of a file, in two parts: those read in bulk (`values`: one String column per
    header column, with each row's line and text) and those the row reader gave (`rows`, by line)."""

    values: pl.DataFrame
    lines: pl.Series  # Int64: each bulk row's (first) line
    raws: pl.Series  # String: each bulk row's text as read, less its line break
    rows: list[RawRow | BadRow] = field(default_factory=list)
    header: str | None = None  # CSV: the header row's text

    def __len__(self) -> int:
        return self.values.height + len(self.rows)

    def all_rows(self) -> list[RawRow | BadRow]:
        """Every row of the block as the row reader gives it, in line order (tests; the row path)."""
        names = self.values.columns
        bulk = [RawRow(line, dict(zip(names, values)), raw, self.header)
                for line, raw, values in zip(self.lines.to_list(), self.raws.to_list(), self.values.iter_rows())]
        return sorted(bulk + self.rows, key=lambda r: r.line)


def read_blocks(path: Path, source: Source) -> Iterator[Block]:
    """The rows of one file in blocks, the same rows `readers.read_source` gives, in the same order
    within each block (bulk rows and reader rows interleave by line)."""
    if not path.is_file():
        raise SourceError(f"{path}: file not found (source {source.name!r})")
    if source.format is Format.csv and codecs.lookup(source.encoding).name in FAST_CODECS:
        return _csv_blocks(path, source)
    return _row_blocks(read_source(path, source), None)


def _empty_block(names: Iterable[str] = (), header: str | None = None, rows: list | None = None) -> Block:
    return Block(pl.DataFrame(schema={n: pl.String for n in names}), pl.Series("line", [], pl.Int64),
                 pl.Series("raw", [], pl.String), rows or [], header)


def _row_blocks(rows: Iterable[RawRow | BadRow], header: str | None) -> Iterator[Block]:
    """The row reader's rows, ROWS_PER_BLOCK at a time."""
    batch: list[RawRow | BadRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= ROWS_PER_BLOCK:
            yield _empty_block(header=header, rows=batch)
            batch = []
    if batch:
        yield _empty_block(header=header, rows=batch)


# -- CSV -------------------------------------------------------------------------------------------------
def _field_patterns(delimiter: str) -> tuple[str, str]:
    """(a whole well-quoted line, one quoted field) as regular expressions for polars."""
    d = f"\\x{{{ord(delimiter):X}}}"
    quoted = '"(?:[^"]|"")*"'
    one = f'(?:[^"{d}]*|{quoted})'
    return f"^{one}(?:{d}{one})*$", quoted


@dataclass(slots=True)
class _Csv:
    """What every stretch of one CSV file shares."""

    source: Source
    names: list[str]
    header: str
    well_quoted: str
    quoted: str
    decode_as: str  # the codec a stretch is decoded with (utf-8 for utf-8-sig: a BOM inside is data)

    @property
    def width(self) -> int:
        return len(self.names)


def _csv_blocks(path: Path, source: Source) -> Iterator[Block]:
    consumed = 0

    def counted(lines: Iterable[Line]) -> Iterator[Line]:
        nonlocal consumed
        for line in lines:
            consumed = line.number
            yield line

    with closing(read_lines(path, source.encoding)) as lines:
        chunks = CsvChunks(counted(lines), source.delimiter)
        names, header = _header(chunks, source, path)  # its checks and messages, as the row reader's
        assert chunks.pending == 0  # a header that took a refused continuation was refused above
    _missing(source, path, set(names))
    codec = codecs.lookup(source.encoding).name
    csv = _Csv(source, names, header, *_field_patterns(source.delimiter),
               decode_as="utf-8" if codec == "utf-8-sig" else codec)
    with path.open("rb") as fh:
        for _ in range(consumed):
            fh.readline()
        number, carry = consumed + 1, b""
        while True:
            more = fh.read(CHUNK_BYTES)
            more += fh.readline() if more and not more.endswith(b"\n") else b""
            data, at_end = carry + more, not more
            if not data:
                return
            stretch = _Stretch(csv, data, number, at_end)
            cut = stretch.cut()
            if cut is None:
                if len(data) <= MAX_CARRY:
                    carry = data
                    continue
                yield from _row_blocks(_rows_from(csv, data, number, fh), header)
                return
            yield stretch.block(cut)
            if at_end:
                return
            carry, number = stretch.rest(cut), number + cut


def _rows_from(csv: _Csv, data: bytes, number: int, fh: BinaryIO) -> Iterator[RawRow | BadRow]:
    """The row reader from line `number` on: the lines of `data`, then the rest of the file."""
    def lines() -> Iterator[Line]:
        yield from _lines_of(data, csv.source.encoding, number)
        for n, more in enumerate(fh, start=number + data.count(b"\n")):
            yield decode(n, more, csv.source.encoding)

    chunks = CsvChunks(lines(), csv.source.delimiter)
    while (chunk := chunks.next(csv.width)) is not None:
        yield csv_row(chunk, csv.names, csv.header)


def _lines_of(data: bytes, encoding: str, first: int) -> Iterator[Line]:
    for i, part in enumerate(split_bytes(data)):
        yield decode(first + i, part, encoding)


class _Stretch:
    """Whole lines of a CSV file (bytes ending with a line break unless the file ends there), classified."""

    def __init__(self, csv: _Csv, data: bytes, number: int, at_end: bool):
        self.csv, self.data, self.number, self.at_end = csv, data, number, at_end
        self.undecodable: set[int] = set()
        self.parts: list[bytes] = []  # the lines' bytes, kept when some line is undecodable
        try:
            texts = data.decode(csv.decode_as).split("\n")
        except UnicodeDecodeError:
            texts = []
            # kept: each line-exact read of such a stretch takes its lines' bytes from here (splitting
            # the whole 8 MB stretch again for every line took 2.5 s at 100,000 people)
            self.parts = split_bytes(data)
            for i, part in enumerate(self.parts):
                try:
                    texts.append(part.decode(csv.decode_as).removesuffix("\n"))
                except UnicodeDecodeError:
                    texts.append("")
                    self.undecodable.add(i)
            texts.append("" if data.endswith(b"\n") else texts.pop())
        self.unterminated = not data.endswith(b"\n")  # the file's last line, without a line break
        if not self.unterminated:
            texts.pop()  # after the last line break
        self.texts = pl.Series("text", texts, pl.String)
        self.n = len(texts)
        text = self.texts
        self.raws = text.str.strip_suffix("\r")  # the row's text: less its terminator (\n or \r\n)
        self.bodies = text.str.strip_chars_end("\r")  # what the row reader splits (text.rstrip("\r\n"))
        quote = text.str.contains('"', literal=True)
        odd = text.str.starts_with("\ufeff")  # a BOM: data, but per-line decoding may drop it
        self.plain = (~quote & ~self.bodies.str.contains("\r", literal=True) & ~odd).to_numpy()
        self.well = (quote & ~odd & ~self.raws.str.contains("[\r\x00]")
                     & self.raws.str.contains(csv.well_quoted)).to_numpy()
        special = ~(self.plain | self.well)
        special[list(self.undecodable)] = True
        if self.unterminated and self.n:
            special[-1] = True
        self.special = special

    def cut(self) -> int | None:
        """How many lines to read now: all at the end of the file, else up to the last place with
        MAX_LINES - 1 lines before it that start no line-exact run; None when there is none."""
        if self.at_end:
            return self.n
        window = MAX_LINES - 1
        starts = np.concatenate([[0], np.cumsum(self.special)])  # starts[b]: special lines before line b
        for b in range(self.n, window - 1, -1):
            if starts[b] == starts[b - window]:
                return b
            if b < self.n - 4 * window and not self.special[b - 1]:
                # far from the end: jump to the last special line before b
                b_special = np.flatnonzero(self.special[:b])
                if not len(b_special):
                    return b
                b = int(b_special[-1]) + 1 + window
                if b <= self.n and starts[b] == starts[b - window]:
                    return b
                return None if b_special[-1] < window else self._cut_before(int(b_special[-1]))
        return None

    def _cut_before(self, last: int) -> int | None:
        special = np.flatnonzero(self.special[:last + 1])
        window = MAX_LINES - 1
        gaps = np.diff(np.concatenate([[-1], special]))  # lines between specials, + 1
        clean = np.flatnonzero(gaps > window)  # special[k] follows at least `window` clean lines
        if not len(clean):
            return None
        k = int(clean[-1])
        return int(special[k])

    def rest(self, cut: int) -> bytes:
        """The bytes of the lines from `cut` on."""
        end = len(self.data) - 1
        for _ in range(self.n - cut):
            end = self.data.rfind(b"\n", 0, end)
        return self.data[end + 1:]

    def _line(self, i: int) -> Line:
        if self.undecodable:
            return next(iter(_lines_of(self.parts[i], self.csv.source.encoding, self.number + i)))
        text = self.texts[i] + ("" if self.unterminated and i == self.n - 1 else "\n")
        return decode(self.number + i, text.encode(self.csv.decode_as), self.csv.source.encoding)

    def block(self, cut: int) -> Block:
        csv = self.csv
        rows: list[RawRow | BadRow] = []
        exact = np.zeros(cut, dtype=bool)  # lines the row reader took
        i = 0
        for start in np.flatnonzero(self.special[:cut]):
            if start < i:
                continue  # inside a run already read
            i = self._run(int(start), cut, rows)
            exact[start:i] = True
        bulk = ~exact & (self.plain[:cut] | self.well[:cut])
        assert not (~exact & ~bulk).any()
        indices = pl.Series("i", np.flatnonzero(bulk), pl.Int64)
        bodies = self.bodies.gather(indices)
        keep = bodies != ""  # an empty line is no row
        indices, bodies = indices.filter(keep), bodies.filter(keep)
        raws = self.raws.gather(indices)
        well = pl.Series(self.well[:cut]).gather(indices)
        delimiter = csv.source.delimiter
        counted = pl.when(well).then(raws.str.replace_all(csv.quoted, "")).otherwise(bodies)
        widths = pl.select(counted.str.count_matches(delimiter, literal=True) + 1).to_series()
        wrong = (widths != csv.width).to_numpy()
        for i, raw, width in zip(indices.filter(wrong).to_list(), raws.filter(wrong).to_list(),
                                 widths.filter(wrong).to_list()):
            rows.append(BadRow(self.number + i, raw, f"expected {csv.width} columns, got {width}", None, csv.header))
        right = ~wrong
        plain_rows = right & ~well.to_numpy()
        parts = [self._split(indices.filter(plain_rows), bodies.filter(plain_rows))]
        well_rows = right & well.to_numpy()
        if well_rows.any():
            parts.append(self._parse(indices.filter(well_rows), raws.filter(well_rows), rows))
        frame = pl.concat(parts).sort("i")
        rows.sort(key=lambda r: r.line)
        return Block(frame.drop("i", "raw"), (frame["i"] + self.number).alias("line"), frame["raw"],
                     rows, csv.header)

    def _split(self, indices: pl.Series, bodies: pl.Series) -> pl.DataFrame:
        """Plain lines: split at the delimiter (their width was checked)."""
        fields = bodies.str.split_exact(self.csv.source.delimiter, self.csv.width - 1).struct.unnest()
        fields.columns = self.csv.names
        return pl.concat([indices.to_frame(), fields, self.raws.gather(indices).alias("raw").to_frame()],
                         how="horizontal")

    def _parse(self, indices: pl.Series, raws: pl.Series, rows: list) -> pl.DataFrame:
        """Well-quoted lines: polars' CSV parser (their width was checked). Should it ever not give one
        row per line, the row reader reads them instead, one line at a time."""
        csv = self.csv
        schema = {f"c{n}": pl.String for n in range(csv.width)}
        text = "\n".join(raws.to_list()) + "\n"
        try:
            fields = pl.read_csv(io.BytesIO(text.encode("utf-8")), has_header=False, separator=csv.source.delimiter,
                                 quote_char='"', schema=schema, empty_string_is_null=False, raise_if_empty=False,
                                 truncate_ragged_lines=False, comment_prefix=None, eol_char="\n")
        except pl.exceptions.PolarsError:
            fields = None
        if fields is None or fields.height != raws.len():
            for i in indices.to_list():
                chunk = CsvChunks([self._line(i)], csv.source.delimiter).next(csv.width)
                rows.append(csv_row(chunk, csv.names, csv.header))
            return pl.DataFrame(schema={"i": pl.Int64, **{n: pl.String for n in csv.names}, "raw": pl.String})
        fields.columns = csv.names
        return pl.concat([indices.to_frame(), fields, raws.alias("raw").to_frame()], how="horizontal")

    def _run(self, start: int, cut: int, rows: list) -> int:
        """The row reader from line `start` until the next line is plain or well-quoted again; returns the
        first line it did not take."""
        taken = start

        def lines() -> Iterator[Line]:
            nonlocal taken
            while taken < cut:
                taken += 1
                yield self._line(taken - 1)

        chunks = CsvChunks(lines(), self.csv.source.delimiter)
        while (chunk := chunks.next(self.csv.width)) is not None:
            rows.append(csv_row(chunk, self.csv.names, self.csv.header))
            at = taken - chunks.pending
            if at >= cut or (not self.special[at] and chunks.pending == 0):
                return at
        return cut
