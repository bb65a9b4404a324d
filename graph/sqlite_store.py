"""The embedded store: one SQLite file, the default, no server.

Why SQLite: it is in the standard library, a single file a user can copy, and its transactions are
crash-safe (WAL journal): a run killed half way leaves each batch applied whole or not at all. The big
computations (components, golden records, matching) happen in polars/numpy/scipy over frames this store
reads in bulk, so the database only answers set-based queries: no per-row round trips.
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

import polars as pl

from idgraph.graph import erasure, hooks
from idgraph.graph.attribution import CARRIED as ATTRIBUTION_CARRIED, EVENTS as ATTRIBUTION_EVENTS
from idgraph.graph.errors import ErasedMeanwhile, NotFoundError, StoreError
from idgraph.graph.record_frames import customer_frame, interaction_frame
from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow, WriteCounts
from idgraph.graph.profile_view import assemble as assemble_profile_view
from idgraph.graph.sqlite_frames import read_frame, write_frame
from idgraph.graph.sqlite_households import SQLiteHouseholds
from idgraph.graph.sqlite_reads import reads as _reads
from idgraph.graph.sqlite_staging import Staging
from idgraph.graph import sqlite_whole_pass as whole_pass
from idgraph.graph.store import BULK_KINDS, CUSTOMER_COLUMNS, frame_extras, identifier_lists

T = TypeVar("T")
log = logging.getLogger("idgraph.store")
# Pages of 16 KiB where SQLite's default is 4 KiB: fewer, shallower B-tree pages to split and write for
# the bulk inserts and updates of ingest and resolve (at 100,000 people, ingest 1.2 s and resolve 1 s
# faster, link the same; benchmarks/bench_pipeline.py). Set before the file is made; an older store keeps
# its 4 KiB pages and works as before.
PAGE_SIZE = 16384
_AUTOCHECKPOINT_PAGES = 1000  # SQLite's default, restored after checkpoints_in_background
# With the background checkpointer, a commit still checkpoints once the log passes this many pages
# (256 MiB of 16 KiB pages; 64 MiB in an older store). PASSIVE rounds beside a writer that keeps appending
# never finish, so SQLite never starts the log over: in an ingest of a million records it grew past 3 GB.
# A commit's own checkpoint runs while nothing else writes, finishes, and lets the next transaction start
# the log over; the thread has copied most of it by then.
WAL_BOUND_PAGES = 16384

# Batches of at least this many rows (records and identifiers) are staged through ADBC before their
# transaction (graph/sqlite_staging.py); smaller ones, a sign-up through the service, skip the scratch file.
STAGED_ROWS = 5000

_SCHEMA = files("idgraph.graph").joinpath("sqlite_schema.sql").read_text(encoding="utf-8")

_CUSTOMER_FIELDS = ("source", "source_id", "first_name", "last_name", "full_name", "dob", "address",
                    "city", "postcode", "country", "updated_at", "row_hash")
_INTERACTION_FIELDS = ("source", "source_id", "at", "channel", "type", "customer_ref", "attributes", "row_hash")
_PROFILE_FIELDS = ("first_name", "last_name", "dob", "email", "phone", "address", "city", "postcode",
                   "country", "customer_count", "sources")
# The column of each work mark (graph/work.py): table.column holding "changed at this sequence".
_MARK_COLUMN = {"link": ("customer", "link_seq"), "resolve": ("customer", "resolve_seq"),
                "attribution": ("interaction", "resolve_seq")}
_NEXT_SEQ = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'seq' RETURNING CAST(value AS INTEGER)"


def _temp_table(db: sqlite3.Connection, name: str, frame: pl.DataFrame) -> str:
    """`frame` as temporary table `name` (replacing the last one): columns without a type keep each value's."""
    db.execute(f"DROP TABLE IF EXISTS temp.{name}")
    db.execute(f"CREATE TEMP TABLE {name} ({', '.join(frame.columns)})")
    write_frame(db, f"INSERT INTO temp.{name} ({', '.join(frame.columns)}) {{rows}}", frame)
    return f"temp.{name}"


def _jl(values: Sequence[str]) -> str:
    """Pass a list as one JSON parameter, read back with json_each: no per-value placeholders."""
    return json.dumps(list(values))


def _attributes(text: str | None) -> dict[str, str]:
    return json.loads(text) if text else {}


