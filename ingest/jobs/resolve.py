"""The resolve job: guard, components over the links honouring judgements, stable ids, golden records.

Incremental: it recomputes only the components around customers stamped for resolve after its watermark
(their closure through identifiers, links, judgements and old profiles); past a quarter of the graph a
whole pass is cheaper and is taken instead. Idempotent: a second run with nothing new changes nothing.

Safe alongside other jobs (graph/work.py): it holds the resolve lease (one resolve at a time), reads the
change sequence before it reads the records, and advances its watermark only to what it read, in the
transaction that writes the profiles, so whatever an ingest or a merge writes meanwhile is looked at by
the next resolve. The guard judges the records whose identifiers it has not judged yet (those changed
since the link job's guard ran; all of them with --full or a new model) and writes its verdicts; the components
are then read in one snapshot (embedded: one read transaction). When someone else wrote between the
guard's read and that snapshot, the watermark stays at what the guard saw, and the records changed in
between are judged and resolved again by the next run.

Households and traits follow from the profiles: the households of the profiles this run touched and the
traits of the profiles whose records or events changed are computed and written in the transaction that
writes the profiles and advances the watermark (`write_resolution(..., then=...)`), reading the profiles
as just written; so a killed resolve leaves profiles, households and traits all of one state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal
from datetime import datetime, timezone

import polars as pl
from pydantic import BaseModel, Field

from idgraph.graph import attribution, hooks, stable_ids, work
from idgraph.graph.closure import closure
from idgraph.ingest import strangers
from idgraph.ingest.jobs.guard import run_guard, unguarded
from idgraph.ingest.jobs.households import HouseholdSummary, update_households
from idgraph.ingest.jobs.traits import TraitSummary, finish_traits, update_traits
from idgraph.ingest.jobs.model import ensure_model
from idgraph.graph.components import components
from idgraph.graph.errors import ErasedMeanwhile
from idgraph.graph.golden import GOLDEN_FIELDS, golden_records
from idgraph.graph.judgements import separate
from idgraph.graph.store import Store
from idgraph.ingest.mapping import Mapping
from idgraph.ingest.jobs.progress import Progress, silent

WHOLE_PASS_FRACTION = 0.25
StaleTraits = Literal["all", "chunk", "none"]
ATTEMPTS = 3  # runs after an erasure that happened while resolve computed


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
    # An incremental run's profiles and what happened to each: new, merged (absorbed others), split (from
    # another), grew (gained records), same. Read by the service to answer each row; not printed.
    profile_changes: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Read:
    """What resolve reads of the store, in one snapshot."""

    read_at: int
    dirty: list[str]
    waiting: list[str]
    scope: list[str] | None = None
    before: pl.DataFrame | None = None
    profiles_before: pl.DataFrame | None = None
    judged: list[dict] | None = None
    comp: pl.DataFrame | None = None
    edges: pl.DataFrame | None = None
    customers: pl.DataFrame | None = None
    facts: dict[str, pl.DataFrame] | None = None  # what attribution decides from
    next_seq: int = 1


def resolve(store: Store, mapping: Mapping, *, full: bool = False, progress: Progress = silent,
            by: str = "idgraph", wait: float = 0.0, stale_traits: StaleTraits = "all") -> ResolveSummary:
    """Resolve what changed since the last resolve read the graph (everything when `full`). Waits up to
    `wait` seconds for another resolve to finish, then stops with work.Busy.

    Stale traits (a new day, new definitions: ingest/jobs/traits.py): "all" computes every one before it
    returns, a chunk per transaction after the resolution's (the CLI); "chunk" one chunk inside the
    resolution's transaction; "none" only the profiles the resolution touched (the service's writes, whose
    writer refreshes the rest while idle)."""
    started = time.perf_counter()
    with work.lease(store, "resolve", wait=wait) as held:
        for attempt in range(ATTEMPTS):
            try:
                summary = _resolve(store, mapping, full, progress, by, held, stale_traits != "none")
                break
            except ErasedMeanwhile:  # what it read named someone forgotten since: read again
                if attempt == ATTEMPTS - 1:
                    raise
        if stale_traits == "all" and (summary.scope == "none" or summary.traits.stale):
            # The CLI's resolve waits for nobody's click: unless the mapping sets refresh_chunk, chunks as
            # large as a transaction takes (the store's default chunk is sized for the service's writer)
            chunk = mapping.traits.refresh_chunk or store.traits_per_transaction
            rest = finish_traits(store, mapping, progress, chunk=chunk, between=held.renew)
            summary.traits = summary.traits.model_copy(update={
                "profiles": summary.traits.profiles + rest.profiles,
                "refreshed": summary.traits.refreshed + rest.refreshed, "stale": rest.stale})
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _resolve(store: Store, mapping: Mapping, full: bool, progress: Progress, by: str,
             held: work.Lease, refresh: bool) -> ResolveSummary:
    after = work.watermark(store, "resolve")
    guarded_at = work.sequence(store)
    dirty = store.changed("resolve", after)
    if not dirty and not full and not store.changed("attribution", after):
        return ResolveSummary(scope="none")
    with progress.step("guard shared identifiers", total=None):
        # Counted once (a scan of an index, 3-4 ms at a million records) for the model's and both
        # whole-pass decisions, which need its size, not the last record.
        total = store.customer_count()
        model, trained = ensure_model(store, mapping, records=total)
        # a new model (or --full) judges every identifier afresh; otherwise those of the records the link
        # job's guard has not judged yet: none, right after a link run
        scope = None if full or trained else unguarded(store)
        if scope is not None and len(scope) > WHOLE_PASS_FRACTION * max(total, 1):
            scope = None
        shared = run_guard(store, mapping, scope, model).flipped if scope is None or scope else 0
    hooks.at("resolve.guarded")
    held.renew()
    with progress.step("find affected components", total=None):
        read = store.snapshot(lambda: _read(store, mapping, full, after, total))
    mark = work.read_up_to(guarded_at, read.read_at, 1 if shared else 0)
    hooks.at("resolve.read")
    if read.scope is None and read.before is None:
        # New events on known identifiers change no profile, but still need attributing.
        derived = _Derived(store, mapping, [], [], read.waiting, refresh=refresh)
        if read.waiting:
            _attribute_only(store, read.facts, mark, read.read_at, derived)
        return ResolveSummary(scope="attribution" if read.waiting else "none", identifiers_marked_shared=shared,
                              interactions_attributed=len(read.waiting), traits=derived.traits)
    scope, before, judged, customers = read.scope, read.before, read.judged, read.customers
    comp, edges = read.comp, read.edges
    components_by = "gds" if comp is not None else "in-process"
    if comp is None:
        comp = components(before["uid"], edges)
    held.renew()
    with progress.step("cut chains of strangers", total=None):
        evidence, unchecked = strangers.conflicts(comp, customers, model,
                                                  min_probability=mapping.guard.component_min_probability)
        if edges is None:
            edges = store.link_edges(_judged_apart(comp, [*judged, *evidence]))
        comp, cuts = separate(comp, edges, judged, evidence)
    with progress.step("assign stable profile ids", total=None):
        members, profiles, retired = stable_ids.assign(
            comp, before, read.profiles_before, read.next_seq, store.profile_ids_taken)
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
    with progress.step("attribute interactions", total=None):
        attributed, recount = attribution.decide(read.facts, members.select("uid", "profile_id"))
    held.renew()
    # Households and traits of the profiles this run touched (every profile on a whole pass).
    touched = None if scope is None else sorted({*rows["profile_id"], *retired["profile_id"]})
    derived = _Derived(store, mapping, touched, retired["profile_id"].to_list(), read.waiting, stamp, refresh)
    with progress.step("write profiles, households and traits", total=None):
        store.write_resolution(changed.select("uid", "profile_id"), rows, retired_rows, audit, attributed,
                               recount, mark=mark, read_at=read.read_at, then=lambda: derived(recount))
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
        households=derived.households,
        traits=derived.traits,
        profile_changes=_profile_changes(members, rows),
    )


def _read(store: Store, mapping: Mapping, full: bool, after: int, total: int) -> _Read:
    """Everything resolve reads, after the guard: inside store.snapshot, so on the embedded store one state
    of the file. The sequence is read first: what is stamped after it is looked at again next time."""
    read = _Read(read_at=work.sequence(store), dirty=store.changed("resolve", after), waiting=[])
    whole = full or len(read.dirty) > WHOLE_PASS_FRACTION * max(total, 1)
    # The events waiting for attribution name the profiles whose traits follow them: a whole pass
    # attributes every event and computes every profile's traits, and does not list them (402,349 at
    # 100,000 people, read and sorted: 0.9 s).
    if not whole:
        read.waiting = store.changed("attribution", after)
    if not read.dirty and not full:
        read.facts = store.attribution_facts([], after) if read.waiting else None
        return read
    read.scope = None if whole else closure(store, read.dirty)
    read.before, read.profiles_before = store.profile_state(read.scope)
    read.judged = store.judgements(read.scope)
    # A store may compute the components itself (Neo4j with GDS: `components` answers None without);
    # then only the components a split judgement may cut need their edges, read afterwards.
    read.comp = store.components(read.scope, after) if hasattr(store, "components") else None
    if read.comp is None:
        read.edges = store.link_edges(read.scope)
    read.customers = store.customers_frame(read.scope, **mapping.frame_columns())
    read.facts = store.attribution_facts(read.scope, after)
    read.next_seq = store.max_profile_seq() + 1
    return read


def _profile_changes(members: pl.DataFrame, profiles: pl.DataFrame) -> dict[str, str]:
    """What happened to each profile written: one polars expression, as a full pass writes millions."""
    grew = members.filter(pl.col("profile_id").ne_missing(pl.col("old_profile_id")))["profile_id"].unique()
    change = (pl.when(pl.col("split_from").is_not_null()).then(pl.lit("split"))
              .when(pl.col("is_new")).then(pl.lit("new"))
              .when(pl.col("merged_from").list.len() > 0).then(pl.lit("merged"))
              .when(pl.col("profile_id").is_in(grew.implode())).then(pl.lit("grew"))
              .otherwise(pl.lit("same")))
    done = profiles.select("profile_id", change.alias("change"))
    return dict(zip(done["profile_id"].to_list(), done["change"].to_list()))


def _judged_apart(comp: pl.DataFrame, judgements: list[dict]) -> list[str]:
    """The records of the components that hold an end of a split judgement: the only edges `separate` reads."""
    ends = [u for j in judgements if j["kind"] == "not_same" for u in (j["a_uid"], j["b_uid"])]
    hit = comp.filter(pl.col("uid").is_in(ends))["component"].unique().to_list()
    return comp.filter(pl.col("component").is_in(hit))["uid"].to_list()


class _Derived:
    """What follows from the profiles, computed and written inside write_resolution's transaction (after
    the profiles, before the watermark): the households of the touched profiles and the traits of those
    and of the profiles whose events changed (their attribution, or the events themselves). Called again
    when a Neo4j transaction is retried: it only reads and writes the store."""

    def __init__(self, store: Store, mapping: Mapping, touched: list[str] | None, retired: list[str],
                 events: list[str], stamp: str | None = None, refresh: bool = True):
        self.store, self.mapping, self.touched, self.retired, self.events = store, mapping, touched, retired, events
        self.stamp, self.refresh = stamp, refresh
        self.households, self.traits = HouseholdSummary(), TraitSummary()

    def __call__(self, recount: list[str]) -> None:
        store, touched = self.store, self.touched
        if self.stamp is not None:  # profiles were written: their households
            self.households = update_households(store, self.mapping, touched, self.stamp)
        changed = None if touched is None else sorted(
            {*touched, *recount, *(store.interaction_profiles(self.events) if self.events else ())})
        # a chunk of stale traits besides (refresh), so a resolve never computes them all (ingest/jobs/traits.py)
        self.traits = update_traits(store, self.mapping, changed, self.retired, chunk=None if self.refresh else 0)


def _attribute_only(store: Store, facts: dict[str, pl.DataFrame], mark: int, read_at: int,
                    derived: _Derived) -> None:
    """A resolution with no profile change: only the interactions stamped for attribution, and the traits
    of the profiles their events belong to."""
    attributed, recount = attribution.decide(facts)
    text = {c: pl.Utf8 for c in ("profile_id", "status", "merged_into", "split_from", "created_at", "updated_at",
                                 *GOLDEN_FIELDS, "sources")}
    profiles = pl.DataFrame(schema={**text, "seq": pl.Int64, "customer_count": pl.Int64})
    store.write_resolution(pl.DataFrame(schema={"uid": pl.Utf8, "profile_id": pl.Utf8}), profiles,
                           pl.DataFrame(schema={"profile_id": pl.Utf8, "status": pl.Utf8, "merged_into": pl.Utf8,
                                                "updated_at": pl.Utf8}), [], attributed, recount, mark=mark,
                           read_at=read_at, then=lambda: derived(recount))


def _audit(members: pl.DataFrame, profiles: pl.DataFrame, retired: pl.DataFrame, cuts: list[dict],
           stamp: str, by: str) -> list[dict]:
    """One entry per profile change: created, split from, merged into, absorbed, members changed; in one
    order on every run and store (by profile id), so that audit trails can be compared."""
    entries: list[dict] = []
    for pid, is_new, split_from, merged_from in profiles.select(
            "profile_id", "is_new", "split_from", "merged_from").sort("profile_id").iter_rows():
        if is_new and split_from:
            entries.append({"action": "split", "profile_id": pid, "details": {"split_from": split_from}})
            entries.append({"action": "split_off", "profile_id": split_from, "details": {"new_profile": pid}})
        elif is_new:
            entries.append({"action": "created", "profile_id": pid})
        if merged_from:
            entries.append({"action": "absorbed", "profile_id": pid, "details": {"merged_from": list(merged_from)}})
    for pid, into in retired.select("profile_id", "merged_into").sort("profile_id").iter_rows():
        entries.append({"action": "merged" if into else "emptied", "profile_id": pid,
                        "details": {"merged_into": into} if into else {}})
    kept = profiles.filter(~pl.col("is_new")).select("profile_id")
    added = (members.filter(pl.col("profile_id").ne_missing(pl.col("old_profile_id")))
             .join(kept, on="profile_id").group_by("profile_id").agg(pl.col("uid").sort().alias("added"))
             .sort("profile_id"))  # one order on every run and store: the audit is compared across them
    for pid, uids in added.iter_rows():
        entries.append({"action": "members_added", "profile_id": pid, "details": {"records": list(uids)}})
    # A cut is recorded on the profiles of both sides (cuts name no profile themselves).
    new_of = dict(members.select("uid", "profile_id").iter_rows()) if cuts else {}
    for cut in sorted(cuts, key=lambda c: (c["a"], c["b"], c["judgement_id"])):
        for pid in sorted({new_of.get(cut["a"]), new_of.get(cut["b"])} - {None}) or [None]:
            entries.append({"action": "links_cut", "profile_id": pid, "details": cut})
    for e in entries:
        e.setdefault("at", stamp)
        e.setdefault("by", by)
    return entries


__all__ = ["resolve", "ResolveSummary", "GOLDEN_FIELDS"]
