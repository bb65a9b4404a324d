"""The embedded store's bulk writes staged through ADBC (graph/sqlite_staging.py) against the same writes
through JSON in temporary tables: the store must not tell them apart."""

from __future__ import annotations

import dataclasses
import os
import random
import sqlite3
import subprocess
import sys
import tempfile

import polars as pl
import pytest

from idgraph.graph import hooks, sqlite_store
from idgraph.graph.record_frames import customer_frame, interaction_frame
from idgraph.graph.records import CustomerRow, InteractionRow, WriteCounts
from idgraph.graph.sqlite_staging import PREFIX, Staging, sweep
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate

ODD = ["Zoë", "O'Brien", "x\x00y", "  padded ", "\\back", "日本", ""]


def test_a_frame_arrives_as_sqlite3_binds_it(tmp_path):
    db = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    staging = Staging(db)
    frame = pl.DataFrame({"text": [*ODD, None], "n": [1, -2, 2**62, None, 0, 5, 6, 7],
                          "blank": [None] * 8})
    table = staging.load("t", frame)
    assert db.execute(f"SELECT text, n, blank FROM {table} ORDER BY rowid").fetchall() == frame.rows()
    assert db.execute(f"SELECT DISTINCT typeof(n) FROM {table} WHERE n IS NOT NULL").fetchall() == [("integer",)]
    staging.load("t", frame.head(2))  # replaces the last one
    assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (2,)
    db.execute("BEGIN")
    with pytest.raises(RuntimeError, match="before the transaction"):
        staging.load("t", frame)
    db.execute("ROLLBACK")
    folder = staging._folder
    staging.close()
    assert not folder.exists()
    assert [row[1] for row in db.execute("PRAGMA database_list")] == ["main"]


def _customers(rng: random.Random, ids: range, version: int) -> list[CustomerRow]:
    rows = []
    for i in ids:
        ident = [("email", f"p{i % 97}@mail.co")] if rng.random() < 0.8 else []
        if rng.random() < 0.5:
            ident.append(("phone", f"+4477009{i % 53:05d}"))
        rows.append(CustomerRow(uid=f"crm:{i}", source="crm", source_id=str(i),
                                first_name=rng.choice([*ODD, None, "ann"]), last_name=f"n{i % 7}",
                                postcode=rng.choice([None, "E1 6AN"]), row_hash=f"h{i}-{version}",
                                identifiers=ident, attributes={"tier": "gold"} if i % 5 == 0 else {}))
    return rows


def _events(rng: random.Random, ids: range, version: int) -> list[InteractionRow]:
    return [InteractionRow(uid=f"web:{i}", source="web", source_id=str(i), at=f"2024-01-01T00:00:{i % 60:02d}Z",
                           channel="web", customer_ref=f"crm:{i % 400}" if rng.random() < 0.6 else None,
                           attributes=None if i % 3 else '{"amount": 3}', row_hash=f"e{i}-{version}",
                           identifiers=[("device", f"d{i % 211}")] + ([("email", f"p{i % 97}@mail.co")] if i % 4 else []))
            for i in ids]


def _contents(path) -> dict[str, list[tuple]]:
    """Every table's rows, with the rowid where a table has one (it gives the order rows arrived in)."""
    db = sqlite3.connect(path)
    contents = {}
    for table, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        keyed = "WITHOUT ROWID" in sql.upper()
        contents[table] = db.execute(f"SELECT * FROM {table}" if keyed
                                     else f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
        if keyed:
            contents[table].sort(key=repr)
    return contents


def _write_batches(store: SQLiteStore) -> list[WriteCounts]:
    rng = random.Random(7)
    counts = [store.write_customer_frame(customer_frame(_customers(rng, range(0, 400), 1)), "t1"),
              store.write_interaction_frame(interaction_frame(_events(rng, range(0, 900), 1)), "t2")]
    # the second time: records and events unchanged, changed (content and identifiers) and new
    again = _customers(rng, range(0, 200), 1) + _customers(rng, range(200, 300), 2) + _customers(rng, range(400, 450), 1)
    counts.append(store.write_customer_frame(customer_frame(again), "t3"))
    events = _events(rng, range(0, 300), 1) + _events(rng, range(300, 600), 2) + _events(rng, range(900, 1000), 1)
    counts.append(store.write_interaction_frame(interaction_frame(events), "t4"))
    return counts


def test_staged_and_unstaged_batches_leave_the_same_store(tmp_path, monkeypatch):
    results = {}
    for staged, threshold in (("staged", 0), ("unstaged", 10**9)):
        monkeypatch.setattr(sqlite_store, "STAGED_ROWS", threshold)
        path = tmp_path / f"{staged}.db"
        store = SQLiteStore(path)
        store.init()
        counts = _write_batches(store)
        assert (store._staging is not None) == (staged == "staged")
        store.close()
        results[staged] = counts, _contents(path)
    assert results["staged"] == results["unstaged"]
    counts, contents = results["staged"]
    assert counts[2] == WriteCounts(inserted=50, updated=100, unchanged=200)
    assert counts[3] == WriteCounts(inserted=100, updated=300, unchanged=300)
    assert len(contents["customer"]) == 450 and len(contents["interaction"]) == 1000
    assert [row[1] for row in contents["customer"][-50:]] == [f"crm:{i}" for i in range(400, 450)]


def test_a_staged_batch_whose_transaction_fails_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_store, "STAGED_ROWS", 0)
    store = SQLiteStore(tmp_path / "s.db")
    store.init()
    rng = random.Random(3)

    def dying() -> None:
        raise RuntimeError("killed before commit")

    hooks.install("store.commit", dying)
    try:
        with pytest.raises(RuntimeError, match="killed"):
            store.write_customer_frame(customer_frame(_customers(rng, range(0, 100), 1)), "t1")
    finally:
        hooks.clear()
    assert store.stats()["customers"] == 0
    # the scratch file serves the next batch as before
    assert store.write_customer_frame(customer_frame(_customers(rng, range(0, 100), 1)), "t2").inserted == 100
    folder = store._staging._folder
    store.close()
    assert not folder.exists()


