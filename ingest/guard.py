"""The over-merge guard: an identifier that glues different people is marked shared and stops linking.

An identifier held by several customer records is either one person's (a CRM account and a loyalty
card with one email) or shared (a family email, a household landline, a shop's kiosk). Two tests:

- **too many**: more than ``max_customers`` records hold it (a kiosk, a call-centre number, a
  placeholder that slipped through the junk rules);
- **different people**: some pair of its holders looks like two people on all their fields. With a
  trained model the guard weighs each pair of holders on the comparisons that describe the person
  (names, date of birth, address: not the identifiers), with the u of people who share an identifier
  (``matcher/co_holders.py``: a household shares its address and surname, so those weigh little there),
  and marks the identifier when the probability that they are one person falls below
  ``min_probability``. One field never decides: a typo ("leo" / "lko") or a nickname the table lacks
  ("isabella" / "bella") is outweighed by an equal date of birth; a spouse's other name and other
  birthday are not. Without a model (too few records to train one) a plain rule stands in: different
  given names that are not a nickname, short form, initial or spelling of each other, and dates of
  birth that differ in two or more parts (not a day/month swap): one of them, when the other field does not
agree (differs too, or is missing).

The identifier stays in the graph with ``shared`` and the reason, where an engineer can see it.
Vectorised: pairs are formed only within identifiers (small groups), compared with the matcher's code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from idgraph.ingest.matcher import FeatureTable, Model
from idgraph.ingest.matcher.co_holders import weigh_people
from idgraph.ingest.nicknames import nickname_groups

SIMILAR_NAME = 0.8
MIN_PROBABILITY = 0.5

# (pairs: kind, value, uid, uid_b) -> (probability that the two are one person, why, per pair)
Judge = Callable[[pl.DataFrame], tuple[np.ndarray, list[str]]]


def holder_pairs(members: pl.DataFrame, max_customers: int) -> pl.DataFrame:
    """Every pair of records that hold one identifier (identifiers of at most ``max_customers`` holders):
    kind, value, uid, uid_b with uid < uid_b."""
    people = members.select("kind", "value", "uid").unique()
    small = people.group_by("kind", "value").agg(pl.len().alias("n")).filter(pl.col("n") <= max_customers)
    people = people.join(small.select("kind", "value"), on=["kind", "value"])
    pairs = people.join(people, on=["kind", "value"], suffix="_b").filter(pl.col("uid") < pl.col("uid_b"))
    return pairs.sort("kind", "value", "uid", "uid_b")


def evaluate(members: pl.DataFrame, max_customers: int, check_conflicts: bool = True,
             judge: Judge | None = None, min_probability: float = MIN_PROBABILITY) -> pl.DataFrame:
    """members: kind, value, shared, uid, first_name, last_name, dob (``store.identifier_members()``).
    Returns kind, value, shared (the verdict), reason, was_shared: one row per identifier."""
    sizes = members.group_by("kind", "value").agg(
        pl.col("uid").n_unique().alias("n"), pl.col("shared").first().alias("was_shared"))
    verdict = sizes.with_columns(
        pl.when(pl.col("n") > max_customers)
        .then(pl.format("held by {} customer records (more than {})", pl.col("n"), pl.lit(max_customers)))
        .otherwise(None).alias("reason"))
    if check_conflicts:
        pairs = holder_pairs(members, max_customers)
        if pairs.height:
            probability, why = (judge or RuleJudge(members))(pairs)
            found = (pairs.with_columns(pl.Series("p", probability, dtype=pl.Float64),
                                        pl.Series("why", why, dtype=pl.Utf8))
                     .filter(pl.col("p") < min_probability)
                     .sort("p", "uid", "uid_b")
                     .group_by("kind", "value", maintain_order=True).agg(pl.col("why").first().alias("conflict")))
            verdict = verdict.join(found, on=["kind", "value"], how="left").with_columns(
                pl.coalesce("reason", "conflict").alias("reason")).drop("conflict")
    return verdict.with_columns(pl.col("reason").is_not_null().alias("shared")).select(
        "kind", "value", "shared", "reason", "was_shared").sort("kind", "value")


@dataclass
class ModelJudge:
    """Weighs pairs of holders with the trained model's co-holder weights (``Model.co_holder``).

    ``frame``: the holders' customers frame (``store.customers_frame(uids)``)."""

    model: Model
    frame: pl.DataFrame
    min_probability: float = MIN_PROBABILITY

    def __call__(self, pairs: pl.DataFrame) -> tuple[np.ndarray, list[str]]:
        position = pl.DataFrame({"uid": self.frame["uid"], "i": np.arange(self.frame.height, dtype=np.int64)})
        ends = (pairs.select("uid", "uid_b").with_row_index("row")
                .join(position, on="uid").join(position.rename({"uid": "uid_b", "i": "j"}), on="uid_b")
                .sort("row"))
        probability = np.ones(pairs.height)
        why = [""] * pairs.height
        if not ends.height:
            return probability, why
        weighed = weigh_people(self.model, FeatureTable(self.frame), ends["i"].to_numpy(), ends["j"].to_numpy(),
                               self.min_probability)
        rows = ends["row"].to_numpy()
        # a pair that is not two people (nothing disagrees outright) counts as one, whatever its probability
        probability[rows] = np.where(weighed.different, weighed.probability, np.maximum(weighed.probability,
                                                                                        self.min_probability))
        for k in np.flatnonzero(weighed.different):
            r = int(rows[k])
            why[r] = (f"customers {pairs['uid'][r]} and {pairs['uid_b'][r]} look like different people "
                      f"(probability {weighed.probability[k]:.3f} that they are one: "
                      f"{', '.join(weighed.against[k]) or 'no agreement'})")
        return probability, why


