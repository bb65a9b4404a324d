"""The link job: probabilistic links between customer records (PROBABLY_SAME) and the review queue.

Incremental by default: the records stamped for linking since the link job's watermark
(``store.changed("link", ...)``) are blocked against everyone, so only pairs with at least one new record
are scored; ``full=True`` relinks every record. Steps, each timed: the over-merge guard on the identifiers
the new records touch (so a household landline or a family email is shared before it can count as
evidence), the customers frame, derived features, blocking, comparisons (the gamma matrix), the model
(loaded, or trained on first use), scoring, and one transaction that replaces the links and advances the
watermark.

The model is retrained when ``model.why_train`` gives a reason (no model, the data outgrew it, enough
new judgements to learn from), even with no new records; a retrained model relinks every record, since
the old links were scored by the old one. The summary says why (``model_trained_because``).

Safe alongside other jobs (graph/work.py): one link at a time (the link lease); the watermark advances
only to the change sequence read before the records, so records an ingest writes meanwhile, even during
a full relink, are linked by the next run.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from pydantic import BaseModel, Field

from idgraph.graph import hooks, work
from idgraph.graph.errors import ErasedMeanwhile
from idgraph.graph.records import LinkRow
from idgraph.graph.store import Store
from idgraph.ingest.mapping import Mapping
from idgraph.ingest.matcher import (
    FeatureTable,
    Model,
    PairContext,
    candidate_pairs,
    classify,
    compute_gamma,
    evidence,
    plan_blocking,
    rules_to_run,
    score,
    settings_for,
)
from idgraph.ingest.jobs import model as model_file
from idgraph.ingest.jobs.guard import read_after, read_members, run_guard
from idgraph.ingest.jobs.ingest import new_run_tag, utc_now
from idgraph.ingest.jobs.progress import Progress, silent


model_path_for = model_file.model_path_for  # where the model lives (kept importable from here)


class LinkSummary(BaseModel):
    mode: str  # "none" | "incremental" | "full"
    records: int = 0  # customer records in the store
    records_considered: int = 0  # new or changed records linked against everyone
    identifiers_marked_shared: int = 0
    blocking_plan: list[dict[str, Any]] = Field(default_factory=list)  # per rule: kept, tightened, dropped, no data
    blocking: list[dict[str, Any]] = Field(default_factory=list)  # per rule run: pairs, new_pairs, skipped blocks
    pairs_per_rule: dict[str, int] = Field(default_factory=dict)  # deduplicated across rules
    pairs_compared: int = 0
    links_written: int = 0
    review_queue: int = 0
    model_path: str = ""
    model_trained: bool = False
    model_trained_because: str | None = None  # why it was (re)trained: no model yet, data grew, new judgements
    model_warning: str | None = None
    thresholds: dict[str, float] = Field(default_factory=dict)
    seconds: dict[str, float] = Field(default_factory=dict)
    pairs_per_second: dict[str, float] = Field(default_factory=dict)
    started_at: str = ""  # ISO 8601, UTC


class _Clock:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.items: dict[str, int] = {}
        self._t = time.perf_counter()

    def lap(self, stage: str, items: int | None = None) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(self.seconds.get(stage, 0.0) + now - self._t, 3)
        if items is not None:
            self.items[stage] = items
        self._t = now

    def rates(self) -> dict[str, float]:
        return {k: round(n / max(self.seconds.get(k, 0.0), 1e-6), 1) for k, n in self.items.items()}


def link(
    store: Store,
    mapping: Mapping,
    *,
    full: bool = False,
    model_path: Path | None = None,
    progress: Progress | None = None,
    retrain: bool = False,
    wait: float = 0.0,
) -> LinkSummary:
    """Score candidate pairs and replace the probabilistic links and the review queue they touch. Waits up
    to `wait` seconds for another link run to finish, then stops with work.Busy. A run that linked
    something is kept in the store's run log (job "link", see `run_log_entry`)."""
    with work.lease(store, "link", wait=wait):
        for attempt in range(3):
            try:
                return _link(store, mapping, full, model_path, progress or silent, retrain)
            except ErasedMeanwhile:  # the guard's verdicts named someone forgotten since: read again
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def _link(store: Store, mapping: Mapping, full: bool, model_path: Path | None, progress: Progress,
          retrain: bool) -> LinkSummary:
    started_at = utc_now()
    settings = settings_for(mapping)
    clock = _Clock()
    path = model_file.model_path_for(mapping, settings, model_path)

    after = work.watermark(store, "link")
    guarded_at = work.sequence(store)
    had_model = path.exists()
    model = None if retrain else model_file.load(path)
    records = store.customer_count()
    why = "asked to retrain" if retrain else model_file.why_train(
        model, records, model_file.judgement_count(store, settings))
    to_link = None if full else store.changed("link", after)
    if to_link is not None and not to_link and (model is None or why is None):
        return LinkSummary(mode="none", records=records, model_path=str(path))

    frame = members = features = None
    trained = False
    if why is not None or model is None:
        with progress.step("read customer records"):
            frame = store.customers_frame(**mapping.frame_columns())
            members = read_members(store)  # what training's co-holders and then the guard weigh
        clock.lap("read", frame.height)
        with progress.step("train the model"):
            features = FeatureTable(frame, max_slots=settings.max_slots)
            model = model_file.train_on(store, mapping, frame, settings, members.frame, features)
            model.save(path)
        trained = True
        why = why or "no model yet"
        if had_model:
            to_link = None  # the links were scored by the old model: rescore every pair
        clock.lap("train")
    warning = None
    changed = model.differs_from(settings.comparisons)
    if changed and not trained:
        warning = (f"the model was trained with other definitions of {', '.join(changed)}; "
                   "it is used as it is: run `idgraph model train` to retrain")
    comparisons = model.definitions()

    with progress.step("guard shared identifiers"):
        # a new model judges every identifier afresh; otherwise those the new records touch
        # The frame read for training, when there was one: the guard weighs holders on their fields,
        # which its verdicts do not change (a record changed since is stamped, and linked next run).
        guarded = run_guard(store, mapping, None if trained else to_link, model, frame, members)
        shared = guarded.flipped
    read_at = work.sequence(store)
    if to_link is not None and shared:
        to_link = store.changed("link", after)  # records whose identifiers the guard just changed, too
    mark = work.read_up_to(guarded_at, read_at, 1 if shared else 0)
    clock.lap("guard")

    if frame is not None and shared:
        # When nobody else wrote since the frame was read to train, it is what a read would give less the
        # identifiers the guard has just marked shared: no second read (1.5 s at 100,000 people, 10 s at a
        # million records). Otherwise, or when the guard cleared one, the store is read again.
        frame = read_after(frame, guarded, mapping.frame_columns()["identifier_kinds"]) if mark == read_at else None
    if frame is None:
        with progress.step("read customer records"):
            frame = store.customers_frame(**mapping.frame_columns())
        clock.lap("read", frame.height)
    n = frame.height
    new_mask = None
    if to_link is not None:
        new_mask = frame.select(pl.col("uid").is_in(list(to_link))).to_series().to_numpy()
        if new_mask.all():
            new_mask = None
    considered = n if new_mask is None else int(new_mask.sum())

    if features is None or features.frame is not frame:
        features = FeatureTable(frame, max_slots=settings.max_slots, like=features)
    with progress.step("blocking"):
        planned = plan_blocking(features, settings)
        cand = candidate_pairs(features, rules_to_run(planned), settings.blocking.max_block_size, new_mask)
    clock.lap("blocking", len(cand))

    with progress.step("compare", total=len(comparisons)) as step:
        gamma = compute_gamma(PairContext(features, cand.a, cand.b), comparisons, on_done=step.advance)
    clock.lap("compare", len(cand))

    thresholds = model.thresholds
    if "thresholds" in (getattr(mapping, "matching", None) or {}):
        thresholds = settings.thresholds  # the mapping's thresholds win over the model's
    with progress.step("score"):
        scores = score(model, features, cand.a, cand.b, gamma)
        verdict = classify(scores.probability, thresholds.upper, thresholds.lower)
        keep = np.flatnonzero(verdict > 0)
        rows = _link_rows(frame, cand.a, cand.b, keep, verdict, scores, model, gamma)
    clock.lap("score", len(cand))

    hooks.at("link.scored")
    with progress.step("write links"):
        def write() -> None:
            store.replace_links(rows, to_link)
            store.advance_watermark("link", mark)

        store.atomic(write)
    clock.lap("write", len(rows))

    links = int((verdict == 2).sum())
    summary = LinkSummary(
        mode="full" if to_link is None else "incremental",
        records=n,
        records_considered=considered,
        identifiers_marked_shared=shared,
        blocking_plan=[p.as_dict() for p in planned],
        blocking=[s.as_dict() for s in cand.stats],
        pairs_per_rule={s.name: s.new_pairs for s in cand.stats},
        pairs_compared=len(cand),
        links_written=links,
        review_queue=int((verdict == 1).sum()),
        model_path=str(path),
        model_trained=trained,
        model_trained_because=why if trained else None,
        model_warning=warning,
        thresholds={"upper": thresholds.upper, "lower": thresholds.lower},
        seconds={**clock.seconds, "total": round(sum(clock.seconds.values()), 3)},
        pairs_per_second=clock.rates(),
        started_at=started_at,
    )
    store.record_run(new_run_tag(), "link", started_at, run_log_entry(summary))
    return summary


