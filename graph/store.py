"""The store contract: what every store (embedded SQLite, Neo4j) does, and nothing about how.

The jobs (ingest, guard, link, resolve) and the queries speak only to this Protocol. A store keeps the
graph and answers set-based questions about it; the algorithms (components, stable ids, golden records,
matching) live in the jobs, once, for both stores. Every write method is one transaction: a killed run
leaves the store as it was before the call or after it.

Frames are polars DataFrames so the jobs can compute over them without per-row Python.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

import polars as pl

from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow, WriteCounts

# Columns of customers_frame(), in order.
CUSTOMER_COLUMNS = (
    "uid", "source", "source_id", "first_name", "last_name", "dob", "address", "city", "postcode",
    "country", "updated_at", "seq", "emails", "phones", "devices", "profile_id",
)


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
    def customers_frame(self, uids: Sequence[str] | None = None) -> pl.DataFrame:
        """Customer attributes with their non-shared identifiers as lists (CUSTOMER_COLUMNS)."""

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

    def profile_members(self, profile_id: str) -> list[dict]: ...

    def profile_identifiers(self, profile_id: str) -> list[dict]: ...

    def profile_interactions(self, profile_id: str, limit: int | None = None) -> list[dict]: ...

    def find_customers(self, kind: str, value: str) -> list[dict]:
        """Customers by identifier (kind email|phone|device) or by record (kind 'record', value uid)."""

    def stats(self) -> dict: ...

    def export_records(self) -> Iterator[tuple[str, str, str, str | None]]:
        """(kind 'customer'|'interaction', source, record_id, profile_id) for every record."""

    def export_profiles(self) -> Iterator[dict]: ...

    def audit(self, profile_id: str | None = None) -> list[dict]: ...
