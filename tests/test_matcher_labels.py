"""Learning from people (``matcher/labels.py``): m blended with judged pairs, thresholds from them, when
to retrain, and the labels read from the judgements of either store. Hand-made levels and scores; the
whole loop on generated data is in ``test_matcher_labels_e2e.py``."""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from idgraph.graph.judgements import record_judgement
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.model import labels_for, why_train
from idgraph.ingest.mapping import load_mapping
from idgraph.ingest.matcher import Model, Prior, Thresholds, Training
from idgraph.ingest.matcher import comparisons as lib
from idgraph.ingest.matcher.labels import best_upper, blend, m_from_labels, thresholds_from_labels, wilson
from idgraph.ingest.matcher.model import CoHolderParams
from tests.helpers import person, small_project

# -- the blend, as data ---------------------------------------------------------------------------
# m_k = R (W m_em_k + n_k) / (W R + N) on the levels S the labels reach (R: EM's m over S, N: labels);
# EM's m elsewhere.
BLEND_CASES = [
    # (EM's m, labels per level, W, expected m)
    ([0, 0.6, 0.3, 0.1], [0, 0, 0, 0], 50, [0, 0.6, 0.3, 0.1]),  # no labels: EM's m
    ([0, 0.6, 0.3, 0.1], [0, 10, 30, 0], 50, [0, 0.9 * 40 / 85, 0.9 * 45 / 85, 0.1]),
    ([0, 0.6, 0.3, 0.1], [0, 10, 30, 0], 0, [0, 0.9 * 10 / 40, 0.9 * 30 / 40, 0.1]),  # W = 0: the labels' shares
    ([0, 0.6, 0.3, 0.1], [0, 10, 30, 0], 1e9, [0, 0.6, 0.3, 0.1]),  # W huge: EM's m
    ([0, 0.6, 0.3, 0.1], [0, 0, 25, 0], 50, [0, 0.6, 0.3, 0.1]),  # one level only: the shares are not told
    ([0, 0.6, 0.3, 0.1], [99, 10, 30, 0], 50, [0, 0.9 * 40 / 85, 0.9 * 45 / 85, 0.1]),  # null: no evidence
    ([0, 0.5, 0.3, 0.2], [0, 5, 0, 5], 10, [0, 0.7 * 10 / 17, 0.3, 0.7 * 7 / 17]),
]


@pytest.mark.parametrize("m_em, counts, weight, expected", BLEND_CASES)
def test_blend_formula(m_em, counts, weight, expected):
    got = blend(np.array(m_em, dtype=float), np.array(counts), weight)
    assert got == pytest.approx(expected, abs=1e-6)
    assert got[1:].sum() == pytest.approx(1.0)


# -- m from labels on a comparison ----------------------------------------------------------------
DOB = lib.dob()  # null, exact, day/month swapped, one date field different, same year, else
M_EM = np.array([0.0, 0.85, 0.02, 0.08, 0.03, 0.02])
U = np.array([0.0, 0.0001, 0.00001, 0.002, 0.01, 0.98])
ONE_FIELD, EXACT, SWAPPED, SAME_YEAR = 3, 1, 2, 4


def learn(levels: list[int], same: list[bool] | None = None, *, thin=None, **training):
    gamma = np.array(levels, dtype=np.int8).reshape(-1, 1)
    same_arr = np.ones(len(levels), dtype=bool) if same is None else np.array(same)
    thin_arr = np.zeros(len(M_EM), dtype=bool) if thin is None else np.array(thin)
    return m_from_labels([M_EM], [U], [thin_arr], gamma, same_arr, [DOB], Training(**training))


def share_moved(new: float, n_level: int, n_total: int) -> float:
    """How far a level's m went from EM's share of the labelled levels towards the labels' share."""
    seen_mass = M_EM[EXACT] + M_EM[ONE_FIELD]
    em_share, label_share = M_EM[ONE_FIELD] / seen_mass, n_level / n_total
    return (new / seen_mass - em_share) / (label_share - em_share)


@pytest.mark.parametrize("n_one_field, n_exact, least, most", [
    (300, 100, 0.85, 0.92),  # hundreds of labels dominate: N / (W R + N) = 400 / 446.5
    (5, 5, 0.0, 0.2),  # a handful nudges: 10 / 56.5
])
def test_labels_on_a_level_move_its_m_by_their_weight(n_one_field, n_exact, least, most):
    out = learn([ONE_FIELD] * n_one_field + [EXACT] * n_exact)
    m = out.m[0]
    assert m[ONE_FIELD] > M_EM[ONE_FIELD]
    assert least <= share_moved(m[ONE_FIELD], n_one_field, n_one_field + n_exact) <= most
    assert m[SWAPPED] == M_EM[SWAPPED] and m[SAME_YEAR] == M_EM[SAME_YEAR] and m[-1] == M_EM[-1]  # never labelled
    assert m[1:].sum() == pytest.approx(1.0)
    moved = {c["level"]: c for c in out.changes}
    assert set(moved) == {"one date field different", "exact"}
    top = out.changes[0]
    assert top["level"] == "one date field different" and top["labels"] == n_one_field
    assert top["weight"] == pytest.approx(math.log2(m[ONE_FIELD] / U[ONE_FIELD]), abs=1e-3)


