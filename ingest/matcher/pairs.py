"""Candidate pairs and the vectorised primitives levels are built from.

A ``PairContext`` holds two int32 arrays of record positions (``a``, ``b``) into a ``FeatureTable``.
Every primitive takes ``rows`` (positions of the pairs still undecided by stronger levels) and returns
one value per row. Fuzzy measures run on the distinct (value, value) pairs only, through
``rapidfuzz.process.cpdist`` with all cores, and are cached for the comparison being computed.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from idgraph.ingest.nicknames import are_nicknames

from .features import Feature, FeatureTable


# name -> (scorer, "max" when larger is closer, dtype)
METRICS: dict[str, tuple[Callable, str, type]] = {
    "jaro_winkler": (JaroWinkler.normalized_similarity, "max", np.float32),
    "levenshtein": (Levenshtein.distance, "min", np.int32),
    "osa": (OSA.distance, "min", np.int32),
    "token_set": (fuzz.token_set_ratio, "max", np.float32),
    "token_sort": (fuzz.token_sort_ratio, "max", np.float32),
}
_SCALE = {"token_set": 100.0, "token_sort": 100.0}


def short_form(x: str, y: str) -> float:
    """Length of the shorter name when it starts or ends the longer one ("kim" / "kimberley",
    "bella" / "isabella"), else 0."""
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    return float(len(short)) if long.startswith(short) or long.endswith(short) else 0.0


def token_subset(x: str, y: str) -> float:
    """1 when every word of the shorter value is a word of the longer one ("fernandez vega" /
    "fernandez vega fernandez", "jones" / "smith jones"), else 0; single letters do not count."""
    a, b = set(x.split()), set(y.split())
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return 1.0 if short and short != long and short <= long and sum(map(len, short)) >= 3 else 0.0


_VOWELS = frozenset("aeiouy")


def initials(x: str, y: str) -> float:
    """1 when one name is the initials of the other's words, written without a vowel ("jp" / "jean
    pierre", "gj" / "gert jan"): two or three letters with a vowel are names of their own ("jo", "eva")."""
    short, long = (x, y) if len(x) <= len(y) else (y, x)
    words = long.split()
    if not 2 <= len(short) <= 3 or len(words) != len(short) or not _VOWELS.isdisjoint(short):
        return 0.0
    return 1.0 if "".join(w[0] for w in words) == short else 0.0


def nickname(x: str, y: str) -> float:
    """1 when the two given names share a nickname group, a word's included (``nicknames.are_nicknames``)."""
    return 1.0 if are_nicknames(x, y) else 0.0


# Measures with no rapidfuzz scorer: run in Python, still only once per distinct pair of values.
PYTHON_METRICS: dict[str, tuple[Callable[[str, str], float], str]] = {
    "short_form": (short_form, "max"),
    "token_subset": (token_subset, "max"),
    "nickname": (nickname, "max"),
    "initials": (initials, "max"),
}


