"""Term frequencies: agreeing on a rare surname weighs more than agreeing on a common one."""

from __future__ import annotations

import numpy as np
import pytest

from idgraph.ingest.matcher import FeatureTable, MatchSettings, Model, PairContext, Prior, compute_gamma, records_frame
from idgraph.ingest.matcher import comparisons as lib
from idgraph.ingest.matcher.scoring import score
from idgraph.ingest.matcher.term_frequency import exact_u, shared_tf, term_frequencies


def people() -> list[dict]:
    rows = [{"first_name": f"p{i}", "last_name": "smith"} for i in range(60)]
    rows += [{"first_name": f"q{i}", "last_name": f"rare{i}"} for i in range(38)]
    rows += [{"first_name": "ann", "last_name": "zebedee"}, {"first_name": "ann", "last_name": "zebedee"}]
    return rows


def test_term_frequencies_and_exact_u() -> None:
    features = FeatureTable(records_frame(people()))
    feat = features.get("last_name")
    tf = term_frequencies(feat)
    smith = int(np.flatnonzero(feat.vocab == "smith")[0])
    assert tf[smith] == pytest.approx(0.6)
    # u = sum c(c-1) / n(n-1): 60*59 + 2*1 over 100*99
    assert exact_u(feat) == pytest.approx((60 * 59 + 2) / (100 * 99))
    np.testing.assert_allclose(shared_tf(feat, np.array([0, 98]), np.array([1, 99])), [0.6, 0.02])


def test_rare_surname_weighs_more_than_common() -> None:
    features = FeatureTable(records_frame(people()))
    comps = [lib.last_name()]
    a, b = np.array([0, 98]), np.array([1, 99])  # smith/smith, zebedee/zebedee
    gamma = compute_gamma(PairContext(features, a, b), comps)
    assert gamma[:, 0].tolist() == [1, 1]  # both exact
    k = len(comps[0].levels)  # null, exact, the fuzzy levels, else
    m = [np.array([0, 0.9, *[0.08 / (k - 3)] * (k - 3), 0.02])]
    u = [np.array([0, exact_u(features.get("surname")), *[1e-3] * (k - 3), 0.0])]
    u[0][-1] = 1 - u[0][1:-1].sum()
    model = Model.build(comps, m, u, [[""] * k], Prior(probability=0.01, records=100, matches_per_record=1.0),
                        MatchSettings().thresholds, {})
    scores = score(model, features, a, b, gamma)
    assert scores.weight[1] > scores.weight[0] + 3
    assert scores.tf[0][0] < 0 < scores.tf[0][1]  # smith adjusted down, zebedee up
