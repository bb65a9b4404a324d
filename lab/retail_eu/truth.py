"""The truth: who every record and event belongs to, who lives together, and which rows were made
malformed on purpose (``malformed.csv``: source, line, record_id, reason; line numbers are physical
lines of the file, the header being line 1)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .population import Population


class Truth:
    def __init__(self):
        self.rows: dict[tuple[str, str], str] = {}
        self.malformed: list[tuple[str, int, str, str]] = []

    def add(self, source: str, record_id: str, pid: str) -> None:
        key = (source, record_id.strip())
        known = self.rows.get(key)
        if known is not None and known != pid:
            raise ValueError(f"id {key} given to two people: {known} and {pid}")
        self.rows[key] = pid

    def bad(self, source: str, line: int, record_id: str, reason: str) -> None:
        self.malformed.append((source, line, record_id, reason))

    def write(self, out_dir: Path, pop: Population) -> tuple[Path, Path, Path]:
        truth_path = out_dir / "truth.csv"
        _write_csv(truth_path, ["source", "record_id", "person_id"],
                   [[s, r, p] for (s, r), p in self.rows.items()])
        households_path = out_dir / "households.csv"
        _write_csv(households_path, ["person_id", "household_id"],
                   [[p.pid, p.household.hid] for p in pop.people])
        malformed_path = out_dir / "malformed.csv"
        _write_csv(malformed_path, ["source", "line", "record_id", "reason"],
                   [list(m) for m in self.malformed])
        return truth_path, households_path, malformed_path


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
