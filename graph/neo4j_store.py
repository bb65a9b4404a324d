"""The Neo4j store: the Store contract on a Neo4j 5 database, with the official driver.

The graph is the model of ARCHITECTURE.md (labels, relationship types and property keys of
`cypher/vocabulary.json`); every statement lives in `cypher/` (read/, write/, forget/, gds/ and
schema.cypher) and is loaded by name (`graph/cypher_files.py`). Writes are batched `UNWIND $rows`
statements of at most `batch_size` rows, run in managed transactions (`session.execute_write`: retried on
transient errors, results consumed inside), and each contract method is one transaction, as on the
embedded store. Every write is a MERGE on a constrained key, so writing the same rows twice changes
nothing. The semantics of each method are those of `SQLiteStore`, which is the reference.

Where the embedded store has columns the graph has relationships: a customer's profile is IN_PROFILE,
an identifier tie is HAS_EMAIL/HAS_PHONE/USES_DEVICE (HAS_IDENTIFIER for a kind the mapping declares: an
`Identifier` node keyed 'kind:value') with its `origin` ('record', or the source of the event that made
it), a judgement is SAME_AS/NOT_SAME_AS, a retired profile points MERGED_INTO its survivor. A record's
attributes are Customer properties under their own names, listed in `attribute_keys`. An interaction's
attribution is its `profile_id` property (derived by resolve), and an event that names a customer not
ingested yet keeps `customer_ref` until that customer arrives (then BY, and the ties the event makes, are
written).

Components: resolve computes them in Python from `link_edges` as on the embedded store, unless the
server has Graph Data Science, where `components()` answers them with `gds.wcc` (see `components_gds`).

The password is handed to the driver and kept nowhere else: no attribute, repr, log line or error
message of this module holds it.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import neo4j
import polars as pl
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConfigurationError,
    ConstraintError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from idgraph.graph import erasure, hooks
from idgraph.graph.cypher_files import statement, statements
from idgraph.graph.errors import ErasedMeanwhile, NotFoundError, StoreError
from idgraph.graph.neo4j_bulk import Neo4jBulkExport
from idgraph.graph.neo4j_households import Neo4jHouseholds, household_row, trait_dict
from idgraph.graph.profile_view import PROFILE, empty
from idgraph.graph.record_frames import customer_rows, interaction_rows
from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow, WriteCounts
from idgraph.graph.attribution import CARRIED as ATTRIBUTION_CARRIED, EVENTS as ATTRIBUTION_EVENTS
from idgraph.graph.store import CUSTOMER_COLUMNS, MARKS, frame_extras

T = TypeVar("T")

DEFAULT_URI = "neo4j://localhost:7687"
DEFAULT_BATCH_SIZE = 5000
NO_LIMIT = 2**62
# A GDS projection costs about half a second however few records it holds (a one-row write of the
# service resolved in 0.8 s, 0.5 of it there); in-process components of a few thousand records take
# milliseconds. Under this many records in scope, `auto` computes them in-process.
GDS_MIN_SCOPE = 5_000
_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")

_CUSTOMER_FIELDS = ("source", "source_id", "first_name", "last_name", "full_name", "dob", "address",
                    "city", "postcode", "country", "updated_at", "row_hash")
_INTERACTION_FIELDS = ("source", "source_id", "at", "channel", "type", "customer_ref", "attributes", "row_hash")
_PROFILE_FIELDS = ("first_name", "last_name", "dob", "email", "phone", "address", "city", "postcode",
                   "country", "customer_count", "sources")
_LINK_TYPES = {"probable": "PROBABLY_SAME", "review": "MAYBE_SAME"}
_STAT_KEYS = ("customers", "identifiers", "emails", "phones", "devices", "shared_identifiers", "interactions",
              "attributed_interactions", "profiles", "probable_links", "review_queue", "judgements",
              "customers_to_resolve")


def _safe_uri(uri: str) -> str:
    """The URI without any user:password@ part, for messages."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable URI>"
    if "@" not in parts.netloc:
        return uri
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _chunks(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def _uids(uids: Sequence[str] | None) -> list[str] | None:
    """A scope as a Cypher parameter: distinct, sorted (None stays None: the whole graph)."""
    return None if uids is None else sorted(set(uids))


def _plain(value: Any) -> Any:
    """A value from the driver as plain JSON-able Python: nodes and relationships as dicts of their
    properties (with labels or type), paths as lists of those, temporal values as ISO text."""
    if isinstance(value, neo4j.graph.Node):
        return {"labels": sorted(value.labels), **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Relationship):
        return {"type": value.type, **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, neo4j.graph.Path):
        return [_plain(x) for pair in zip(value.nodes, [*value.relationships, None]) for x in pair if x is not None]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _customer_props(row: CustomerRow, run_tag: str, gone: Sequence[str] = ()) -> dict:
    """A customer's properties as written: its fields, each attribute under its own name with the sorted
    names in attribute_keys, and None (which removes the property) for the attributes in `gone` that the
    record no longer has."""
    props = {**{f: getattr(row, f) for f in _CUSTOMER_FIELDS}, "run_tag": run_tag}
    props.update({k: None for k in gone if k not in row.attributes})
    props.update(row.attributes)
    props["attribute_keys"] = sorted(row.attributes) or None
    return props


def _audit_props(entry: dict) -> dict:
    return {"at": entry["at"], "action": entry["action"], "profile_id": entry.get("profile_id"), "by": entry.get("by"),
            "reason": entry.get("reason"), "details": json.dumps(entry.get("details") or {}, sort_keys=True)}


def _complete(rows: Sequence, what: str) -> list:
    """Refuse a batch with a record that lacks a key, before anything of it is written."""
    for r in rows:
        missing = [f for f in ("uid", "source", "source_id", "row_hash") if getattr(r, f) is None]
        if missing:
            raise StoreError(f"{what} record {r.uid!r} lacks {', '.join(missing)}: nothing of this batch was written")
    return list(rows)


class Neo4jStore(Neo4jBulkExport, Neo4jHouseholds):
    """The Store contract on a Neo4j database (the bulk export streams come from Neo4jBulkExport; households
    and traits from Neo4jHouseholds)."""

    name = "neo4j"
    # Called at the end of a counted write transaction's work, just before it commits (service/reads.py).
    before_commit: Callable[[], None] | None = None

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j",
                 batch_size: int = DEFAULT_BATCH_SIZE, *, gds: bool | None = None):
        """Connect and check the database answers; raises StoreError (exit 2) when it does not.

        batch_size: rows per UNWIND statement (one contract call stays one transaction however many
        statements it takes). gds: None uses Graph Data Science for components where the server has it,
        False never does, True requires it.
        """
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        # Only the URI without any user:password@ part is kept (and shown: `idgraph init` prints it).
        self.uri, self.user, self.database, self.batch_size = _safe_uri(uri), user, database or "neo4j", batch_size
        self.gds = gds
        self._gds_version: str | None | bool = False  # False: not asked yet
        # The transaction open on this thread (atomic, snapshot, or a method's own): its mode and, for a
        # counted write, its change sequence (what it stamps: $stamp in the statements).
        self._local = threading.local()
        scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
        if scheme not in _SCHEMES:
            raise StoreError(f"NEO4J_URI {_safe_uri(uri)!r} is not a Neo4j URI: use neo4j://host:7687 or "
                             "bolt://host:7687 (+s or +ssc for TLS)")
        try:
            self.driver = neo4j.GraphDatabase.driver(
                uri, auth=(user, password), notifications_min_severity="OFF", user_agent="idgraph")
        except (ConfigurationError, ValueError) as exc:
            raise StoreError(f"NEO4J_URI {_safe_uri(uri)!r} is not a Neo4j URI ({exc.__class__.__name__}): use "
                             "neo4j://host:7687 or bolt://host:7687 (+s/+ssc for TLS)") from None
        try:
            self._read(lambda tx: tx.run(statement("read/ping")).consume())
        except StoreError:
            self.driver.close()
            raise

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **kwargs: Any) -> "Neo4jStore":
        """From NEO4J_URI (default neo4j://localhost:7687), NEO4J_USERNAME (default neo4j),
        NEO4J_PASSWORD (required), NEO4J_DATABASE (default neo4j), as Neo4j's own tools read them;
        IDGRAPH_NEO4J_BATCH_SIZE and IDGRAPH_NEO4J_GDS (auto | on | off) tune the store."""
        env = os.environ if env is None else env
        password = env.get("NEO4J_PASSWORD")
        uri = env.get("NEO4J_URI") or DEFAULT_URI
        if not password:
            raise StoreError(f"NEO4J_PASSWORD is not set: set NEO4J_URI ({_safe_uri(uri)}), NEO4J_USERNAME and "
                             "NEO4J_PASSWORD (and NEO4J_DATABASE if not 'neo4j') to use the Neo4j store")
        gds_mode = (env.get("IDGRAPH_NEO4J_GDS") or "auto").lower()
        if gds_mode not in ("auto", "on", "off"):
            raise StoreError(f"IDGRAPH_NEO4J_GDS={gds_mode!r}: choose auto, on or off")
        try:
            batch_size = int(env.get("IDGRAPH_NEO4J_BATCH_SIZE") or DEFAULT_BATCH_SIZE)
        except ValueError:
            raise StoreError("IDGRAPH_NEO4J_BATCH_SIZE must be a whole number") from None
        kwargs.setdefault("gds", {"auto": None, "on": True, "off": False}[gds_mode])
        kwargs.setdefault("batch_size", batch_size)
        return cls(uri, env.get("NEO4J_USERNAME") or "neo4j", password, env.get("NEO4J_DATABASE") or "neo4j",
                   **kwargs)

    def __repr__(self) -> str:
        return f"Neo4jStore(uri={_safe_uri(self.uri)!r}, user={self.user!r}, database={self.database!r})"

    # -- plumbing --------------------------------------------------------------------------------
    @contextmanager
    def _errors(self) -> Iterator[None]:
        """The driver's connection and authentication failures as StoreError, with what to do."""
        where = f"Neo4j at {_safe_uri(self.uri)} (database {self.database!r}, user {self.user!r})"
        try:
            yield
        except AuthError:
            raise StoreError(f"{where} refused the credentials: check NEO4J_USERNAME and NEO4J_PASSWORD") from None
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreError(f"cannot reach {where}: {exc.__class__.__name__}. Is the server running and "
                             "NEO4J_URI right? (a local one: tools/neo4j/neo4j.sh start)") from None
        except ClientError as exc:
            if exc.code and "DatabaseNotFound" in exc.code:
                raise StoreError(f"{where}: there is no database {self.database!r}; set NEO4J_DATABASE to one "
                                 "that exists (`SHOW DATABASES`)") from None
            raise
        except TransientError as exc:
            if exc.code and "MemoryPoolOutOfMemory" in exc.code:
                raise StoreError(f"{where}: a transaction needed more memory than the server allows; lower "
                                 "IDGRAPH_NEO4J_BATCH_SIZE or raise the server's heap and "
                                 "db.memory.transaction.total.max") from None
            raise
        except ConfigurationError as exc:
            raise StoreError(f"{where}: {exc.__class__.__name__} ({exc})") from None

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T], counted: bool = True) -> T:
        """`work` in a managed write transaction (retried on transient errors), or in the one open on this
        thread (atomic). A counted one first takes the next change sequence: the statement locks the one
        Sequence node until the commit, so write transactions commit one after the other."""
        local = self._local
        if getattr(local, "tx", None) is not None:
            if local.mode != "write":
                raise StoreError("a write inside a read snapshot (store.snapshot): write after it")
            if counted and local.seq is None:
                raise StoreError("a counted write inside an uncounted transaction")
            return work(local.tx)

        def outer(tx: neo4j.ManagedTransaction) -> T:
            local.tx, local.mode = tx, "write"
            try:
                local.seq = tx.run(statement("write/sequence_next")).single()[0] if counted else None
                result = work(tx)
                if counted:
                    hooks.at("store.commit")
                    if self.before_commit is not None:  # the service's writer announces its commits
                        self.before_commit()
                return result
            finally:
                local.tx = local.mode = local.seq = None

        with self._errors(), self.driver.session(database=self.database) as session:
            return session.execute_write(outer)

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        local = self._local
        if getattr(local, "tx", None) is not None:
            return work(local.tx)

        def outer(tx: neo4j.ManagedTransaction) -> T:
            local.tx, local.mode, local.seq = tx, "read", None
            try:
                return work(tx)
            finally:
                local.tx = local.mode = None

        with self._errors(), self.driver.session(database=self.database) as session:
            return session.execute_read(outer)

    def atomic(self, work: Callable[[], T]) -> T:
        return self._write(lambda tx: work())

    def snapshot(self, work: Callable[[], T]) -> T:
        return self._read(lambda tx: work())

    def _values(self, name: str, **params: Any) -> list[list]:
        """One read statement's rows as lists of values."""
        query = statement(name)
        return self._read(lambda tx: tx.run(query, params).values())

    def _dicts(self, name: str, **params: Any) -> list[dict]:
        query = statement(name)
        return self._read(lambda tx: tx.run(query, params).data())

    def _column(self, name: str, **params: Any) -> list:
        return [row[0] for row in self._values(name, **params)]

    def _run(self, tx: neo4j.ManagedTransaction, name: str, rows: Sequence | None = None,
             key: str = "rows", **params: Any) -> list[list]:
        """Every statement of one file, over `rows` in batches of batch_size (once when rows is None);
        returns the rows of all results (results consumed inside the transaction)."""
        out: list[list] = []
        batches = [None] if rows is None else list(_chunks(rows, self.batch_size))
        stamp = getattr(self._local, "seq", None)
        if stamp is not None:
            params = {"stamp": stamp, **params}
        for batch in batches:
            args = params if batch is None else {**params, key: list(batch)}
            for query in statements(name):
                out.extend(tx.run(query, args).values())
        return out

    def _frame(self, name: str, schema: dict, **params: Any) -> pl.DataFrame:
        """A read statement that returns its rows as one list (`RETURN collect([...]) AS rows`): the
        driver builds one record instead of one per row, many times faster for big reads."""
        return pl.DataFrame(self._values(name, **params)[0][0], schema=schema, orient="row")

    def _list(self, name: str, **params: Any) -> list:
        """A read statement that returns one list (`RETURN collect(x) AS ...`)."""
        return self._values(name, **params)[0][0]

    def _customer_frame(self, name: str, schema: dict, uids: Sequence[str] | None, **params: Any) -> pl.DataFrame:
        """A read over customers `$uids` returning collected rows, in batches of uids (every customer
        when None), in one read transaction: bounded server memory and one record per batch."""
        query = statement(name)
        size = self.batch_size * 4

        def work(tx: neo4j.ManagedTransaction) -> list:
            scope = _uids(uids)
            if scope is None:
                scope = sorted(tx.run(statement("read/customer_uids")).single()[0])
            rows: list = []
            for batch in _chunks(scope, size):
                rows.extend(tx.run(query, params, uids=list(batch)).single()[0])
            return rows

        return pl.DataFrame(self._read(work), schema=schema, orient="row")

    # -- lifecycle -------------------------------------------------------------------------------
    def init(self) -> None:
        """Apply cypher/schema.cypher (constraints first, all IF NOT EXISTS) and wait for the indexes."""
        with self._errors(), self.driver.session(database=self.database) as session:
            for query in statements("schema"):
                session.run(query).consume()  # schema commands run in auto-commit transactions
            session.run(statement("read/await_indexes")).consume()
            for query in statements("write/migrate_marks"):  # CALL IN TRANSACTIONS: auto-commit too
                session.run(query).consume()
            session.run(statement("write/sequence_init")).consume()

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wipe(self) -> None:
        """Delete the whole identity graph, in batches (benchmarks and tests on a database of their own)."""
        while True:
            deleted = self._write(lambda tx: tx.run(statement("write/wipe"), batch=10_000).single()[0], counted=False)
            if not deleted:
                return

    # -- work marks and leases (graph/work.py) ---------------------------------------------------
    def marks(self) -> dict:
        sequence, erased, watermarks = self._values("read/marks")[0]
        return {"sequence": sequence, "erased": erased, "watermarks": {job: seq for job, seq in watermarks}}

    def advance_watermark(self, job: str, seq: int) -> None:
        self._write(lambda tx: self._run(tx, "write/watermark", job=job, mark=int(seq)))

    def changed(self, mark: str, after: int) -> list[str]:
        if mark not in MARKS:
            raise ValueError(f"unknown work mark {mark!r}: one of {', '.join(MARKS)}")
        return sorted(self._list(f"read/changed_{mark}", after=int(after)))

    def take_lease(self, job: str, holder: dict, now: str, replaces: str | None = None) -> dict | None:
        def work(tx: neo4j.ManagedTransaction) -> dict | None:
            found = tx.run(statement("write/lease_lock"), job=job).data()[0]
            if found["owner"] is not None and found["owner"] not in (holder["owner"], replaces) \
                    and (found["expires_at"] or "") > now:
                return found
            tx.run(statement("write/lease_take"), job=job, holder=dict(holder)).consume()
            return None

        return self._write(work, counted=False)

    def release_lease(self, job: str, owner: str) -> None:
        self._write(lambda tx: tx.run(statement("write/lease_release"), job=job, owner=owner).consume(), counted=False)

    # -- ingest ----------------------------------------------------------------------------------
    def _new_and_changed(self, tx: neo4j.ManagedTransaction, hashes: str,
                         rows: list) -> tuple[list, list, WriteCounts, dict[str, list]]:
        """Split a batch by the stored content hashes: new records, changed ones, the counts, and what the
        statement says of each stored record besides its hash (by uid)."""
        stored = {found[0]: found[1:] for batch in self._run(tx, hashes, [r.uid for r in rows], key="uids")
                  for found in batch[0]}
        new = [r for r in rows if r.uid not in stored]
        changed = [r for r in rows if r.uid in stored and stored[r.uid][0] != r.row_hash]
        return new, changed, WriteCounts(inserted=len(new), updated=len(changed),
                                         unchanged=len(rows) - len(new) - len(changed)), stored

    def write_customers(self, rows: Sequence[CustomerRow], run_tag: str) -> WriteCounts:
        rows = _complete(rows, "customer")

        def work(tx: neo4j.ManagedTransaction) -> WriteCounts:
            new, changed, counts, stored = self._new_and_changed(tx, "read/customer_hashes", rows)
            if not new and not changed:
                return counts
            seq0 = self._run(tx, "read/customer_seq_max")[0][0] if new else 0
            self._run(tx, "write/customers_new",
                      [{"uid": r.uid, "props": {**_customer_props(r, run_tag), "seq": seq0 + i + 1}}
                       for i, r in enumerate(new)])
            self._run(tx, "write/customers_changed",
                      [{"uid": r.uid, "props": _customer_props(r, run_tag, stored[r.uid][1])} for r in changed])
            self._run(tx, "write/customer_identifiers",
                      [{"uid": r.uid, "kind": k, "value": v} for r in (*new, *changed) for k, v in r.identifiers])
            self._run(tx, "write/customer_events", [r.uid for r in new], key="uids")
            return counts

        return self._write(work) if rows else WriteCounts()

    def write_customer_frame(self, frame: pl.DataFrame, run_tag: str) -> WriteCounts:
        return self.write_customers(customer_rows(frame), run_tag)

    def write_interaction_frame(self, frame: pl.DataFrame, run_tag: str) -> WriteCounts:
        return self.write_interactions(interaction_rows(frame), run_tag)

    def write_interactions(self, rows: Sequence[InteractionRow], run_tag: str) -> WriteCounts:
        rows = _complete(rows, "interaction")

        def work(tx: neo4j.ManagedTransaction) -> WriteCounts:
            new, changed, counts, _ = self._new_and_changed(tx, "read/interaction_hashes", rows)
            touched = [*new, *changed]
            if not touched:
                return counts
            self._run(tx, "write/interactions_unlink", [r.uid for r in changed], key="uids")
            self._run(tx, "write/interactions", [
                {"uid": r.uid, "props": {**{f: getattr(r, f) for f in _INTERACTION_FIELDS}, "run_tag": run_tag}}
                for r in touched])
            self._run(tx, "write/interaction_identifiers",
                      [{"uid": r.uid, "kind": k, "value": v} for r in touched for k, v in r.identifiers])
            self._run(tx, "write/interaction_customers",
                      [{"uid": r.uid, "customer": r.customer_ref} for r in touched if r.customer_ref])
            # An event that names its customer ties that customer to what the event carries (a login on a
            # device); for a customer not here yet, write/customer_events does it when it arrives.
            self._run(tx, "write/event_ties", [
                {"customer": r.customer_ref, "kind": k, "value": v, "origin": r.source}
                for r in touched if r.customer_ref for k, v in r.identifiers])
            return counts

        return self._write(work) if rows else WriteCounts()

    def suppressed(self, hashes: Sequence[str]) -> set[str]:
        if not hashes:
            return set()
        return set(self._column("read/suppressed", hashes=sorted(set(hashes))))

    def has_suppression(self) -> bool:
        return self._column("read/has_suppression")[0]

    # -- guard -----------------------------------------------------------------------------------
    def identifier_members(self, uids: Sequence[str] | None = None) -> pl.DataFrame:
        return self._frame("read/identifier_members",
                           {"kind": pl.Utf8, "value": pl.Utf8, "shared": pl.Boolean, "uid": pl.Utf8,
                            "first_name": pl.Utf8, "last_name": pl.Utf8, "dob": pl.Utf8},
                           uids=_uids(uids))

    def set_shared(self, rows: Sequence[tuple[str, str, bool, str | None]], read_at: int | None = None) -> int:
        payload = [{"kind": k, "value": v, "shared": bool(s), "reason": r} for k, v, s, r in rows]
        if not payload:
            return 0

        def work(tx: neo4j.ManagedTransaction) -> int:
            self._erased_after(tx, read_at)
            return sum(row[0] for row in self._run(tx, "write/set_shared", payload))

        return self._write(work)

    # -- link job --------------------------------------------------------------------------------
    def customers_frame(self, uids: Sequence[str] | None = None, *, identifier_kinds: Sequence[str] = (),
                        attributes: Sequence[str] = ()) -> pl.DataFrame:
        kinds, names = frame_extras(identifier_kinds, attributes)
        schema = {c: pl.Utf8 for c in CUSTOMER_COLUMNS}
        schema.update(seq=pl.Int64, emails=pl.List(pl.Utf8), phones=pl.List(pl.Utf8), devices=pl.List(pl.Utf8),
                      further=pl.List(pl.List(pl.Utf8)), attribute_values=pl.List(pl.Utf8))
        frame = self._customer_frame("read/customers_frame", schema, uids, kinds=kinds, attributes=names)
        lists = ("emails", "phones", "devices", *kinds)
        return frame.with_columns(
            *(pl.col("further").list.get(i).alias(k) for i, k in enumerate(kinds)),
            *(pl.col("attribute_values").list.get(i).alias(a) for i, a in enumerate(names)),
        ).with_columns(pl.col(c).list.sort() for c in lists).select(*CUSTOMER_COLUMNS, *kinds, *names).sort("uid")

    def replace_links(self, rows: Sequence[LinkRow], touching: Sequence[str] | None) -> None:
        by_pair: dict[tuple[str, str], LinkRow] = {}
        for r in rows:  # one link per pair; a later row replaces an earlier one
            by_pair[(r.a_uid, r.b_uid)] = r
        payload = [{"a": r.a_uid, "b": r.b_uid, "kind": r.kind, "score": float(r.score), "evidence": r.evidence}
                   for r in by_pair.values()]
        for r in payload:
            if r["kind"] not in _LINK_TYPES:
                raise ValueError(f"unknown link kind {r['kind']!r}: probable or review")

        def work(tx: neo4j.ManagedTransaction) -> None:
            relinked = set(touching or ())
            if touching is None or touching:
                for a, b in self._run(tx, "write/links_delete", uids=_uids(touching)):
                    relinked.update((a, b))
            self._run(tx, "write/links", payload)
            relinked.update(u for r in payload for u in (r["a"], r["b"]))
            self._run(tx, "write/stamp_resolve", sorted(relinked), key="uids")

        self._write(work)

    def links(self, kind: str | None = None, limit: int | None = None, *,
              touching: Sequence[str] | None = None) -> list[LinkRow]:
        if touching is not None and not touching:
            return []
        rows = self._values("read/links", type=None if kind is None else _LINK_TYPES.get(kind, kind),
                            uids=_uids(touching), limit=NO_LIMIT if limit is None else int(limit))
        return [LinkRow(a, b, score, evidence, k) for a, b, score, evidence, k in rows]

    def delete_link(self, a_uid: str, b_uid: str) -> None:
        a, b = sorted((a_uid, b_uid))
        self._write(lambda tx: self._run(tx, "write/link_delete", a=a, b=b))

    # -- resolve ---------------------------------------------------------------------------------
    def customer_count(self) -> int:
        return self._column("read/customer_count")[0]

    def neighbours(self, uids: Sequence[str]) -> list[str]:
        query = statement("read/neighbours")

        def work(tx: neo4j.ManagedTransaction) -> list[str]:
            found: set[str] = set()
            for batch in _chunks(sorted(set(uids)), self.batch_size):
                found.update(tx.run(query, uids=list(batch)).single()[0])
            return sorted(found)

        return self._read(work)

    def link_edges(self, scope: Sequence[str] | None) -> pl.DataFrame:
        schema = {"a": pl.Utf8, "b": pl.Utf8, "kind": pl.Utf8, "weight": pl.Float64}
        if scope is not None and not scope:
            return pl.DataFrame(schema=schema)
        # Sorted, so that anything built from the edges (resolve's minimum cuts) sees them in one order.
        return self._customer_frame("read/link_edges", schema, scope).sort("a", "b", "kind")

    def profile_state(self, scope: Sequence[str] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
        rows = self._customer_frame("read/profile_state", {"uid": pl.Utf8, "seq": pl.Int64, "profile_id": pl.Utf8,
                                                           "profile_seq": pl.Int64, "status": pl.Utf8}, scope)
        members = rows.select("uid", "seq", "profile_id")
        profiles = (rows.filter(pl.col("profile_id").is_not_null())
                    .select("profile_id", pl.col("profile_seq").alias("seq"), "status")
                    .unique("profile_id", maintain_order=True))
        return members, profiles

    def profile_ids_taken(self, ids: Sequence[str]) -> set[str]:
        return set(self._column("read/profile_ids_taken", ids=list(ids))) if ids else set()

    def max_profile_seq(self) -> int:
        return self._column("read/profile_seq_max")[0]

    def attribution_facts(self, scope: Sequence[str] | None, after: int) -> dict[str, pl.DataFrame]:
        touched_query, facts_query = statement("read/attribution_touched"), statement("read/attribution_facts")

        def work(tx: neo4j.ManagedTransaction) -> tuple[list, list]:
            if scope is None:
                touched = tx.run(touched_query, uids=None, after=int(after)).single()[0]
            else:
                touched = []
                for batch in list(_chunks(sorted(set(scope)), self.batch_size)) or [[]]:
                    touched.extend(tx.run(touched_query, uids=list(batch), after=int(after)).single()[0])
            events: list = []
            carried: list = []
            for batch in _chunks(sorted(set(touched)), self.batch_size):
                found = tx.run(facts_query, uids=list(batch)).single()
                events.extend(found["events"])
                carried.extend(found["carried"])
            return events, carried

        events, carried = self._read(work)
        return {"events": pl.DataFrame(events, schema=ATTRIBUTION_EVENTS, orient="row"),
                "carried": pl.DataFrame(carried, schema=ATTRIBUTION_CARRIED, orient="row")}

    def write_resolution(self, members: pl.DataFrame, profiles: pl.DataFrame, retired: pl.DataFrame,
                         audit: Sequence[dict], attribution: pl.DataFrame, recount: Sequence[str], *,
                         mark: int | None = None, read_at: int | None = None,
                         then: Callable[[], None] | None = None) -> None:
        """Write what resolve computed, as the embedded store does, in batches of whole components.

        A resolve that fits in one batch (batch_size records and profiles) is one transaction. A bigger
        one, which would not fit in a Neo4j transaction's memory (160,000 records make a few GiB of
        transaction state), is written one batch of whole components per transaction: each moves its
        records, upserts their profiles, retires the profiles merged into them and appends their audit
        entries; then the interactions' attribution and counts, in batches; a last one runs `then`
        (households and traits) and advances resolve's watermark. A run killed half way has not advanced
        the watermark: the next resolve takes the same scope again and finds the components written
        already as they are, so it gives the same profile ids (batches go in minting order), and writes
        the households and traits.
        """
        stamp_rows = profiles.select("profile_id", "seq", "status", "merged_into", "split_from", "created_at",
                                     "updated_at", *_PROFILE_FIELDS).sort("seq", "profile_id")
        profile_rows = [
            {"profile_id": r["profile_id"],
             "created": {"seq": r["seq"], "created_at": r["created_at"], "split_from": r["split_from"]},
             "props": {"status": r["status"], "merged_into": None, "updated_at": r["updated_at"],
                       **{f: r[f] for f in _PROFILE_FIELDS if f != "sources"},
                       "sources": json.loads(r["sources"]) if r.get("sources") else None}}
            for r in stamp_rows.iter_rows(named=True)]
        members_of: dict[str, list[dict]] = {}
        for row in members.select("uid", "profile_id").iter_rows(named=True):
            members_of.setdefault(row["profile_id"], []).append(row)
        # Batches of whole components (a profile with its moved records), in minting order.
        batches: list[list[dict]] = [[]]
        load = 0
        for row in profile_rows:
            weight = 1 + len(members_of.get(row["profile_id"], ()))
            if batches[-1] and load + weight > self.batch_size:
                batches.append([])
                load = 0
            batches[-1].append(row)
            load += weight
        batch_of = {row["profile_id"]: i for i, rows in enumerate(batches) for row in rows}
        retired_rows: list[list[dict]] = [[] for _ in batches]
        leftover_retired: list[dict] = []
        for row in retired.select("profile_id", "status", "merged_into", "updated_at").to_dicts():
            i = batch_of.get(row["merged_into"]) if row["merged_into"] else None
            (leftover_retired if i is None else retired_rows[i]).append(row)
            if i is not None:
                batch_of.setdefault(row["profile_id"], i)
        # The audit entries keep the order given: their numbers are taken at once, in the first transaction.
        numbered = [{"n": n, "props": _audit_props(a)} for n, a in enumerate(audit, 1)]
        audit_rows: list[list[dict]] = [[] for _ in batches]
        leftover_audit: list[dict] = []
        for a, row in zip(audit, numbered):
            i = batch_of.get(a.get("profile_id"))
            (leftover_audit if i is None else audit_rows[i]).append(row)
        attributed = attribution.select("uid", "profile_id").to_dicts()
        base: list[int] = []

        def component_batch(tx: neo4j.ManagedTransaction, i: int) -> None:
            self._erased_after(tx, read_at)
            ids = [row["profile_id"] for row in batches[i]]
            if i == 0:
                base[:] = [self._reserve_audit(tx, len(numbered))]
            self._run(tx, "write/profiles", batches[i])
            self._run(tx, "write/profiles_retired", retired_rows[i])
            self._run(tx, "write/members", [m for pid in ids for m in members_of.get(pid, ())])
            self._create_audit(tx, base[0], audit_rows[i])

        def interactions(tx: neo4j.ManagedTransaction, rows: Sequence[dict], ids: Sequence[str]) -> None:
            self._erased_after(tx, read_at)
            self._run(tx, "write/attribution", rows)
            self._run(tx, "write/interaction_counts", list(ids), key="ids")

        def last_batch(tx: neo4j.ManagedTransaction, rows: Sequence[dict], ids: Sequence[str]) -> None:
            interactions(tx, rows, ids)
            self._run(tx, "write/profiles_retired", leftover_retired)
            self._create_audit(tx, base[0], leftover_audit)
            if then is not None:  # households and traits: in the transaction that advances the watermark
                then()
            if mark is not None:
                self._run(tx, "write/watermark", job="resolve", mark=int(mark))

        recount = sorted(recount)
        if len(batches) == 1 and len(attributed) + len(recount) <= 4 * self.batch_size:
            def whole(tx: neo4j.ManagedTransaction) -> None:  # the usual incremental run: one transaction
                component_batch(tx, 0)
                last_batch(tx, attributed, recount)

            self._write(whole)
            return
        for i in range(len(batches)):
            self._write(lambda tx: component_batch(tx, i))
        size = 4 * self.batch_size  # the attribution first, all of it; then the counts it changed
        for start in range(0, len(attributed), size):
            self._write(lambda tx: interactions(tx, attributed[start:start + size], []))
        for start in range(0, len(recount), size):
            self._write(lambda tx: interactions(tx, [], recount[start:start + size]))
        self._write(lambda tx: last_batch(tx, [], []))

    def _append_audit(self, tx: neo4j.ManagedTransaction, entries: Sequence[dict]) -> None:
        """Audit entries numbered inside this write (write/audit.cypher), in the order given."""
        if entries:
            base = self._reserve_audit(tx, len(entries))
            self._create_audit(tx, base, [{"n": n, "props": _audit_props(a)} for n, a in enumerate(entries, 1)])

    def _reserve_audit(self, tx: neo4j.ManagedTransaction, count: int) -> int:
        """Move the audit counter past `count` entries; the number before them."""
        first, _ = statements("write/audit")
        return tx.run(first, count=count).single()[0]

    def _create_audit(self, tx: neo4j.ManagedTransaction, base: int, rows: list[dict]) -> None:
        _, second = statements("write/audit")
        for batch in _chunks(rows, self.batch_size):
            tx.run(second, base=base, rows=list(batch)).consume()

    # -- components on the server (Graph Data Science) ---------------------------------------------
    def gds_version(self) -> str | None:
        """The GDS version the server answers, or None when it has no GDS (asked once)."""
        if self._gds_version is False:
            try:
                self._gds_version = self._column("gds/version")[0]
            except ClientError:
                self._gds_version = None
        return self._gds_version  # type: ignore[return-value]

    def components(self, scope: Sequence[str] | None, after: int = 0) -> pl.DataFrame | None:
        """uid, component for the customers in scope (all when None), computed on the server by GDS
        WCC; None when the server has no GDS (or it is turned off), or, unless GDS is asked for always,
        when the scope is under GDS_MIN_SCOPE records, and resolve computes them in-process.
        `after`: resolve's watermark (what is stamped after it may have split, and is not seeded)."""
        if self.gds is None:  # auto: where GDS is installed, and worth its projection
            use = (scope is None or len(scope) >= GDS_MIN_SCOPE) and self.gds_version() is not None
        else:
            use = self.gds
        return self.components_gds(scope, after) if use else None

    def components_gds(self, scope: Sequence[str] | None, after: int = 0) -> pl.DataFrame:
        """Weakly connected components of the linking graph (non-shared identifiers, PROBABLY_SAME, live
        SAME_AS) of the customers in scope, by `gds.wcc` over a projection made for this call and dropped
        after it. Seeded from the previous run: a customer whose profile has no record marked for resolve
        starts in its profile's component (its seq), see cypher/gds/project.cypher."""
        if self.gds_version() is None:
            raise StoreError(f"Neo4j at {_safe_uri(self.uri)} has no Graph Data Science library (gds.version() "
                             "does not answer): install the GDS plugin, or let resolve compute components "
                             "in-process (IDGRAPH_NEO4J_GDS=auto or off)")
        schema = {"uid": pl.Utf8, "component": pl.Int64}
        uids = _uids(scope)
        if uids is not None and not uids:
            return pl.DataFrame(schema=schema)
        graph = f"idgraph-wcc-{uuid.uuid4().hex[:12]}"
        try:
            projected = self._dicts("gds/project", graph=graph, uids=uids, after=int(after))[0]
            config = {"seedProperty": "seed"} if projected["seeded"] else {}
            return self._frame("gds/wcc", schema, graph=graph, config=config)
        finally:
            self._values("gds/drop", graph=graph)

    # -- judgements ------------------------------------------------------------------------------
    def add_judgements(self, rows: Sequence[dict]) -> None:
        payload = [{"judgement_id": r["judgement_id"], "kind": r["kind"], "a_uid": r["a_uid"], "b_uid": r["b_uid"],
                    "by": r["by"], "at": r["at"], "reason": r.get("reason")} for r in rows]
        for r in payload:
            if r["kind"] not in ("same", "not_same"):
                raise ValueError(f"unknown judgement kind {r['kind']!r}: same or not_same")
        ends = sorted({u for r in payload for u in (r["a_uid"], r["b_uid"])})

        def work(tx: neo4j.ManagedTransaction) -> None:
            found = {r[0] for r in self._run(tx, "read/customers_existing", uids=ends)}
            missing = [u for u in ends if u not in found]
            if missing:
                raise NotFoundError(f"no record {', '.join(missing)}: a judgement joins two records of the graph")
            self._run(tx, "write/judgement_add", payload)

        try:
            self._write(work)
        except ConstraintError:
            ids = ", ".join(r["judgement_id"] for r in payload)
            raise StoreError(f"judgement {ids} exists already between other records") from None

    def judgements(self, uids: Sequence[str] | None = None, include_deleted: bool = False) -> list[dict]:
        return self._dicts("read/judgements", uids=_uids(uids), include_deleted=include_deleted)

    def withdraw_judgement(self, judgement_id: str, at: str) -> dict | None:
        query = statement("write/judgement_withdraw")
        found = self._write(lambda tx: tx.run(query, judgement_id=judgement_id, at=at, stamp=self._local.seq).data())
        return found[0] if found else None

    # -- queries ---------------------------------------------------------------------------------
    @staticmethod
    def _profile_row(row: dict) -> dict:
        """A profile as the embedded store gives it: sources as a JSON list in text."""
        if row.get("sources") is not None:
            row["sources"] = json.dumps(list(row["sources"]))
        return row

    def profile(self, profile_id: str) -> dict | None:
        found = self._column("read/profile", profile_id=profile_id)
        return self._profile_row(found[0]) if found else None

    @staticmethod
    def _member_rows(rows: list[dict]) -> list[dict]:
        """A profile's records with their attributes as a dict, from [name, value] pairs."""
        for row in rows:
            row["attributes"] = dict(row["attributes"])
        return rows

    def profile_members(self, profile_id: str) -> list[dict]:
        return self._member_rows(self._dicts("read/profile_members", profile_id=profile_id))

    def profile_view(self, kind: str, value: str, limit: int | None = None) -> dict:
        """One Cypher query (cypher/read/profile_view.cypher): a lookup is one round trip, not seven."""
        rows = self._dicts("read/profile_view", kind=kind, value=value,
                           limit=NO_LIMIT if limit is None else int(limit))
        row = rows[0]
        found = [dict(c) for c in row["found"]] if kind != PROFILE else []
        if row["profile"] is None:
            return empty(found)
        return {"found": found, "profile": self._profile_row(dict(row["profile"])),
                "members": self._member_rows([dict(m) for m in row["members"]]),
                "identifiers": [dict(i) for i in row["identifiers"]],
                "interactions": [dict(i) for i in row["interactions"]], "traits": trait_dict(row["traits"]),
                "households": [household_row(h) for h in row["households"]]}

    def profile_interactions(self, profile_id: str, limit: int | None = None) -> list[dict]:
        return self._dicts("read/profile_interactions", profile_id=profile_id,
                           limit=NO_LIMIT if limit is None else int(limit))

    def find_customers(self, kind: str, value: str) -> list[dict]:
        return self._dicts("read/find_customers", kind=kind, value=value)

    def record_profiles(self, uids: Sequence[str]) -> dict[str, str | None]:
        return dict(self._values("read/record_profiles", uids=list(uids)))

    def stats(self) -> dict:
        row = self._dicts("read/stats")[0]
        return {k: row[k] for k in _STAT_KEYS}

    def _stream(self, name: str, **params: Any) -> Iterator[list]:
        """Rows of a long read, fetched lazily in batches (an auto-commit transaction: not retried)."""
        with self._errors(), self.driver.session(database=self.database, fetch_size=self.batch_size) as session:
            for record in session.run(statement(name), params):
                yield record.values()

    def _bulk_records(self) -> Iterator[tuple[str, str, str, str | None]]:
        for kind, name in (("customer", "read/export_customers"), ("interaction", "read/export_interactions")):
            for source, record_id, profile_id in self._stream(name):
                yield kind, source, record_id, profile_id

    def _bulk_profiles(self) -> Iterator[dict]:
        for (row,) in self._stream("read/export_profiles"):
            yield self._profile_row(row)

    def audit(self, profile_id: str | None = None) -> list[dict]:
        return self._dicts("read/audit", profile_id=profile_id)

    def run_query(self, query: str, params: dict[str, Any]) -> tuple[list[str], list[dict]]:
        """Run one read-only statement (a named query of cypher/queries/) in a read transaction: its
        columns and rows, values made plain. A statement that writes is refused by the server."""
        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[dict]]:
            result = tx.run(query, params)
            keys = list(result.keys())
            return keys, [{k: _plain(v) for k, v in zip(keys, record.values())} for record in result]

        return self._read(work)

    # -- run log -----------------------------------------------------------------------------------
    def record_run(self, run_tag: str, job: str, started_at: str, summary: dict) -> None:
        text = json.dumps(summary, sort_keys=True, default=str)
        # stamps nothing, so it takes no change sequence (and does not wait for the writers that do)
        self._write(lambda tx: self._run(tx, "write/run", run_tag=run_tag, job=job, started_at=started_at,
                                         summary=text), counted=False)

    def runs(self, job: str | None = None, limit: int | None = None) -> list[dict]:
        rows = self._dicts("read/runs", job=job, limit=NO_LIMIT if limit is None else int(limit))
        for r in rows:
            r["summary"] = json.loads(r["summary"]) if r["summary"] else {}
        return rows

    # -- people in the loop ----------------------------------------------------------------------
    def salt(self) -> str:
        found = self._salt()
        if found is not None:
            return found
        query = statement("write/salt")
        return self._write(lambda tx: tx.run(query, candidate=os.urandom(16).hex(), at=_now()).single()[0])

    def add_audit(self, entries: Sequence[dict]) -> None:
        if entries:
            self._write(lambda tx: self._append_audit(tx, entries))

    def add_suppression(self, rows: Sequence[tuple[str, str]], at: str) -> int:
        payload = [{"hash": h, "kind": k} for h, k in dict((h, k) for h, k in reversed(list(rows))).items()]
        if not payload:
            return 0
        queries = statements("write/suppression")

        def work(tx: neo4j.ManagedTransaction) -> int:
            created = 0
            for batch in _chunks(payload, self.batch_size):
                for query in queries:
                    created += tx.run(query, rows=list(batch), at=at).consume().counters.nodes_created
            return created

        return self._write(work)

    def customer_identifiers(self, uids: Sequence[str]) -> list[dict]:
        return self._dicts("read/customer_identifiers", uids=_uids(uids)) if uids else []

    # -- erasure (graph/erasure.py decides; these read and write by key) --------------------------
    def erasure_facts(self, uids: Sequence[str]) -> dict[str, pl.DataFrame]:
        asked = _uids(uids) or []

        def work(tx: neo4j.ManagedTransaction) -> dict[str, pl.DataFrame]:
            return {"customers": pl.DataFrame(self._run(tx, "forget/customers", uids=asked), schema=erasure.CUSTOMERS,
                                              orient="row"),
                    "ties": pl.DataFrame(self._run(tx, "forget/ties", uids=asked), schema=erasure.TIES, orient="row"),
                    "lineage": pl.DataFrame(self._run(tx, "forget/lineage", uids=asked), schema=erasure.LINEAGE,
                                            orient="row")}

        return self._read(work)

    def erasure_events(self, refs: Sequence[str], profiles: Sequence[str],
                       identifiers: Sequence[tuple[str, str]]) -> dict[str, pl.DataFrame]:
        def work(tx: neo4j.ManagedTransaction) -> dict[str, pl.DataFrame]:
            events = self._run(tx, "forget/events", refs=sorted(set(refs)), profiles=sorted(set(profiles)),
                               identifiers=[{"kind": k, "value": v} for k, v in sorted(set(identifiers))])
            uids = sorted({row[0] for row in events})
            carried = self._run(tx, "forget/carried", uids, key="events") if uids else []
            return {"interactions": pl.DataFrame(events, schema=erasure.EVENTS, orient="row"),
                    "carried": pl.DataFrame(carried, schema=erasure.CARRIED, orient="row")}

        return self._read(work)

    def erasure_texts(self, tokens: Sequence[str]) -> list[dict]:
        return self._dicts("forget/texts", tokens=sorted(set(tokens)))

    def erase(self, plan: dict) -> dict:
        """Delete and scrub by key what graph/erasure.py decided, in the caller's transaction (the files of
        cypher/forget/, in order)."""
        def work(tx: neo4j.ManagedTransaction) -> dict:
            params = {"uids": sorted(plan["customers"]), "events": sorted(plan["interactions"]),
                      "identifiers": plan["identifiers"], "whole": sorted(plan["whole"])}
            self._run(tx, "forget/before_delete", uids=params["uids"], rejudge=plan["rejudge"], whole=params["whole"])
            links, judgements, _, _, _, profiles, _ = [row[0] for row in self._run(tx, "forget/delete", **params)]
            self._run(tx, "forget/scrub", partial=sorted(plan["partial"]))
            self._run(tx, "forget/housemates", sorted(plan["housemates"]), key="ids")
            audit = [{"seq": int(t["key"]), "reason": t["reason"], "details": t["details"]}
                     for t in plan["texts"] if t["kind"] == "audit"]
            judged = [{"judgement_id": t["key"], "reason": t["reason"]} for t in plan["texts"] if t["kind"] != "audit"]
            if audit or judged:
                self._run(tx, "forget/write_texts", audit=audit, judgements=judged)
            self._run(tx, "forget/erased")
            return {"links": links, "judgements": judgements, "profiles": profiles}

        return self._write(work)

    def _erased_after(self, tx: neo4j.ManagedTransaction, read_at: int | None) -> None:
        """Refuse a write computed from what was read at `read_at` when a person was erased since."""
        if read_at is None:
            return
        erased = tx.run(statement("read/erased")).single()[0]
        if erased > read_at:
            raise ErasedMeanwhile(f"a person was erased (change {erased}) after this job read the store "
                                  f"(change {read_at}): it writes nothing and reads again")
