"""No chains of strangers: records that one component joins although their own fields say two people.

Links and identifiers join records pair by pair; a chain of them can join two records that never met:
A shares an email with B, B a phone with C, and A and C have other names and other birthdays. The guard
judges the holders of one identifier; this looks at whole components. Every pair of records inside a
component of at most ``max_size`` records is weighed as the guard weighs co-holders (the model's person
comparisons, with the co-holder prior: ``matcher/co_holders.py``), and a pair whose probability of being
one person falls below ``min_probability`` is a conflict. Resolve cuts the component between them at its
weakest links, with the same minimum cut that split judgements use (``graph/judgements.separate``), and
says so in its summary and the audit log. A merge judgement is never cut: people outrank evidence.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from idgraph.ingest.matcher import FeatureTable, Model
from idgraph.ingest.matcher.co_holders import weigh_people

MAX_SIZE = 50


def component_pairs(comp: pl.DataFrame, max_size: int = MAX_SIZE) -> tuple[pl.DataFrame, int]:
    """Every pair (uid, uid_b, uid < uid_b) within each component of 2..max_size records, and how many
    larger components were left unchecked."""
    sizes = comp.group_by("component").agg(pl.len().alias("n"))
    small = sizes.filter((pl.col("n") >= 2) & (pl.col("n") <= max_size)).select("component")
    members = comp.join(small, on="component")
    pairs = members.join(members, on="component", suffix="_b").filter(pl.col("uid") < pl.col("uid_b"))
    return pairs.select("uid", "uid_b").sort("uid", "uid_b"), int(sizes.filter(pl.col("n") > max_size).height)


def conflicts(comp: pl.DataFrame, frame: pl.DataFrame, model: Model | None, *, min_probability: float,
              max_size: int = MAX_SIZE) -> tuple[list[dict], int]:
    """Pairs of records that share a component but look like different people, as split judgements
    (``kind`` not_same, ``judgement_id`` "evidence", with the probability and the comparisons against);
    and the number of components too large to check."""
    if model is None or model.co_holder is None:
        return [], 0
    pairs, unchecked = component_pairs(comp, max_size)
    if not pairs.height:
        return [], unchecked
    position = pl.DataFrame({"uid": frame["uid"], "i": np.arange(frame.height, dtype=np.int64)})
    ends = pairs.join(position, on="uid").join(position.rename({"uid": "uid_b", "i": "j"}), on="uid_b")
    if not ends.height:
        return [], unchecked
    weighed = weigh_people(model, FeatureTable(frame), ends["i"].to_numpy(), ends["j"].to_numpy(), min_probability)
    found = [
        {"kind": "not_same", "judgement_id": "evidence", "a_uid": ends["uid"][int(k)], "b_uid": ends["uid_b"][int(k)],
         "probability": round(float(weighed.probability[k]), 4), "against": weighed.against[k]}
        for k in np.flatnonzero(weighed.different)
    ]
    return found, unchecked
