"""Quarantine: rows that could not become records, kept with where they came from and why.

One JSON Lines file per source (`<quarantine_dir>/<source>.jsonl`), rewritten by each ingest of that
source, so it always holds what the latest run set aside: fix the rows in the source and ingest again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO


class Quarantine:
    def __init__(self, folder: Path, source: str):
        self.path = folder / f"{source}.jsonl"
        self.source = source
        self.count = 0
        self._fh: IO[str] | None = None

    def __enter__(self) -> "Quarantine":
        if self.path.exists():
            self.path.unlink()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh:
            self._fh.close()
            self._fh = None

    def put(self, file: Path, line: int, raw: object, reason: str) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = self.path.open("w", encoding="utf-8")
        entry = {"source": self.source, "file": str(file), "line": line, "raw": raw, "reason": reason}
        self._fh.write(json.dumps(entry, ensure_ascii=False, default=str) + "\n")
        self.count += 1
