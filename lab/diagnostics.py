"""Why a data set scores what it scores: the guard's verdicts and the recall any linker could reach.

Two diagnostics, read from a store after ``ingest -> link -> resolve`` and a truth file
(``source,record_id,person_id``, as ``idgraph evaluate`` reads it):

* :func:`guard_diagnostic`: of the identifiers the store marks ``shared`` (the over-merge guard stopped
  them linking), how many are held by one true person only (recall given away), and how many identifiers
  held by several true people are *not* marked (they may glue strangers: precision at risk).
* :func:`recall_ceiling`: the pairwise recall one would get if every true pair that has some evidence in
  common were linked: the connected components of (true pairs sharing a normalised identifier value,
  shared or not) ∪ (true pairs the link job's blocking makes candidates), evaluated against the truth.
  A true pair with neither is out of reach of scoring, whatever the model.

Also :func:`evaluate_clusters`: ``queries.truth.evaluate`` on any clustering of customer records (a table
``source, record_id, cluster``), so another system's output (Splink's) is measured by the same code.

Records whose id the truth gives several persons (a junk newsletter address typed by several people)
have no single owner and are left out of the diagnostics.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
from pydantic import BaseModel

from idgraph.graph.components import components
from idgraph.graph.store import Store
from idgraph.queries.truth import Evaluation, evaluate


class GuardDiagnostic(BaseModel):
    identifiers_on_several_records: int  # identifiers held by 2+ customer records
    marked_shared: int
    shared_one_person: int  # marked shared, yet every holder is one true person
    shared_one_person_share: float  # of marked_shared
    several_people: int  # held by records of 2+ true people
    several_people_not_marked: int  # those the guard let link
    not_marked_by_kind: dict[str, int]


class RecallCeiling(BaseModel):
    true_pairs: int  # record pairs of one person (customer records in the store and the truth)
    pairs_sharing_identifier: int  # true pairs sharing an identifier value
    pairs_candidates: int  # true pairs the link job's blocking makes
    recall_identifiers: float  # components over shared identifier values alone
    recall_ceiling: float  # components over identifiers and candidate pairs


class _Clusters:
    """The one store method ``evaluate`` reads, over a table of clusters."""

    def __init__(self, clusters: pl.DataFrame) -> None:
        self._rows = clusters.select("source", "record_id", pl.col("cluster").cast(pl.Utf8))

    def bulk(self, kind: str) -> Iterator[tuple[str, str, str, str | None]]:
        assert kind == "records"
        for source, record_id, cluster in self._rows.iter_rows():
            yield "customer", source, record_id, cluster


def evaluate_clusters(clusters: pl.DataFrame, truth_path: Path) -> Evaluation:
    """``queries.truth.evaluate`` of a clustering: columns source, record_id, cluster (a null cluster is
    a record of its own). Only customer records: the interaction figures are empty."""
    return evaluate(_Clusters(clusters), truth_path)  # type: ignore[arg-type]


def person_of_uid(truth_path: Path) -> pl.DataFrame:
    """uid -> person_id for the records the truth gives exactly one person."""
    truth = pl.read_csv(truth_path, schema_overrides={"source": pl.Utf8, "record_id": pl.Utf8, "person_id": pl.Utf8})
    single = truth.unique(["source", "record_id", "person_id"]).filter(
        pl.len().over("source", "record_id") == 1)
    return single.select(
        pl.concat_str(["source", pl.lit(":"), "record_id"]).alias("uid"), "person_id")


def guard_diagnostic(store: Store, truth_path: Path) -> GuardDiagnostic:
    """How right the guard's ``shared`` marks are, against the truth (see the module doc)."""
    members = store.identifier_members()
    people = person_of_uid(truth_path)
    held = members.join(people, on="uid", how="left").group_by("kind", "value").agg(
        pl.col("shared").first(), pl.col("person_id").drop_nulls().n_unique().alias("people"))
    shared = held.filter(pl.col("shared"))
    one = shared.filter(pl.col("people") == 1).height
    several = held.filter(pl.col("people") >= 2)
    unmarked = several.filter(~pl.col("shared"))
    by_kind = dict(unmarked.group_by("kind").agg(pl.len()).sort("kind").iter_rows())
    return GuardDiagnostic(
        identifiers_on_several_records=held.height,
        marked_shared=shared.height,
        shared_one_person=one,
        shared_one_person_share=round(one / shared.height, 5) if shared.height else 0.0,
        several_people=several.height,
        several_people_not_marked=unmarked.height,
        not_marked_by_kind=by_kind,
    )


