"""Accuracy against a truth file (source,record_id,person_id): how well profiles match real people.

Pairwise precision/recall/F1 over record pairs, B-cubed precision/recall/F1 per record, the profiles that
join more than one (and more than three) true people, and for interactions the attribution precision
(an attributed event is right when its profile's majority person is the event's person) and coverage.
All counts are group-bys over the whole data set: no per-pair loop.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from pydantic import BaseModel

from idgraph.graph.errors import SourceError
from idgraph.graph.store import Store


class Evaluation(BaseModel):
    customer_records: int
    records_in_truth_not_in_store: int
    profiles: int
    true_people: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    profiles_joining_several_people: int
    profiles_joining_more_than_3_people: int
    interactions: int
    interactions_attributed: int
    attribution_precision: float
    attribution_coverage: float


def _pairs(n: pl.Expr) -> pl.Expr:
    return (n * (n - 1) // 2).sum()


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def read_truth(path: Path) -> pl.DataFrame:
    try:
        truth = pl.read_csv(path, schema_overrides={"source": pl.Utf8, "record_id": pl.Utf8, "person_id": pl.Utf8})
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise SourceError(f"{path}: cannot read the truth file: {exc}") from None
    missing = {"source", "record_id", "person_id"} - set(truth.columns)
    if missing:
        raise SourceError(f"{path}: the truth file needs columns source,record_id,person_id (missing {sorted(missing)})")
    return truth.select("source", "record_id", "person_id").unique(["source", "record_id"])


RECORD_SCHEMA = {"kind": pl.Utf8, "source": pl.Utf8, "record_id": pl.Utf8, "profile_id": pl.Utf8}


def evaluate(store: Store, truth_path: Path) -> Evaluation:
    records = pl.DataFrame(list(store.bulk("records")), orient="row", schema=RECORD_SCHEMA)
    return evaluate_records(records, read_truth(truth_path))


def evaluate_records(records: pl.DataFrame, truth: pl.DataFrame) -> Evaluation:
    """The evaluation of `records` (kind, source, record_id, profile_id: store.bulk("records")) against
    `truth` (read_truth)."""
    joined = records.join(truth, on=["source", "record_id"], how="inner")
    cust = joined.filter(pl.col("kind") == "customer").with_columns(
        pl.coalesce("profile_id", pl.concat_str([pl.lit("unresolved:"), "source", pl.lit(":"), "record_id"]))
        .alias("profile_id"))
    customer_sources = set(records.filter(pl.col("kind") == "customer")["source"].unique().to_list())
    missing = truth.filter(pl.col("source").is_in(list(customer_sources))).join(
        records, on=["source", "record_id"], how="anti").height

    cells = cust.group_by("profile_id", "person_id").agg(pl.len().alias("n"))
    tp = cells.select(_pairs(pl.col("n"))).item()
    pred = cust.group_by("profile_id").agg(pl.len().alias("n")).select(_pairs(pl.col("n"))).item()
    true = cust.group_by("person_id").agg(pl.len().alias("n")).select(_pairs(pl.col("n"))).item()
    precision = 1.0 if pred == 0 else tp / pred
    recall = 1.0 if true == 0 else tp / true

    sizes_p = cust.group_by("profile_id").agg(pl.len().alias("np"))
    sizes_t = cust.group_by("person_id").agg(pl.len().alias("nt"))
    b3 = cells.join(sizes_p, on="profile_id").join(sizes_t, on="person_id").select(
        ((pl.col("n") * pl.col("n") / pl.col("np")).sum() / pl.col("n").sum()).alias("p"),
        ((pl.col("n") * pl.col("n") / pl.col("nt")).sum() / pl.col("n").sum()).alias("r"),
    )
    bp, br = (b3["p"].item(), b3["r"].item()) if cust.height else (1.0, 1.0)
    people_per_profile = cells.group_by("profile_id").agg(pl.len().alias("people"))

    majority = cells.sort(["profile_id", "n", "person_id"], descending=[False, True, False]).unique(
        "profile_id", keep="first").select("profile_id", pl.col("person_id").alias("majority"))
    events = joined.filter(pl.col("kind") == "interaction")
    attributed = events.filter(pl.col("profile_id").is_not_null()).join(majority, on="profile_id", how="left")
    correct = attributed.filter(pl.col("majority") == pl.col("person_id")).height

    return Evaluation(
        customer_records=cust.height,
        records_in_truth_not_in_store=missing,
        profiles=sizes_p.height,
        true_people=sizes_t.height,
        pairwise_precision=round(precision, 5), pairwise_recall=round(recall, 5),
        pairwise_f1=round(_f1(precision, recall), 5),
        bcubed_precision=round(bp, 5), bcubed_recall=round(br, 5), bcubed_f1=round(_f1(bp, br), 5),
        profiles_joining_several_people=people_per_profile.filter(pl.col("people") > 1).height,
        profiles_joining_more_than_3_people=people_per_profile.filter(pl.col("people") > 3).height,
        interactions=events.height,
        interactions_attributed=attributed.height,
        attribution_precision=round(correct / attributed.height, 5) if attributed.height else 1.0,
        attribution_coverage=round(attributed.height / events.height, 5) if events.height else 1.0,
    )
