"""What every source writer shares: the context (rng, population, accounts made so far, truth) and
sinks that write CSV or JSON Lines byte by byte while counting physical lines, so that deliberately
malformed rows can be listed with their line numbers."""
from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .population import Population
from .truth import Truth


@dataclass
class Account:
    """A customer record some later source can name (shop account, loyalty card, app user)."""
    record_id: str
    pid: str
    created: date
    email: str | None = None
    device: str | None = None


@dataclass
class Context:
    rng: random.Random
    pop: Population
    out_dir: Path
    truth: Truth
    shop: dict[str, list[Account]] = field(default_factory=dict)
    cards: dict[str, list[Account]] = field(default_factory=dict)
    app: dict[str, list[Account]] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


class CsvSink:
    def __init__(self, path: Path, header: list[str], delimiter: str = ",", encoding: str = "utf-8",
                 newline: str = "\n", bom: bool = False):
        self.path, self.delimiter, self.encoding, self.newline = path, delimiter, encoding, newline
        self.buf = bytearray(b"\xef\xbb\xbf" if bom else b"")
        self.line = 1
        self.rows = 0
        self._emit(self._text(header))
        self.rows = 0

    def _text(self, values: list) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter=self.delimiter, lineterminator=self.newline,
                   quoting=csv.QUOTE_MINIMAL).writerow(["" if v is None else v for v in values])
        return out.getvalue()

    def _emit(self, data: str | bytes) -> int:
        first = self.line
        if isinstance(data, str):
            data = data.encode(self.encoding, errors="replace")
        self.buf += data
        self.line += data.count(b"\n")
        self.rows += 1
        return first

    def row(self, values: list) -> int:
        """Write one well-formed row; returns its first physical line number."""
        return self._emit(self._text(values))

    def raw(self, data: str | bytes) -> int:
        """Write a line as given (a malformed row)."""
        return self._emit(data)

    def text(self, values: list) -> str:
        return self._text(values)

    def close(self) -> None:
        self.path.write_bytes(bytes(self.buf))


class JsonlSink:
    def __init__(self, path: Path):
        self.path = path
        self.buf = bytearray()
        self.line = 1
        self.rows = 0

    def row(self, obj: dict) -> int:
        return self.raw(json.dumps(obj, ensure_ascii=False) + "\n")

    def raw(self, text: str) -> int:
        first = self.line
        self.buf += text.encode("utf-8")
        self.line += 1
        self.rows += 1
        return first

    def close(self) -> None:
        self.path.write_bytes(bytes(self.buf))