class SQLiteStore(SQLiteHouseholds):
    """The Store contract on an SQLite file (households and traits: graph/sqlite_households.py)."""

    name = "embedded"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._lock = threading.RLock()  # one transaction at a time on the one connection
        self._mode: str | None = None  # "write" | "read" while a transaction is open
        self._seq: int | None = None  # the change sequence of the open write transaction
        self._after_commit: list[Callable[[], None]] = []
        self._checkpointer: _Checkpointer | None = None
        self._finishing: list[_Checkpointer] = []  # ended with a job's block, finishing their last round
        self._staging: Staging | None = None  # made by the first large batch
        try:
            if not self.path.parent.exists():
                raise StoreError(f"{self.path}: the folder for the store does not exist")
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file only; a store keeps the size it has
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA temp_store=MEMORY")
            self.db.execute("PRAGMA cache_size=-262144")  # 256 MiB
            self.db.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the embedded store: {exc}") from None

    # -- lifecycle -------------------------------------------------------------------------------
    def init(self) -> None:
        try:
            self._migrate()
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not an identity-graph store ({exc})") from None

    def _migrate(self) -> None:
        """Columns added since a store file was made (CREATE TABLE IF NOT EXISTS leaves an old table as it
        is): added once, in a write transaction, so two processes opening an old file add them once. The
        boolean work marks of older files (dirty, link_dirty) become change sequences: a marked record is
        stamped 1, past every job's watermark (0)."""
        def columns(db: sqlite3.Connection, table: str) -> set[str]:
            return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}

        def missing(db: sqlite3.Connection) -> bool:
            have = columns(db, "customer")
            return bool(have) and ("attributes" not in have or "dirty" in have)

        if not missing(self.db):
            return
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                db = self.db
                if missing(db):
                    have = columns(db, "customer")
                    if "attributes" not in have:
                        db.execute("ALTER TABLE customer ADD COLUMN attributes TEXT")
                    if "dirty" in have:
                        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID")
                        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('seq', 1)")
                        for table, old, new in (("customer", "dirty", "resolve_seq"),
                                                ("customer", "link_dirty", "link_seq"),
                                                ("interaction", "dirty", "resolve_seq")):
                            if old in columns(db, table):
                                db.execute(f"ALTER TABLE {table} ADD COLUMN {new} INTEGER NOT NULL DEFAULT 0")
                                db.execute(f"UPDATE {table} SET {new} = 1 WHERE {old} = 1")
                                db.execute(f"DROP INDEX IF EXISTS {table}_{old}")
                                db.execute(f"ALTER TABLE {table} DROP COLUMN {old}")
                db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def checkpoint_in_background(self, interval: float = 0.5) -> None:
        """Copy the write-ahead log into the file from a thread of its own every `interval` seconds,
        instead of inside whichever commit crosses SQLite's threshold (1,000 pages). For a long-lived
        writer that answers people (the service's): at a million records a batch of 1,000 rows dirties
        thousands of pages, and the checkpoint was three quarters of its commits' time. The checkpoint
        is PASSIVE: it waits for no reader and no writer, and copies what they do not hold. Commits
        still checkpoint past WAL_BOUND_PAGES, so that the log is started over."""
        if self._checkpointer is None:
            self.db.execute(f"PRAGMA wal_autocheckpoint={WAL_BOUND_PAGES}")
            self._checkpointer = _Checkpointer(self.path, interval)

    @contextmanager
    def checkpoints_in_background(self, interval: float = 0.25) -> Iterator[None]:
        """checkpoint_in_background while the block runs, for ingest: a checkpoint inside its commits
        stopped its writer thread, the slower of its two, for the copy (2.5 s of 26 at 100,000 people).
        Link and resolve do not: with it (and before WAL_BOUND_PAGES), the log grew past 8 GB during
        link at a million records, whose reads search the log's index on every page. Afterwards SQLite
        checkpoints inside commits again. The thread's last round, which copies what the block wrote
        last, runs on its own beside whatever the caller does next; close() waits for it (killed with
        the process, it leaves a valid log beside the file for the next commit to copy)."""
        if self._checkpointer is not None:  # a long-lived one (the service's) stays as it is
            yield
            return
        self.checkpoint_in_background(interval)
        try:
            yield
        finally:
            self._checkpointer.stop(wait=False)
            self._finishing = [c for c in self._finishing if c.alive()] + [self._checkpointer]
            self._checkpointer = None
            self.db.execute(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT_PAGES}")

    def close(self) -> None:
        # Their connections end first, so that this one is the last and SQLite copies the whole log into
        # the file and removes it: the file alone is then the store (a copy of it is whole).
        for finishing in self._finishing:
            finishing.stop()
        self._finishing.clear()
        if self._checkpointer is not None:
            self._checkpointer.stop()
            self._checkpointer = None
        if self._staging is not None:
            self._staging.close()
            self._staging = None
        self.db.close()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ----------------------------------------------------------------------------
    @contextmanager
    def _tx(self, counted: bool = True):
        """One write transaction, taken IMMEDIATE so a concurrent writer waits instead of failing late;
        a counted one takes the next change sequence first (self._seq, what it stamps). Inside an open
        write transaction (atomic), the call joins it."""
        with self._lock:
            if self._mode == "write":
                if counted and self._seq is None:
                    raise StoreError("a counted write inside an uncounted transaction")
                yield self.db
                return
            if self._mode == "read":
                raise StoreError("a write inside a read snapshot (store.snapshot): write after it")
            self.db.execute("BEGIN IMMEDIATE")
            self._mode = "write"
            try:
                if counted:
                    self._seq = self.db.execute(_NEXT_SEQ).fetchone()[0]
                yield self.db
                if counted:
                    hooks.at("store.commit")
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                self._after_commit.clear()
                raise
            finally:
                self._mode, self._seq = None, None
            done, self._after_commit = self._after_commit, []
            for action in done:
                action()

    @contextmanager
    def _snap(self):
        """One read transaction: WAL gives it a fixed view of the file while other processes write."""
        with self._lock:
            if self._mode is not None:
                yield self.db
                return
            self.db.execute("BEGIN")
            self._mode = "read"
            try:
                self.db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchall()  # the snapshot starts here
                yield self.db
            finally:
                self._mode = None
                self.db.execute("COMMIT")

    def atomic(self, work: Callable[[], T]) -> T:
        with self._tx():
            return work()

    def snapshot(self, work: Callable[[], T]) -> T:
        with self._snap():
            return work()

    # -- work marks and leases -------------------------------------------------------------------
    @_reads
    def marks(self) -> dict:
        rows = dict(self.db.execute("SELECT key, CAST(value AS INTEGER) FROM meta WHERE key = 'seq' OR key = 'erased' "
                                    "OR key LIKE 'watermark:%'").fetchall())
        return {"sequence": rows.pop("seq", 0), "erased": rows.pop("erased", 0),
                "watermarks": {k.split(":", 1)[1]: v for k, v in sorted(rows.items())}}

    def advance_watermark(self, job: str, seq: int) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                       "value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))", (f"watermark:{job}", int(seq)))

    @_reads
    def changed(self, mark: str, after: int) -> list[str]:
        table, column = _MARK_COLUMN[mark]
        # Sorted here, not by ORDER BY: asked to order by uid, SQLite walks the whole primary key in uid
        # order (a million records: 0.2 s per call) instead of the few entries the work-mark index holds.
        return sorted(u for (u,) in self.db.execute(f"SELECT uid FROM {table} WHERE {column} > ?", (after,)))

    def take_lease(self, job: str, holder: dict, now: str, replaces: str | None = None) -> dict | None:
        with self._tx(counted=False) as db:
            found = db.execute("SELECT owner, pid, host, taken_at, expires_at FROM lease WHERE job = ?", (job,)).fetchone()
            if found is not None:
                other = dict(zip(("owner", "pid", "host", "taken_at", "expires_at"), found))
                if other["owner"] not in (holder["owner"], replaces) and other["expires_at"] > now:
                    return other
            db.execute("INSERT OR REPLACE INTO lease (job, owner, pid, host, taken_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                       (job, holder["owner"], holder["pid"], holder["host"], holder["taken_at"], holder["expires_at"]))
            return None

    def release_lease(self, job: str, owner: str) -> None:
        with self._tx(counted=False) as db:
            db.execute("DELETE FROM lease WHERE job = ? AND owner = ?", (job, owner))

    def _scope_table(self, db: sqlite3.Connection, uids: Sequence[str] | None) -> str:
        """Load uids into temp table `scope`; returns a WHERE fragment usable on a uid column."""
        db.execute("CREATE TEMP TABLE IF NOT EXISTS scope(uid TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM scope")
        if uids is None:
            return "1"
        db.execute("INSERT OR IGNORE INTO scope SELECT value FROM json_each(?)", (_jl(uids),))
        return "{col} IN (SELECT uid FROM scope)"

    # -- ingest ----------------------------------------------------------------------------------
    @contextmanager
    def _bulk(self, **frames: pl.DataFrame) -> Iterator[tuple[sqlite3.Connection, dict[str, str]]]:
        """A counted write transaction with `frames` as tables (name -> the table to read). A batch of
        STAGED_ROWS rows or more is staged by ADBC before the transaction begins (sqlite_staging.py); a
        smaller one (a sign-up through the service), or one inside an open transaction, is written into
        temporary tables through JSON inside it. Either way the statements that follow read tables."""
        with self._lock:
            staged = self._mode is None and sum(f.height for f in frames.values()) >= STAGED_ROWS
            tables = {}
            if staged:
                if self._staging is None:
                    self._staging = Staging(self.db)
                tables = {name: self._staging.load(name, frame) for name, frame in frames.items()}
            try:
                with self._tx() as db:
                    if not staged:
                        tables = {name: _temp_table(db, name, frame) for name, frame in frames.items()}
                    yield db, tables
                    if not staged:
                        for name in frames:
                            db.execute(f"DROP TABLE temp.{name}")
            finally:
                if staged:  # personal data: not left in the scratch file past its write
                    self._staging.drop(list(frames))

    @staticmethod
    def _split(db: sqlite3.Connection, table: str, rows: str, frame: pl.DataFrame) -> tuple[list[str], list[str],
                                                                                            WriteCounts]:
        """The uids of the batch's new records and of its changed ones (in batch order), by the stored
        content hashes; `rows` holds the batch (uid, row_hash)."""
        stored = read_frame(db, f"SELECT s.uid, t.row_hash FROM {rows} s JOIN {table} t ON t.uid = s.uid",
                            (), {"uid": pl.String, "stored_hash": pl.String})
        both = frame.select("uid", "row_hash").join(stored, on="uid", how="left", maintain_order="left")
        new = both.filter(pl.col("stored_hash").is_null())["uid"]
        changed = both.filter(pl.col("stored_hash") != pl.col("row_hash"))["uid"]
        counts = WriteCounts(inserted=len(new), updated=len(changed), unchanged=frame.height - len(new) - len(changed))
        return new.to_list(), changed.to_list(), counts

    @staticmethod
    def _edges(frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with a row per identifier (its columns, then kind and value), in record order."""
        return frame.explode("identifiers").unnest("identifiers").filter(pl.col("kind").is_not_null())

    def write_customers(self, rows: Sequence[CustomerRow], run_tag: str) -> WriteCounts:
        return self.write_customer_frame(customer_frame(rows), run_tag)

    def write_customer_frame(self, frame: pl.DataFrame, run_tag: str) -> WriteCounts:
        fields = ", ".join(("uid", *_CUSTOMER_FIELDS, "attributes"))
        with self._bulk(customers=frame.select("uid", *_CUSTOMER_FIELDS, "attributes"),
                        edges=self._edges(frame.select("uid", "identifiers"))) as (db, t):
            new, changed, counts = self._split(db, "customer", t["customers"], frame)
            seq0 = db.execute("SELECT COALESCE(MAX(seq), 0) FROM customer").fetchone()[0]
            # seq: arrival order, the batch's order among its new records
            db.execute(f"INSERT INTO customer ({fields}, run_tag, seq, resolve_seq, link_seq) "
                       f"SELECT {fields}, ?1, ?2 + row_number() OVER (ORDER BY rowid), ?3, ?3 FROM {t['customers']} "
                       "WHERE uid IN (SELECT value FROM json_each(?4)) ORDER BY rowid",
                       (run_tag, seq0, self._seq, _jl(new)))
            if changed:
                db.execute("UPDATE customer SET " + ", ".join(f"{f} = s.{f}" for f in (*_CUSTOMER_FIELDS, "attributes"))
                           + f", run_tag = ?1, resolve_seq = ?2, link_seq = ?2 FROM {t['customers']} s "
                           "WHERE customer.uid = s.uid AND s.uid IN (SELECT value FROM json_each(?3))",
                           (run_tag, self._seq, _jl(changed)))
                db.execute("DELETE FROM customer_identifier WHERE origin = 'record' "
                           "AND customer_uid IN (SELECT value FROM json_each(?))", (_jl(changed),))
            touched = (_jl(new + changed),)
            db.execute(f"INSERT OR IGNORE INTO identifier (kind, value) SELECT kind, value FROM {t['edges']} "
                       "WHERE uid IN (SELECT value FROM json_each(?1)) ORDER BY rowid", touched)
            db.execute("INSERT INTO customer_identifier (customer_uid, kind, value, origin) "
                       f"SELECT uid, kind, value, 'record' FROM {t['edges']} "
                       "WHERE uid IN (SELECT value FROM json_each(?1)) ORDER BY rowid "
                       "ON CONFLICT DO UPDATE SET origin = 'record'", touched)
        return counts

    def write_interactions(self, rows: Sequence[InteractionRow], run_tag: str) -> WriteCounts:
        return self.write_interaction_frame(interaction_frame(rows), run_tag)

    def write_interaction_frame(self, frame: pl.DataFrame, run_tag: str) -> WriteCounts:
        fields = ", ".join(("uid", *_INTERACTION_FIELDS))
        with self._bulk(events=frame.select("uid", *_INTERACTION_FIELDS),
                        edges=self._edges(frame.select("uid", "customer_ref", "source", "identifiers"))) as (db, t):
            new, changed, counts = self._split(db, "interaction", t["events"], frame)
            touched = (_jl(new + changed),)
            db.execute(f"INSERT OR REPLACE INTO interaction ({fields}, run_tag, resolve_seq) "
                       f"SELECT {fields}, ?1, ?2 FROM {t['events']} WHERE uid IN (SELECT value FROM json_each(?3)) "
                       "ORDER BY rowid", (run_tag, self._seq, *touched))
            if changed:
                db.execute("DELETE FROM interaction_identifier WHERE interaction_uid IN (SELECT value FROM json_each(?))",
                           (_jl(changed),))
            mine = f"FROM {t['edges']} WHERE uid IN (SELECT value FROM json_each(?1))"
            db.execute(f"INSERT OR IGNORE INTO identifier (kind, value) SELECT kind, value {mine} ORDER BY rowid", touched)
            db.execute("INSERT OR IGNORE INTO interaction_identifier (interaction_uid, kind, value) "
                       f"SELECT uid, kind, value {mine} ORDER BY rowid", touched)
            # An event that names its customer ties that customer to what the event carries (a login on a
            # device is how the clickstream's anonymous journey finds its person).
            db.execute("INSERT OR IGNORE INTO customer_identifier (customer_uid, kind, value, origin) "
                       f"SELECT customer_ref, kind, value, source {mine} AND customer_ref IS NOT NULL ORDER BY rowid",
                       touched)
            db.execute(f"UPDATE customer SET resolve_seq = ?2, link_seq = ?2 WHERE uid IN "
                       f"(SELECT customer_ref {mine} AND customer_ref IS NOT NULL)", (*touched, self._seq))
        return counts

    @_reads
    def has_suppression(self) -> bool:
        return self.db.execute("SELECT EXISTS (SELECT 1 FROM suppression)").fetchone()[0] == 1

    @_reads
    def suppressed(self, hashes: Sequence[str]) -> set[str]:
        cur = self.db.execute("SELECT hash FROM suppression WHERE hash IN (SELECT value FROM json_each(?))",
                              (_jl(hashes),))
        return {h for (h,) in cur}

    # -- guard -----------------------------------------------------------------------------------
    @_reads
    def identifier_members(self, uids: Sequence[str] | None = None) -> pl.DataFrame:
        touching = "" if uids is None else (
            "WHERE (kind, value) IN (SELECT kind, value FROM customer_identifier "
            "WHERE customer_uid IN (SELECT value FROM json_each(?)))"
        )
        sql = (
            "WITH multi AS (SELECT kind, value FROM customer_identifier " + touching
            + " GROUP BY kind, value HAVING COUNT(*) >= 2) "
            "SELECT ci.kind, ci.value, i.shared, c.uid, c.first_name, c.last_name, c.dob "
            "FROM multi JOIN customer_identifier ci ON ci.kind = multi.kind AND ci.value = multi.value "
            "JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value "
            "JOIN customer c ON c.uid = ci.customer_uid"
        )
        params = () if uids is None else (_jl(uids),)
        return read_frame(self.db, sql, params,
                          {"kind": pl.Utf8, "value": pl.Utf8, "shared": pl.Boolean, "uid": pl.Utf8,
                           "first_name": pl.Utf8, "last_name": pl.Utf8, "dob": pl.Utf8})

    def set_shared(self, rows: Sequence[tuple[str, str, bool, str | None]], read_at: int | None = None) -> int:
        if not rows:
            return 0
        with self._tx() as db:
            self._erased_after(db, read_at)
            db.execute("CREATE TEMP TABLE IF NOT EXISTS flipped(kind TEXT, value TEXT)")
            db.execute("DELETE FROM flipped")
            db.executemany(
                "INSERT INTO flipped SELECT kind, value FROM identifier WHERE kind = ? AND value = ? AND shared != ?",
                [(k, v, int(s)) for k, v, s, _ in rows],
            )
            db.executemany("UPDATE identifier SET shared = ?, shared_reason = ? WHERE kind = ? AND value = ?",
                           [(int(s), reason, k, v) for k, v, s, reason in rows])
            db.execute(
                "UPDATE customer SET resolve_seq = ?1, link_seq = ?1 WHERE uid IN (SELECT ci.customer_uid "
                "FROM customer_identifier ci JOIN flipped f ON f.kind = ci.kind AND f.value = ci.value)", (self._seq,)
            )
            return db.execute("SELECT COUNT(*) FROM flipped").fetchone()[0]

    # -- link job --------------------------------------------------------------------------------
    @_reads
    def customers_frame(self, uids: Sequence[str] | None = None, *, identifier_kinds: Sequence[str] = (),
                        attributes: Sequence[str] = ()) -> pl.DataFrame:
        kinds, names = frame_extras(identifier_kinds, attributes)
        where = "" if uids is None else "WHERE c.uid IN (SELECT value FROM json_each(?))"
        params = () if uids is None else (_jl(uids),)
        # One json_extract per attribute asked for; the path quotes the name, so any name is safe. As
        # text: an attribute holding a list stays the text of the list.
        extracted = "".join(", CAST(json_extract(c.attributes, ?) AS TEXT)" for _ in names)
        cols = [c for c in CUSTOMER_COLUMNS if c not in ("emails", "phones", "devices")] + names
        frame = read_frame(
            self.db,
            "SELECT uid, source, source_id, first_name, last_name, dob, address, city, postcode, country, "
            f"updated_at, seq, profile_id{extracted} FROM customer c {where}",
            (*(f'$."{n}"' for n in names), *params), {c: (pl.Int64 if c == "seq" else pl.Utf8) for c in cols})
        pairs = {"uid": pl.Utf8, "kind": pl.Utf8, "value": pl.Utf8}
        # In the order of customer_identifier's key (uid, kind, value): each kind's values are then a
        # record's in a row, sorted, and polars groups them without hashing (2.2 s -> 0.2 s at a million).
        if uids is None:
            # Every record: two plain scans, the shared identifiers (few) taken out in polars; a join in
            # SQLite costs an index probe per identifier held (6 s of 9 at 1,000,000 records).
            shared = read_frame(self.db, "SELECT kind, value FROM identifier WHERE shared != 0", (),
                                {"kind": pl.Utf8, "value": pl.Utf8})
            ident = read_frame(self.db, "SELECT customer_uid, kind, value FROM customer_identifier "
                               "ORDER BY customer_uid, kind, value", (), pairs)
            ident = ident.join(shared, on=["kind", "value"], how="anti", maintain_order="left")
        else:
            ident = read_frame(
                self.db,
                "SELECT ci.customer_uid, ci.kind, ci.value FROM customer_identifier ci JOIN identifier i "
                f"ON i.kind = ci.kind AND i.value = ci.value JOIN customer c ON c.uid = ci.customer_uid "
                f"{where} AND i.shared = 0 ORDER BY ci.customer_uid, ci.kind, ci.value", params, pairs)
        frame = frame.sort("uid")
        for kind, col in identifier_lists(kinds):
            # a record's identifiers of one kind; the join onto the records leaves out any whose record is gone
            held = (ident.filter(pl.col("kind") == kind).set_sorted("uid")
                    .group_by("uid", maintain_order=True).agg(pl.col("value").alias(col)))
            frame = frame.join(held, on="uid", how="left", maintain_order="left").with_columns(
                pl.col(col).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))))
        return frame.select(*CUSTOMER_COLUMNS, *kinds, *names)

    def replace_links(self, rows: Sequence[LinkRow], touching: Sequence[str] | None) -> None:
        with self._tx() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS relinked(uid TEXT PRIMARY KEY) WITHOUT ROWID")
            db.execute("DELETE FROM relinked")
            if touching is None:
                db.execute("INSERT OR IGNORE INTO relinked SELECT a_uid FROM link UNION SELECT b_uid FROM link")
                db.execute("DELETE FROM link")
            else:
                # Only the links of the touched records go; their partners are marked for resolve, but
                # keep their links to anyone else.
                db.execute("INSERT OR IGNORE INTO relinked SELECT value FROM json_each(?)", (_jl(touching),))
                partners = db.execute(
                    "SELECT b_uid FROM link WHERE a_uid IN relinked UNION SELECT a_uid FROM link WHERE b_uid IN relinked"
                ).fetchall()
                db.execute("DELETE FROM link WHERE a_uid IN relinked OR b_uid IN relinked")
                db.executemany("INSERT OR IGNORE INTO relinked VALUES (?)", partners)
            # The links are staged, then copied in one statement: an INSERT ... SELECT ?1 ... WHERE EXISTS
            # per row costs three times the plain inserts (75,000 links: 2.4 s against 0.7 s).
            db.execute("CREATE TEMP TABLE IF NOT EXISTS staged_link"
                       "(a_uid TEXT, b_uid TEXT, kind TEXT, score REAL, evidence TEXT)")
            db.execute("DELETE FROM staged_link")
            db.executemany("INSERT INTO staged_link VALUES (?, ?, ?, ?, ?)",
                           [(r.a_uid, r.b_uid, r.kind, r.score, r.evidence) for r in rows])
            db.execute(  # a record erased since the link job read it gets no link; the last of a pair given twice wins
                "INSERT OR REPLACE INTO link (a_uid, b_uid, kind, score, evidence) "
                "SELECT a_uid, b_uid, kind, score, evidence FROM staged_link s "
                "WHERE EXISTS (SELECT 1 FROM customer WHERE uid = s.a_uid) "
                "AND EXISTS (SELECT 1 FROM customer WHERE uid = s.b_uid) ORDER BY s.rowid")
            db.execute("INSERT OR IGNORE INTO relinked SELECT a_uid FROM staged_link UNION ALL SELECT b_uid FROM staged_link")
            db.execute("DELETE FROM staged_link")
            db.execute("UPDATE customer SET resolve_seq = ? WHERE uid IN relinked", (self._seq,))

    @_reads
    def links(self, kind: str | None = None, limit: int | None = None, *,
              touching: Sequence[str] | None = None) -> list[LinkRow]:
        near = "" if touching is None else (
            " AND (a_uid IN (SELECT value FROM json_each(?2)) OR b_uid IN (SELECT value FROM json_each(?2)))")
        cur = self.db.execute(
            "SELECT a_uid, b_uid, score, evidence, kind FROM link WHERE (?1 IS NULL OR kind = ?1)" + near
            + " ORDER BY score DESC, a_uid, b_uid LIMIT ?3",
            (kind, None if touching is None else _jl(touching), -1 if limit is None else limit))
        return [LinkRow(*row) for row in cur]

    def delete_link(self, a_uid: str, b_uid: str) -> None:
        a, b = sorted((a_uid, b_uid))
        with self._tx() as db:
            db.execute("DELETE FROM link WHERE a_uid = ? AND b_uid = ?", (a, b))
            db.execute("UPDATE customer SET resolve_seq = ? WHERE uid IN (?, ?)", (self._seq, a, b))

    # -- resolve ---------------------------------------------------------------------------------
    @_reads
    def customer_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM customer").fetchone()[0]

    @_reads
    def neighbours(self, uids: Sequence[str]) -> list[str]:
        # CROSS JOIN makes SQLite start from the given uids (json_each has no statistics): otherwise it
        # scans a whole index (every identifier edge, every probable link) on each hop, and an
        # incremental resolve costs time in proportion to the graph instead of the batch. The identifiers
        # and profiles the uids hold are taken once each (DISTINCT) before their holders are listed: a
        # profile of n records in the frontier would otherwise list its n records n times. `+l.kind`
        # keeps SQLite off the (kind, a_uid) index for the b_uid side, which would read every probable
        # link for each uid.
        rows = self.db.execute(
            "WITH f(uid) AS (SELECT value FROM json_each(?)), "
            "held(kind, value) AS (SELECT DISTINCT ci.kind, ci.value FROM f "
            " CROSS JOIN customer_identifier ci ON ci.customer_uid = f.uid "
            " CROSS JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value AND i.shared = 0), "
            "profiles(profile_id) AS (SELECT DISTINCT c.profile_id FROM f CROSS JOIN customer c ON c.uid = f.uid "
            " WHERE c.profile_id IS NOT NULL) "
            "SELECT n.uid FROM ("
            " SELECT f.uid AS uid FROM f"
            " UNION SELECT ci2.customer_uid FROM held h "
            " CROSS JOIN customer_identifier ci2 ON ci2.kind = h.kind AND ci2.value = h.value "
            " UNION SELECT l.b_uid FROM f CROSS JOIN link l ON l.a_uid = f.uid WHERE l.kind = 'probable' "
            " UNION SELECT l.a_uid FROM f CROSS JOIN link l ON l.b_uid = f.uid WHERE +l.kind = 'probable' "
            " UNION SELECT j.b_uid FROM f CROSS JOIN judgement j ON j.a_uid = f.uid WHERE j.deleted_at IS NULL "
            " UNION SELECT j.a_uid FROM f CROSS JOIN judgement j ON j.b_uid = f.uid WHERE j.deleted_at IS NULL "
            " UNION SELECT c2.uid FROM profiles p CROSS JOIN customer c2 ON c2.profile_id = p.profile_id"
            ") n CROSS JOIN customer c ON c.uid = n.uid", (_jl(uids),)).fetchall()
        return [u for (u,) in rows]

    @_reads
    def link_edges(self, scope: Sequence[str] | None) -> pl.DataFrame:
        if scope is None:
            return whole_pass.link_edges(self.db)
        where = self._scope_table(self.db, scope)
        return read_frame(
            self.db,
            "SELECT ci.customer_uid, ci.kind || ':' || ci.value, 'identifier', 1.0 "
            "FROM customer_identifier ci JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value "
            "JOIN customer c ON c.uid = ci.customer_uid "
            f"WHERE i.shared = 0 AND {where.format(col='ci.customer_uid')} "
            "UNION ALL SELECT a_uid, b_uid, 'probable', score FROM link "
            f"WHERE kind = 'probable' AND {where.format(col='a_uid')} "
            "UNION ALL SELECT a_uid, b_uid, 'same', 1.0 FROM judgement "
            f"WHERE kind = 'same' AND deleted_at IS NULL AND {where.format(col='a_uid')}", (),
            {"a": pl.Utf8, "b": pl.Utf8, "kind": pl.Utf8, "weight": pl.Float64})

    @_reads
    def profile_state(self, scope: Sequence[str] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
        where = self._scope_table(self.db, scope)
        members = read_frame(self.db, f"SELECT uid, seq, profile_id FROM customer WHERE {where.format(col='uid')}",
                             (), {"uid": pl.Utf8, "seq": pl.Int64, "profile_id": pl.Utf8})
        profiles = read_frame(
            self.db,
            "SELECT profile_id, seq, status FROM profile WHERE profile_id IN "
            f"(SELECT profile_id FROM customer WHERE {where.format(col='uid')})",
            (), {"profile_id": pl.Utf8, "seq": pl.Int64, "status": pl.Utf8})
        return members, profiles

    @_reads
    def profile_ids_taken(self, ids: Sequence[str]) -> set[str]:
        cur = self.db.execute("SELECT profile_id FROM profile WHERE profile_id IN (SELECT value FROM json_each(?))",
                              (_jl(ids),))
        return {p for (p,) in cur}

    @_reads
    def max_profile_seq(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM profile").fetchone()[0]

    @_reads
    def attribution_facts(self, scope: Sequence[str] | None, after: int) -> dict[str, pl.DataFrame]:
        db = self.db
        if scope is None:
            return whole_pass.attribution_facts(db)
        # CROSS JOIN: start from the scope, not from a scan of every interaction or identifier edge.
        db.execute("CREATE TEMP TABLE IF NOT EXISTS touched(uid TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM touched")
        db.execute(
            "INSERT OR IGNORE INTO touched SELECT uid FROM interaction WHERE resolve_seq > ?1 "
            "UNION SELECT i.uid FROM json_each(?2) s CROSS JOIN interaction i ON i.customer_ref = s.value "
            "UNION SELECT ii.interaction_uid FROM json_each(?2) s "
            "CROSS JOIN customer_identifier ci ON ci.customer_uid = s.value "
            "CROSS JOIN interaction_identifier ii ON ii.kind = ci.kind AND ii.value = ci.value",
            (after, _jl(scope)))
        touched = "{col} IN touched"
        events = read_frame(
            db, "SELECT i.uid, i.customer_ref, c.uid, c.profile_id, i.profile_id FROM interaction i "
            f"LEFT JOIN customer c ON c.uid = i.customer_ref WHERE {touched.format(col='i.uid')}", (), ATTRIBUTION_EVENTS)
        carried = read_frame(
            db,
            "SELECT ii.interaction_uid, ci.customer_uid, c.profile_id FROM interaction_identifier ii "
            "JOIN identifier d ON d.kind = ii.kind AND d.value = ii.value AND d.shared = 0 "
            "JOIN customer_identifier ci ON ci.kind = ii.kind AND ci.value = ii.value "
            f"JOIN customer c ON c.uid = ci.customer_uid WHERE {touched.format(col='ii.interaction_uid')}", (),
            ATTRIBUTION_CARRIED)
        return {"events": events, "carried": carried}

    def write_resolution(self, members: pl.DataFrame, profiles: pl.DataFrame, retired: pl.DataFrame,
                         audit: Sequence[dict], attribution: pl.DataFrame, recount: Sequence[str], *,
                         mark: int | None = None, read_at: int | None = None,
                         then: Callable[[], None] | None = None) -> None:
        cols = ("profile_id", "seq", "status", "merged_into", "split_from", "created_at", "updated_at",
                *_PROFILE_FIELDS)
        # A profile minted by this resolution (is_new) has no row to update yet: a first resolve at
        # 100,000 people probed 100,000 ids for nothing (0.4 s).
        known = profiles.filter(~pl.col("is_new")) if "is_new" in profiles.columns else profiles
        with self._bulk(members=members.select("uid", "profile_id"),
                        known=known.select("profile_id", "status", "updated_at", *_PROFILE_FIELDS),
                        profiles=profiles.select(cols),
                        retired=retired.select("profile_id", "status", "merged_into", "updated_at"),
                        attributed=attribution.select("uid", "profile_id")) as (db, t):
            self._erased_after(db, read_at)
            db.execute(f"UPDATE customer SET profile_id = s.profile_id FROM {t['members']} s WHERE customer.uid = s.uid")
            # A profile that keeps its status (one that grew) is updated without naming status: an UPDATE
            # that sets status rewrites its entry in the profile_status index even when the value is the
            # same, a page dirtied per profile. The upsert then writes the new ones and those whose status
            # changes, and passes over the rows the first statement wrote.
            db.execute("UPDATE profile SET merged_into = NULL, updated_at = s.updated_at, "
                       + ", ".join(f"{f} = s.{f}" for f in _PROFILE_FIELDS)
                       + f" FROM {t['known']} s WHERE profile.profile_id = s.profile_id AND profile.status = s.status")
            db.execute(
                f"INSERT INTO profile ({', '.join(cols)}) SELECT {', '.join(cols)} FROM {t['profiles']} "
                "WHERE true ORDER BY rowid "
                "ON CONFLICT(profile_id) DO UPDATE SET status = excluded.status, merged_into = NULL, "
                "updated_at = excluded.updated_at, "
                + ", ".join(f"{f} = excluded.{f}" for f in _PROFILE_FIELDS)
                + " WHERE profile.status IS NOT excluded.status")
            db.execute("UPDATE profile SET status = s.status, merged_into = s.merged_into, updated_at = s.updated_at, "
                       f"customer_count = 0 FROM {t['retired']} s WHERE profile.profile_id = s.profile_id")
            self._append_audit(db, audit)
            db.execute(f"UPDATE interaction SET profile_id = s.profile_id FROM {t['attributed']} s "
                       "WHERE interaction.uid = s.uid")
            db.execute(
                "UPDATE profile SET interaction_count = (SELECT COUNT(*) FROM interaction i "
                "WHERE i.profile_id = profile.profile_id) WHERE profile_id IN (SELECT value FROM json_each(?))",
                (_jl(recount),))
            if then is not None:
                then()
            if mark is not None:
                self.advance_watermark("resolve", mark)

    # -- judgements ------------------------------------------------------------------------------
    def add_judgements(self, rows: Sequence[dict]) -> None:
        for row in rows:
            if row["kind"] not in ("same", "not_same"):
                raise ValueError(f"unknown judgement kind {row['kind']!r}: same or not_same")
        ends = sorted({u for r in rows for u in (r["a_uid"], r["b_uid"])})
        with self._tx() as db:
            found = {u for (u,) in db.execute("SELECT uid FROM customer WHERE uid IN (SELECT value FROM json_each(?))",
                                              (_jl(ends),))}
            missing = [u for u in ends if u not in found]
            if missing:
                raise NotFoundError(f"no record {', '.join(missing)}: a judgement joins two records of the graph")
            db.executemany(
                "INSERT INTO judgement (judgement_id, kind, a_uid, b_uid, by, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(r["judgement_id"], r["kind"], r["a_uid"], r["b_uid"], r["by"], r["at"], r.get("reason")) for r in rows])
            db.execute("UPDATE customer SET resolve_seq = ? WHERE uid IN (SELECT value FROM json_each(?))",
                       (self._seq, _jl(ends)))

    @_reads
    def judgements(self, uids: Sequence[str] | None = None, include_deleted: bool = False) -> list[dict]:
        sql = "SELECT * FROM judgement WHERE 1"
        params: tuple = ()
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        if uids is not None:
            sql += " AND (a_uid IN (SELECT value FROM json_each(?)) OR b_uid IN (SELECT value FROM json_each(?)))"
            params = (_jl(uids), _jl(uids))
        return self._dicts(sql + " ORDER BY at, judgement_id", params)

    def withdraw_judgement(self, judgement_id: str, at: str) -> dict | None:
        with self._tx() as db:
            db.execute("UPDATE judgement SET deleted_at = ? WHERE judgement_id = ? AND deleted_at IS NULL",
                       (at, judgement_id))
            found = self._dicts("SELECT * FROM judgement WHERE judgement_id = ?", (judgement_id,))
            if found:
                db.execute("UPDATE customer SET resolve_seq = ? WHERE uid IN (?, ?)",
                           (self._seq, found[0]["a_uid"], found[0]["b_uid"]))
        return found[0] if found else None

    # -- queries ---------------------------------------------------------------------------------
    def _dicts(self, sql: str, params: tuple = ()) -> list[dict]:
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    @_reads
    def profile(self, profile_id: str) -> dict | None:
        found = self._dicts("SELECT * FROM profile WHERE profile_id = ?", (profile_id,))
        return found[0] if found else None

    @_reads
    def profile_members(self, profile_id: str) -> list[dict]:
        rows = self._dicts(
            "SELECT uid, source, source_id, first_name, last_name, dob, address, city, postcode, country, "
            "updated_at, attributes FROM customer WHERE profile_id = ? ORDER BY source, source_id", (profile_id,))
        for r in rows:
            r["attributes"] = _attributes(r["attributes"])
        return rows

    @_reads
    def profile_view(self, kind: str, value: str, limit: int | None = None) -> dict:
        return assemble_profile_view(self, kind, value, limit)

    @_reads
    def profile_interactions(self, profile_id: str, limit: int | None = None) -> list[dict]:
        return self._dicts(
            "SELECT uid, source, source_id, at, channel, type, customer_ref FROM interaction "
            "WHERE profile_id = ? ORDER BY at, uid LIMIT ?", (profile_id, -1 if limit is None else limit))

    @_reads
    def find_customers(self, kind: str, value: str) -> list[dict]:
        if kind == "record":
            return self._dicts("SELECT uid, profile_id FROM customer WHERE uid = ?", (value,))
        return self._dicts(
            "SELECT c.uid, c.profile_id FROM customer_identifier ci JOIN customer c ON c.uid = ci.customer_uid "
            "WHERE ci.kind = ? AND ci.value = ? ORDER BY c.uid", (kind, value))

    @_reads
    def record_profiles(self, uids: Sequence[str]) -> dict[str, str | None]:
        cur = self.db.execute(
            "SELECT uid, profile_id FROM customer WHERE uid IN (SELECT value FROM json_each(?1)) UNION ALL "
            "SELECT uid, profile_id FROM interaction WHERE uid IN (SELECT value FROM json_each(?1))", (_jl(uids),))
        return dict(cur.fetchall())

    @_reads
    def stats(self) -> dict:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "customers": one("SELECT COUNT(*) FROM customer"),
            "identifiers": one("SELECT COUNT(*) FROM identifier"),
            "emails": one("SELECT COUNT(*) FROM identifier WHERE kind = 'email'"),
            "phones": one("SELECT COUNT(*) FROM identifier WHERE kind = 'phone'"),
            "devices": one("SELECT COUNT(*) FROM identifier WHERE kind = 'device'"),
            "shared_identifiers": one("SELECT COUNT(*) FROM identifier WHERE shared = 1"),
            "interactions": one("SELECT COUNT(*) FROM interaction"),
            "attributed_interactions": one("SELECT COUNT(*) FROM interaction WHERE profile_id IS NOT NULL"),
            "profiles": one("SELECT COUNT(*) FROM profile WHERE status = 'active'"),
            "probable_links": one("SELECT COUNT(*) FROM link WHERE kind = 'probable'"),
            "review_queue": one("SELECT COUNT(*) FROM link WHERE kind = 'review'"),
            "judgements": one("SELECT COUNT(*) FROM judgement WHERE deleted_at IS NULL"),
            "customers_to_resolve": one("SELECT COUNT(*) FROM customer WHERE resolve_seq > COALESCE((SELECT "
                                        "CAST(value AS INTEGER) FROM meta WHERE key = 'watermark:resolve'), 0)"),
        }

    def _bulk_records(self) -> Iterator[tuple[str, str, str, str | None]]:
        for row in self.db.execute("SELECT 'customer', source, source_id, profile_id FROM customer "
                                   "UNION ALL SELECT 'interaction', source, source_id, profile_id FROM interaction "
                                   "ORDER BY 1, 2, 3"):
            yield row

    def _bulk_profiles(self) -> Iterator[dict]:
        cur = self.db.execute("SELECT * FROM profile ORDER BY profile_id")
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    @_reads
    def audit(self, profile_id: str | None = None) -> list[dict]:
        if profile_id is None:
            return self._dicts("SELECT * FROM audit ORDER BY seq")
        return self._dicts("SELECT * FROM audit WHERE profile_id = ? ORDER BY seq", (profile_id,))

    # -- people in the loop ----------------------------------------------------------------------
    def salt(self) -> str:
        found = self._salt()
        if found is not None:
            return found
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)", (secrets.token_hex(16),))
            return db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0]

    def add_audit(self, entries: Sequence[dict]) -> None:
        with self._tx() as db:
            self._append_audit(db, entries)

    @staticmethod
    def _append_audit(db: sqlite3.Connection, entries: Sequence[dict]) -> None:
        """Numbered by AUTOINCREMENT inside the write, in the order given."""
        db.executemany(
            "INSERT INTO audit (at, action, profile_id, by, reason, details) VALUES (?, ?, ?, ?, ?, ?)",
            [(a["at"], a["action"], a.get("profile_id"), a.get("by"), a.get("reason"),
              json.dumps(a.get("details") or {}, sort_keys=True)) for a in entries],
        )

    def add_suppression(self, rows: Sequence[tuple[str, str]], at: str) -> int:
        with self._tx() as db:
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO suppression (hash, kind, at) VALUES (?, ?, ?)",
                           [(h, k, at) for h, k in rows])
            return db.total_changes - before

    @_reads
    def customer_identifiers(self, uids: Sequence[str]) -> list[dict]:
        rows = self._dicts(
            "SELECT ci.customer_uid AS uid, ci.kind, ci.value, i.shared, i.shared_reason "
            "FROM customer_identifier ci JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value "
            "WHERE ci.customer_uid IN (SELECT value FROM json_each(?)) ORDER BY ci.customer_uid, ci.kind, ci.value",
            (_jl(uids),))
        for r in rows:
            r["shared"] = bool(r["shared"])
        return rows

    # -- erasure (graph/erasure.py decides; these read and write by key) --------------------------
    @_reads
    def erasure_facts(self, uids: Sequence[str]) -> dict[str, pl.DataFrame]:
        db, asked = self.db, _jl(uids)
        customers = db.execute("SELECT uid, profile_id, first_name, last_name FROM customer "
                               "WHERE uid IN (SELECT value FROM json_each(?)) ORDER BY uid", (asked,)).fetchall()
        ties = db.execute(
            "SELECT ci.customer_uid, ci.kind, ci.value, i.shared, (SELECT COUNT(*) FROM customer_identifier o "
            " JOIN customer c ON c.uid = o.customer_uid WHERE o.kind = ci.kind AND o.value = ci.value) "
            "FROM customer_identifier ci JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value "
            "WHERE ci.customer_uid IN (SELECT uid FROM customer WHERE uid IN (SELECT value FROM json_each(?)))",
            (asked,)).fetchall()
        lineage = db.execute(
            "WITH RECURSIVE roots(profile_id) AS (SELECT DISTINCT profile_id FROM customer "
            " WHERE uid IN (SELECT value FROM json_each(?)) AND profile_id IS NOT NULL), "
            "tree(profile_id, root) AS (SELECT profile_id, profile_id FROM roots "
            " UNION SELECT p.profile_id, tree.root FROM profile p JOIN tree ON p.merged_into = tree.profile_id) "
            "SELECT tree.profile_id, tree.root, p.status, (SELECT COUNT(*) FROM customer c WHERE c.profile_id = tree.root) "
            "FROM tree LEFT JOIN profile p ON p.profile_id = tree.profile_id", (asked,)).fetchall()
        return {"customers": pl.DataFrame(customers, schema=erasure.CUSTOMERS, orient="row"),
                "ties": pl.DataFrame(ties, schema=erasure.TIES, orient="row"),
                "lineage": pl.DataFrame(lineage, schema=erasure.LINEAGE, orient="row")}

    @_reads
    def erasure_events(self, refs: Sequence[str], profiles: Sequence[str],
                       identifiers: Sequence[tuple[str, str]]) -> dict[str, pl.DataFrame]:
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS erasure_events(uid TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM erasure_events")
        db.execute(
            "INSERT OR IGNORE INTO erasure_events SELECT uid FROM interaction "
            "WHERE customer_ref IN (SELECT value FROM json_each(?1)) "
            "UNION SELECT uid FROM interaction WHERE profile_id IN (SELECT value FROM json_each(?2)) "
            "UNION SELECT ii.interaction_uid FROM json_each(?3) e CROSS JOIN interaction_identifier ii "
            " ON ii.kind = json_extract(e.value, '$[0]') AND ii.value = json_extract(e.value, '$[1]')",
            (_jl(refs), _jl(profiles), json.dumps([list(i) for i in identifiers])))
        events = db.execute(
            "SELECT i.uid, i.customer_ref, EXISTS (SELECT 1 FROM customer c WHERE c.uid = i.customer_ref), i.profile_id "
            "FROM erasure_events e JOIN interaction i ON i.uid = e.uid").fetchall()
        carried = db.execute(
            "SELECT ii.interaction_uid, ii.kind, ii.value, "
            "(SELECT COUNT(*) FROM customer_identifier o JOIN customer c ON c.uid = o.customer_uid "
            " WHERE o.kind = ii.kind AND o.value = ii.value), "
            "(SELECT COUNT(*) FROM interaction_identifier o WHERE o.kind = ii.kind AND o.value = ii.value) "
            "FROM erasure_events e JOIN interaction_identifier ii ON ii.interaction_uid = e.uid").fetchall()
        return {"interactions": pl.DataFrame([(u, r, bool(x), p) for u, r, x, p in events], schema=erasure.EVENTS,
                                             orient="row"),
                "carried": pl.DataFrame(carried, schema=erasure.CARRIED, orient="row")}

    @_reads
    def erasure_texts(self, tokens: Sequence[str]) -> list[dict]:
        rows = self.db.execute(
            "SELECT 'audit', CAST(seq AS TEXT), reason, details FROM audit a WHERE reason IS NOT NULL "
            "OR EXISTS (SELECT 1 FROM json_each(?) t WHERE instr(a.details, t.value) > 0) "
            "UNION ALL SELECT 'judgement', judgement_id, reason, NULL FROM judgement WHERE reason IS NOT NULL "
            "ORDER BY 1, 2", (_jl(tokens),)).fetchall()
        return [dict(zip(("kind", "key", "reason", "details"), r)) for r in rows]

    def erase(self, plan: dict) -> dict:
        # secure_delete overwrites what is deleted with zeros, so the erased values do not linger in free
        # pages of the file; after the commit a checkpoint empties the write-ahead log of the old pages.
        with self._tx() as db:
            db.execute("PRAGMA secure_delete = ON")
            self._after_commit.append(self._checkpoint)
            customers, events = _jl(plan["customers"]), _jl(plan["interactions"])
            idents = json.dumps([[i["kind"], i["value"]] for i in plan["identifiers"]])
            rejudge = json.dumps([[i["kind"], i["value"]] for i in plan["rejudge"]])
            whole, partial = _jl(plan["whole"]), _jl(plan["partial"])
            pairs = "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))"

            def run(sql: str, *params) -> int:
                return db.execute(sql, params).rowcount

            erased = {
                "links": run("DELETE FROM link WHERE a_uid IN (SELECT value FROM json_each(?1)) "
                             "OR b_uid IN (SELECT value FROM json_each(?1))", customers),
                "judgements": run("DELETE FROM judgement WHERE a_uid IN (SELECT value FROM json_each(?1)) "
                                  "OR b_uid IN (SELECT value FROM json_each(?1))", customers),
            }
            run("DELETE FROM interaction_identifier WHERE interaction_uid IN (SELECT value FROM json_each(?))", events)
            run(f"DELETE FROM interaction_identifier WHERE (kind, value) IN {pairs}", idents)
            run("DELETE FROM interaction WHERE uid IN (SELECT value FROM json_each(?))", events)
            run("DELETE FROM customer_identifier WHERE customer_uid IN (SELECT value FROM json_each(?))", customers)
            run(f"DELETE FROM customer_identifier WHERE (kind, value) IN {pairs}", idents)
            run(f"DELETE FROM identifier WHERE (kind, value) IN {pairs}", idents)
            run("DELETE FROM customer WHERE uid IN (SELECT value FROM json_each(?))", customers)
            # Shared identifiers of theirs that stay: un-marked, their holders stamped (the guard judges afresh).
            run(f"UPDATE customer SET resolve_seq = ?1, link_seq = ?1 WHERE uid IN (SELECT customer_uid FROM "
                f"customer_identifier WHERE (kind, value) IN {pairs.replace('?', '?2')})", self._seq, rejudge)
            run(f"UPDATE identifier SET shared = 0, shared_reason = NULL WHERE (kind, value) IN {pairs}", rejudge)
            run("UPDATE profile SET split_from = NULL WHERE split_from IN (SELECT value FROM json_each(?))", whole)
            erased["profiles"] = run("DELETE FROM profile WHERE profile_id IN (SELECT value FROM json_each(?))", whole)
            # A profile that goes takes its traits and household memberships (on Neo4j, its node's properties
            # and IN_HOUSEHOLD relationships go with the node).
            run("DELETE FROM profile_trait WHERE profile_id IN (SELECT value FROM json_each(?))", whole)
            run("DELETE FROM household_member WHERE profile_id IN (SELECT value FROM json_each(?))", whole)
            run("DELETE FROM audit WHERE profile_id IN (SELECT value FROM json_each(?))", whole)
            # Profiles that keep other records: golden record scrubbed (resolve computes it again), their
            # records and interactions stamped for resolve.
            run("UPDATE profile SET " + ", ".join(f"{f} = NULL" for f in _PROFILE_FIELDS if f != "customer_count")
                + " WHERE profile_id IN (SELECT value FROM json_each(?))", partial)
            run("UPDATE customer SET resolve_seq = ?1 WHERE profile_id IN (SELECT value FROM json_each(?2))",
                self._seq, partial)
            run("UPDATE interaction SET resolve_seq = ?1 WHERE profile_id IN (SELECT value FROM json_each(?2))",
                self._seq, partial)
            run("UPDATE customer SET resolve_seq = ?1 WHERE profile_id IN (SELECT value FROM json_each(?2))",
                self._seq, _jl(plan["housemates"]))
            for text in plan["texts"]:
                if text["kind"] == "audit":
                    run("UPDATE audit SET reason = ?, details = ? WHERE seq = ?", text["reason"], text["details"],
                        int(text["key"]))
                else:
                    run("UPDATE judgement SET reason = ? WHERE judgement_id = ?", text["reason"], text["key"])
            run("INSERT OR REPLACE INTO meta (key, value) VALUES ('erased', ?)", self._seq)
        return erased

    def _checkpoint(self) -> None:
        self.db.execute("PRAGMA secure_delete = OFF")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _erased_after(self, db: sqlite3.Connection, read_at: int | None) -> None:
        """Refuse a write computed from what was read at `read_at` when a person was erased since."""
        if read_at is None:
            return
        found = db.execute("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'erased'").fetchone()
        if found and found[0] > read_at:
            raise ErasedMeanwhile(f"a person was erased (change {found[0]}) after this job read the store "
                                  f"(change {read_at}): it writes nothing and reads again")

    # -- run log -----------------------------------------------------------------------------------
    def record_run(self, run_tag: str, job: str, started_at: str, summary: dict) -> None:
        with self._tx(counted=False) as db:  # stamps nothing: no change sequence
            db.execute("INSERT OR REPLACE INTO run (run_tag, job, started_at, summary) VALUES (?, ?, ?, ?)",
                       (run_tag, job, started_at, json.dumps(summary, sort_keys=True, default=str)))

    def runs(self, job: str | None = None, limit: int | None = None) -> list[dict]:
        rows = self._dicts(
            "SELECT run_tag, job, started_at, summary FROM run WHERE ? IS NULL OR job = ? "
            "ORDER BY started_at DESC, run_tag DESC LIMIT ?", (job, job, -1 if limit is None else limit))
        for r in rows:
            r["summary"] = json.loads(r["summary"]) if r["summary"] else {}
        return rows

    # -- bulk export -----------------------------------------------------------------------------
    # Each stream is one query read row by row from its cursor (in primary-key order, so no sort), and
    # bulk_snapshot holds one read transaction: WAL gives it a fixed view while other processes write.
    @contextmanager
    def bulk_snapshot(self):
        with self._snap():
            yield

    def _rows(self, sql: str) -> Iterator[dict]:
        cur = self.db.execute(sql)
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    def bulk(self, kind: str) -> Iterator:
        if kind not in BULK_KINDS:
            raise ValueError(f"unknown bulk kind {kind!r}: one of {', '.join(BULK_KINDS)}")
        return getattr(self, f"_bulk_{kind}")()

    def _bulk_customers(self) -> Iterator[dict]:
        for row in self._rows(
            "SELECT c.uid, c.source, c.source_id, c.first_name, c.last_name, c.full_name, c.dob, c.address, "
            "c.city, c.postcode, c.country, c.updated_at, c.row_hash, c.run_tag, c.seq, p.profile_id, "
            "c.resolve_seq, c.link_seq, c.attributes FROM customer c LEFT JOIN profile p ON p.profile_id = c.profile_id "
            "ORDER BY c.uid"
        ):
            row["attributes"] = _attributes(row["attributes"])
            yield row

    def _bulk_attribute_keys(self) -> Iterator[str]:
        for (key,) in self.db.execute(
                "SELECT DISTINCT a.key FROM customer c, json_each(c.attributes) a WHERE c.attributes IS NOT NULL "
                "ORDER BY 1").fetchall():
            yield key

    def _bulk_identifiers(self) -> Iterator[dict]:
        for row in self._rows("SELECT kind, value, shared, shared_reason FROM identifier ORDER BY kind, value"):
            row["shared"] = bool(row["shared"])
            yield row

    def _bulk_identifier_ties(self) -> Iterator[tuple[str, str, str, str, str | None]]:
        yield from self.db.execute(
            "SELECT 'customer', ci.customer_uid, ci.kind, ci.value, ci.origin FROM customer_identifier ci "
            "WHERE EXISTS (SELECT 1 FROM customer c WHERE c.uid = ci.customer_uid) "
            "AND EXISTS (SELECT 1 FROM identifier i WHERE i.kind = ci.kind AND i.value = ci.value) "
            "ORDER BY ci.customer_uid, ci.kind, ci.value")
        yield from self.db.execute(
            "SELECT 'interaction', ii.interaction_uid, ii.kind, ii.value, NULL FROM interaction_identifier ii "
            "WHERE EXISTS (SELECT 1 FROM interaction t WHERE t.uid = ii.interaction_uid) "
            "AND EXISTS (SELECT 1 FROM identifier i WHERE i.kind = ii.kind AND i.value = ii.value) "
            "ORDER BY ii.interaction_uid, ii.kind, ii.value")

    def _bulk_interactions(self) -> Iterator[dict]:
        yield from self._rows(
            "SELECT i.uid, i.source, i.source_id, i.at, i.channel, i.type, i.customer_ref, i.attributes, "
            "i.row_hash, i.run_tag, i.profile_id, i.resolve_seq, c.uid AS by FROM interaction i "
            "LEFT JOIN customer c ON c.uid = i.customer_ref ORDER BY i.uid")

    def _bulk_links(self) -> Iterator[LinkRow]:
        for row in self.db.execute(
            "SELECT l.a_uid, l.b_uid, l.score, l.evidence, l.kind FROM link l "
            "WHERE EXISTS (SELECT 1 FROM customer c WHERE c.uid = l.a_uid) "
            "AND EXISTS (SELECT 1 FROM customer c WHERE c.uid = l.b_uid) ORDER BY l.a_uid, l.b_uid"
        ):
            yield LinkRow(*row)

    def _bulk_profile_lineage(self) -> Iterator[tuple[str, str, str]]:
        yield from self.db.execute(
            "SELECT p.profile_id, 'merged_into', p.merged_into FROM profile p "
            "JOIN profile q ON q.profile_id = p.merged_into "
            "UNION ALL SELECT p.profile_id, 'split_from', p.split_from FROM profile p "
            "JOIN profile q ON q.profile_id = p.split_from ORDER BY 1, 2")

    def _bulk_audit(self) -> Iterator[dict]:
        return self._rows("SELECT seq, at, action, profile_id, by, reason, details FROM audit ORDER BY seq")

    def _bulk_suppression(self) -> Iterator[dict]:
        salt = self._salt()
        if salt is not None:
            yield {"hash": "salt", "kind": "salt", "at": None, "value": salt}
        for row in self._rows("SELECT hash, kind, at FROM suppression ORDER BY hash"):
            yield {**row, "value": None}

    def _salt(self) -> str | None:
        found = self.db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        return found[0] if found else None


class _Checkpointer:
    """A thread with its own connection that checkpoints the write-ahead log every `interval` seconds."""

    def __init__(self, path: Path, interval: float):
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA busy_timeout=30000")
        self._interval, self._stopping = interval, threading.Event()
        self.rounds = 0  # checkpoints done (a test waits on it)
        self._thread = threading.Thread(target=self._run, name="idgraph-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stopping.wait(self._interval):
                self._round()
            self._round()  # what the last commits wrote: a commit that crossed the threshold meanwhile
            # would copy it inside the commit, unless this round holds the checkpoint (it then passes)
        finally:
            self._db.close()

    def _round(self) -> None:
        try:
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.rounds += 1
        except sqlite3.Error as exc:  # the next round tries again; the log only grows meanwhile
            log.warning("the write-ahead log checkpoint failed: %s", exc)

    def stop(self, wait: bool = True) -> None:
        """Ends the thread after one last round; `wait=False` lets that round run on its own."""
        self._stopping.set()
        if wait:
            self._thread.join()

    def alive(self) -> bool:
        return self._thread.is_alive()