def blocking_pairs(store: Store, settings) -> pl.DataFrame:
    """The link job's candidate pairs over every customer record, as uids (columns a, b).

    The one place that calls the matcher's blocking, as ingest/jobs/link.py does (the rules the data
    fits, when the matcher plans them; else the settings' rules): adapt it here when that API changes."""
    from idgraph.ingest import matcher

    frame = store.customers_frame()
    features = matcher.FeatureTable(frame, max_slots=settings.max_slots)
    rules = settings.blocking.rules
    if hasattr(matcher, "plan_blocking"):
        rules = matcher.rules_to_run(matcher.plan_blocking(features, settings))
    cand = matcher.candidate_pairs(features, rules, settings.blocking.max_block_size)
    uid = frame.get_column("uid")
    return pl.DataFrame({"a": uid.gather(cand.a), "b": uid.gather(cand.b)})


def recall_ceiling(store: Store, truth_path: Path, candidates: pl.DataFrame) -> RecallCeiling:
    """Recall if every true pair with evidence in common were linked (see the module doc).

    candidates: the link job's candidate pairs as uids (:func:`blocking_pairs`)."""
    people = person_of_uid(truth_path)
    records = pl.DataFrame(list(store.bulk("records")), orient="row",
                           schema={"kind": pl.Utf8, "source": pl.Utf8, "record_id": pl.Utf8, "profile_id": pl.Utf8})
    records = records.filter(pl.col("kind") == "customer").with_columns(
        pl.concat_str(["source", pl.lit(":"), "record_id"]).alias("uid"))
    in_truth = records.join(people, on="uid")  # the true pairs are counted among these
    # An identifier edge goes to a node per (identifier, person): only records of one person meet there.
    ident = store.identifier_members().join(people, on="uid").select(
        "uid", pl.concat_str(["kind", pl.lit(":"), "value", pl.lit("#"), "person_id"]).alias("node"))
    ident = ident.join(ident.group_by("node").agg(pl.len().alias("n")).filter(pl.col("n") > 1), on="node")
    ident_edges = ident.select(pl.col("uid").alias("a"), pl.col("node").alias("b"))
    true_cand = (candidates.join(people.rename({"uid": "a", "person_id": "pa"}), on="a")
                 .join(people.rename({"uid": "b", "person_id": "pb"}), on="b")
                 .filter(pl.col("pa") == pl.col("pb")).select("a", "b"))

    def _recall(edges: pl.DataFrame) -> float:  # over every record, as the stages are evaluated
        comp = components(records.get_column("uid"), edges)
        clusters = records.join(comp, on="uid").select("source", "record_id", pl.col("component").alias("cluster"))
        return evaluate_clusters(clusters, truth_path).pairwise_recall

    sizes = in_truth.group_by("person_id").agg(pl.len().alias("n"))
    pairs_sharing = (ident.join(ident, on="node", suffix="_b").filter(pl.col("uid") < pl.col("uid_b"))
                     .select("uid", "uid_b").unique().height)
    return RecallCeiling(
        true_pairs=int(sizes.select((pl.col("n") * (pl.col("n") - 1) // 2).sum()).item() or 0),
        pairs_sharing_identifier=pairs_sharing,
        pairs_candidates=true_cand.height,
        recall_identifiers=_recall(ident_edges),
        recall_ceiling=_recall(pl.concat([ident_edges, true_cand])),
    )


__all__ = ["GuardDiagnostic", "RecallCeiling", "blocking_pairs", "evaluate_clusters", "guard_diagnostic",
           "person_of_uid", "recall_ceiling"]
