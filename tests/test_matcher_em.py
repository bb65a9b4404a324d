"""EM on a known mixture: gamma vectors simulated from known m, u and lambda come back within tolerance."""

from __future__ import annotations

import numpy as np
import pytest

from idgraph.ingest.matcher.training import expectation_maximisation, initial_m, patterns, posterior

# three comparisons: null, three agreement levels, else (the layout of the real ones)
TRUE_M = [
    np.array([0.0, 0.80, 0.10, 0.06, 0.04]),
    np.array([0.0, 0.90, 0.05, 0.05]),
    np.array([0.0, 0.70, 0.20, 0.05, 0.05]),
]
TRUE_U = [
    np.array([0.0, 0.01, 0.02, 0.07, 0.90]),
    np.array([0.0, 0.005, 0.015, 0.98]),
    np.array([0.0, 0.02, 0.03, 0.15, 0.80]),
]
NULL_RATE = [0.10, 0.0, 0.30]


def simulate(n: int, lam: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    match = rng.random(n) < lam
    gamma = np.empty((n, len(TRUE_M)), dtype=np.int8)
    for c, (m, u) in enumerate(zip(TRUE_M, TRUE_U)):
        levels = np.arange(len(m))
        gamma[match, c] = rng.choice(levels, size=match.sum(), p=m)
        gamma[~match, c] = rng.choice(levels, size=(~match).sum(), p=u)
        gamma[rng.random(n) < NULL_RATE[c], c] = 0
    return gamma


def test_patterns_group_identical_rows() -> None:
    gamma = np.array([[1, 2], [1, 2], [3, 0], [1, 2]], dtype=np.int8)
    pats, counts = patterns(gamma)
    assert sorted(zip(map(tuple, pats.tolist()), counts.tolist())) == [((1, 2), 3), ((3, 0), 1)]


@pytest.mark.parametrize("lam", [0.05, 0.3])
def test_em_recovers_m_and_lambda_with_u_known(lam: float) -> None:
    gamma = simulate(200_000, lam, seed=1)
    pats, counts = patterns(gamma)
    assert len(pats) < 100  # EM works on patterns, not pairs
    m0 = [initial_m(len(m)) for m in TRUE_M]
    res = expectation_maximisation(pats, counts, m0, TRUE_U, 0.1, tolerance=1e-7, max_iterations=500)
    assert res.converged
    assert res.probability == pytest.approx(lam, abs=0.01)
    for got, want in zip(res.m, TRUE_M):
        np.testing.assert_allclose(got[1:], want[1:], atol=0.02)


def test_em_recovers_u_with_m_known() -> None:
    gamma = simulate(200_000, 0.2, seed=2)
    pats, counts = patterns(gamma)
    u0 = [np.r_[0.0, np.full(len(u) - 1, 1.0 / (len(u) - 1))] for u in TRUE_U]
    res = expectation_maximisation(
        pats, counts, TRUE_M, u0, 0.5, m_free=[False] * 3, u_free=[True] * 3, tolerance=1e-7, max_iterations=500
    )
    assert res.probability == pytest.approx(0.2, abs=0.01)
    for got, want in zip(res.u, TRUE_U):
        np.testing.assert_allclose(got[1:], want[1:], atol=0.02)


def test_inactive_comparison_keeps_its_start_and_takes_no_part() -> None:
    gamma = simulate(50_000, 0.2, seed=3)
    pats, counts = patterns(gamma)
    m0 = [initial_m(len(m)) for m in TRUE_M]
    res = expectation_maximisation(pats, counts, m0, TRUE_U, 0.1, active=[True, True, False])
    np.testing.assert_array_equal(res.m[2], m0[2])
    with_third = posterior(pats, res.m, TRUE_U, res.probability, [True, True, True])
    without = posterior(pats, res.m, TRUE_U, res.probability, [True, True, False])
    assert not np.allclose(with_third, without)


def test_null_level_is_no_evidence() -> None:
    pats = np.array([[0, 0, 0]], dtype=np.int8)
    p = posterior(pats, TRUE_M, TRUE_U, 0.25, [True, True, True])
    assert p[0] == pytest.approx(0.25)
