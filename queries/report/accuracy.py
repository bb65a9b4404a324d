"""Section 5, Accuracy (with a truth file): how well the profiles match the real people.

The pairwise and B-cubed figures are `queries/truth.py`'s, on the profiles as resolved. The curve asks
what another link threshold would have given: for each threshold, the records are clustered again by the
identifiers they share (the non-shared ones), the merge judgements, and every scored link (link or review)
at or above it, and measured as `queries/truth.py` measures. Vectorised: the identifier ties and judgements
are clustered once; each threshold then clusters those clusters by the scored links it keeps (a sparse
connected-components call) and counts pairs with numpy. The guard's cuts and split judgements that
resolve applies are left out, so at the link threshold the curve may differ a little from the profiles.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from pydantic import BaseModel
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from idgraph.graph.components import components
from idgraph.queries.truth import Evaluation, evaluate_records

from .blocks import ChartBlock, Figure, Figures, Note, Section, num, table
from .charts import chart
from .matching import threshold_rows, weight

INTRO = "How well the profiles match the real people of the truth file."
POINTS = 40  # thresholds on the curve, at quantiles of the scores (and both thresholds)
TOP = 10


class CurvePoint(BaseModel):
    threshold: float  # match probability
    weight: float
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    clusters: int


class WorstProfile(BaseModel):
    profile_id: str
    records: int
    people: int  # true people among its records
    largest_share: float  # share of its records that belong to its commonest person


class SplitPerson(BaseModel):
    person_id: str
    records: int
    profiles: int


class AccuracySection(BaseModel):
    truth_file: str
    evaluation: Evaluation
    thresholds: dict[str, float]
    curve: list[CurvePoint]
    worst_profiles: list[WorstProfile]
    split_people: list[SplitPerson]


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def build(truth_file: str, truth: pl.DataFrame, customers: pl.DataFrame, records: pl.DataFrame,
          edges: pl.DataFrame, links: pl.DataFrame, thresholds: dict[str, float]) -> AccuracySection:
    """edges: store.link_edges(None); links: a_uid, b_uid, score of the links and the review queue."""
    evaluation = evaluate_records(records, truth)
    cust = (records.filter(pl.col("kind") == "customer").join(truth, on=["source", "record_id"])
            .with_columns(pl.coalesce("profile_id", pl.concat_str([pl.lit("unresolved:"), "source", pl.lit(":"),
                                                                  "record_id"])).alias("profile_id")))
    cells = cust.group_by("profile_id", "person_id").agg(pl.len().alias("n"))
    per_profile = cells.group_by("profile_id").agg(
        pl.len().alias("people"), pl.col("n").sum().alias("records"), pl.col("n").max().alias("top"))
    worst = per_profile.filter(pl.col("people") > 1).sort(["people", "records", "profile_id"],
                                                          descending=[True, True, False]).head(TOP)
    split = (cells.group_by("person_id").agg(pl.len().alias("profiles"), pl.col("n").sum().alias("records"))
             .filter(pl.col("profiles") > 1).sort(["profiles", "records", "person_id"], descending=[True, True, False])
             .head(TOP))
    return AccuracySection(
        truth_file=truth_file, evaluation=evaluation, thresholds=thresholds,
        curve=curve(customers, truth, edges, links, thresholds),
        worst_profiles=[WorstProfile(profile_id=p, records=r, people=n, largest_share=round(t / r, 4))
                        for p, n, r, t in worst.select("profile_id", "people", "records", "top").iter_rows()],
        split_people=[SplitPerson(person_id=p, records=r, profiles=n)
                      for p, n, r in split.select("person_id", "profiles", "records").iter_rows()],
    )


def curve(customers: pl.DataFrame, truth: pl.DataFrame, edges: pl.DataFrame, links: pl.DataFrame,
          thresholds: dict[str, float]) -> list[CurvePoint]:
    uids = customers["uid"]
    fixed = edges.filter(pl.col("kind") != "probable")  # identifier ties and merge judgements
    base = components(uids, fixed).join(pl.DataFrame({"uid": uids, "i": np.arange(len(uids))}), on="uid")
    base = base.sort("i")["component"].to_numpy()
    _, base = np.unique(base, return_inverse=True)  # components numbered 0..m-1
    m = int(base.max()) + 1 if len(base) else 0
    index = pl.DataFrame({"uid": uids, "i": np.arange(len(uids), dtype=np.int64)})
    scored = (links.select("a_uid", "b_uid", "score")
              .join(index.rename({"uid": "a_uid", "i": "ia"}), on="a_uid")
              .join(index.rename({"uid": "b_uid", "i": "ib"}), on="b_uid"))
    ca, cb = base[scored["ia"].to_numpy()], base[scored["ib"].to_numpy()]
    score = scored["score"].to_numpy().astype(np.float64)
    keep = ca != cb
    ca, cb, score = ca[keep], cb[keep], score[keep]
    judged = (customers.select("uid", "source", pl.col("source_id").alias("record_id"))
              .join(truth, on=["source", "record_id"]).join(index, on="uid"))
    if not judged.height or not m:
        return []
    at = base[judged["i"].to_numpy()]
    person = judged["person_id"].cast(pl.Categorical).to_physical().to_numpy().astype(np.int64)
    people = int(person.max()) + 1
    person_size = np.bincount(person, minlength=people)
    true_pairs = float((person_size * (person_size - 1) // 2).sum())
    grid = set(np.quantile(score, np.linspace(0, 1, POINTS)).round(6).tolist()) if len(score) else set()
    grid |= {float(v) for v in thresholds.values()}
    points = []
    for t in sorted(grid):
        kept = score >= t
        graph = coo_matrix((np.ones(int(kept.sum()), dtype=np.int8), (ca[kept], cb[kept])), shape=(m, m)).tocsr()
        n_clusters, label = connected_components(graph, directed=False)
        cluster = label[at].astype(np.int64)
        cell, n = _counts(cluster * people + person)
        cluster_size = np.bincount(cluster, minlength=n_clusters)
        tp = float((n * (n - 1) // 2).sum())
        pred = float((cluster_size * (cluster_size - 1) // 2).sum())
        precision = 1.0 if pred == 0 else tp / pred
        recall = 1.0 if true_pairs == 0 else tp / true_pairs
        of_cluster, of_person = cell // people, cell % people
        total = n.sum()
        bp = float((n * n / cluster_size[of_cluster]).sum() / total)
        br = float((n * n / person_size[of_person]).sum() / total)
        points.append(CurvePoint(
            threshold=t, weight=round(float(weight(t)), 3), precision=round(precision, 5), recall=round(recall, 5),
            f1=round(_f1(precision, recall), 5), bcubed_precision=round(bp, 5), bcubed_recall=round(br, 5),
            clusters=int(np.count_nonzero(cluster_size))))
    return points


def _counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys and how often each occurs (np.unique's, by one sort: faster on int64 keys)."""
    if not len(keys):
        return keys, keys
    ordered = np.sort(keys)
    starts = np.concatenate(([0], np.flatnonzero(np.diff(ordered)) + 1))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def view(s: AccuracySection | None) -> Section:
    if s is None:
        return Section(key="accuracy", title="Accuracy", intro=INTRO, blocks=[Note(
            text="No truth file given: `idgraph report --truth TRUTH.csv` (columns source,record_id,person_id) "
                 "measures the profiles against it.")])
    e = s.evaluation
    blocks: list = [Figures(items=[
        Figure(label="pairwise precision", value=f"{e.pairwise_precision:.4f}"),
        Figure(label="pairwise recall", value=f"{e.pairwise_recall:.4f}", note=f"F1 {e.pairwise_f1:.4f}"),
        Figure(label="B-cubed precision", value=f"{e.bcubed_precision:.4f}"),
        Figure(label="B-cubed recall", value=f"{e.bcubed_recall:.4f}", note=f"F1 {e.bcubed_f1:.4f}"),
        Figure(label="profiles joining several people", value=num(e.profiles_joining_several_people),
               note=f"{e.profiles_joining_more_than_3_people:,} more than 3"),
        Figure(label="events attributed rightly", value=f"{e.attribution_precision:.4f}",
               note=f"coverage {e.attribution_coverage:.4f}"),
    ])]
    if s.curve:
        rows = [{"weight": p.weight, "threshold": p.threshold, "measure": name, "value": getattr(p, key)}
                for p in s.curve for name, key in (("pairwise precision", "precision"), ("pairwise recall", "recall"),
                                                   ("B-cubed precision", "bcubed_precision"),
                                                   ("B-cubed recall", "bcubed_recall"))]
        blocks.append(ChartBlock(title="Precision and recall against the link threshold", chart=chart(
            "precision_recall", "Records clustered again at each threshold by the identifiers they share, merge "
                                "judgements and the scored pairs at or above it (the guard's cuts and split "
                                "judgements left out).",
            points=rows, thresholds=threshold_rows(s.thresholds))))
    else:
        blocks.append(Note(text="No record of the truth file is in the store: no curve."))
    blocks.append(table("Measures", [("measure", False), ("value", True)],
                        [[k.replace("_", " "), f"{v:.4f}" if isinstance(v, float) else v]
                         for k, v in e.model_dump().items()], caption=f"Truth file: {s.truth_file}"))
    if s.worst_profiles:
        blocks.append(table("Profiles joining most people", [
            ("profile", False), ("records", True), ("true people", True), ("commonest person's share", True)],
            [[w.profile_id, w.records, w.people, f"{100 * w.largest_share:.0f}%"] for w in s.worst_profiles]))
    if s.split_people:
        blocks.append(table("People spread over most profiles", [
            ("person (truth file)", False), ("records", True), ("profiles", True)],
            [[p.person_id, p.records, p.profiles] for p in s.split_people]))
    return Section(key="accuracy", title="Accuracy", intro=INTRO, blocks=blocks)
