"""The store contract: what every store (embedded SQLite, Neo4j) does, and nothing about how.

The jobs (ingest, guard, link, resolve) and the queries speak only to this Protocol. A store keeps the
graph and answers set-based questions about it; the algorithms (components, stable ids, golden records,
matching) live in the jobs, once, for both stores. Every write method is one transaction: a killed run
leaves the store as it was before the call or after it.

Frames are polars DataFrames so the jobs can compute over them without per-row Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import polars as pl

from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow, WriteCounts

# Columns of customers_frame(), in order; then one per further identifier kind and attribute asked for.
CUSTOMER_COLUMNS = (
    "uid", "source", "source_id", "first_name", "last_name", "dob", "address", "city", "postcode",
    "country", "updated_at", "seq", "emails", "phones", "devices", "profile_id",
)


def frame_extras(identifier_kinds: Sequence[str], attributes: Sequence[str]) -> tuple[list[str], list[str]]:
    """The extra columns customers_frame() is asked for, distinct and in order; ValueError when one would
    clash with a column of CUSTOMER_COLUMNS or with another (the mapping's names never do)."""
    kinds, names = list(dict.fromkeys(identifier_kinds)), list(dict.fromkeys(attributes))
    clash = (set(kinds) | set(names)) & set(CUSTOMER_COLUMNS) or set(kinds) & set(names)
    if clash:
        raise ValueError(f"customers_frame: {', '.join(sorted(clash))} would be two columns of one name")
    return kinds, names


@runtime_checkable
class Store(Protocol):
    """The graph, as the jobs see it."""

    name: str  # "embedded" | "neo4j"

    # -- lifecycle -------------------------------------------------------------------------------
    def init(self) -> None:
        """Create the schema (constraints, indexes, tables); idempotent."""

    def close(self) -> None: ...

    # -- ingest ----------------------------------------------------------------------------------
    def write_customers(self, rows: Sequence[CustomerRow], run_tag: str) -> WriteCounts:
        """Upsert customer records and their identifiers. A row whose row_hash is unchanged is left alone;
        a new or changed one is marked for the link job and for resolve."""

    def write_interactions(self, rows: Sequence[InteractionRow], run_tag: str) -> WriteCounts:
        """Upsert interactions, their identifiers, and for an event that names its customer (BY), tie that
        customer to the event's identifiers (a login on a device: USES_DEVICE)."""

    def suppressed(self, hashes: Sequence[str]) -> set[str]:
        """Which of these salted hashes are suppression entries (a forgotten person not to bring back)."""

    # -- guard -----------------------------------------------------------------------------------
    def identifier_members(self, uids: Sequence[str] | None = None) -> pl.DataFrame:
        """For identifiers held by two or more customers (only those touching `uids` when given):
        kind, value, shared, uid, first_name, last_name, dob — one row per (identifier, customer)."""

    def set_shared(self, rows: Sequence[tuple[str, str, bool, str | None]]) -> int:
        """Mark (kind, value) shared or not with its reason; the customers on a flipped identifier are
        marked for resolve. Returns how many identifiers changed."""

    # -- link job --------------------------------------------------------------------------------
    def customers_frame(self, uids: Sequence[str] | None = None, *, identifier_kinds: Sequence[str] = (),
                        attributes: Sequence[str] = ()) -> pl.DataFrame:
        """The customers (all when uids is None) with their fields and their non-shared identifiers as lists,
        sorted by uid: CUSTOMER_COLUMNS, then one List(Utf8) column per further identifier kind asked for
        (named by the kind: its non-shared values, sorted) and one Utf8 column per attribute asked for
        (null when the record has none). The link job, model training and resolve's golden records pass
        the mapping's declared kinds and attribute names."""

    def customers_to_link(self) -> list[str]: ...

    def mark_linked(self, uids: Sequence[str] | None) -> None:
        """Clear the link job's mark on these customers (all when None)."""

    def replace_links(self, rows: Sequence[LinkRow], touching: Sequence[str] | None) -> None:
        """Delete the scored links touching `touching` (all when None) and write `rows`, in one
        transaction; customers whose links changed are marked for resolve."""

    def links(self, kind: str, limit: int | None = None) -> list[LinkRow]: ...

    def delete_link(self, a_uid: str, b_uid: str) -> None: ...

    # -- resolve ---------------------------------------------------------------------------------
    def dirty_customers(self) -> list[str]: ...

    def customer_count(self) -> int: ...

    def dirty_interaction_count(self) -> int:
        """Interactions waiting for attribution: new events on known identifiers change no customer."""

    # Optional, not part of the contract: `components(scope) -> DataFrame | None` for a store that can
    # compute components itself (Neo4j with Graph Data Science); resolve uses it when present.

    def closure(self, seeds: Sequence[str]) -> list[str]:
        """Every customer that shares a component, old or new, with a seed: the scope an incremental
        resolve must recompute (through non-shared identifiers, links, merge judgements and old profile
        membership)."""

    def link_edges(self, scope: Sequence[str] | None) -> pl.DataFrame:
        """Edges that say 'same person' among customers in scope (all when None): columns a, b, kind,
        weight. `b` is a customer uid, or an identifier key 'kind:value' for identifier edges."""

    def profile_state(self, scope: Sequence[str] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(members, profiles) before resolve: members uid, seq, profile_id for customers in scope;
        profiles profile_id, seq, status for every profile those customers are in."""

    def profile_ids_taken(self, ids: Sequence[str]) -> set[str]: ...

    def max_profile_seq(self) -> int: ...

    def write_resolution(self, members: pl.DataFrame, profiles: pl.DataFrame, retired: pl.DataFrame,
                         audit: Sequence[dict], scope: Sequence[str] | None) -> None:
        """One transaction: customers' profile ids (members: uid, profile_id), upserted profiles with their
        golden record, retired profiles (profile_id, status, merged_into), audit entries; clears the
        resolve mark of the scope; re-attributes the interactions the scope touches."""

    # -- judgements ------------------------------------------------------------------------------
    def add_judgement(self, row: dict) -> None: ...

    def judgements(self, uids: Sequence[str] | None = None, include_deleted: bool = False) -> list[dict]: ...

    def withdraw_judgement(self, judgement_id: str, at: str) -> dict | None: ...

    # -- queries ---------------------------------------------------------------------------------
    def profile(self, profile_id: str) -> dict | None: ...

    def profile_members(self, profile_id: str) -> list[dict]:
        """The records of a profile by source and id: uid, source, source_id, first_name, last_name, dob,
        address, city, postcode, country, updated_at, attributes (a dict, {} when none)."""

    def profile_identifiers(self, profile_id: str) -> list[dict]:
        """Every identifier (any kind) a record of the profile holds: kind, value, shared, shared_reason,
        customers (the uids holding it, space-separated), by kind and value."""

    def profile_interactions(self, profile_id: str, limit: int | None = None) -> list[dict]: ...

    def find_customers(self, kind: str, value: str) -> list[dict]:
        """Customers by identifier (kind email|phone|device or any declared kind, value normalised) or by
        record (kind 'record', value uid)."""

    def record_profiles(self, uids: Sequence[str]) -> dict[str, str | None]:
        """The profile of each record (customer or interaction) named, by uid: a customer's profile, an
        interaction's attribution (None when it has none); uids not in the store are left out."""

    def stats(self) -> dict: ...

    def export_records(self) -> Iterator[tuple[str, str, str, str | None]]:
        """(kind 'customer'|'interaction', source, record_id, profile_id) for every record."""

    def export_profiles(self) -> Iterator[dict]: ...

    def audit(self, profile_id: str | None = None) -> list[dict]: ...

    # -- people in the loop ----------------------------------------------------------------------
    def salt(self) -> str:
        """The store's random salt for suppression and erasure hashes, made on first use and kept in the
        store (embedded: the `meta` table; Neo4j: a node), so the same value hashes alike on every run."""

    def add_audit(self, entries: Sequence[dict]) -> None:
        """Append audit entries (at, action, profile_id, by, reason, details) outside a resolve: a
        judgement recorded or withdrawn, a person forgotten."""

    def add_suppression(self, rows: Sequence[tuple[str, str]], at: str) -> int:
        """Add (hash, kind) suppression entries (idempotent); returns how many were new."""

    def customer_identifiers(self, uids: Sequence[str]) -> list[dict]:
        """The identifiers of these customers: uid, kind, value, shared, shared_reason, one row per edge."""

    def links_touching(self, uids: Sequence[str]) -> list[LinkRow]:
        """Scored links (probable and review) with at least one end in `uids`, with their evidence."""

    def forget_customers(self, uids: Sequence[str], mask: Callable[[str], str]) -> dict:
        """Erase these customers, in one transaction: their records; the interactions that name them, are
        attributed to a profile that only they make up, or carry an identifier only they used; those
        identifiers; their links and judgements (hard deleted: erasure outranks the append-only log);
        the profiles only they made up and the retired profiles merged into those, with their audit
        entries. A profile that keeps other records loses its golden record and its members are marked
        for resolve; a shared identifier they held that stays is un-marked (its reason names them) and
        its holders marked, so the guard judges it afresh. In the audit and judgement text that stays, every erased uid, profile id and
        identifier is replaced by mask(token).

        Returns {"counts": {customers, interactions, identifiers, links, judgements, profiles,
        profiles_to_resolve, texts_redacted, identifiers_rejudged}, and, for the suppression entries only, the erased "uids",
        "interaction_uids" and "identifiers" as (kind, value) pairs}."""

    # -- run log -----------------------------------------------------------------------------------
    def record_run(self, run_tag: str, job: str, started_at: str, summary: dict) -> None:
        """Keep what one run of a job did in the store's run log: its tag, the job ("ingest", "replay",
        "link"), when it started (ISO 8601, UTC) and its summary (plain JSON-able data, no personal
        values). A second entry under the same tag replaces the first. `idgraph report` reads it."""

    def runs(self, job: str | None = None, limit: int | None = None) -> list[dict]:
        """The run log, newest first (by started_at, then run_tag): run_tag, job, started_at and summary
        (a dict); only the runs of `job` when given, at most `limit` of them."""

    # -- bulk export -----------------------------------------------------------------------------
    # Whole-graph streams for a first load into another store (`idgraph export --neo4j-import DIR`):
    # every row of a kind, in a stable order, fetched lazily so that millions of rows are never held in
    # memory at once. Profiles come from export_profiles() and judgements from judgements(None, True).

    def bulk_snapshot(self) -> AbstractContextManager[None]:
        """A context in which the bulk streams below see one state of the store, where the engine gives one
        (embedded: one read transaction). Elsewhere (Neo4j Community reads at read-committed) the caller
        makes sure no job writes meanwhile."""

    def bulk_customers(self) -> Iterator[dict]:
        """Every customer record, by uid: uid, source, source_id, first_name, last_name, full_name, dob,
        address, city, postcode, country, updated_at, row_hash, run_tag, seq, profile_id (only when that
        profile exists: IN_PROFILE), dirty and link_dirty (bools), attributes (a dict, {} when none)."""

    def bulk_attribute_keys(self) -> list[str]:
        """Every attribute name a customer record holds, sorted (the columns of the customer file)."""

    def bulk_identifiers(self) -> Iterator[dict]:
        """Every identifier, by kind and value: kind (email|phone|device or a declared kind), value, shared
        (bool), shared_reason."""

    def bulk_identifier_ties(self) -> Iterator[tuple[str, str, str, str, str | None]]:
        """Every tie to an identifier whose both ends exist: (holder, uid, kind, value, origin), holder
        'customer' (HAS_EMAIL/HAS_PHONE/USES_DEVICE/HAS_IDENTIFIER, origin 'record' or an event's source) or
        'interaction' (VIA_EMAIL/VIA_PHONE/ON_DEVICE/VIA_IDENTIFIER, origin None)."""

    def bulk_interactions(self) -> Iterator[dict]:
        """Every interaction, by uid: uid, source, source_id, at, channel, type, customer_ref, attributes,
        row_hash, run_tag, profile_id (the attribution), dirty (bool), and by: customer_ref when that
        customer is in the store (BY), else None."""

    def bulk_links(self) -> Iterator[LinkRow]:
        """Every scored link (probable and review) whose both customers exist, by (a_uid, b_uid)."""

    def bulk_profile_lineage(self) -> Iterator[tuple[str, str, str]]:
        """(profile_id, 'merged_into'|'split_from', other profile_id) where the other profile exists
        (MERGED_INTO, SPLIT_FROM)."""

    def bulk_audit(self) -> Iterator[dict]:
        """Every audit entry, by seq: seq, at, action, profile_id, by, reason, details (JSON text)."""

    def bulk_suppression(self) -> Iterator[dict]:
        """Every suppression entry, by hash: hash, kind, at (the salt is not one: see bulk_salt)."""

    def bulk_salt(self) -> str | None:
        """The store's salt if one was made, without making one (an export writes nothing)."""