def test_not_same_labels_leave_m_alone():
    out = learn([ONE_FIELD] * 50 + [EXACT] * 50, [False] * 100)
    assert out.m[0] == pytest.approx(M_EM) and out.changes == []


def test_a_level_moves_on_five_labels_not_on_four():
    four = learn([ONE_FIELD] * 4 + [EXACT] * 20)
    assert four.m[0] == pytest.approx(M_EM) and four.changes == []
    five = learn([ONE_FIELD] * 5 + [EXACT] * 20)
    assert five.m[0][ONE_FIELD] > M_EM[ONE_FIELD]
    assert learn([ONE_FIELD] * 2 + [EXACT] * 20, min_labels_per_level=2).m[0][ONE_FIELD] > M_EM[ONE_FIELD]


def test_a_thin_level_gets_a_weight_from_enough_labels():
    thin = [False, False, True, False, False, False]  # EM saw too few day/month swaps to weigh them
    few = learn([SWAPPED] * 4 + [EXACT] * 20, thin=thin)
    assert few.thin[0][SWAPPED] and few.m[0][SWAPPED] == M_EM[SWAPPED]
    enough = learn([SWAPPED] * 5 + [EXACT] * 20, thin=thin)
    assert not enough.thin[0][SWAPPED] and enough.m[0][SWAPPED] > M_EM[SWAPPED]


def test_else_keeps_its_floor():
    out = learn([EXACT] * 1000 + [5] * 5, m_floor_else=0.01)
    assert out.m[0][-1] == pytest.approx(0.01) and out.m[0][1:].sum() == pytest.approx(1.0)


# -- thresholds from labels -----------------------------------------------------------------------
CONFIGURED = Thresholds(upper=0.8, lower=0.3)  # upper 2 bits


def f1_at(weights, same, t):
    tp = int(((weights >= t) & same).sum())
    fp = int(((weights >= t) & ~same).sum())
    return 2 * tp / (2 * tp + fp + int(same.sum()) - tp)


def scores(same_from, same_to, not_from, not_to, n=80, seed=3):
    rng = np.random.default_rng(seed)
    w = np.concatenate([rng.uniform(same_from, same_to, n), rng.uniform(not_from, not_to, n)])
    return w, np.arange(2 * n) < n


@pytest.mark.parametrize("case, bounds, moves", [
    # not-same pairs up to 4.5 bits: the configured 2 bits would link them all; raise past them
    ("raise", (5.0, 15.0, -10.0, 4.5), "up"),
    # same pairs down to -3 bits, none of the other kind above -4: lower to take them in
    ("lower", (-3.0, 15.0, -12.0, -4.0), "down"),
])
def test_separated_labels_move_the_upper_threshold_to_the_best_f1(case, bounds, moves):
    w, same = scores(*bounds)
    chosen, report = thresholds_from_labels(w, same, CONFIGURED, Training())
    t = math.log2(chosen.upper / (1 - chosen.upper))
    best = max(f1_at(w, same, v) for v in np.unique(w))
    assert f1_at(w, same, t) == pytest.approx(best) == pytest.approx(1.0)
    assert report["from"] == "labels" and report["f"] == pytest.approx(1.0)
    assert (chosen.upper > CONFIGURED.upper) if moves == "up" else (chosen.upper < CONFIGURED.upper)
    assert chosen.lower <= min(chosen.upper, CONFIGURED.lower)


def test_hard_pairs_that_overlap_do_not_move_it():
    # Review pairs: both kinds between -1.5 and 3 bits, 60 % the same person. F1 on them alone is best
    # linking them all, but the pairs that would become links are not shown to be 80 % the same.
    rng = np.random.default_rng(5)
    w = rng.uniform(-1.5, 3.0, 150)
    same = rng.random(150) < 0.6
    chosen, report = thresholds_from_labels(w, same, CONFIGURED, Training())
    unconstrained = max(np.unique(w), key=lambda v: f1_at(w, same, v))
    assert unconstrained < 0 and report["best_f_unconstrained"] > report["f"]  # F1 alone would link them all
    assert CONFIGURED.upper <= chosen.upper < 0.85  # a few rejected pairs just above 0.8 may raise it a little


