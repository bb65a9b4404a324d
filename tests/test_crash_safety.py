"""A run killed half way leaves the store as it was before a batch or after it, never between."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from idgraph.graph.sqlite_store import STAGED_ROWS
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate

INGEST = """
import sys
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
m = load_mapping(sys.argv[1]); s = SQLiteStore(m.store_path()); s.init()
ingest(s, m, ["web"], batch_size=int(sys.argv[2]))
"""


# batches through JSON into temporary tables, and batches staged by ADBC (graph/sqlite_staging.py)
@pytest.mark.parametrize("batch", [500, STAGED_ROWS])
def test_killed_ingest_leaves_whole_batches(tmp_path, batch):
    generated = generate(tmp_path, people=6000, seed=9, malformed=False)
    db = load_mapping(generated.mapping_path).store_path()
    proc = subprocess.Popen([sys.executable, "-c", INGEST, str(generated.mapping_path), str(batch)])
    deadline = time.monotonic() + 120
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(db, timeout=1) as con:
                seen = con.execute("SELECT COUNT(*) FROM interaction").fetchone()[0]
        except sqlite3.OperationalError:
            seen = 0
        if seen >= 2 * batch:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "ingest finished before it could be killed: make the data bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = con.execute("SELECT COUNT(*) FROM interaction").fetchone()[0]
    assert count % batch == 0 and count >= 2 * batch
    total = generated.counts["web"]
    assert count < total
    # every stored event has all its identifier edges: no half-written batch
    orphans = con.execute("SELECT COUNT(*) FROM interaction_identifier ii LEFT JOIN interaction i "
                          "ON i.uid = ii.interaction_uid WHERE i.uid IS NULL").fetchone()[0]
    assert orphans == 0
