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

from idgraph.graph import redact
from idgraph.graph.cypher_files import statement, statements
from idgraph.graph.errors import NotFoundError, StoreError
from idgraph.graph.neo4j_bulk import Neo4jBulkExport
from idgraph.graph.neo4j_households import Neo4jHouseholds
from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow, WriteCounts
from idgraph.graph.store import CUSTOMER_COLUMNS, frame_extras

T = TypeVar("T")

DEFAULT_URI = "neo4j://localhost:7687"
DEFAULT_BATCH_SIZE = 5000
NO_LIMIT = 2**62
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

    def _write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self._errors(), self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def _read(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        with self._errors(), self.driver.session(database=self.database) as session:
            return session.execute_read(work)

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

    def close(self) -> None:
        self.driver.close()

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def wipe(self) -> None:
        """Delete the whole identity graph, in batches (benchmarks and tests on a database of their own)."""
        while True:
            deleted = self._write(lambda tx: tx.run(statement("write/wipe"), batch=10_000).single()[0])
            if not deleted:
                return

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

    # -- guard -----------------------------------------------------------------------------------
    def identifier_members(self, uids: Sequence[str] | None = None) -> pl.DataFrame:
        return self._frame("read/identifier_members",
                           {"kind": pl.Utf8, "value": pl.Utf8, "shared": pl.Boolean, "uid": pl.Utf8,
                            "first_name": pl.Utf8, "last_name": pl.Utf8, "dob": pl.Utf8},
                           uids=_uids(uids))

    def set_shared(self, rows: Sequence[tuple[str, str, bool, str | None]]) -> int:
        payload = [{"kind": k, "value": v, "shared": bool(s), "reason": r} for k, v, s, r in rows]
        if not payload:
            return 0
        return self._write(lambda tx: sum(row[0] for row in self._run(tx, "write/set_shared", payload)))

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

    def customers_to_link(self) -> list[str]:
        return sorted(self._list("read/customers_to_link"))

    def mark_linked(self, uids: Sequence[str] | None) -> None:
        self._write(lambda tx: self._run(tx, "write/mark_linked", uids=_uids(uids)))

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
            self._run(tx, "write/mark_dirty", sorted(relinked), key="uids")

        self._write(work)

    def links(self, kind: str, limit: int | None = None) -> list[LinkRow]:
        rows = self._values("read/links", type=_LINK_TYPES.get(kind, kind),
                            limit=NO_LIMIT if limit is None else int(limit))
        return [LinkRow(a, b, score, evidence, kind) for a, b, score, evidence in rows]

    def delete_link(self, a_uid: str, b_uid: str) -> None:
        a, b = sorted((a_uid, b_uid))
        self._write(lambda tx: self._run(tx, "write/link_delete", a=a, b=b))

    # -- resolve ---------------------------------------------------------------------------------
    def dirty_customers(self) -> list[str]:
        return sorted(self._list("read/dirty_customers"))

    def customer_count(self) -> int:
        return self._column("read/customer_count")[0]

    def dirty_interaction_count(self) -> int:
        return self._column("read/dirty_interaction_count")[0]

    def closure(self, seeds: Sequence[str]) -> list[str]:
        reached: set[str] = set()
        frontier = sorted(set(seeds))
        query = statement("read/closure_step")

        def step(tx: neo4j.ManagedTransaction, uids: list[str]) -> list[str]:
            found: list[str] = []
            for batch in _chunks(uids, self.batch_size):
                found.extend(tx.run(query, uids=list(batch)).single()[0])
            return found

        # Breadth-first, one set-based query per hop (per batch): components are shallow.
        while frontier:
            found = set(self._read(lambda tx: step(tx, frontier)))
            frontier = sorted(found - reached)
            reached |= found
        return sorted(reached)

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

    def write_resolution(self, members: pl.DataFrame, profiles: pl.DataFrame, retired: pl.DataFrame,
                         audit: Sequence[dict], scope: Sequence[str] | None) -> None:
        """Write what resolve computed, as the embedded store does, in batches of whole components.

        A resolve that fits in one batch (batch_size records and profiles) is one transaction. A bigger
        one, which would not fit in a Neo4j transaction's memory (160,000 records make a few GiB of
        transaction state), is written one batch of whole components per transaction: each moves its
        records, upserts their profiles, retires the profiles merged into them, appends their audit
        entries, clears their records' resolve mark and re-attributes the interactions that depend on
        them; a last one clears what is left of the scope's marks and attributes the remaining marked
        interactions. A run killed half way leaves some components resolved and the others still marked:
        the next resolve finishes those, with the same profile ids and (batches go in minting order) the
        same minting order.
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
        seq0 = self._values("read/audit_seq_max")[0][0]
        audit_rows: list[list[dict]] = [[] for _ in batches]
        leftover_audit: list[dict] = []
        for n, a in enumerate(audit):
            row = {"seq": seq0 + n + 1,
                   "props": {"at": a["at"], "action": a["action"], "profile_id": a.get("profile_id"),
                             "by": a.get("by"), "reason": a.get("reason"),
                             "details": json.dumps(a.get("details") or {}, sort_keys=True)}}
            i = batch_of.get(a.get("profile_id"))
            (leftover_audit if i is None else audit_rows[i]).append(row)
        scope_uids = _uids(scope)
        touched: set[str] = set()

        def component_batch(tx: neo4j.ManagedTransaction, i: int) -> list[str]:
            ids = [row["profile_id"] for row in batches[i]]
            self._run(tx, "write/profiles", batches[i])
            self._run(tx, "write/profiles_retired", retired_rows[i])
            self._run(tx, "write/members", [m for pid in ids for m in members_of.get(pid, ())])
            self._run(tx, "write/resolved_profiles", ids, key="ids")
            self._run(tx, "write/audit", audit_rows[i])
            depending = sorted({u for batch in self._run(tx, "read/attribution_members", ids, key="ids")
                                for u in batch[0]})
            self._attribute(tx, depending, ids)
            return depending

        def last_batch(tx: neo4j.ManagedTransaction) -> None:
            self._run(tx, "write/profiles_retired", leftover_retired)
            self._run(tx, "write/resolved", uids=scope_uids)
            self._run(tx, "write/audit", leftover_audit)
            rest = set(self._run(tx, "read/dirty_interactions")[0][0])
            if scope_uids is None:  # a whole pass attributes every interaction, also those no record reaches
                rest |= set(self._run(tx, "read/interaction_uids")[0][0])
            self._attribute(tx, sorted(rest - touched), [])

        if len(batches) == 1:  # the usual incremental run: one transaction, as on the embedded store
            def whole(tx: neo4j.ManagedTransaction) -> None:
                touched.clear()
                touched.update(component_batch(tx, 0))
                last_batch(tx)

            self._write(whole)
            return
        for i in range(len(batches)):
            touched.update(self._write(lambda tx: component_batch(tx, i)))
        self._write(last_batch)

    def _append_audit(self, tx: neo4j.ManagedTransaction, entries: Sequence[dict]) -> None:
        if not entries:
            return
        seq0 = self._run(tx, "read/audit_seq_max")[0][0]
        self._run(tx, "write/audit", [
            {"seq": seq0 + i + 1,
             "props": {"at": a["at"], "action": a["action"], "profile_id": a.get("profile_id"), "by": a.get("by"),
                       "reason": a.get("reason"), "details": json.dumps(a.get("details") or {}, sort_keys=True)}}
            for i, a in enumerate(entries)])

    def _attribute(self, tx: neo4j.ManagedTransaction, interactions: list[str], profiles: list[str]) -> None:
        """Give these interactions their profile (write/attribute.cypher says how) and recount the
        interactions of `profiles` and of every profile one of them was or is attributed to."""
        recount = set(profiles)
        for (found,) in self._run(tx, "write/attribute", interactions, key="uids"):
            recount.update(p for p in found if p)
        self._run(tx, "write/interaction_counts", sorted(recount), key="ids")

    # -- components on the server (Graph Data Science) ---------------------------------------------
    def gds_version(self) -> str | None:
        """The GDS version the server answers, or None when it has no GDS (asked once)."""
        if self._gds_version is False:
            try:
                self._gds_version = self._column("gds/version")[0]
            except ClientError:
                self._gds_version = None
        return self._gds_version  # type: ignore[return-value]

    def components(self, scope: Sequence[str] | None) -> pl.DataFrame | None:
        """uid, component for the customers in scope (all when None), computed on the server by GDS
        WCC; None when the server has no GDS (or it is turned off), and resolve computes them in-process."""
        use = self.gds if self.gds is not None else self.gds_version() is not None
        return self.components_gds(scope) if use else None

    def components_gds(self, scope: Sequence[str] | None) -> pl.DataFrame:
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
            projected = self._dicts("gds/project", graph=graph, uids=uids)[0]
            config = {"seedProperty": "seed"} if projected["seeded"] else {}
            return self._frame("gds/wcc", schema, graph=graph, config=config)
        finally:
            self._values("gds/drop", graph=graph)

    # -- judgements ------------------------------------------------------------------------------
    def add_judgement(self, row: dict) -> None:
        params = {"judgement_id": row["judgement_id"], "kind": row["kind"], "a_uid": row["a_uid"],
                  "b_uid": row["b_uid"], "by": row["by"], "at": row["at"], "reason": row.get("reason")}
        if params["kind"] not in ("same", "not_same"):
            raise ValueError(f"unknown judgement kind {params['kind']!r}: same or not_same")

        def work(tx: neo4j.ManagedTransaction) -> None:
            found = {r[0] for r in self._run(tx, "read/customers_existing", uids=[row["a_uid"], row["b_uid"]])}
            missing = [u for u in (row["a_uid"], row["b_uid"]) if u not in found]
            if missing:
                raise NotFoundError(f"no record {', '.join(missing)}: a judgement joins two records of the graph")
            self._run(tx, "write/judgement_add", **params)

        try:
            self._write(work)
        except ConstraintError:
            raise StoreError(f"judgement {row['judgement_id']} exists already between other records") from None

    def judgements(self, uids: Sequence[str] | None = None, include_deleted: bool = False) -> list[dict]:
        return self._dicts("read/judgements", uids=_uids(uids), include_deleted=include_deleted)

    def withdraw_judgement(self, judgement_id: str, at: str) -> dict | None:
        query = statement("write/judgement_withdraw")
        found = self._write(lambda tx: tx.run(query, judgement_id=judgement_id, at=at).data())
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

    def profile_members(self, profile_id: str) -> list[dict]:
        rows = self._dicts("read/profile_members", profile_id=profile_id)
        for row in rows:
            row["attributes"] = dict(row["attributes"])
        return rows

    def profile_identifiers(self, profile_id: str) -> list[dict]:
        return self._dicts("read/profile_identifiers", profile_id=profile_id)

    def profile_interactions(self, profile_id: str, limit: int | None = None) -> list[dict]:
        return self._dicts("read/profile_interactions", profile_id=profile_id,
                           limit=NO_LIMIT if limit is None else int(limit))

    def find_customers(self, kind: str, value: str) -> list[dict]:
        return self._dicts("read/find_customers", kind=kind, value=value)

    def stats(self) -> dict:
        row = self._dicts("read/stats")[0]
        return {k: row[k] for k in _STAT_KEYS}

    def _stream(self, name: str, **params: Any) -> Iterator[list]:
        """Rows of a long read, fetched lazily in batches (an auto-commit transaction: not retried)."""
        with self._errors(), self.driver.session(database=self.database, fetch_size=self.batch_size) as session:
            for record in session.run(statement(name), params):
                yield record.values()

    def export_records(self) -> Iterator[tuple[str, str, str, str | None]]:
        for kind, name in (("customer", "read/export_customers"), ("interaction", "read/export_interactions")):
            for source, record_id, profile_id in self._stream(name):
                yield kind, source, record_id, profile_id

    def export_profiles(self) -> Iterator[dict]:
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
        self._write(lambda tx: self._run(tx, "write/run", run_tag=run_tag, job=job, started_at=started_at,
                                         summary=text))

    def runs(self, job: str | None = None, limit: int | None = None) -> list[dict]:
        rows = self._dicts("read/runs", job=job, limit=NO_LIMIT if limit is None else int(limit))
        for r in rows:
            r["summary"] = json.loads(r["summary"]) if r["summary"] else {}
        return rows

    # -- people in the loop ----------------------------------------------------------------------
    def salt(self) -> str:
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

    def links_touching(self, uids: Sequence[str]) -> list[LinkRow]:
        if not uids:
            return []
        return [LinkRow(r["a_uid"], r["b_uid"], r["score"], r["evidence"], r["kind"])
                for r in self._dicts("read/links_touching", uids=_uids(uids))]

    def forget_customers(self, uids: Sequence[str], mask: Callable[[str], str]) -> dict:
        """Erase these customers in one transaction (the contract says what goes; the steps are the files
        of cypher/forget/, in order)."""
        asked = _uids(uids) or []

        def work(tx: neo4j.ManagedTransaction) -> dict:
            gone = [r[0] for r in self._run(tx, "forget/customers", uids=asked)]
            lineage: dict[str, bool] = {}
            for pid, whole in self._run(tx, "forget/lineage", uids=gone):
                lineage.setdefault(pid, whole)
            whole = sorted(p for p, w in lineage.items() if w)
            partial = sorted(p for p, w in lineage.items() if not w)
            own = self._run(tx, "forget/identifiers", uids=gone)
            idents = {(k, v) for k, v, _ in own}
            events = [r[0] for r in self._run(
                tx, "forget/interactions", uids=gone, whole=whole,
                identifiers=[{"kind": k, "value": v} for k, v in sorted(idents)])]
            idents |= {(k, v) for k, v in self._run(tx, "forget/event_identifiers", uids=gone, events=events)}
            identifiers = sorted(idents)
            # A shared identifier that stays names them in its reason: un-marked, its other holders marked
            # (the guard judges it afresh); one only they held goes with them (counted as the embedded
            # store counts it).
            rejudged = self._run(tx, "people/rejudge_shared", uids=gone)[0][0] + sum(1 for *_, s in own if s)
            deleted = [row[0] for row in self._run(
                tx, "forget/delete", uids=gone, events=events, whole=whole,
                identifiers=[{"kind": k, "value": v} for k, v in identifiers])]
            links, judgements, _, _, _, profiles, _ = deleted
            to_resolve = self._run(tx, "forget/scrub", partial=partial)
            counts = {"customers": len(gone), "interactions": len(events), "identifiers": len(identifiers),
                      "links": links, "judgements": judgements, "profiles": profiles,
                      "profiles_to_resolve": to_resolve[0][0] if to_resolve else 0}
            # The text that stays: audit entries and judgement reasons naming what was erased.
            tokens = [*gone, *events, *whole, *(f"{k}:{v}" for k, v in identifiers), *(v for _, v in identifiers)]
            compiled = redact.pattern(tokens)
            redacted, audit_rows, judgement_rows = 0, [], []
            if compiled is not None:
                for kind, key, reason, details in self._run(tx, "forget/texts", tokens=sorted(set(tokens))):
                    new_reason = redact.redact(reason, compiled, mask)
                    new_details = redact.redact(details, compiled, mask)
                    if (new_reason, new_details) == (reason, details):
                        continue
                    redacted += 1
                    if kind == "audit":
                        audit_rows.append({"seq": int(key), "reason": new_reason, "details": new_details})
                    else:
                        judgement_rows.append({"judgement_id": key, "reason": new_reason})
                if audit_rows or judgement_rows:
                    self._run(tx, "forget/write_texts", audit=audit_rows, judgements=judgement_rows)
            counts["texts_redacted"] = redacted
            counts["identifiers_rejudged"] = rejudged
            return {"counts": counts, "uids": gone, "interaction_uids": events, "identifiers": identifiers}

        return self._write(work)
