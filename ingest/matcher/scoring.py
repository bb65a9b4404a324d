"""Scoring: match weight = prior weight + the weight of each comparison's level (+ term frequency).

Match probability = 2^w / (1 + 2^w). At or above the upper threshold a pair links (PROBABLY_SAME);
between the thresholds it goes to the review queue (MAYBE_SAME). The evidence of a pair is a JSON
object: each comparison's level label and the weight it added, built as a column, not pair by pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from .features import FeatureTable
from .model import Model, Prior
from .term_frequency import adjustment_from_tf


@dataclass
class Scores:
    weight: np.ndarray  # float32: total match weight (log2 odds)
    probability: np.ndarray  # float32
    tf: dict[int, np.ndarray]  # comparison index -> term-frequency adjustment (log2), per pair
    prior_weight: float


def score(model: Model, features: FeatureTable, a: np.ndarray, b: np.ndarray, gamma: np.ndarray) -> Scores:
    prior_weight = Prior.weight_of(model.prior.at(features.n))
    weight = np.full(len(a), prior_weight, dtype=np.float32)
    in_context = np.zeros(gamma.shape, dtype=bool)
    step = 1_000_000
    for i in range(0, len(a), step):
        w, done = model.level_weights(gamma[i : i + step], with_contexts=True)
        weight[i : i + step] += w.sum(axis=1)
        in_context[i : i + step] = done
    tf: dict[int, np.ndarray] = {}
    tf_weight = float(model.tf.get("tf_weight", 1.0))
    tf_min = float(model.tf.get("tf_min_u", 0.0))
    comparisons = model.definitions()
    for c, comp in enumerate(comparisons):
        g = gamma[:, c]
        levels = comp.tf_levels() if tf_weight > 0 else []
        for level in levels:
            # a value shared inside a context (a household's surname) says nothing about its rarity
            at = np.flatnonzero((g == level) & ~in_context[:, c])
            if not len(at):
                continue
            u_level = model.comparisons[c].levels[level].u
            values = comp.levels[level].term_frequency(features, comp.column, a[at], b[at])
            adj = tf.setdefault(c, np.zeros(len(a), dtype=np.float32))
            adj[at] = adjustment_from_tf(values, u_level, weight=tf_weight, tf_min=tf_min)
        if c in tf:
            weight += tf[c]
    probability = 1.0 / (1.0 + np.exp2(-weight.astype(np.float64)))
    return Scores(weight, probability.astype(np.float32), tf, prior_weight)


def classify(probability: np.ndarray, upper: float, lower: float) -> np.ndarray:
    """2 = link, 1 = review, 0 = nothing."""
    out = np.zeros(len(probability), dtype=np.int8)
    out[probability >= lower] = 1
    out[probability >= upper] = 2
    return out


def evidence(model: Model, gamma: np.ndarray, scores: Scores, rows: np.ndarray) -> pl.Series:
    """JSON evidence for the pairs at ``rows``: {comparison: {level, weight}, ..., prior, weight, probability}."""
    cols = []
    used = model.level_weights(gamma[rows]).astype(np.float64)
    for c, comp in enumerate(model.comparisons):
        labels = pl.Series([lv.label for lv in comp.levels], dtype=pl.String)
        g = gamma[rows, c].astype(np.int64)
        w = used[:, c]
        fields = [labels.gather(pl.Series(g)).alias("level")]
        if c in scores.tf:
            t = scores.tf[c][rows].astype(np.float64)
            fields.append(pl.Series("tf", np.round(t, 2)))
            w = w + t
        fields.insert(1, pl.Series("weight", np.round(w, 2)))
        cols.append(pl.struct(fields, eager=True).alias(comp.name))
    frame = pl.DataFrame(cols)
    frame = frame.with_columns(
        pl.lit(round(scores.prior_weight, 2)).alias("prior"),
        pl.Series("match_weight", np.round(scores.weight[rows].astype(np.float64), 2)),
        pl.Series("probability", np.round(scores.probability[rows].astype(np.float64), 6)),
    )
    return frame.select(pl.struct(pl.all()).struct.json_encode().alias("evidence")).to_series()
