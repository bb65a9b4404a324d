"""Export: one row per customer record and per interaction with its profile, plus a profiles file.

`records.<fmt>`: kind, source, record_id, profile_id (empty when not resolved or not attributed).
`profiles.<fmt>`: every profile with its status, lineage and golden record, and household_ids (the
households it is in, space-separated). Formats: csv, jsonl.
Streams from the store, so the export of millions of rows holds none of them in memory at once.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel

from idgraph.graph.store import Store

RECORD_COLUMNS = ("kind", "source", "record_id", "profile_id")


class ExportSummary(BaseModel):
    records_file: str
    profiles_file: str
    records: int
    profiles: int


def _write(path: Path, columns: tuple[str, ...] | None, rows: Iterable[dict], fmt: str) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = None
        for row in rows:
            if fmt == "jsonl":
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                if writer is None:
                    writer = csv.DictWriter(fh, fieldnames=list(columns or row.keys()))
                    writer.writeheader()
                writer.writerow(row)
            n += 1
    return n


def export(store: Store, out_dir: Path, fmt: str = "csv") -> ExportSummary:
    if fmt not in ("csv", "jsonl"):
        raise ValueError(f"unknown format {fmt!r}: csv or jsonl")
    out_dir.mkdir(parents=True, exist_ok=True)
    records_path, profiles_path = out_dir / f"records.{fmt}", out_dir / f"profiles.{fmt}"
    records = (dict(zip(RECORD_COLUMNS, r)) for r in store.bulk("records"))
    n_records = _write(records_path, RECORD_COLUMNS, records, fmt)
    households: dict[str, list[str]] = {}
    for profile_id, household_id in store.bulk("household_members"):
        households.setdefault(profile_id, []).append(household_id)
    profiles = ({**p, "household_ids": " ".join(households.get(p["profile_id"], []))} for p in store.bulk("profiles"))
    n_profiles = _write(profiles_path, None, profiles, fmt)
    return ExportSummary(records_file=str(records_path), profiles_file=str(profiles_path),
                         records=n_records, profiles=n_profiles)
