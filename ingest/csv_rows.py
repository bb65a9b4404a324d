"""CSV rows out of physical lines, so that one broken quote costs one row, not the rest of the file.

A row is one physical line, unless a quoted field is still open at the end of it (a quoted newline).
Then the following lines are taken as its continuation only if, within ``MAX_LINES`` physical lines
and ``MAX_BYTES`` bytes, they close the quote at the end of a line, every closing quote is followed by
the delimiter or the end of the line (csv's strict mode), and the row has the header's number of
columns. Otherwise the quote was a stray one: the first line alone is set aside as an "unterminated
quote" and reading goes on at the next line, which is read as if nothing had happened.

A row within one line is read as the csv module reads it (a quote in the middle of an unquoted field
is a character; text after a closing quote is kept), so files that were read before read the same.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from idgraph.ingest.lines import Line, raw_text

MAX_LINES = 20  # physical lines one row may span
MAX_BYTES = 64 * 1024  # bytes one row may span
UNTERMINATED = "unterminated quote"


@dataclass(slots=True)
class Chunk:
    """One row's physical lines and its fields, or the reason it has none."""

    lines: list[Line]
    fields: list[str] | None
    reason: str | None = None

    @property
    def line(self) -> int:
        return self.lines[0].number

    @property
    def raw(self) -> str:
        return raw_text(self.lines)


def _reason(exc: csv.Error) -> str:
    if "new-line character" in str(exc):
        return "a line break (\\r) inside an unquoted field"
    return f"csv: {exc}"


def _with_newline(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


class CsvChunks:
    """The rows of a stream of lines; `next(width)` gives the next non-empty one, or None at the end."""

    def __init__(self, lines: Iterable[Line], delimiter: str):
        self._lines: Iterator[Line] = iter(lines)
        self._back: deque[Line] = deque()  # lines read ahead for a continuation that was refused
        self.delimiter = delimiter

    @property
    def pending(self) -> int:
        """Lines read ahead for a refused continuation and not given back as rows yet."""
        return len(self._back)

    def _take(self) -> Line | None:
        if self._back:
            return self._back.popleft()
        return next(self._lines, None)

    def next(self, width: int | None) -> Chunk | None:
        while (line := self._take()) is not None:
            text = line.text
            if '"' not in text and "\r" not in text.rstrip("\r\n"):  # no quotes: what csv would do, faster
                body = text.rstrip("\r\n")
                if body:
                    return Chunk([line], body.split(self.delimiter))
                continue  # an empty line is no row
            try:
                fields = next(csv.reader([_with_newline(text)], delimiter=self.delimiter))
            except csv.Error as exc:
                return Chunk([line], None, _reason(exc))
            except StopIteration:  # pragma: no cover - a reader always yields for one line
                continue
            if not fields:
                continue  # an empty line is no row
            if fields[-1].endswith("\n"):  # the line ended inside a quoted field
                return self._continued(line, width)
            return Chunk([line], fields)
        return None

    def _continued(self, first: Line, width: int | None) -> Chunk:
        taken = [first]

        def feed() -> Iterator[str]:
            yield _with_newline(first.text)
            size = len(first.data)
            while len(taken) < MAX_LINES:
                line = self._take()
                if line is None:
                    return
                taken.append(line)
                size += len(line.data)
                if size > MAX_BYTES:
                    return
                yield _with_newline(line.text)

        reader = csv.reader(feed(), delimiter=self.delimiter, strict=True)
        try:
            fields = next(reader)
        except (csv.Error, StopIteration):
            fields = None
        if fields is not None and reader.line_num == len(taken) and (width is None or len(fields) == width):
            return Chunk(taken, fields)
        self._back.extendleft(reversed(taken[1:]))
        return Chunk([first], None, UNTERMINATED)