@dataclass
class RuleJudge:
    """The stand-in without a model: two people when one field clearly differs and the other does not agree."""

    members: pl.DataFrame

    def __call__(self, pairs: pl.DataFrame) -> tuple[np.ndarray, list[str]]:
        people = self.members.select("uid", "first_name", "dob").unique("uid")
        both = (pairs.with_row_index("row").join(people, on="uid", how="left")
                .join(people.rename({"uid": "uid_b", "first_name": "first_name_b", "dob": "dob_b"}),
                      on="uid_b", how="left").sort("row"))
        names, dobs = _names_differ(both), _dobs_differ(both)
        names_agree = both["first_name"].is_not_null().to_numpy() & both["first_name_b"].is_not_null().to_numpy() & ~names
        dobs_agree = both["dob"].is_not_null().to_numpy() & both["dob_b"].is_not_null().to_numpy() & ~dobs
        conflict = (names & ~dobs_agree) | (dobs & ~names_agree)
        why = [
            "" if not c else
            f"customers {u} and {v} have different first names ({f} / {g})" if n else
            f"customers {u} and {v} have different dates of birth ({d} / {e})"
            for u, v, f, g, d, e, c, n in zip(both["uid"], both["uid_b"], both["first_name"], both["first_name_b"],
                                              both["dob"], both["dob_b"], conflict, names)
        ]
        return np.where(conflict, 0.0, 1.0), why


def suspect_identifiers(members: pl.DataFrame, max_customers: int) -> pl.DataFrame:
    """kind, value of the identifiers whose holders differ in given name or in date of birth (either
    one), or that too many records hold: a wide net, for the training data rather than for verdicts.
    Training on a frame where a family email or a twins' tablet still joins two people would teach the
    model that one person's records often carry two given names, and the guard would then believe it."""
    sizes = members.group_by("kind", "value").agg(pl.col("uid").n_unique().alias("n"))
    crowded = sizes.filter(pl.col("n") > max_customers).select("kind", "value")
    pairs = holder_pairs(members, max_customers)
    if not pairs.height:
        return crowded
    people = members.select("uid", "first_name", "dob").unique("uid")
    both = (pairs.with_row_index("row").join(people, on="uid", how="left")
            .join(people.rename({"uid": "uid_b", "first_name": "first_name_b", "dob": "dob_b"}),
                  on="uid_b", how="left").sort("row"))
    differ = _names_differ(both) | _dobs_differ(both)
    return pl.concat([crowded, both.filter(pl.Series(differ)).select("kind", "value")]).unique()


def _names_differ(pairs: pl.DataFrame) -> np.ndarray:
    a = pairs["first_name"].fill_null("").to_list()
    b = pairs["first_name_b"].fill_null("").to_list()
    similarity = np.asarray(cpdist(a, b, scorer=JaroWinkler.normalized_similarity, workers=-1), dtype=np.float64)
    groups = nickname_groups()
    out = np.zeros(len(a), dtype=bool)
    for i, (x, y) in enumerate(zip(a, b)):
        if not x or not y or similarity[i] >= SIMILAR_NAME or set(groups.get(x, (x,))) & set(groups.get(y, (y,))):
            continue
        short, long = (x, y) if len(x) <= len(y) else (y, x)
        if long.startswith(short) or long.endswith(short):  # an initial, a short form
            continue
        out[i] = True
    return out


def _dobs_differ(pairs: pl.DataFrame) -> np.ndarray:
    a, b = pairs["dob"].to_list(), pairs["dob_b"].to_list()
    out = np.zeros(len(a), dtype=bool)
    for i, (x, y) in enumerate(zip(a, b)):
        if not x or not y:
            continue
        px, py = (x[:4], x[5:7], x[8:10]), (y[:4], y[5:7], y[8:10])
        differ = sum(p != q for p, q in zip(px, py))
        swapped = px[0] == py[0] and px[1] == py[2] and px[2] == py[1]
        out[i] = differ >= 2 and not swapped
    return out
