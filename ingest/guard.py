"""The over-merge guard: an identifier that glues too much is marked shared and stops linking.

Two tests, both from the data around the identifier:
- too many: held by more than `max_customers` distinct customer records (a store kiosk, a call-centre
  number, a placeholder that slipped through the junk rules);
- conflict: two of its customers clearly are different people: different first names that are not a
  nickname, an initial or a typo of each other; or dates of birth that differ in more than one part
  (and are not a day/month swap). A family email or a household landline looks like that; one person
  with a CRM record and a loyalty card does not.
The identifier stays in the graph, with `shared` and the reason, where an engineer can see it.
Vectorised: pairs are formed only within identifiers (small groups), names compared with rapidfuzz.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from idgraph.ingest.nicknames import nickname_keys

SIMILAR_NAME = 0.85


def evaluate(members: pl.DataFrame, max_customers: int, check_conflicts: bool = True) -> pl.DataFrame:
    """members: kind, value, shared, uid, first_name, last_name, dob (identifier_members()).
    Returns kind, value, shared (the verdict), reason, was_shared — one row per identifier."""
    sizes = members.group_by("kind", "value").agg(
        pl.col("uid").n_unique().alias("n"), pl.col("shared").first().alias("was_shared"))
    verdict = sizes.with_columns(
        pl.when(pl.col("n") > max_customers)
        .then(pl.format("held by {} customer records (more than {})", pl.col("n"), pl.lit(max_customers)))
        .otherwise(None).alias("reason"))
    if check_conflicts:
        conflicts = _conflicts(members.join(sizes.filter(pl.col("n") <= max_customers).select("kind", "value"),
                                            on=["kind", "value"]))
        verdict = verdict.join(conflicts, on=["kind", "value"], how="left").with_columns(
            pl.coalesce("reason", "conflict").alias("reason")).drop("conflict")
    return verdict.with_columns(pl.col("reason").is_not_null().alias("shared")).select(
        "kind", "value", "shared", "reason", "was_shared")


def _conflicts(members: pl.DataFrame) -> pl.DataFrame:
    people = members.with_columns(
        pl.col("first_name").map_batches(lambda s: pl.Series(nickname_keys(s.to_list())), return_dtype=pl.Utf8)
        .alias("first_key"))
    pairs = people.join(people, on=["kind", "value"], suffix="_b").filter(pl.col("uid") < pl.col("uid_b"))
    if pairs.is_empty():
        return pl.DataFrame(schema={"kind": pl.Utf8, "value": pl.Utf8, "conflict": pl.Utf8})
    a, b = pairs["first_name"].fill_null("").to_list(), pairs["first_name_b"].fill_null("").to_list()
    similarity = cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=-1)
    pairs = pairs.with_columns(pl.Series("name_sim", np.asarray(similarity, dtype=np.float64)))
    both_names = pl.col("first_name").is_not_null() & pl.col("first_name_b").is_not_null()
    initial = (pl.col("first_name").str.len_chars() == 1) | (pl.col("first_name_b").str.len_chars() == 1)
    same_initial = pl.col("first_name").str.slice(0, 1) == pl.col("first_name_b").str.slice(0, 1)
    # "kim" / "kimberley", "jon" / "jonathan": a short form the nickname table lacks.
    prefix = (pl.col("first_name").str.starts_with(pl.col("first_name_b"))
              | pl.col("first_name_b").str.starts_with(pl.col("first_name")))
    name_conflict = (both_names & (pl.col("first_key") != pl.col("first_key_b"))
                     & (pl.col("name_sim") < SIMILAR_NAME) & ~(initial & same_initial) & ~prefix)
    ymd = [pl.col(c).str.slice(s, n) for c in ("dob",) for s, n in ((0, 4), (5, 2), (8, 2))]
    ymd_b = [pl.col("dob_b").str.slice(s, n) for s, n in ((0, 4), (5, 2), (8, 2))]
    parts_differ = sum((x != y).cast(pl.Int8) for x, y in zip(ymd, ymd_b))
    swapped = (ymd[0] == ymd_b[0]) & (ymd[1] == ymd_b[2]) & (ymd[2] == ymd_b[1])
    dob_conflict = pl.col("dob").is_not_null() & pl.col("dob_b").is_not_null() & (parts_differ >= 2) & ~swapped
    found = pairs.with_columns(
        pl.when(name_conflict).then(pl.format("customers {} and {} have different first names ({} / {})",
                                              "uid", "uid_b", "first_name", "first_name_b"))
        .when(dob_conflict).then(pl.format("customers {} and {} have different dates of birth ({} / {})",
                                           "uid", "uid_b", "dob", "dob_b"))
        .otherwise(None).alias("conflict"))
    return (found.filter(pl.col("conflict").is_not_null()).sort("uid", "uid_b")
            .group_by("kind", "value").agg(pl.col("conflict").first()))
