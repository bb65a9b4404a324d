"""The resolve job: guard, components over the links honouring judgements, stable ids, golden records.

Incremental: it recomputes only the components around customers that changed since the last resolve
(their closure through identifiers, links, judgements and old profiles); past a quarter of the graph a
whole pass is cheaper and is taken instead. Idempotent: a second run with nothing new changes nothing.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import polars as pl
from pydantic import BaseModel

from idgraph.graph import stable_ids
from idgraph.ingest import strangers
from idgraph.ingest.jobs.guard import run_guard
from idgraph.ingest.jobs.households import HouseholdSummary, update_households
from idgraph.ingest.jobs.traits import TraitSummary, update_traits
from idgraph.ingest.jobs.model import ensure_model
from idgraph.graph.components import components
from idgraph.graph.golden import GOLDEN_FIELDS, golden_records
from idgraph.graph.judgements import separate
from idgraph.graph.store import Store
from idgraph.ingest.mapping import Mapping
from idgraph.ingest.jobs.progress import Progress, silent

WHOLE_PASS_FRACTION = 0.25


class ResolveSummary(BaseModel):
    scope: str  # "none" | "incremental" | "full"
    customers_in_scope: int = 0
    identifiers_marked_shared: int = 0
    profiles_written: int = 0
    profiles_created: int = 0
    profiles_merged: int = 0
    profiles_split: int = 0
    links_cut: list[dict] = []
    strangers_cut: int = 0  # cuts made because records looked like different people (ingest/strangers.py)
    components_unchecked: int = 0  # components too large for that check
    interactions_attributed: int = 0  # when only new events waited (scope "attribution")
    components_by: str = "in-process"  # or "gds": the store computed them (Neo4j with Graph Data Science)
    households: HouseholdSummary = HouseholdSummary()
    traits: TraitSummary = TraitSummary()
    seconds: float = 0.0


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve(store: Store, mapping: Mapping, *, full: bool = False, progress: Progress = silent,
            by: str = "idgraph") -> ResolveSummary:
    started = time.perf_counter()
    total = store.customer_count()
    dirty = store.dirty_customers()
    whole = full or len(dirty) > WHOLE_PASS_FRACTION * max(total, 1)
    if not dirty and not full and not store.dirty_interaction_count():
        return ResolveSummary(scope="none", seconds=round(time.perf_counter() - started, 3))
    with progress.step("guard shared identifiers", total=None):
        model, trained = ensure_model(store, mapping)
        # a new model judges every identifier afresh; otherwise those the changed records touch
        shared = run_guard(store, mapping, None if whole or trained else dirty, model)
    dirty = store.dirty_customers()
    if not dirty and not full:
        # New events on known identifiers change no profile, but still need attributing.
        waiting = store.dirty_interaction_count()
        traits = TraitSummary()
        if waiting:
            events = store.dirty_interactions()
            _attribute_only(store)
            with progress.step("compute traits", total=None):
                traits = update_traits(store, mapping, store.interaction_profiles(events))
        return ResolveSummary(scope="attribution" if waiting else "none", identifiers_marked_shared=shared,
                              interactions_attributed=waiting, traits=traits,
                              seconds=round(time.perf_counter() - started, 3))
    with progress.step("find affected components", total=None):
        scope = None if whole else store.closure(dirty)
        before, profiles_before = store.profile_state(scope)
        judged = store.judgements(None if scope is None else scope)
        # A store may compute the components itself (Neo4j with GDS: `components` answers None without);
        # then only the components a split judgement may cut need their edges here.
        comp = store.components(scope) if hasattr(store, "components") else None
        edges = None
        if comp is None:
            edges = store.link_edges(scope)
            comp, components_by = components(before["uid"], edges), "in-process"
        else:
            components_by = "gds"
    with progress.step("cut chains of strangers", total=None):
        customers = store.customers_frame(scope, **mapping.frame_columns())
        evidence, unchecked = strangers.conflicts(comp, customers, model,
                                                  min_probability=mapping.guard.component_min_probability)
        if edges is None:
            edges = store.link_edges(_judged_apart(comp, [*judged, *evidence]))
        comp, cuts = separate(comp, edges, judged, evidence)
    with progress.step("assign stable profile ids", total=None):
        members, profiles, retired = stable_ids.assign(
            comp, before, profiles_before, store.max_profile_seq() + 1, store.profile_ids_taken)
    with progress.step("compute golden records", total=None):
        customers = customers.drop("profile_id").join(members.select("uid", "profile_id"), on="uid")
        golden = golden_records(customers, mapping.survivorship.source_priority, mapping.survivorship.rules)
    stamp = now()
    rows = profiles.join(golden, on="profile_id", how="left").with_columns(
        pl.lit("active").alias("status"), pl.lit(None, dtype=pl.Utf8).alias("merged_into"),
        pl.lit(stamp).alias("created_at"), pl.lit(stamp).alias("updated_at"))
    retired_rows = retired.with_columns(
        pl.when(pl.col("merged_into").is_null()).then(pl.lit("empty")).otherwise(pl.lit("merged")).alias("status"),
        pl.lit(stamp).alias("updated_at"))
    audit = _audit(members, profiles, retired, cuts, stamp, by)
    changed = members.filter(pl.col("profile_id").ne_missing(pl.col("old_profile_id")))
    events = None if scope is None else store.dirty_interactions()  # their profiles' traits change too
    with progress.step("write profiles", total=None):
        store.write_resolution(changed.select("uid", "profile_id"), rows, retired_rows, audit, scope)
    # Households and traits of the profiles this run touched (every profile on a whole pass).
    touched = None if scope is None else sorted({*rows["profile_id"], *retired["profile_id"]})
    with progress.step("find households", total=None):
        household_summary = update_households(store, mapping, touched, stamp)
    with progress.step("compute traits", total=None):
        trait_summary = update_traits(
            store, mapping, None if touched is None else sorted({*touched, *store.interaction_profiles(events)}),
            retired["profile_id"].to_list())
    return ResolveSummary(
        scope="full" if scope is None else "incremental",
        customers_in_scope=len(before),
        identifiers_marked_shared=shared,
        profiles_written=len(rows),
        profiles_created=int(rows.filter(pl.col("is_new") & pl.col("split_from").is_null()).height),
        profiles_merged=int(retired.filter(pl.col("merged_into").is_not_null()).height),
        profiles_split=int(rows.filter(pl.col("split_from").is_not_null()).height),
        links_cut=cuts,
        strangers_cut=sum(1 for c in cuts if "evidence" in c),
        components_unchecked=unchecked,
        components_by=components_by,
        households=household_summary,
        traits=trait_summary,
        seconds=round(time.perf_counter() - started, 3),
    )


def _judged_apart(comp: pl.DataFrame, judgements: list[dict]) -> list[str]:
    """The records of the components that hold an end of a split judgement: the only edges `separate` reads."""
    ends = [u for j in judgements if j["kind"] == "not_same" for u in (j["a_uid"], j["b_uid"])]
    hit = comp.filter(pl.col("uid").is_in(ends))["component"].unique().to_list()
    return comp.filter(pl.col("component").is_in(hit))["uid"].to_list()


def _attribute_only(store: Store) -> None:
    """A resolution with no profile change: the store attributes the interactions marked for it."""
    text = {c: pl.Utf8 for c in ("profile_id", "status", "merged_into", "split_from", "created_at", "updated_at",
                                 *GOLDEN_FIELDS, "sources")}
    profiles = pl.DataFrame(schema={**text, "seq": pl.Int64, "customer_count": pl.Int64})
    store.write_resolution(pl.DataFrame(schema={"uid": pl.Utf8, "profile_id": pl.Utf8}), profiles,
                           pl.DataFrame(schema={"profile_id": pl.Utf8, "status": pl.Utf8, "merged_into": pl.Utf8,
                                                "updated_at": pl.Utf8}), [], [])


def _audit(members: pl.DataFrame, profiles: pl.DataFrame, retired: pl.DataFrame, cuts: list[dict],
           stamp: str, by: str) -> list[dict]:
    """One entry per profile change: created, split from, merged into, absorbed, members changed."""
    entries: list[dict] = []
    for pid, is_new, split_from, merged_from in profiles.select(
            "profile_id", "is_new", "split_from", "merged_from").iter_rows():
        if is_new and split_from:
            entries.append({"action": "split", "profile_id": pid, "details": {"split_from": split_from}})
            entries.append({"action": "split_off", "profile_id": split_from, "details": {"new_profile": pid}})
        elif is_new:
            entries.append({"action": "created", "profile_id": pid})
        if merged_from:
            entries.append({"action": "absorbed", "profile_id": pid, "details": {"merged_from": list(merged_from)}})
    for pid, into in retired.select("profile_id", "merged_into").iter_rows():
        entries.append({"action": "merged" if into else "emptied", "profile_id": pid,
                        "details": {"merged_into": into} if into else {}})
    kept = profiles.filter(~pl.col("is_new")).select("profile_id")
    added = (members.filter(pl.col("profile_id").ne_missing(pl.col("old_profile_id")))
             .join(kept, on="profile_id").group_by("profile_id").agg(pl.col("uid").sort().alias("added")))
    for pid, uids in added.iter_rows():
        entries.append({"action": "members_added", "profile_id": pid, "details": {"records": list(uids)}})
    # A cut is recorded on the profiles of both sides (cuts name no profile themselves).
    new_of = dict(members.select("uid", "profile_id").iter_rows()) if cuts else {}
    for cut in cuts:
        for pid in sorted({new_of.get(cut["a"]), new_of.get(cut["b"])} - {None}) or [None]:
            entries.append({"action": "links_cut", "profile_id": pid, "details": cut})
    for e in entries:
        e.setdefault("at", stamp)
        e.setdefault("by", by)
    return entries


__all__ = ["resolve", "ResolveSummary", "GOLDEN_FIELDS"]
