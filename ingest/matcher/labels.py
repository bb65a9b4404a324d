"""Learning from people: the pairs a person judged are labels (``docs/matching.md``, "Learning from people").

A review accept or a merge says two records are one person (``same``); a review reject or a split says
they are not (``not_same``). Training, which otherwise learns without labels, uses them twice:

- **m from labels.** Per comparison, the levels the ``same`` pairs land on re-share the m of those
  levels, EM's m acting as a prior worth ``W = training.label_prior_weight`` pseudo-pairs. With S the
  levels that ``training.min_labels_per_level`` (5) ``same`` pairs or more reached (null aside), n_k the
  pairs on level k, N = sum of n_k over S and R = sum of EM's m over S::

      m_k = R * (W * m_em_k + n_k) / (W * R + N)      for k in S
      m_k = m_em_k                                    otherwise

  It is the mean of a Dirichlet posterior over the levels of S (prior: EM's shares there, worth W * R
  pairs), scaled back to the mass EM gave S. A handful of labels nudges, hundreds dominate, and a level
  no label reached keeps EM's m: labelled pairs are not a random sample of matches (two records that
  share an email are linked and never reviewed), so a level's absence from the labels is no evidence
  that it is rare. Labels all on one level say nothing about the shares and change nothing; a level
  with fewer than five labels keeps EM's m too (labelled pairs are chosen by their score: two merges of
  pairs the model missed because their given names differ do not make different given names common).
- **Thresholds from labels.** With ``training.min_labels_for_thresholds`` labels of each kind, the
  labelled pairs are scored by the trained model; the upper threshold maximises F-beta
  (``training.label_f_beta``) on them among the moves they vouch for (``best_upper``: the pairs a move
  changes the verdict on must be, at ``training.label_confidence``, more or less often the same person
  than the threshold's probability), and the lower one is the score under which almost no ``same``
  pair falls (the ``training.label_lower_quantile`` quantile of their scores), between 0.05 and the
  configured lower threshold (and never above the upper): labels widen the review queue, never narrow
  it, since nobody judged the pairs under it.

``not_same`` pairs do not estimate u. They are *hard* non-matches, pairs the model found plausible
enough to show someone, not random pairs of different people; u stays what random pairs say (Splink
too estimates only m from labels). They count for the thresholds, and their levels are reported.

Pure: features, label positions and comparisons in, estimates out. The jobs read the labels from the
store's judgements (``ingest/jobs/model.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np

from .comparisons import Comparison, compute_gamma
from .features import FeatureTable
from .model import Model
from .pairs import PairContext
from .scoring import score
from .settings import MatchSettings, Thresholds, Training

LOWEST_LOWER = 0.05  # the lower threshold never goes below this, whatever the labels say
HIGHEST_UPPER = 0.995
MARGIN_BITS = 1.0  # a threshold chosen from labels keeps this far (or a quarter of the gap) from any of their scores


@dataclass(frozen=True)
class Labels:
    """Judged pairs as record positions in the features table: ``same[i]`` is the judgement on
    (``a[i]``, ``b[i]``). ``judgements``: the live judgements they were read from (kept in the model, to
    tell when enough new ones call for retraining); ``ignored``: those about records no longer there."""

    a: np.ndarray
    b: np.ndarray
    same: np.ndarray
    judgements: int = 0
    ignored: int = 0

    @classmethod
    def of(cls, pairs: list[tuple[int, int, bool]], judgements: int | None = None, ignored: int = 0) -> "Labels":
        a = np.array([p[0] for p in pairs], dtype=np.int64)
        b = np.array([p[1] for p in pairs], dtype=np.int64)
        same = np.array([p[2] for p in pairs], dtype=bool)
        return cls(a, b, same, len(pairs) if judgements is None else judgements, ignored)

    def __len__(self) -> int:
        return len(self.a)

    def counts(self) -> tuple[int, int]:
        n_same = int(self.same.sum())
        return n_same, len(self) - n_same


# ------------------------------------------------------------------ m from labels

def blend(m_em: np.ndarray, counts: np.ndarray, prior_weight: float) -> np.ndarray:
    """EM's m of one comparison blended with the level counts of ``same`` pairs (the formula above).

    ``counts[k]`` is the number of labelled pairs on level k; only levels with a count (null aside) move."""
    m = np.asarray(m_em, dtype=np.float64).copy()
    counts = np.asarray(counts, dtype=np.float64)
    seen = counts > 0
    seen[0] = False
    n = float(counts[seen].sum())
    mass = float(m[seen].sum())
    if n <= 0 or mass <= 0:
        return m
    m[seen] = mass * (prior_weight * m[seen] + counts[seen]) / (prior_weight * mass + n)
    return m


def _floor_else(m: np.ndarray, seen: np.ndarray, floor: float) -> np.ndarray:
    """The else level keeps at least ``floor`` (as EM's estimate does); the other seen levels give it up."""
    k = len(m) - 1
    if not seen[k] or m[k] >= floor:
        return m
    others = seen.copy()
    others[k] = False
    if not others.any() or m[others].sum() <= floor - m[k]:
        return m
    m = m.copy()
    m[others] *= (m[others].sum() - (floor - m[k])) / m[others].sum()
    m[k] = floor
    return m


def _weight(m: float, u: float, thin: bool) -> float:
    return 0.0 if thin else round(math.log2(max(m, 1e-12) / max(u, 1e-12)), 4)


@dataclass
class LabelledM:
    """m after the labels, the levels EM left too thin to weigh (fewer now, where labels weigh them),
    and per level that the labels moved: its m and weight before and after."""

    m: list[np.ndarray]
    thin: list[np.ndarray]
    changes: list[dict[str, Any]] = field(default_factory=list)
    gamma: np.ndarray | None = None


def level_counts(gamma: np.ndarray, same: np.ndarray, comparisons: list[Comparison]) -> list[np.ndarray]:
    """Per comparison: how many ``same`` pairs land on each level (null included, at index 0)."""
    g = gamma[same]
    return [np.bincount(g[:, j], minlength=len(c.levels)).astype(np.int64) for j, c in enumerate(comparisons)]


def m_from_labels(m: list[np.ndarray], u: list[np.ndarray], thin: list[np.ndarray], gamma: np.ndarray,
                  same: np.ndarray, comparisons: list[Comparison], training: Training) -> LabelledM:
    """Blend EM's ``m`` with the levels of the ``same`` pairs (``gamma``: the labelled pairs' levels).

    A level takes part with ``training.min_labels_per_level`` labels or more: labelled pairs are chosen
    by their score (the queue's middle, the links a split cuts, the pairs a merge joins because the model
    missed them), so a couple of odd pairs on a rare level say more about that choice than about how
    often one person's records land there. A level EM found too thin to weigh (m = u) then carries a
    weight from the labels."""
    out_m, out_thin, changes = [], [], []
    for j, (comp, counts) in enumerate(zip(comparisons, level_counts(gamma, same, comparisons))):
        counts = counts.copy()
        counts[counts < training.min_labels_per_level] = 0  # too few to move a level: it keeps EM's m
        seen = counts > 0
        seen[0] = False
        new = _floor_else(blend(m[j], counts, training.label_prior_weight), seen, training.m_floor_else)
        new_thin = thin[j].copy()
        names = comp.level_names()
        for k in np.flatnonzero(seen):
            if new[k] == m[j][k]:
                continue  # labels all on this one level: nothing told
            new_thin[k] = False
            before = _weight(float(m[j][k]), float(u[j][k]), bool(thin[j][k]))
            after = _weight(float(new[k]), float(u[j][k]), False)
            changes.append({
                "comparison": comp.name, "level": names[k], "labels": int(counts[k]),
                "m_em": round(float(m[j][k]), 6), "m": round(float(new[k]), 6),
                "weight_em": before, "weight": after, "change": round(after - before, 4),
            })
        out_m.append(new)
        out_thin.append(new_thin)
    changes.sort(key=lambda c: (-abs(c["change"]), c["comparison"], c["level"]))
    return LabelledM(out_m, out_thin, changes, gamma)


def learn_m(features: FeatureTable, labels: Labels, comparisons: list[Comparison], m: list[np.ndarray],
            u: list[np.ndarray], thin: list[np.ndarray], training: Training) -> LabelledM:
    """The gamma of the labelled pairs, and m blended with the levels of their ``same`` ones."""
    gamma = compute_gamma(PairContext(features, labels.a, labels.b), comparisons)
    return m_from_labels(m, u, thin, gamma, labels.same, comparisons, training)


# ------------------------------------------------------------------ thresholds from labels

def f_beta(tp: np.ndarray, fp: np.ndarray, fn: np.ndarray, beta: float) -> np.ndarray:
    b2 = beta * beta
    top = (1 + b2) * tp
    return np.divide(top, top + b2 * fn + fp, out=np.zeros(len(tp)), where=(top + b2 * fn + fp) > 0)


def _at_or_above(scores: np.ndarray, values: np.ndarray) -> np.ndarray:
    """How many ``scores`` are at or above each of ``values``, and 0 past the last."""
    return np.append(len(scores) - np.searchsorted(np.sort(scores), values, side="left"), 0)


def wilson(same: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval of a share ``same / n`` (z: the normal quantile of the confidence)."""
    if n <= 0:
        return 0.0, 1.0
    p = same / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n), (centre + spread) / (1 + z * z / n)


def best_upper(weights: np.ndarray, same: np.ndarray, beta: float, configured: float,
               confidence: float = 0.95) -> tuple[float, dict]:
    """The match weight (log2 odds) to link at: the best F-beta on the labelled pairs among the moves
    the labels vouch for. ``configured`` is the configured upper threshold as a weight.

    The threshold is a probability: link a pair when it is at least that likely the same person. A move
    changes the verdict of the labelled pairs between the configured threshold and the new one; it is
    allowed only where their share of ``same`` is, at ``confidence`` (Wilson interval), above that
    probability (lowering: they become links) or below it (raising: they stop being links). Labelled
    pairs are the hard ones; the F-beta of a few dozen of them is no measure of the links' quality
    overall, so the labels correct the threshold where they show it wrong, not where a sample of hard
    pairs happens to favour another (measured in ``docs/matching.md``).

    Every threshold between two neighbouring label scores classifies the labels alike; among the gaps
    allowed that score best, the point nearest ``configured`` is taken, kept ``MARGIN_BITS`` (or a
    quarter of the gap) inside it: where the configured threshold does best, it stays."""
    w = np.asarray(weights, dtype=np.float64)
    values = np.unique(w)
    # gap i lies between values[i - 1] and values[i]: pairs scoring values[i] or more link
    pos, neg = _at_or_above(w[same], values), _at_or_above(w[~same], values)
    total = int(same.sum())
    f = f_beta(pos, neg, total - pos, beta)
    target = _probability(configured)
    z = NormalDist().inv_cdf(confidence)
    home = int(np.searchsorted(values, configured, side="left"))  # the configured threshold's gap
    allowed = np.zeros(len(f), dtype=bool)
    for i in range(len(f)):
        moved_same = abs(int(pos[i]) - int(pos[home]))
        moved = abs(int(pos[i] + neg[i]) - int(pos[home] + neg[home]))
        low, high = wilson(moved_same, moved, z)
        allowed[i] = moved == 0 or (low >= target if i < home else high < target)
    best = np.flatnonzero(allowed & np.isclose(f, f[allowed].max(), rtol=0, atol=1e-12))
    choices = []
    for i in best:
        lo = values[i - 1] if i > 0 else -np.inf
        hi = values[i] if i < len(values) else np.inf
        gap = hi - lo
        margin = MARGIN_BITS if not np.isfinite(gap) else min(MARGIN_BITS, gap / 4)
        point = configured if i == home else float(np.clip(configured, lo + margin, hi - margin))
        choices.append((abs(point - configured), point, i))
    _, point, i = min(choices)
    tp, fp = int(pos[i]), int(neg[i])
    return point, {"f": round(float(f[i]), 4), "beta": beta, "precision": round(tp / max(tp + fp, 1), 4),
                   "recall": round(tp / max(total, 1), 4), "best_f_unconstrained": round(float(f.max()), 4)}


def _probability(weight: float) -> float:
    return 1.0 / (1.0 + 2.0 ** -weight)


def _log_odds(p: float) -> float:
    return math.log2(p / (1.0 - p))


def thresholds_from_labels(weights: np.ndarray, same: np.ndarray, configured: Thresholds,
                           training: Training) -> tuple[Thresholds, dict]:
    """Thresholds from the labelled pairs' match weights, or ``configured`` with too few of a kind."""
    n_same, n_not = int(same.sum()), int((~same).sum())
    least = training.min_labels_for_thresholds
    if min(n_same, n_not) < least:
        return configured, {"from": "settings", "upper": configured.upper, "lower": configured.lower,
                            "why": f"fewer than {least} labels of each kind ({n_same} same, {n_not} not same)"}
    point, fit = best_upper(weights, same, training.label_f_beta, _log_odds(configured.upper),
                            training.label_confidence)
    upper = float(np.clip(_probability(point), LOWEST_LOWER, HIGHEST_UPPER))
    same_p = 1.0 / (1.0 + np.exp2(-np.asarray(weights, dtype=np.float64)[same]))
    low = float(np.quantile(same_p, training.label_lower_quantile, method="lower"))
    # widen the queue, never narrow it: people judge the pairs they are shown, so no label tells what
    # lies under the queue, and a queue read strongest first would otherwise close over its own bottom
    lower = float(np.clip(low, LOWEST_LOWER, min(upper, configured.lower)))
    chosen = Thresholds(upper=float(f"{upper:.4g}"), lower=float(f"{min(lower, upper):.4g}"))
    return chosen, {"from": "labels", "upper": chosen.upper, "lower": chosen.lower, **fit}


# ------------------------------------------------------------------ what not_same pairs say

def hard_levels(gamma: np.ndarray, same: np.ndarray, comparisons: list[Comparison]) -> dict[str, dict[str, float]]:
    """Per comparison, the share of ``not_same`` pairs (with a value) on each level: a report of where
    people rejected what the model found plausible, not an estimate of u."""
    g = gamma[~same]
    out: dict[str, dict[str, float]] = {}
    for j, comp in enumerate(comparisons):
        counts = np.bincount(g[:, j], minlength=len(comp.levels))[1:]
        if counts.sum():
            names = comp.level_names()[1:]
            out[comp.name] = {names[k]: round(float(c / counts.sum()), 4) for k, c in enumerate(counts) if c}
    return out


def report(labels: Labels, learnt: LabelledM, thresholds: dict, comparisons: list[Comparison],
           training: Training) -> dict[str, Any]:
    """What the model keeps about its labels (``model.training["labels"]``, shown by ``idgraph model show``)."""
    n_same, n_not = labels.counts()
    used = (["m"] if n_same and learnt.changes else []) + (["thresholds"] if thresholds["from"] == "labels" else [])
    out: dict[str, Any] = {
        "judgements": labels.judgements, "same": n_same, "not_same": n_not, "ignored": labels.ignored,
        "used_for": used, "prior_weight": training.label_prior_weight,
        "levels_changed": learnt.changes, "thresholds": thresholds,
    }
    if n_not and learnt.gamma is not None:
        out["not_same_levels"] = hard_levels(learnt.gamma, labels.same, comparisons)
    return out


# ------------------------------------------------------------------ into the model

def apply(model: Model, features: FeatureTable, labels: Labels, learnt: LabelledM, settings: MatchSettings) -> None:
    """After training: the thresholds from the labelled pairs scored by ``model``, the levels whose m
    the labels moved marked as such, and the report in ``model.training["labels"]``."""
    enough = min(labels.counts()) >= settings.training.min_labels_for_thresholds
    weights = score(model, features, labels.a, labels.b, learnt.gamma).weight if enough else np.zeros(len(labels))
    model.thresholds, chosen = thresholds_from_labels(weights, labels.same, settings.thresholds, settings.training)
    moved = {(c["comparison"], c["level"]) for c in learnt.changes}
    for comp in model.comparisons:
        for level in comp.levels:
            if (comp.name, level.label) in moved:
                level.m_source = "EM and labels"
    model.training["labels"] = report(labels, learnt, chosen, settings.comparisons, settings.training)
