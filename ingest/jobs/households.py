"""Households as a job: run by resolve after the profiles are written, on the profiles it touched.

Incremental: the scope is the closure of the touched profiles through the evidence they hold (each key
held by at most `households.max_size` profiles brings in all its holders) and through their old
households (every member). Within that closure every household is whole, so the households found there
are those a whole pass would find; a whole pass (touched None) takes every profile.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from pydantic import BaseModel

from idgraph.graph import households
from idgraph.graph.households import EVIDENCE_SCHEMA
from idgraph.ingest.mapping import Mapping


class HouseholdSummary(BaseModel):
    profiles_in_scope: int = 0
    households_written: int = 0
    households_created: int = 0
    households_retired: int = 0


def update_households(store, mapping: Mapping, touched: Sequence[str] | None, stamp: str) -> HouseholdSummary:
    """Recompute the households of the touched profiles (every profile when None) and write them."""
    settings = mapping.households
    kinds = settings.evidence
    if touched is None:
        evidence = households.canonical(store.household_evidence(None, kinds))
        before = store.household_members(None)
        scope = None
    else:
        scope, evidence, before = _closure(store, list(touched), kinds, settings.max_size)
        if not scope:
            return HouseholdSummary()
    found = households.find(evidence, settings.max_size)
    if scope is not None and found.is_empty() and before.is_empty():
        # No household in scope before or after: nothing to write. Most batches of the service are
        # so (a household needs two profiles that share a dwelling, a landline or an email), and the
        # id assignment's polars steps cost 10 ms a batch on frames of nothing.
        return HouseholdSummary(profiles_in_scope=len(scope))
    members, rows, retired = households.assign(found, before, store.max_household_seq() + 1,
                                               store.household_ids_taken)
    rows = rows.with_columns(pl.lit("active").alias("status"), pl.lit(stamp).alias("created_at"),
                             pl.lit(stamp).alias("updated_at"))
    retired = retired.with_columns(
        pl.when(pl.col("merged_into").is_null()).then(pl.lit("empty")).otherwise(pl.lit("merged")).alias("status"),
        pl.lit(stamp).alias("updated_at"))
    store.write_households(members, rows, retired, scope)
    return HouseholdSummary(profiles_in_scope=len(scope) if scope is not None else evidence["profile_id"].n_unique(),
                            households_written=rows.height, households_created=int(rows["is_new"].sum()),
                            households_retired=retired.height)


def _closure(store, touched: list[str], kinds: list[str], max_size: int) -> tuple[list[str], pl.DataFrame, pl.DataFrame]:
    """(scope profiles, the evidence of their keys with every holder, their old households' members)."""
    scope: set[str] = set(touched)
    frontier = sorted(scope)
    keys_seen: set[str] = set()
    evidence = [pl.DataFrame(schema=EVIDENCE_SCHEMA)]
    before = [store.household_members(frontier)]
    while frontier:
        held = households.canonical(store.household_evidence(frontier, kinds))
        new_keys = sorted(set(held["key"].to_list()) - keys_seen)
        keys_seen.update(new_keys)
        holders = pl.DataFrame(schema=EVIDENCE_SCHEMA)
        # A dwelling's holders come as the lines at its postcode that may be of its form: those that are
        # stay. A key past the cap reads cap + 1 holders: enough to know it makes no household.
        if new_keys:
            holders = households.canonical(store.household_holders(new_keys, max_size + 1)).filter(
                pl.col("key").is_in(new_keys))
        evidence.append(holders)
        # A key held by more than max_size profiles makes no household: its holders are not brought in.
        small = holders.group_by("key").agg(pl.len().alias("n")).filter(pl.col("n") <= max_size)["key"]
        reached = set(holders.filter(pl.col("key").is_in(small.implode()))["profile_id"].to_list())
        reached.update(before[-1]["profile_id"].to_list())
        frontier = sorted(reached - scope)
        scope.update(frontier)
        if frontier:
            before.append(store.household_members(frontier))
    members = pl.concat(before).unique(["household_id", "profile_id"])
    # Every member of an old household is in scope (a household is whole or absent).
    return sorted(scope), pl.concat(evidence).unique(), members
