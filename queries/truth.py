"""Accuracy against a truth file (source,record_id,person_id): how well profiles match real people.

Pairwise precision/recall/F1 over record pairs, B-cubed precision/recall/F1 per record, the profiles that
join more than one (and more than three) true people, and for interactions the attribution precision
(an attributed event is right when its profile's majority person is the event's person) and coverage.
All counts are group-bys over the whole data set: no per-pair loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl
from pydantic import BaseModel

from idgraph.graph.errors import SourceError
from idgraph.graph.households import RECORD_EVIDENCE, canonical
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


class HouseholdEvaluation(BaseModel):
    """Pairwise accuracy of households over people: two people are a predicted pair when profiles whose
    records are mostly theirs share a household, a true pair when the truth puts them in one household.
    Only people with a customer record in the store count (the others cannot be placed)."""

    people: int
    households: int
    largest_household: int
    true_pairs: int
    predicted_pairs: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    # Recall over the true pairs of people whose records give a postcode: a person known only by an
    # e-mail address and a first name (a newsletter sign-up) cannot be placed in any household.
    true_pairs_with_postcode: int
    recall_with_postcode: float
    # An extra figure, not the measure: people none of whose evidence (of the kinds evaluated, the
    # mapping's) any other profile holds carry no household evidence at all, whatever the rules. Counted
    # among those who share their true household with another person in the store (the ones recall
    # misses); recall over the true pairs of the other people, the placeable, is what rules can reach.
    people_without_evidence: int = 0
    true_pairs_placeable: int = 0
    recall_placeable: float = 1.0


DEFAULT_KINDS = ("dwelling", "email", "phone", "surname_postcode")


def evaluate_households(store, truth_path: Path, households_path: Path,
                        kinds: Sequence[str] = DEFAULT_KINDS) -> HouseholdEvaluation:
    """`kinds`: the evidence the households were made from (the mapping's `households.evidence`)."""
    records = pl.DataFrame(list(store.bulk("records")), orient="row", schema=RECORD_SCHEMA)
    members = pl.DataFrame(list(store.bulk("household_members")), orient="row",
                           schema={"profile_id": pl.Utf8, "household_id": pl.Utf8})
    try:
        homes = pl.read_csv(households_path, schema_overrides={"person_id": pl.Utf8, "household_id": pl.Utf8})
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise SourceError(f"{households_path}: cannot read the household truth: {exc}") from None
    evidence = canonical(store.household_evidence(None, sorted({*RECORD_EVIDENCE, *kinds})))
    located = evidence.filter(pl.col("key").str.split(":").list.first().is_in(list(RECORD_EVIDENCE)))["profile_id"].unique()
    return evaluate_household_members(records, read_truth(truth_path), members, homes, located,
                                      evidence.filter(pl.col("key").str.split(":").list.first().is_in(list(kinds))))


def _both_in(pairs: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """The pairs both of whose people are in `people` (person_id)."""
    return pairs.join(people, on="person_id").join(people.rename({"person_id": "person_id_b"}), on="person_id_b")


def _placeable(majority: pl.DataFrame, evidence: pl.DataFrame | None) -> pl.DataFrame:
    """person_id: the people one of whose profiles holds evidence another profile holds too."""
    if evidence is None:
        return majority.select("person_id").unique()
    ev = evidence.select("profile_id", "key").unique()
    shared = ev.join(ev.group_by("key").agg(pl.len().alias("n")).filter(pl.col("n") >= 2), on="key")
    return majority.join(shared.select("profile_id").unique(), on="profile_id").select("person_id").unique()


def _person_pairs(groups: pl.DataFrame, group: str) -> pl.DataFrame:
    g = groups.select(group, "person_id").unique()
    return (g.join(g, on=group, suffix="_b").filter(pl.col("person_id") < pl.col("person_id_b"))
            .select("person_id", "person_id_b").unique())


def evaluate_household_members(records: pl.DataFrame, truth: pl.DataFrame, members: pl.DataFrame,
                               homes: pl.DataFrame, located: pl.Series,
                               evidence: pl.DataFrame | None = None) -> HouseholdEvaluation:
    """records (store.bulk("records")), truth (read_truth), members (profile_id, household_id: the
    store's households), homes (person_id, household_id: the true ones), located (the profiles whose
    records give a postcode), evidence (profile_id, key: every profile's household evidence)."""
    cust = records.filter(pl.col("kind") == "customer", pl.col("profile_id").is_not_null()).join(
        truth, on=["source", "record_id"])
    # Each profile stands for the person most of its records belong to.
    majority = (cust.group_by("profile_id", "person_id").agg(pl.len().alias("n"))
                .sort(["profile_id", "n", "person_id"], descending=[False, True, False])
                .unique("profile_id", keep="first").select("profile_id", "person_id"))
    placed = majority.select("person_id").unique()
    predicted = _person_pairs(members.join(majority, on="profile_id"), "household_id")
    true = _person_pairs(homes.select("household_id", "person_id").join(placed, on="person_id"), "household_id")
    tp = predicted.join(true, on=["person_id", "person_id_b"]).height
    precision = 1.0 if predicted.is_empty() else tp / predicted.height
    recall = 1.0 if true.is_empty() else tp / true.height
    with_postcode = majority.filter(pl.col("profile_id").is_in(located.implode())).select("person_id").unique()
    true_located = _both_in(true, with_postcode)
    tp_located = predicted.join(true_located, on=["person_id", "person_id_b"]).height
    sizes = members.group_by("household_id").agg(pl.len().alias("n"))
    placeable = _placeable(majority, evidence)
    true_placeable = _both_in(true, placeable)
    tp_placeable = predicted.join(true_placeable, on=["person_id", "person_id_b"]).height
    return HouseholdEvaluation(
        people_without_evidence=pl.concat([true["person_id"], true["person_id_b"]]).unique().is_in(
            placeable["person_id"].implode()).not_().sum(), true_pairs_placeable=true_placeable.height,
        recall_placeable=round(tp_placeable / true_placeable.height, 5) if true_placeable.height else 1.0,
        true_pairs_with_postcode=true_located.height,
        recall_with_postcode=round(tp_located / true_located.height, 5) if true_located.height else 1.0,
        people=placed.height, households=sizes.height, largest_household=int(sizes["n"].max() or 0),
        true_pairs=true.height, predicted_pairs=predicted.height,
        pairwise_precision=round(precision, 5), pairwise_recall=round(recall, 5),
        pairwise_f1=round(_f1(precision, recall), 5))
