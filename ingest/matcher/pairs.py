"""Candidate pairs and the vectorised primitives levels are built from.

A ``PairContext`` holds two int32 arrays of record positions (``a``, ``b``) into a ``FeatureTable``.
Every primitive takes ``rows`` (positions of the pairs still undecided by stronger levels) and returns
one value per row. Fuzzy measures run on the distinct (value, value) pairs only, through
``rapidfuzz.process.cpdist`` with all cores, and are cached for the comparison being computed.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein
from rapidfuzz.process import cpdist

from idgraph.ingest.nicknames import are_nicknames, name_groups

from .arrays import distinct
from .edit_bounds import bag_gap
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


# What can make a measure below non-zero, tested on every distinct pair at once from a few facts about each
# value (``_Facts``): the measure itself, in Python, then runs only where it can. Each is a necessary
# condition of the measure, so the scores are the same; most pairs of random records fail it.
class _Facts:
    """Per value of a vocabulary: length, first and last character, words, vowel-free, nickname groups."""

    def __init__(self, vocab: np.ndarray) -> None:
        values = vocab.tolist()
        self.length = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
        self.first = np.fromiter((ord(v[0]) if v else -1 for v in values), dtype=np.int64, count=len(values))
        self.last = np.fromiter((ord(v[-1]) if v else -1 for v in values), dtype=np.int64, count=len(values))
        self.words = np.fromiter((len(v.split()) for v in values), dtype=np.int64, count=len(values))
        self.vowel_free = np.fromiter((_VOWELS.isdisjoint(v) for v in values), dtype=bool, count=len(values))
        self.grouped = np.fromiter((bool(name_groups(v)) for v in values), dtype=bool, count=len(values))


def _may_short_form(fa: _Facts, fb: _Facts, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    # the shorter starts the longer (same first character) or ends it (same last character)
    return (fa.first[ia] == fb.first[ib]) | (fa.last[ia] == fb.last[ib])


def _may_token_subset(fa: _Facts, fb: _Facts, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    # two single words are a subset only when equal, and then not a proper one
    return (fa.words[ia] > 1) | (fb.words[ib] > 1)


def _may_be_nicknames(fa: _Facts, fb: _Facts, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    return fa.grouped[ia] & fb.grouped[ib]


def _may_be_initials(fa: _Facts, fb: _Facts, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    # the shorter (x on a tie, as ``initials``) is two or three letters without a vowel, one per word of
    # the longer
    la, lb = fa.length[ia], fb.length[ib]
    a_short = la <= lb
    short_len = np.where(a_short, la, lb)
    short_vowel_free = np.where(a_short, fa.vowel_free[ia], fb.vowel_free[ib])
    long_words = np.where(a_short, fb.words[ib], fa.words[ia])
    return (short_len >= 2) & (short_len <= 3) & short_vowel_free & (long_words == short_len)


# Measures with no rapidfuzz scorer: run in Python, only once per distinct pair of values, and only on the
# pairs their test lets through.
PYTHON_METRICS: dict[str, tuple[Callable[[str, str], float], str, Callable[..., np.ndarray]]] = {
    "short_form": (short_form, "max", _may_short_form),
    "token_subset": (token_subset, "max", _may_token_subset),
    "nickname": (nickname, "max", _may_be_nicknames),
    "initials": (initials, "max", _may_be_initials),
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

    def within(self, name: str, metric: str, limit: int, rows: np.ndarray) -> np.ndarray:
        """Whether the best ``metric`` distance (levenshtein or osa) over the slot combinations of each of
        the given pairs is at most ``limit`` (False where either side has no value): what a distance level
        asks. Only the pairs whose character counts allow it are measured (``edit_bounds``), and one by
        one, not per distinct value pair as ``score``: the bound leaves so few that finding the distinct
        ones would cost more than measuring them all."""
        scorer = METRICS[metric][0]
        feat = self.feature(name)
        counts, counted = feat.char_counts
        codes_a, codes_b = feat.codes[self.a[rows]], feat.codes[self.b[rows]]
        out = np.zeros(len(rows), dtype=bool)
        if limit < 0:
            return out
        for i in range(codes_a.shape[1]):
            for j in range(codes_b.shape[1]):
                x, y = codes_a[:, i], codes_b[:, j]
                at = np.flatnonzero((x >= 0) & (y >= 0) & ~out)
                at = at[bag_gap(counts, counted, x[at], y[at]) <= limit]
                if len(at):
                    # score_cutoff: a distance past the limit stops being counted (answered as limit + 1)
                    d = cpdist(feat.vocab[x[at]], feat.vocab[y[at]], scorer=scorer, workers=-1,
                               dtype=np.int32, score_cutoff=limit)
                    out[at[d <= limit]] = True
        return out

    def _score_all(self, name: str, metric: str, other: str | None = None,
                   rows: np.ndarray | None = None) -> np.ndarray:
        if metric in PYTHON_METRICS:
            py, best, may = PYTHON_METRICS[metric]
            scorer, dtype = None, np.float32
        else:
            scorer, best, dtype = METRICS[metric]
        feat = self.feature(name)
        feat_b = feat if other is None else self.feature(other)
        if feat.vocab is None or feat_b.vocab is None:
            raise ValueError(f"feature {name!r} holds numbers; {metric} needs text")
        vocab, vocab_b = feat.vocab, feat_b.vocab
        if scorer is None:
            facts = _Facts(vocab)
            facts_b = facts if feat_b is feat else _Facts(vocab_b)
        worst = -np.inf if best == "max" else np.inf
        out = np.full(self.n if rows is None else len(rows), worst, dtype=np.float64)
        for valid, ia, ib, inverse in self._value_pairs(name, other, rows):
            if scorer is None:
                s = np.zeros(len(ia), dtype=np.float64)
                can = np.flatnonzero(may(facts, facts_b, ia, ib))
                xs, ys = vocab[ia[can]], vocab_b[ib[can]]
                s[can] = np.fromiter((py(x, y) for x, y in zip(xs, ys)), dtype=np.float64, count=len(can))
            else:
                s = cpdist(vocab[ia], vocab_b[ib], scorer=scorer, workers=-1, dtype=dtype)
            s = np.asarray(s, dtype=np.float64)[inverse]
            if best == "max":
                _maximum_into(out, valid, s)
            else:
                _minimum_into(out, valid, s)
        if metric in _SCALE:
            out /= _SCALE[metric]
        out[np.isinf(out)] = np.nan
        return out.astype(np.float32)

    def _value_pairs(self, name: str, other: str | None, rows: np.ndarray | None
                     ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Per combination of a slot of ``name`` on side a and a slot of ``other`` (default ``name``) on
        side b: the pairs (of ``rows``, default all) with a value in both, the distinct (value, value)
        pairs among them as codes into the two vocabularies, and each pair's index among those. Kept
        for every pair, as a comparison's measures on one feature (Jaro-Winkler, nickname, short form,
        initials) share it."""
        if rows is None:
            return self._cached(("value_pairs", name, other), lambda: self._value_pairs(name, other, np.arange(self.n)))
        feat = self.feature(name)
        feat_b = feat if other is None else self.feature(other)
        ca, cb = feat.codes[self.a[rows]], feat_b.codes[self.b[rows]]
        size = np.int64(max(len(feat.vocab), len(feat_b.vocab)))
        out = []
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
                keys, inverse = distinct(lo * size + hi)
                out.append((valid, keys // size, keys % size, inverse))
        return out

    def _cached(self, key: tuple, build: Callable[[], Any]) -> Any:
        v = self._cache.get(key)
        if v is None:
            v = self._cache[key] = build()
        return v


def _anagram_codes(feature: Feature) -> np.ndarray:
    """Per record and slot, a code of the value's sorted characters (-1: no value)."""
    vocab = feature.vocab
    if vocab is None:
        raise ValueError(f"feature {feature.name!r} holds numbers; a transposition needs text")
    # the value's characters sorted, as a number (a dense rank: np.unique of Python strings is slower)
    letters = pl.Series(["".join(sorted(v)) for v in vocab.tolist()], dtype=pl.String)
    of_value = (letters.rank("dense") - 1).cast(pl.Int32).to_numpy()
    return np.append(of_value, np.int32(-1))[feature.codes]


def _any_slot_equal(ca: np.ndarray, cb: np.ndarray) -> np.ndarray:
    out = np.zeros(len(ca), dtype=bool)
    for i in range(ca.shape[1]):
        x = ca[:, i]
        valid = x >= 0
        for j in range(cb.shape[1]):
            out |= valid & (x == cb[:, j])
    return out


def _maximum_into(out: np.ndarray, idx: np.ndarray, values: np.ndarray) -> None:
    out[idx] = np.maximum(out[idx], values)


def _minimum_into(out: np.ndarray, idx: np.ndarray, values: np.ndarray) -> None:
    out[idx] = np.minimum(out[idx], values)