def run_log_entry(summary: LinkSummary) -> dict:
    """The summary as the run log keeps it: without the example values of skipped blocks (a surname, a
    postcode), which `idgraph forget` could not reach there."""
    entry = summary.model_dump(mode="json")
    for rule in entry["blocking"]:
        rule["largest_skipped"] = [{"size": b["size"]} for b in rule.get("largest_skipped", [])]
    return entry


def _link_rows(frame, a, b, keep, verdict, scores, model, gamma) -> list[LinkRow]:
    """LinkRows for the kept pairs, a_uid < b_uid; evidence JSON built as one column."""
    if not len(keep):
        return []
    uid = frame.get_column("uid")
    ua = uid.gather(a[keep]).to_list()
    ub = uid.gather(b[keep]).to_list()
    ev = evidence(model, gamma, scores, keep).to_list()
    prob = np.round(scores.probability[keep].astype(np.float64), 6).tolist()
    kinds = np.where(verdict[keep] == 2, "probable", "review").tolist()
    return [
        LinkRow(x, y, p, e, k) if x < y else LinkRow(y, x, p, e, k)
        for x, y, p, e, k in zip(ua, ub, prob, ev, kinds)
    ]


def train_model(
    store: Store, mapping: Mapping, *, model_path: Path | None = None, progress: Progress | None = None
) -> tuple[Model, Path]:
    """Retrain on every customer record and save the model (``idgraph model train``); the guard then
    re-judges every identifier with it."""
    progress = progress or silent
    settings = settings_for(mapping)
    path = model_file.model_path_for(mapping, settings, model_path)
    with progress.step("read customer records"):
        frame = store.customers_frame(**mapping.frame_columns())
        members = read_members(store)
    with progress.step("train the model"):
        model = model_file.train_on(store, mapping, frame, settings, members.frame)
    model.save(path)
    with progress.step("guard shared identifiers"):
        run_guard(store, mapping, None, model, frame, members)
    return model, path


def load_model(mapping: Mapping, model_path: Path | None = None) -> tuple[Model, Path]:
    settings = settings_for(mapping)
    path = model_file.model_path_for(mapping, settings, model_path)
    return Model.load(path), path
