"""The bag-distance bound (ingest/matcher/edit_bounds.py) never exceeds the edit distance, and a distance
level that measures only the pairs it lets through finds what measuring every pair finds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA, Levenshtein

from idgraph.ingest.matcher import FeatureTable, PairContext, records_frame
from idgraph.ingest.matcher import levels as lv
from idgraph.ingest.matcher.edit_bounds import LONGEST, bag_gap, char_counts

# short texts over a few letters (so that near pairs are common), any code point, U+0000, and values
# longer than the counted ones
_TEXT = st.one_of(st.text("abcde.@", max_size=8), st.text(max_size=12),
                  st.text("ab\x00", max_size=6), st.text("xy", min_size=LONGEST - 2, max_size=LONGEST + 4))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=20))
def test_the_bound_never_exceeds_the_edit_distance(pairs):
    values = np.array(sorted({v for p in pairs for v in p}), dtype=object)
    where = {v: i for i, v in enumerate(values.tolist())}
    ia = np.array([where[x] for x, _ in pairs])
    ib = np.array([where[y] for _, y in pairs])
    gap = bag_gap(*char_counts(values), ia, ib)
    for (x, y), g in zip(pairs, gap.tolist()):
        assert 0 <= g <= OSA.distance(x, y) <= Levenshtein.distance(x, y)


def test_the_bound_counts_what_differs_and_passes_long_values():
    values = np.array(["abc", "abd", "abcd", "dcba", "x" * (LONGEST + 1), "y"], dtype=object)
    gap = bag_gap(*char_counts(values), np.array([0, 0, 2, 4]), np.array([1, 2, 3, 5]))
    # c and d are in different classes (99 and 100 modulo 8); an anagram has no gap; a long value is not
    # counted
    assert gap.tolist() == [1, 1, 0, 0]


def test_a_distance_level_finds_what_scoring_every_pair_finds():
    # Several e-mails per record (slots), variants one to three edits away, strangers and empty records.
    rng = np.random.default_rng(7)
    base = ["".join(rng.choice(list("abcdefgh.1"), int(rng.integers(4, 12)))) + "@x.io" for _ in range(200)]

    def variant(e: str) -> str:
        for _ in range(int(rng.integers(0, 4))):
            i = int(rng.integers(0, len(e)))
            e = [e[:i] + e[i + 1:], e[:i] + "z" + e[i:], e[:i] + "q" + e[i + 1:]][int(rng.integers(0, 3))]
        return e

    records = [{"emails": list(rng.choice(base, int(rng.integers(0, 3))))} for _ in range(300)]
    records += [{"emails": [variant(e) for e in r["emails"]]} for r in records]
    features = FeatureTable(records_frame(records))
    a = np.concatenate([np.arange(300), rng.integers(0, 600, 4000)])
    b = np.concatenate([np.arange(300, 600), rng.integers(0, 600, 4000)])
    ctx = PairContext(features, a, b)
    rows = np.flatnonzero(rng.random(len(a)) < 0.8)  # the pairs no stronger level took
    for limit in (0, 1, 2, 3):
        every_pair = np.nan_to_num(ctx.score("emails", "levenshtein", rows), nan=1e9) <= limit
        got = lv.LevenshteinLevel(max_distance=limit).evaluate(ctx, "emails", rows)
        assert every_pair.sum() > 20 and np.array_equal(got, every_pair)
    assert not lv.LevenshteinLevel(max_distance=-1).evaluate(ctx, "emails", rows).any()