def test_the_configured_threshold_stays_where_it_does_best():
    w, same = scores(3.0, 15.0, -10.0, 1.0)  # 2 bits separates the labels already
    point, fit = best_upper(w, same, 1.0, 2.0)
    assert point == 2.0 and fit["f"] == 1.0


def test_too_few_labels_keep_the_configured_thresholds():
    w, same = scores(5.0, 15.0, -10.0, 4.5, n=29)
    chosen, report = thresholds_from_labels(w, same, CONFIGURED, Training())
    assert chosen == CONFIGURED
    assert report == {"from": "settings", "upper": 0.8, "lower": 0.3,
                      "why": "fewer than 30 labels of each kind (29 same, 29 not same)"}
    assert thresholds_from_labels(w, same, CONFIGURED, Training(min_labels_for_thresholds=29))[1]["from"] == "labels"


@pytest.mark.parametrize("lowest_same, expected_lower", [
    (-6.0, 0.05),  # same pairs far below: the queue widens, down to 0.05 at most
    (-2.0, None),  # the 2nd percentile of the same pairs' scores
    (0.0, 0.3),  # same pairs all above the configured lower: the queue is not narrowed
])
def test_lower_threshold_is_where_almost_no_same_pair_falls(lowest_same, expected_lower):
    # the other kind overlaps the same pairs under 2 bits: the upper threshold stays at 0.8
    w, same = scores(lowest_same, 15.0, -10.0, 1.9, n=100)
    assert thresholds_from_labels(w, same, CONFIGURED, Training())[0].upper == CONFIGURED.upper
    chosen, _ = thresholds_from_labels(w, same, CONFIGURED, Training())
    if expected_lower is None:
        q = np.quantile(1 / (1 + np.exp2(-w[same])), 0.02, method="lower")
        expected_lower = float(f"{q:.4g}")
    assert chosen.lower == pytest.approx(expected_lower)


@pytest.mark.parametrize("same, n, low, high", [(8, 10, 0.5408, 0.9315), (0, 40, 0.0, 0.0633), (40, 40, 0.9367, 1.0)])
def test_wilson_interval(same, n, low, high):
    assert wilson(same, n, 1.645) == pytest.approx((low, high), abs=1e-3)


# -- when to retrain ------------------------------------------------------------------------------
def model(records=1000, judgements=None) -> Model:
    built = Model(prior=Prior(probability=1e-3, records=records, matches_per_record=1.0), thresholds=CONFIGURED,
                  comparisons=[], co_holder=CoHolderParams(probability=0.9, pairs=0, comparisons=[]))
    if judgements is not None:
        built.training["labels"] = {"judgements": judgements}
    return built


@pytest.mark.parametrize("trained_with, now, records, why", [
    (None, None, 1000, None),  # labels not learned from
    (None, 9, 1000, None),
    (None, 10, 1000, "10 new judgements since the model was trained (it learned from 0, there are 10)"),
    (100, 119, 1000, None),  # 20 % more and at least 10
    (100, 120, 1000, "20 new judgements since the model was trained (it learned from 100, there are 120)"),
    (100, 80, 1000, "20 judgements withdrawn since the model was trained (it learned from 100, there are 80)"),
    (0, 50, 5000, "the data grew from 1,000 to 5,000 records"),
    (0, 50, 100, None),  # too few records to train
])
def test_why_train(trained_with, now, records, why):
    assert why_train(model(judgements=trained_with), records, now) == why


def test_no_model_is_a_reason():
    assert why_train(None, 1000, 0) == "no model yet"


# -- labels from the store's judgements, on both stores -------------------------------------------
CRM = [person(str(i), f"Name{i}", "Smith", f"p{i}@mail.co.uk", "", "1980-01-0" + str(i)) for i in range(1, 6)]


def test_labels_are_the_live_judgements_between_known_records(store, tmp_path):
    mapping = load_mapping(small_project(tmp_path, CRM))
    ingest(store, mapping)
    record_judgement(store, "crm:1", "crm:2", True, "ann")
    record_judgement(store, "crm:4", "crm:3", False, "ann")  # stored a < b
    record_judgement(store, "crm:1", "crm:5", False, "ann")  # crm:5 is not in the frame below
    withdrawn = record_judgement(store, "crm:2", "crm:4", False, "ann")
    store.withdraw_judgement(withdrawn["judgement_id"], "2024-01-01T00:00:00Z")
    uids = pl.Series("uid", ["crm:4", "crm:3", "crm:2", "crm:1"])
    labels = labels_for(store, uids)
    got = sorted((uids[int(a)], uids[int(b)], bool(s)) for a, b, s in zip(labels.a, labels.b, labels.same))
    assert got == [("crm:2", "crm:1", True), ("crm:4", "crm:3", False)]
    assert (labels.judgements, labels.ignored) == (3, 1)
    assert labels.counts() == (1, 1)