class PairContext:
    """Pairs (a[i], b[i]) over one feature table, with a per-comparison cache of fuzzy scores."""

    def __init__(self, features: FeatureTable, a: np.ndarray, b: np.ndarray) -> None:
        self.features = features
        self.a = np.asarray(a, dtype=np.int32)
        self.b = np.asarray(b, dtype=np.int32)
        self.n = len(self.a)
        self._cache: dict[tuple, np.ndarray] = {}

    def clear(self) -> None:
        self._cache.clear()

    def twin(self) -> "PairContext":
        """The same pairs with a cache of their own (for another thread)."""
        return PairContext(self.features, self.a, self.b)

    def feature(self, name: str) -> Feature:
        return self.features.get(name)

    # -- codes
    def sides(self, name: str, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        codes = self.feature(name).codes
        return codes[self.a[rows]], codes[self.b[rows]]

    def null(self, name: str, rows: np.ndarray) -> np.ndarray:
        present = self._cached(("present", name), lambda: self.feature(name).present())
        return ~present[self.a[rows]] | ~present[self.b[rows]]

    def present_a(self, name: str, rows: np.ndarray) -> np.ndarray:
        present = self._cached(("present", name), lambda: self.feature(name).present())
        return present[self.a[rows]]

    def present_b(self, name: str, rows: np.ndarray) -> np.ndarray:
        present = self._cached(("present", name), lambda: self.feature(name).present())
        return present[self.b[rows]]

    def any_equal(self, name: str, rows: np.ndarray, other: str | None = None) -> np.ndarray:
        """Some value of ``name`` on side a equals some value of ``other`` (default ``name``) on side b."""
        ca = self.feature(name).codes[self.a[rows]]
        if other is None or other == name:
            cb = self.feature(name).codes[self.b[rows]]
        else:
            cb = self._translate(other, name)[self.feature(other).codes[self.b[rows]]]
        return _any_slot_equal(ca, cb)

    def anagram(self, name: str, rows: np.ndarray) -> np.ndarray:
        """Some value of ``name`` on side a has the same characters, in any order, as some value on side
        b: what any transposition keeps, and a cheap test that leaves out nearly every random pair."""
        sig = self._cached(("anagram", name), lambda: _anagram_codes(self.feature(name)))
        return _any_slot_equal(sig[self.a[rows]], sig[self.b[rows]])

    def _translate(self, src: str, dst: str) -> np.ndarray:
        """Map codes of feature ``src`` to codes of ``dst`` (same strings), -1 where absent; index -1 -> -2."""

        def build() -> np.ndarray:
            vs, vd = self.feature(src).vocab, self.feature(dst).vocab
            pos = np.searchsorted(vd, vs).clip(0, max(len(vd) - 1, 0))
            hit = (vd[pos] == vs) if len(vd) else np.zeros(len(vs), dtype=bool)
            out = np.where(hit, pos, -2).astype(np.int32)
            return np.append(out, np.int32(-2))  # code -1 (no value) indexes the last entry

        return self._cached(("translate", src, dst), build)

    def vocab_lengths(self, name: str) -> np.ndarray:
        def build() -> np.ndarray:
            v = self.feature(name).vocab
            return np.append(np.fromiter((len(x) for x in v), dtype=np.int32, count=len(v)), np.int32(0))

        return self._cached(("len", name), build)

    # -- fuzzy scores over distinct value pairs
    def score(self, name: str, metric: str, rows: np.ndarray) -> np.ndarray:
        """Best ``metric`` over the slot combinations of each pair (NaN where either side has no value)."""
        full = self._cached(("score", name, metric), lambda: self._score_all(name, metric))
        return full[rows]

    def score_between(self, name_a: str, name_b: str, metric: str, rows: np.ndarray) -> np.ndarray:
        """Best ``metric`` between a value of ``name_a`` on record a and a value of ``name_b`` on record b
        (a given name against the other record's surname), NaN where either is missing."""
        if name_a == name_b:
            return self.score(name_a, metric, rows)
        full = self._cached(("between", name_a, name_b, metric), lambda: self._score_all(name_a, metric, name_b))
        return full[rows]

    def score_of(self, name: str, metric: str, rows: np.ndarray, other: str | None = None) -> np.ndarray:
        """``score`` (``score_between`` with ``other``) of the given rows only: for a level that first
        narrows the rows with a cheap test, where scoring every pair would be the cost. Taken from the
        cache when a level scored every pair already; otherwise computed for these rows and not kept."""
        other = None if other == name else other
        full = self._cache.get(("score", name, metric) if other is None else ("between", name, other, metric))
        if full is not None:
            return full[rows]
        return self._score_all(name, metric, other, rows=rows)

    def _score_all(self, name: str, metric: str, other: str | None = None,
                   rows: np.ndarray | None = None) -> np.ndarray:
        if metric in PYTHON_METRICS:
            py, best = PYTHON_METRICS[metric]
            scorer, dtype = None, np.float32
        else:
            scorer, best, dtype = METRICS[metric]
        feat = self.feature(name)
        feat_b = feat if other is None else self.feature(other)
        if feat.vocab is None or feat_b.vocab is None:
            raise ValueError(f"feature {name!r} holds numbers; {metric} needs text")
        vocab, vocab_b = feat.vocab, feat_b.vocab
        worst = -np.inf if best == "max" else np.inf
        a, b = (self.a, self.b) if rows is None else (self.a[rows], self.b[rows])
        out = np.full(len(a), worst, dtype=np.float64)
        ca, cb = feat.codes[a], feat_b.codes[b]
        size = np.int64(max(len(vocab), len(vocab_b)))
        for i in range(ca.shape[1]):
            for j in range(cb.shape[1]):
                x, y = ca[:, i], cb[:, j]
                valid = np.flatnonzero((x >= 0) & (y >= 0))
                if not len(valid):
                    continue
                if other is None:  # one vocabulary: (x, y) and (y, x) are one distinct pair
                    lo = np.minimum(x[valid], y[valid]).astype(np.int64)
                    hi = np.maximum(x[valid], y[valid]).astype(np.int64)
                else:
                    lo, hi = x[valid].astype(np.int64), y[valid].astype(np.int64)
                keys, inverse = _distinct(lo * size + hi)
                xs, ys = vocab[keys // size], vocab_b[keys % size]
                if scorer is None:
                    s = np.fromiter((py(x, y) for x, y in zip(xs, ys)), dtype=np.float64, count=len(keys))
                else:
                    s = cpdist(xs, ys, scorer=scorer, workers=-1, dtype=dtype)
                s = np.asarray(s, dtype=np.float64)[inverse]
                if best == "max":
                    _maximum_into(out, valid, s)
                else:
                    _minimum_into(out, valid, s)
        if metric in _SCALE:
            out /= _SCALE[metric]
        out[np.isinf(out)] = np.nan
        return out.astype(np.float32)

    def _cached(self, key: tuple, build: Callable[[], np.ndarray]) -> np.ndarray:
        v = self._cache.get(key)
        if v is None:
            v = self._cache[key] = build()
        return v


def _anagram_codes(feature: Feature) -> np.ndarray:
    """Per record and slot, a code of the value's sorted characters (-1: no value)."""
    vocab = feature.vocab
    if vocab is None:
        raise ValueError(f"feature {feature.name!r} holds numbers; a transposition needs text")
    _, of_value = np.unique(np.array(["".join(sorted(v)) for v in vocab], dtype=object), return_inverse=True)
    return np.append(of_value.astype(np.int32), np.int32(-1))[feature.codes]


def _any_slot_equal(ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    out = np.zeros(len(ca), dtype=bool)
    for i in range(ca.shape[1]):
        x = ca[:, i]
        valid = x >= 0
        for j in range(cb.shape[1]):
            out |= valid & (x == cb[:, j])
    return out


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct value pairs (sorted) and, for each pair, the index of its own among them.

    np.unique's inverse takes an argsort, the largest cost of training (u from 2,000,000 random pairs,
    over every slot combination). Packing each pair's position into the low bits of its key lets a plain
    sort, several times faster, carry the order instead. Keys too wide to pack go through np.unique."""
    n = len(keys)
    low = max(int(n - 1).bit_length(), 1)
    if n == 0 or int(keys.max()).bit_length() + low > 62:
        return np.unique(keys, return_inverse=True)
    packed = np.sort((keys << low) | np.arange(n, dtype=np.int64))
    ordered = packed >> low
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inverse = np.empty(n, dtype=np.int64)
    inverse[packed & ((1 << low) - 1)] = np.cumsum(first) - 1
    return ordered[first], inverse


def _maximum_into(out: np.ndarray, idx: np.ndarray, values: np.ndarray) -> None:
    out[idx] = np.maximum(out[idx], values)


def _minimum_into(out: np.ndarray, idx: np.ndarray, values: np.ndarray) -> None:
    out[idx] = np.minimum(out[idx], values)
