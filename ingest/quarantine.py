"""Quarantine: rows that could not become records, kept with where they came from and why.

One JSON Lines file per source (`<quarantine_dir>/<source>.jsonl`), rewritten by each ingest of that
source, so it always holds what the latest run set aside. An entry is

    {"source": "crm", "file": "crm.csv", "line": 12, "raw": "...", "reason": "...",
     "raw_base64": "...", "header": "..."}

`raw` is the row's exact text: its physical line(s) as read, less the last line's terminator.
`raw_base64` (only when some bytes could not be decoded; `raw` then holds U+FFFD in their place) is
the row's bytes. `header` (CSV only) is the header row's text, so the row can be read on its own.
The file may be edited: fix `raw` (or the mapping) and `idgraph quarantine replay SOURCE` reads the
rows again. A new file is written beside the old one and replaces it only when the run succeeds.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict, ValidationError

from idgraph.graph.errors import SourceError


class Entry(BaseModel):
    """One quarantined row, as read back from a (possibly hand-edited) quarantine file."""

    model_config = ConfigDict(extra="allow")

    source: str
    file: str
    line: int
    raw: str | dict  # a dict: the values of a row, written by versions that did not keep the text
    reason: str
    raw_base64: str | None = None
    header: str | None = None


class Quarantine:
    def __init__(self, folder: Path, source: str):
        self.path = folder / f"{source}.jsonl"
        self._new = folder / f".{source}.jsonl.new"
        self.source = source
        self.count = 0
        self._fh: IO[str] | None = None

    def __enter__(self) -> "Quarantine":
        self.count = 0
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._fh:
            self._fh.close()
            self._fh = None
        if exc_type is not None:  # the run failed: the file of the last good run stays
            self._new.unlink(missing_ok=True)
        elif self.count:
            os.replace(self._new, self.path)
        else:
            self.path.unlink(missing_ok=True)

    def put(self, file: Path, line: int, raw: str | dict, reason: str, raw_base64: str | None = None,
            header: str | None = None) -> None:
        if self._fh is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # a lone surrogate (a "\udce9" a person typed in raw) is written back as that JSON escape
                self._fh = self._new.open("w", encoding="utf-8", errors="backslashreplace")
            except OSError as exc:
                raise SourceError(f"{self.path}: cannot write the quarantine file of source {self.source!r}: "
                                  f"{exc.strerror or exc}; check quarantine_dir in the mapping") from None
        entry: dict = {"source": self.source, "file": str(file), "line": line, "raw": raw, "reason": reason}
        if raw_base64 is not None:
            entry["raw_base64"] = raw_base64
        if header is not None:
            entry["header"] = header
        self._fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self.count += 1


def entries(path: Path) -> Iterator[Entry]:
    """The entries of a quarantine file; a line that is not an entry stops with its line number."""
    with path.open(encoding="utf-8", errors="strict") as fh:
        try:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    yield Entry.model_validate_json(text)
                except ValidationError as exc:
                    problem = exc.errors()[0]
                    where = ".".join(str(p) for p in problem["loc"])
                    raise SourceError(f"{path}, line {number}: not a quarantine entry"
                                      f"{f' ({where})' if where else ''}: {problem['msg']}") from None
        except UnicodeDecodeError as exc:
            raise SourceError(f"{path}: not UTF-8 text ({exc.reason})") from None


def reason_group(reason: str) -> str:
    """A reason less the value it quotes at its end ("timestamp: time-format ('yesterday')"), so the
    same problem on many rows is counted once."""
    return re.sub(r"\s*\([^()]*\)$", "", reason) or reason


class SourceCount(BaseModel):
    source: str
    file: str
    rows: int
    reasons: dict[str, int]


def counts(folder: Path, sources: list[str]) -> list[SourceCount]:
    """Quarantined rows per source and reason (sources with none are left out)."""
    found = []
    for name in sources:
        path = folder / f"{name}.jsonl"
        if not path.is_file():
            continue
        reasons = Counter(reason_group(e.reason) for e in entries(path))
        if reasons:
            found.append(SourceCount(source=name, file=str(path), rows=sum(reasons.values()),
                                     reasons=dict(reasons.most_common())))
    return found
