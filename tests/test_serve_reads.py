"""How the service shares the embedded store: reads borrow connections from a pool, and the writer's
store checkpoints its write-ahead log from a thread of its own. Real SQLite files, no server."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time

from idgraph.graph.records import CustomerRow
from idgraph.graph.sqlite_store import WAL_BOUND_PAGES, SQLiteStore
from idgraph.service.reads import Commits, Reads


def _rows(n: int, start: int = 0) -> list[CustomerRow]:
    return [CustomerRow(uid=f"crm:{i}", source="crm", source_id=str(i), first_name="Ann", row_hash=f"h{i}",
                        identifiers=[("email", f"p{i}@mailbox.co.uk")]) for i in range(start, start + n)]


def _store(path) -> SQLiteStore:
    store = SQLiteStore(path)
    store.init()
    return store


def _in_a_new_thread(fn) -> None:
    thread = threading.Thread(target=fn)
    thread.start()
    thread.join()


def test_reads_borrow_from_a_pool_as_many_stores_as_ran_at_once_not_one_per_thread(tmp_path):
    """The thread pool retires idle threads: a store per thread would open a connection for each new one."""
    _store(tmp_path / "s.db").close()
    reads = Reads(lambda: _store(tmp_path / "s.db"), Commits(), lambda: None)
    try:
        counts: list[int] = []
        for _ in range(10):
            _in_a_new_thread(lambda: counts.append(reads.run(lambda s: s.customer_count())))
        assert counts == [0] * 10 and reads.opened() == 1
        together = threading.Barrier(3)

        def held(store):
            together.wait(30)  # three reads at once: each holds its own connection
            return store.customer_count()

        threads = [threading.Thread(target=reads.run, args=(held,)) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert reads.opened() == 3
        writer = _store(tmp_path / "s.db")
        writer.write_customers(_rows(5), "t")
        writer.close()
        for _ in range(10):  # a borrowed store reads what was committed since it was last used
            _in_a_new_thread(lambda: counts.append(reads.run(lambda s: s.customer_count())))
        assert counts[-10:] == [5] * 10 and reads.opened() == 3
    finally:
        reads.close()


def test_the_writer_checkpoints_in_the_background_and_stops_with_its_store(tmp_path):
    store = _store(tmp_path / "s.db")
    store.checkpoint_in_background(0.02)
    # commits checkpoint only past the bound (256 MiB), which these writes do not reach
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_BOUND_PAGES
    store.write_customers(_rows(200), "t")
    checkpointer = store._checkpointer
    seen = checkpointer.rounds
    deadline = time.monotonic() + 60
    while checkpointer.rounds < seen + 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    # the database file alone, without its log, holds the rows: the thread copied them there
    shutil.copy(tmp_path / "s.db", tmp_path / "copy.db")
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT COUNT(*) FROM customer").fetchone()[0] == 200
    copy.close()
    store.close()
    assert not checkpointer.alive()


def test_the_writer_runs_polars_and_the_matcher_on_one_thread_unless_the_operator_chose(tmp_path, monkeypatch):
    """A pool on every core would take the one the serving process answers lookups on; a
    POLARS_MAX_THREADS or IDGRAPH_MATCHER_THREADS the operator set is kept, and the serving process's own
    environment is unchanged."""
    import os

    import yaml

    from idgraph.service.writer import MATCHER_THREADS, POLARS_THREADS, Settings, WriterProcess

    (tmp_path / "crm.csv").write_text("id,first,email\n1,ann,ann@mailbox.co.uk\n", encoding="utf-8")
    (tmp_path / "idgraph.yaml").write_text(yaml.safe_dump({"project": "w", "sources": {"crm": {
        "path": "crm.csv", "id": "id", "fields": {"first_name": "first", "email": "email"}}}}))
    settings = Settings(str(tmp_path / "idgraph.yaml"), None)

    commits = Commits()  # held: the writer unpickles its lock after start() returns

    def threads() -> tuple[int, int]:
        writer = WriterProcess(settings, commits)
        writer.start()
        try:
            assert writer.ready.wait(120), writer.failed
            return writer.facts["polars_threads"], writer.facts["matcher_threads"]
        finally:
            writer.stop()

    monkeypatch.delenv(POLARS_THREADS, raising=False)
    monkeypatch.delenv(MATCHER_THREADS, raising=False)
    assert threads() == (1, 1) and POLARS_THREADS not in os.environ and MATCHER_THREADS not in os.environ
    monkeypatch.setenv(POLARS_THREADS, "2")
    monkeypatch.setenv(MATCHER_THREADS, "3")
    assert threads() == (2, 3) and os.environ[POLARS_THREADS] == "2" and os.environ[MATCHER_THREADS] == "3"


def test_what_start_made_is_left_out_of_garbage_collection_in_both_processes(tmp_path):
    """A full collection walks every object a process holds: 80-90 ms in the serving process once its
    imports are loaded, which stopped every lookup in flight. Both processes freeze what start made."""
    import gc

    import yaml
    from fastapi.testclient import TestClient

    from idgraph.service import create_app
    from idgraph.service.config import ServeConfig

    (tmp_path / "crm.csv").write_text("id,first,email\n1,ann,ann@mailbox.co.uk\n", encoding="utf-8")
    (tmp_path / "idgraph.yaml").write_text(yaml.safe_dump({"project": "w", "sources": {"crm": {
        "path": "crm.csv", "id": "id", "fields": {"first_name": "first", "email": "email"}}}}))
    gc.unfreeze()
    app = create_app(ServeConfig(mapping_path=tmp_path / "idgraph.yaml", no_auth=True))
    try:
        with TestClient(app) as client:
            assert app.state.writer.ready.wait(120), app.state.writer.failed
            assert client.get("/readyz").status_code == 200
            assert gc.get_freeze_count() > 10_000  # this process's imports: pytest, fastapi, polars...
            assert app.state.writer.facts["gc_frozen"] > 10_000
    finally:
        gc.unfreeze()


def test_ingest_checkpoints_in_the_background_while_it_runs_and_leaves_commits_checkpointing(tmp_path, monkeypatch):
    from idgraph.graph.sqlite_store import _Checkpointer
    from idgraph.ingest.jobs.ingest import ingest
    from idgraph.ingest.mapping import load_mapping
    from tests.helpers import person, small_project

    started: list[_Checkpointer] = []
    real = _Checkpointer.__init__

    def watched(self, path, interval):
        real(self, path, interval)
        started.append(self)

    monkeypatch.setattr(_Checkpointer, "__init__", watched)
    mapping = load_mapping(small_project(tmp_path, [person(f"C{i}", "ann", f"lee{i}", f"a{i}@x.org")
                                                    for i in range(50)]))
    store = _store(tmp_path / "s.db")
    ingest(store, mapping)
    assert len(started) == 1  # it ran during the ingest, and ends with it (after the round under way)
    started[0]._thread.join(timeout=60)
    assert not started[0].alive()
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    assert store.customer_count() == 50

    store.checkpoint_in_background(0.02)  # a long-lived one (the service's writer) is left as it is
    ingest(store, mapping)
    assert len(started) == 2 and started[1].alive()
    assert store.db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_BOUND_PAGES
    store.close()
    assert not started[1].alive()


def test_after_jobs_that_checkpoint_in_the_background_the_closed_store_file_alone_is_whole(tmp_path, monkeypatch):
    """The job's checkpointer finishes its last round on its own; close() waits for it, so the store's own
    connection is the last and SQLite copies the whole log into the file: a copy of the file alone (what
    people back up) opens whole."""
    from idgraph.graph.sqlite_store import _Checkpointer
    from idgraph.ingest.jobs.ingest import ingest
    from idgraph.ingest.jobs.link import link
    from idgraph.ingest.jobs.resolve import resolve
    from idgraph.ingest.mapping import load_mapping
    from tests.helpers import person, small_project

    mapping = load_mapping(small_project(tmp_path, [person(f"C{i}", "ann", f"lee{i}", f"a{i}@x.org", dob="1980-01-02")
                                                    for i in range(300)]))
    real_round = _Checkpointer._round

    def slow_last_round(self):  # the last round still running when the caller closes the store
        if self._stopping.is_set():
            time.sleep(0.5)
        real_round(self)

    monkeypatch.setattr(_Checkpointer, "_round", slow_last_round)
    store = _store(mapping.store_path())
    ingest(store, mapping)
    link(store, mapping)
    resolve(store, mapping)
    store.close()
    wal = mapping.store_path().with_name(mapping.store_path().name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    shutil.copy(mapping.store_path(), tmp_path / "copy.db")
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT COUNT(*) FROM customer WHERE profile_id IS NOT NULL").fetchone() == (300,)
    copy.close()


def test_beside_a_writer_that_keeps_appending_the_log_stays_within_its_bound(tmp_path, monkeypatch):
    """PASSIVE rounds beside a writer that never pauses do not finish, and SQLite never starts the log
    over; a commit past the bound checkpoints itself, and the log starts over."""
    import idgraph.graph.sqlite_store as sqlite_store

    monkeypatch.setattr(sqlite_store, "WAL_BOUND_PAGES", 16)  # 256 KiB of 16 KiB pages
    store = _store(tmp_path / "s.db")
    store.checkpoint_in_background(0.001)
    wal, largest = tmp_path / "s.db-wal", 0
    for i in range(40):
        store.write_customers(_rows(1000, start=i * 1000), "t")
        largest = max(largest, wal.stat().st_size)
    store.close()
    assert largest < 4 << 20, largest
