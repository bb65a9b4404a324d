"""The matcher's shortcuts give what the plain computation gives.

Each shortcut (a test that lets a Python measure skip pairs it cannot score, features shared between two
tables, one packed sort in place of a row-wise unique) exists for speed only: these tests hold each one to
the straightforward answer on random data, names with spaces, accents and initials included.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from idgraph.ingest.matcher import BlockingRule, FeatureTable, MatchSettings, candidate_pairs, records_frame
from idgraph.ingest.matcher.arrays import unique
from idgraph.ingest.matcher.blocking import cross_pairs, random_pairs
from idgraph.ingest.matcher.features import _counts
from idgraph.ingest.matcher.comparisons import compute_gamma
from idgraph.ingest.matcher.pairs import PYTHON_METRICS, PairContext
from idgraph.ingest.matcher.training import gammas_of
from idgraph.ingest.matcher.transforms import ASCII_TRANSFORMS, STRING_TRANSFORMS, transform_values

# Short names, initials, nicknames (bob / robert), words, accents: what makes each measure non-zero.
NAMES = ["bob", "robert", "rob", "bobby", "kim", "kimberley", "jp", "jean pierre", "j", "jo", "gj",
         "gert jan", "smith jones", "jones", "fernandez vega", "fernandez vega fernandez", "élodie", "elodie",
         "ted watson", "edward", "bella", "isabella", "kate", "katherine", "marie hélène", "hélène", "x"]
name = st.one_of(st.sampled_from(NAMES), st.text(alphabet="abejkrsty ", min_size=1, max_size=8).map(str.strip))


def _frame(firsts: list[str], lasts: list[str]) -> pl.DataFrame:
    return records_frame([{"first_name": f or None, "last_name": s or None} for f, s in zip(firsts, lasts)])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(name, name), min_size=2, max_size=40), st.integers(0, 2**31 - 1))
def test_python_measures_score_every_pair_as_the_plain_loop(people, seed) -> None:
    frame = _frame([f for f, _ in people], [s for _, s in people])
    features = FeatureTable(frame)
    a, b = random_pairs(frame.height, 300, seed)
    firsts, lasts = frame["first_name"].to_list(), frame["last_name"].to_list()
    for metric, (measure, _, _) in PYTHON_METRICS.items():
        for column, values_b, other in (("first_name", firsts, None), ("first_name", lasts, "last_name")):
            ctx = PairContext(features, a, b)
            got = ctx.score_between(column, other or column, metric, np.arange(len(a)))
            want = np.array([np.nan if firsts[i] is None or values_b[j] is None else measure(firsts[i], values_b[j])
                             for i, j in zip(a, b)], dtype=np.float32)
            np.testing.assert_array_equal(got, want, err_msg=f"{metric} {column}~{other}")
            # the rows-only path (score_of) agrees with the cached one
            rows = np.arange(0, len(a), 3)
            np.testing.assert_array_equal(PairContext(features, a, b).score_of(column, metric, rows, other=other),
                                          want[rows])


def test_a_table_like_another_shares_the_features_of_equal_columns_only() -> None:
    people = [{"first_name": "anna", "last_name": "berg", "emails": ["anna.berg@x.com", "ab@y.org"]},
              {"first_name": "bob", "last_name": None, "emails": ["bob.smith@x.com"]},
              {"first_name": "cara", "last_name": "smith", "emails": ["cara@z.net"]}]
    frame = records_frame(people)
    less = frame.with_columns(pl.Series("emails", [["anna.berg@x.com"], [], ["cara@z.net"]]))
    base = FeatureTable(frame)
    like = FeatureTable(less, like=base)
    alone = FeatureTable(less)
    for feature in ("first_name", "first_name.nickname", "last_name.metaphone", "name_pair", "emails",
                    "emails.local", "surname"):
        got, want = like.get(feature), alone.get(feature)
        np.testing.assert_array_equal(got.codes, want.codes, err_msg=feature)
        assert list(got.vocab) == list(want.vocab) and list(got.counts) == list(want.counts), feature
    assert like.get("first_name.nickname") is base.get("first_name.nickname")  # built once
    assert like.get("emails.local") is not base.get("emails.local")  # the lists differ
    assert like.get("surname") is not base.get("surname")  # the surname guess reads the emails
    # another number of slots never shares
    assert FeatureTable(less, max_slots=2, like=base).get("first_name") is not base.get("first_name")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(-1, 6), min_size=3, max_size=3), min_size=1, max_size=30))
def test_value_counts_count_a_record_once_per_value(rows) -> None:
    codes = np.array(rows, dtype=np.int32)
    want = np.zeros(7, dtype=np.int64)
    for row in rows:
        for v in set(row) - {-1}:
            want[v] += 1
    np.testing.assert_array_equal(_counts(codes, 7), want)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["ab", "cd", "ef", ""]), st.sampled_from(["ab", "cd", "gh", ""]),
                          st.sampled_from(["ab", "gh", ""])), min_size=2, max_size=30))
def test_candidates_are_every_rules_pairs_once_credited_to_the_first_rule(people) -> None:
    frame = records_frame([{"first_name": f or None, "last_name": s or None, "postcode": p or None}
                           for f, s, p in people])
    features = FeatureTable(frame)
    rules = [BlockingRule(name="given", keys=["first_name"]), BlockingRule(name="surname", keys=["last_name"]),
             BlockingRule(name="crossed", keys=["first_name"], match=["last_name"]),
             BlockingRule(name="postcode", keys=["postcode"])]
    cand = candidate_pairs(features, rules, 1000)
    firsts, lasts, codes = frame["first_name"].to_list(), frame["last_name"].to_list(), frame["postcode"].to_list()

    def found_by(i: int, j: int) -> list[int]:
        same = lambda v: v[i] is not None and v[i] == v[j]  # noqa: E731
        crossed = (firsts[i] is not None and firsts[i] == lasts[j]) or (firsts[j] is not None and firsts[j] == lasts[i])
        return [r for r, hit in enumerate([same(firsts), same(lasts), crossed, same(codes)]) if hit]

    want = {(i, j): found_by(i, j)[0] for i in range(len(people)) for j in range(i + 1, len(people)) if found_by(i, j)}
    got = {(int(x), int(y)): int(r) for x, y, r in zip(cand.a, cand.b, cand.rule)}
    assert got == want
    assert list(zip(cand.a, cand.b)) == sorted(zip(cand.a, cand.b))
    assert sum(s.new_pairs for s in cand.stats) == len(cand)


def test_cross_pairs_match_a_value_on_one_side_to_a_value_on_the_other_once() -> None:
    frame = records_frame([{"first_name": "smith", "last_name": "jones"}, {"first_name": "jones", "last_name": "smith"},
                           {"first_name": "smith", "last_name": "smith"}, {"first_name": "ann", "last_name": None}])
    a, b, info = cross_pairs(FeatureTable(frame), "first_name", "last_name", 100)
    assert sorted(zip(a.tolist(), b.tolist())) == [(0, 1), (0, 1), (0, 2), (1, 2)]
    assert info["blocks"] == 2


def test_each_python_measure_scores_the_pairs_it_is_for() -> None:
    frame = _frame(["kim", "jp", "bob", "jones", "bella"], ["kimberley", "jean pierre", "robert", "smith jones", "isabella"])
    features = FeatureTable(frame)
    rows = np.arange(5)
    ctx = PairContext(features, rows, rows)
    for metric, want in (("short_form", [3, 0, 0, 5, 5]), ("initials", [0, 1, 0, 0, 0]),
                         ("nickname", [1, 0, 1, 0, 1]), ("token_subset", [0, 0, 0, 1, 0])):
        got = ctx.score_between("first_name", "last_name", metric, rows)
        np.testing.assert_array_equal(got, np.array(want, dtype=np.float32), err_msg=metric)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**62), max_size=50))
def test_unique_is_numpys(values) -> None:
    x = np.array(values, dtype=np.int64)
    np.testing.assert_array_equal(unique(x), np.unique(x))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=" \t\n\x0b\x1c\x1f@.+-()0123456789abcXYZé٣", min_size=1, max_size=12), min_size=1,
                max_size=20))
def test_transforms_in_polars_are_the_python_ones(values) -> None:
    series = pl.Series(values, dtype=pl.String)
    for transform in ASCII_TRANSFORMS:
        want = [STRING_TRANSFORMS[transform](v) for v in values]
        assert transform_values(transform, series).to_list() == want, transform


def test_gammas_of_sets_sharing_pairs_are_each_sets_own() -> None:
    people = [(f, s) for f in NAMES[:9] for s in ("smith", "jones", "smyth", None)]
    frame = _frame([f for f, _ in people], [s or "" for _, s in people])
    features = FeatureTable(frame)
    comparisons = MatchSettings().comparisons
    a, b = random_pairs(frame.height, 400, 3)
    sets = [(a[:250], b[:250]), (a[150:], b[150:]), (b[:100], a[:100]), (a[:0], b[:0]), (a[:50], b[:50])]
    got = gammas_of(features, comparisons, sets)
    for (x, y), gamma in zip(sets, got):
        np.testing.assert_array_equal(gamma, compute_gamma(PairContext(features, x, y), comparisons))


_EMAILS = st.lists(st.sampled_from(["jo.smith@gmail.com", "jo.smith@work.org", "Jo.Smith@gmail.com", "x@y.z", "",
                                    "1980kim@mail.de", "kim1980@mail.de", "@nolocal.com", "nodomain@", "é.ü@ß.de"]),
                   max_size=4)


@settings(max_examples=100, deadline=None)
@given(st.lists(_EMAILS, min_size=1, max_size=30))
def test_a_transformed_feature_is_each_record_s_values_transformed(emails) -> None:
    # The feature is made from the untransformed one's values (features._transformed); each record's
    # slots must still be its own values transformed, in order, a value repeated left out.
    table = FeatureTable(records_frame([{"emails": e} for e in emails]), max_slots=3)
    for transform in ("local", "domain", "last4", "digits", "yy", "letters", "first_token", "metaphone"):
        feature = table.get(f"emails.{transform}")
        for record, codes in zip(emails, feature.codes):
            want: list[str] = []
            for value in record[:3]:
                derived = STRING_TRANSFORMS[transform](value) if value else None
                if derived is not None and derived not in want:
                    want.append(derived)
            got = [feature.vocab[c] for c in codes if c >= 0]
            assert got == want, (transform, record)
        assert list(feature.vocab) == sorted(set(feature.vocab))
