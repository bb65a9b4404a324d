"""Jobs that must not overlap with themselves (two resolves, two links) hold a lease in the store: the
second says who runs and stops, or waits; a killed job's lease is taken over (graph/work.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest

from idgraph.graph import work
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from tests.helpers import person, small_project

CRM = [person("1", "Ann", "Lee", "ann@lee.co"), person("2", "Ann", "Lee", "ann@lee.co")]


def test_a_second_resolve_says_who_runs_or_waits(store, tmp_path):
    mapping = load_mapping(small_project(tmp_path, CRM))
    ingest(store, mapping)
    with work.lease(store, "resolve"):
        with pytest.raises(work.Busy, match=f"another resolve is running: pid {os.getpid()} on "
                                            f"{socket.gethostname()}") as refused:
            resolve(store, mapping)
        assert refused.value.exit_code == 3
        assert store.stats()["customers_to_resolve"] == 2  # it wrote nothing
    held = work.lease(store, "resolve")
    held.__enter__()
    threading.Timer(0.6, held.__exit__, (None, None, None)).start()
    started = time.monotonic()
    assert resolve(store, mapping, wait=30).profiles_written == 1  # it waited for the other to finish
    assert time.monotonic() - started >= 0.5
    # a resolve and a link do not exclude each other
    with work.lease(store, "link"):
        assert resolve(store, mapping).scope == "none"


def test_a_lease_is_renewed_once_a_tenth_of_it_has_run_and_a_taken_over_one_stops_the_run(store):
    taken: list[str] = []
    real = store.take_lease

    def counted(job, holder, now, replaces=None):
        taken.append(job)
        return real(job, holder, now, replaces)

    store.take_lease = counted
    try:
        with work.lease(store, "resolve", ttl=900) as held:
            held.renew()
            held.renew()
            assert taken == ["resolve"]  # most of the lease is left: no write for the renewals
            held.taken -= 90  # a tenth of it has run
            held.renew()
            assert taken == ["resolve", "resolve"]
            real("resolve", {**held.holder(), "owner": "Lother", "expires_at": "2999-01-01T00:00:00.000000Z"},
                 "2999-01-01T00:00:00.000000Z")  # another run took it (as after an expiry)
            held.taken -= 90
            with pytest.raises(work.Busy, match="was taken over"):
                held.renew()
    finally:
        store.take_lease = real


def test_an_expired_lease_is_taken_over(store):
    stale = {"owner": "Lother", "pid": 1, "host": "elsewhere.example", "taken_at": "2024-01-01T00:00:00.000000Z",
             "expires_at": "2024-01-01T00:15:00.000000Z"}
    assert store.take_lease("link", stale, "2024-01-01T00:01:00.000000Z") is None
    held = store.take_lease("link", dict(stale, owner="Lme"), "2024-01-01T00:02:00.000000Z")
    assert held["owner"] == "Lother" and held["host"] == "elsewhere.example"  # still valid then
    with work.lease(store, "link") as mine:  # now is long after it expired
        assert store.take_lease("link", stale, work.stamp())["owner"] == mine.owner


TAKE_AND_DIE = """
import os, signal, sys
from idgraph.graph import work
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.graph.neo4j_store import Neo4jStore
store = SQLiteStore(sys.argv[1]) if sys.argv[1] != "neo4j" else Neo4jStore.from_env()
store.init()
with work.lease(store, "resolve"):
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_the_lease_of_a_killed_resolve_is_taken_over(store, tmp_path, request):
    mapping = load_mapping(small_project(tmp_path, CRM))
    ingest(store, mapping)
    env = dict(os.environ)
    if store.name == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        env.update(NEO4J_URI=server.uri, NEO4J_USERNAME=server.user, NEO4J_PASSWORD=server.password,
                   NEO4J_DATABASE=server.database)
    target = str(store.path) if store.name == "embedded" else "neo4j"
    died = subprocess.run([sys.executable, "-c", TAKE_AND_DIE, target], env=env, timeout=120)
    assert died.returncode == -9
    assert resolve(store, mapping).profiles_written == 1  # at once: its process is gone


def test_a_store_file_with_boolean_marks_is_migrated(tmp_path):
    import sqlite3
    from pathlib import Path

    from idgraph.graph.sqlite_store import SQLiteStore
    from tests.helpers import to_link, to_resolve

    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript((Path(__file__).parent / "fixtures" / "sqlite_schema_before_sequences.sql").read_text())
    old.executemany("INSERT INTO customer (uid, source, source_id, row_hash, seq, dirty, link_dirty) VALUES "
                    "(?, 'crm', ?, 'h', ?, ?, ?)", [("crm:1", "1", 1, 1, 0), ("crm:2", "2", 2, 0, 1),
                                                   ("crm:3", "3", 3, 0, 0)])
    old.execute("INSERT INTO interaction (uid, source, source_id, row_hash, dirty) VALUES ('web:1', 'web', '1', 'h', 1)")
    old.commit()
    old.close()
    with SQLiteStore(path) as store:
        store.init()
        store.init()  # once is enough
        assert to_resolve(store) == ["crm:1"] and to_link(store) == ["crm:2"]
        assert store.changed("attribution", 0) == ["web:1"] and store.marks()["sequence"] == 1
        store.write_customers([], "t")
        assert store.marks()["sequence"] == 2


def test_a_new_store_file_has_16_kib_pages_and_an_older_one_keeps_its_own(tmp_path):
    import sqlite3

    from idgraph.graph.records import CustomerRow
    from idgraph.graph.sqlite_store import PAGE_SIZE, SQLiteStore
    from tests.helpers import to_resolve

    ann = [CustomerRow(uid="crm:1", source="crm", source_id="1", first_name="Ann", row_hash="h1",
                       identifiers=[("email", "ann@mailbox.co.uk")])]

    with SQLiteStore(tmp_path / "new.db") as store:
        store.init()
        store.write_customers(ann, "t")
        assert store.db.execute("PRAGMA page_size").fetchone() == (PAGE_SIZE,) == (16384,)
    old = sqlite3.connect(tmp_path / "old.db")
    old.execute("PRAGMA journal_mode=WAL")
    old.execute("CREATE TABLE made_before (x)")
    old.close()
    with SQLiteStore(tmp_path / "old.db") as store:
        store.init()
        store.write_customers(ann, "t")
        assert store.db.execute("PRAGMA page_size").fetchone() == (4096,)
        assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert to_resolve(store) == ["crm:1"]


def test_a_graph_with_boolean_marks_is_migrated(neo4j_clean):
    from idgraph.graph.neo4j_store import Neo4jStore
    from tests.helpers import to_link, to_resolve
    from tests.neo4j_server import cypher

    neo4j_clean.query(cypher("old_marks"))
    with Neo4jStore(neo4j_clean.uri, neo4j_clean.user, neo4j_clean.password, neo4j_clean.database) as store:
        store.init()
        store.init()
        assert to_resolve(store) == ["crm:1"] and to_link(store) == ["crm:2"]
        assert store.changed("attribution", 0) == ["web:1"] and store.marks()["sequence"] == 1
        store.add_audit([{"at": "2024-02-01", "action": "forgotten", "by": "dpo"}])
        assert [a["seq"] for a in store.audit()] == [7, 8]  # numbered after the entries already there
