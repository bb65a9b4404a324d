"""Term-frequency adjustment: agreeing on a rare surname says more than agreeing on "smith".

Splink's approach. For the exact level, the average u (two random records share *some* value) is
replaced by the frequency of the value they share: a value held by a fraction ``tf`` of the records
is shared by a random other record with probability ``tf``. The adjustment added to the level's
weight is ``tf_weight * log2(u_exact / tf)``: positive for rare values, negative for common ones.
"""

from __future__ import annotations

import numpy as np

from .features import Feature


def term_frequencies(feature: Feature) -> np.ndarray:
    """Fraction of the records holding a value that hold each value (float64 per code)."""
    counts = feature.counts
    if counts is None:
        raise ValueError(f"feature {feature.name!r} has no value counts")
    holders = int(feature.present().sum())
    return counts / max(holders, 1)


def exact_u(feature: Feature) -> float:
    """Probability that two random records (both holding a value) share one: sum of c(c-1) / (n(n-1))."""
    counts = feature.counts.astype(np.float64)
    holders = float(feature.present().sum())
    if holders < 2:
        return 0.0
    return float(np.sum(counts * (counts - 1)) / (holders * (holders - 1)))


def shared_tf(feature: Feature, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each pair, the term frequency of the rarest value both records hold (NaN when none)."""
    tf = term_frequencies(feature)
    ca, cb = feature.codes[a], feature.codes[b]
    out = np.full(len(a), np.inf)
    for i in range(ca.shape[1]):
        x = ca[:, i]
        for j in range(cb.shape[1]):
            hit = (x >= 0) & (x == cb[:, j])
            if hit.any():
                out[hit] = np.minimum(out[hit], tf[x[hit]])
    out[np.isinf(out)] = np.nan
    return out


def adjustment_from_tf(tf: np.ndarray, u_level: float, *, weight: float = 1.0, tf_min: float = 0.0) -> np.ndarray:
    """log2(u_level / tf) where tf is known (0 elsewhere), float32."""
    ok = ~np.isnan(tf)
    out = np.zeros(len(tf), dtype=np.float32)
    if ok.any():
        out[ok] = weight * np.log2(u_level / np.maximum(tf[ok], max(tf_min, 1e-12)))
    return out


def adjustment(
    feature: Feature,
    a: np.ndarray,
    b: np.ndarray,
    u_exact: float,
    *,
    weight: float = 1.0,
    tf_min: float = 0.0,
) -> np.ndarray:
    """log2(u_exact / tf) for pairs at the exact level (0 where the pair shares no value), float32."""
    tf = shared_tf(feature, a, b)
    ok = ~np.isnan(tf)
    out = np.zeros(len(a), dtype=np.float32)
    if ok.any():
        out[ok] = weight * np.log2(u_exact / np.maximum(tf[ok], max(tf_min, 1e-12)))
    return out
