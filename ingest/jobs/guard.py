"""The guard as a job: re-judge the identifiers that changed records hold, and mark or clear them.

Run by resolve and by the link job before they read identifiers as evidence. The verdicts come from
``idgraph.ingest.guard`` with the project's model when there is one trained on enough records (the
model's co-holder weights), else with the plain rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from idgraph.graph import work
from idgraph.graph.store import Store, identifier_lists
from idgraph.ingest import guard
from idgraph.ingest.jobs.model import MIN_RECORDS, without_identifiers
from idgraph.ingest.mapping import Mapping
from idgraph.ingest.matcher import Model


def judge_for(store: Store, mapping: Mapping, model: Model | None, members: pl.DataFrame,
              read: pl.DataFrame | None = None) -> guard.Judge | None:
    """The model's judge when it can weigh people (trained on enough records, with co-holder weights).
    ``read``: a customers frame the caller has just read (the link job's, every record), taken instead of
    reading the holders again when it has them all."""
    if model is None or model.prior.records < MIN_RECORDS or model.co_holder is None:
        return None
    uids = members["uid"].unique().sort()
    if read is not None and uids.is_in(read["uid"].implode()).all():
        frame = read.filter(pl.col("uid").is_in(uids.implode()))
    else:
        frame = store.customers_frame(uids.to_list(), **mapping.frame_columns())
    return guard.ModelJudge(model, without_identifiers(frame), mapping.guard.min_probability)


def unguarded(store: Store) -> list[str]:
    """The records whose identifiers the guard has not judged in their present state: changed after the
    link job's watermark and after resolve's. The link job guards what it links before it advances its
    watermark, resolve guards these records before it reads past them, and every write that changes who
    holds an identifier (ingest, the guard's own flips, an erasure) stamps the records' link sequence; so
    resolve, right after a link run or another resolve, need not judge them again. (Past resolve's
    watermark alone: a service that runs the link job seldom would judge every record since then at each
    batch, ever more of them.)"""
    after = max(work.watermark(store, "link"), work.watermark(store, "resolve"))
    return list(store.changed("link", after))


@dataclass(frozen=True)
class Members:
    """The holders of every identifier two or more records hold (``Store.identifier_members``), and the
    store's sequence before they were read."""

    read_at: int
    frame: pl.DataFrame


def read_members(store: Store, dirty: Sequence[str] | None = None) -> Members:
    read_at = work.sequence(store)
    return Members(read_at, store.identifier_members(None if dirty is None else list(dirty)))


@dataclass(frozen=True)
class GuardRun:
    """What a run of the guard changed: how many identifiers the store flipped, and the verdicts (kind,
    value, shared) that differed from what was read."""

    flipped: int
    flips: pl.DataFrame


def run_guard(store: Store, mapping: Mapping, dirty: Sequence[str] | None, model: Model | None,
              read: pl.DataFrame | None = None, members: Members | None = None) -> GuardRun:
    """Re-judge the identifiers the changed customers touch (all when ``dirty`` is None) and write what
    flipped. The verdicts are written only if nobody was erased since they were read (a reason names the
    records it judged): else ErasedMeanwhile, and the caller runs again. ``read``: as for ``judge_for``.
    ``members``: those of every identifier (``read_members(store)``) when the caller has just read them to
    train, and ``dirty`` is None."""
    if members is None or dirty is not None:
        members = read_members(store, dirty)
    read_at, members = members.read_at, members.frame
    if members.is_empty():
        return GuardRun(0, pl.DataFrame(schema={"kind": pl.String, "value": pl.String, "shared": pl.Boolean}))
    judge = judge_for(store, mapping, model, members, read) if mapping.guard.check_conflicts else None
    verdict = guard.evaluate(members, mapping.guard.max_customers, mapping.guard.check_conflicts, judge,
                             mapping.guard.min_probability)
    flips = verdict.filter(pl.col("shared") != pl.col("was_shared"))
    flipped = store.set_shared(
        [(k, v, s, r) for k, v, s, r in flips.select("kind", "value", "shared", "reason").iter_rows()], read_at=read_at)
    return GuardRun(flipped, flips.select("kind", "value", pl.col("shared").cast(pl.Boolean)))


def read_after(frame: pl.DataFrame, run: GuardRun, kinds: Sequence[str]) -> pl.DataFrame | None:
    """``customers_frame()`` as the store gives it after `run`, made from `frame` (every record, read
    before it, nothing written since but the run's verdicts): each record's lists less the identifiers the
    run marked shared, in their order. None when the run also cleared one: a record's list would gain it
    back, and only the store knows whose lists."""
    if not run.flips["shared"].all():
        return None
    lists = []
    for kind, column in identifier_lists(kinds):
        gone = run.flips.filter(pl.col("kind") == kind)["value"]
        if len(gone):
            lists.append(pl.col(column).list.eval(pl.element().filter(~pl.element().is_in(gone.to_list()))))
    return frame.with_columns(lists) if lists else frame
