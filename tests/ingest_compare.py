"""Ingest the same files through the row path and the columnar path and give what each stored (tests)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping

TABLES = {  # every column but the run tag, which names the run; of the change sequences, whether set (batch
    # sizes differ between the paths, so the numbers do)
    "customer": "uid, source, source_id, first_name, last_name, full_name, dob, address, city, postcode, country,"
                " updated_at, row_hash, attributes, seq, resolve_seq > 0, link_seq > 0",
    "identifier": "kind, value",
    "customer_identifier": "*",
    "interaction": "uid, source, source_id, at, channel, type, customer_ref, attributes, row_hash, resolve_seq > 0",
    "interaction_identifier": "*",
}


def stored(db: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(db) as con:
        return {t: sorted(con.execute(f"SELECT {cols} FROM {t}").fetchall(), key=repr) for t, cols in TABLES.items()}


def run(folder: Path, work: Path, columnar: bool, times: int = 1) -> dict:
    """Copy the generated folder, ingest it `times` times; the stored tables, summaries and quarantine."""
    target = work / ("columnar" if columnar else "rows")
    shutil.copytree(folder, target)
    mapping = load_mapping(target / "idgraph.yaml")
    path = mapping.store_path()
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    summaries = []
    with SQLiteStore(path) as store:
        store.init()
        for _ in range(times):
            done = ingest(store, mapping, columnar=columnar)
            summaries.append([s.model_dump(exclude={"files", "quarantine_file"}) for s in done.sources])
            assert done.balanced
    quarantine = {p.name: p.read_text(encoding="utf-8").replace(str(target), "<dir>")
                  for p in sorted((target / mapping.quarantine_dir).glob("*"))}
    return {"tables": stored(path), "summaries": summaries, "quarantine": quarantine}