def test_a_pipeline_staged_and_unstaged_resolves_to_the_same_profiles(tmp_path, monkeypatch):
    """Ingest, link and resolve, then resolve again from scratch (every profile known, updated in place),
    with every batch staged and with none: the same records, links, profiles, attributions and audit."""
    results = {}
    for staged, threshold in (("staged", 0), ("unstaged", 10**9)):
        monkeypatch.setattr(sqlite_store, "STAGED_ROWS", threshold)
        generated = generate(tmp_path / staged, people=400, seed=21, malformed=False)
        mapping = load_mapping(generated.mapping_path)
        store = SQLiteStore(mapping.store_path())
        store.init()
        ingest(store, mapping)
        link(store, mapping)
        resolve(store, mapping)
        resolve(store, mapping, full=True)
        assert (store._staging is not None) == (staged == "staged")
        store.close()
        db = sqlite3.connect(mapping.store_path())
        results[staged] = {q: db.execute(q).fetchall() for q in (
            "SELECT uid, profile_id, seq FROM customer ORDER BY uid",
            "SELECT uid, profile_id FROM interaction ORDER BY uid",
            "SELECT a_uid, b_uid, kind, score FROM link ORDER BY a_uid, b_uid",
            "SELECT profile_id, seq, status, merged_into, first_name, last_name, dob, email, phone, address, "
            "postcode, customer_count, sources, interaction_count FROM profile ORDER BY profile_id",
            "SELECT action, profile_id FROM audit ORDER BY seq")}
    assert results["staged"] == results["unstaged"]
    attributed = results["staged"]["SELECT uid, profile_id FROM interaction ORDER BY uid"]
    assert sum(p is not None for _, p in attributed) > 100


def test_staged_rows_do_not_outlive_their_write(tmp_path, monkeypatch):
    """Staged rows are personal data: once copied, not one of their bytes is left in the scratch file."""
    monkeypatch.setattr(sqlite_store, "STAGED_ROWS", 0)
    store = SQLiteStore(tmp_path / "s.db")
    store.init()
    rows = _customers(random.Random(5), range(0, 300), 1)
    rows[7] = dataclasses.replace(rows[7], first_name="Wilhelmina-Unforgettable")
    store.write_customer_frame(customer_frame(rows), "t1")
    scratch = store._staging._folder / "staging.sqlite"
    assert b"Unforgettable" not in scratch.read_bytes() and b"crm:299" not in scratch.read_bytes()
    assert store.db.execute("SELECT count(*) FROM staging.sqlite_master").fetchone() == (0,)
    assert store.db.execute("SELECT first_name FROM customer WHERE uid = 'crm:7'").fetchone() == (
        "Wilhelmina-Unforgettable",)
    store.close()


_KILLED_MID_WRITE = """
import os, signal, sqlite3
import polars as pl
from idgraph.graph.sqlite_staging import Staging
staging = Staging(sqlite3.connect("killed.db", isolation_level=None))
staging.load("rows", pl.DataFrame({"email": ["ann@example.com"] * 100}))
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_folder_of_a_killed_process_is_removed_by_the_next_store(tmp_path, monkeypatch):
    """A process killed with rows staged cannot remove its folder; the next store object made on the
    machine does, and leaves alone the folders of stores still open, in this process or another."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    db = sqlite3.connect(tmp_path / "open.db", isolation_level=None)
    open_here = Staging(db)
    killed = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE], cwd=tmp_path,
                            env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=60)
    assert killed.returncode == -9
    folders = sorted(tmp_path.glob(PREFIX + "*"))
    assert len(folders) == 2 and open_here._folder in folders
    again = Staging(sqlite3.connect(tmp_path / "again.db", isolation_level=None))
    assert sorted(tmp_path.glob(PREFIX + "*")) == sorted([open_here._folder, again._folder])
    assert sweep() == 0
    assert db.execute(f"SELECT count(*) FROM {open_here.load('t', pl.DataFrame({'a': [1, 2]}))}").fetchone() == (2,)
    again.close()
    open_here.close()
    assert list(tmp_path.glob(PREFIX + "*")) == []
