"""Training without labels, in the Fellegi-Sunter manner.

- **u** (how often two *different* people land on a level) from random record pairs, which are almost
  all non-matches; the plain exact level's u is computed exactly from the value counts instead.
- **m** (how often the *same* person lands on a level) by expectation-maximisation on pairs blocked
  on one field (same date of birth; same name): among such pairs the other fields of different people
  behave like random pairs, so u holds, and EM separates the two classes. The blocked field's own
  comparison is left out of that session (it agrees by construction); each comparison's m is the mean
  over the sessions that estimated it.
- **lambda** (the prior) by a fixed point over the candidate pairs: the expected number of matches among
  them divided by all possible pairs.

EM runs on the counts of distinct gamma patterns, not on pairs: a few thousand patterns, whatever the data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import labels as lb
from . import levels as lv
from .arrays import unique
from .blocking import candidate_pairs, random_pairs, rule_pairs, sample
from .blocking_plan import plan_blocking, rules_to_run
from .comparisons import Comparison, compute_gamma
from .derived import base_columns
from .features import FeatureTable
from .model import Model, Prior
from .pairs import PairContext
from .settings import BlockingRule, Context, MatchSettings, Training, TrainingSession
from .term_frequency import exact_u
from .threads import beside

M_FLOOR = 1e-6
U_FLOOR = 1e-9
MIN_MATCHES = 2.0


def patterns(gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct gamma rows and how many pairs have each (4 bits per comparison)."""
    if not len(gamma):
        return np.empty((0, gamma.shape[1]), dtype=np.int8), np.empty(0, dtype=np.int64)
    if gamma.shape[1] <= 15:
        shifts = (4 * np.arange(gamma.shape[1], dtype=np.int64))
        packed = (gamma.astype(np.int64) << shifts).sum(axis=1)
        keys, idx, counts = np.unique(packed, return_index=True, return_counts=True)
        return gamma[idx], counts.astype(np.int64)
    rows, counts = np.unique(gamma, axis=0, return_counts=True)
    return rows, counts.astype(np.int64)


def initial_m(n_levels: int) -> np.ndarray:
    """A starting m: halving from the strongest level, a little mass on else, nothing on null."""
    m = np.zeros(n_levels)
    k = n_levels - 2
    m[1 : n_levels - 1] = 2.0 ** -np.arange(k)
    m[-1] = 0.05 * m[1 : n_levels - 1].sum()
    m[1:] /= m[1:].sum()
    return m


@dataclass
class EMResult:
    m: list[np.ndarray]
    probability: float
    iterations: int
    converged: bool
    history: list[float] = field(default_factory=list)
    u: list[np.ndarray] = field(default_factory=list)


def _log_tables(p: list[np.ndarray], floor: float) -> list[np.ndarray]:
    out = []
    for x in p:
        t = np.log(np.maximum(x, floor))
        t[0] = 0.0  # null: no evidence
        out.append(t)
    return out


def posterior(
    pats: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], probability: float, active: list[bool]
) -> np.ndarray:
    """P(match | gamma) for each pattern under conditional independence."""
    lm, lu = _log_tables(m, M_FLOOR), _log_tables(u, U_FLOOR)
    logit = np.full(len(pats), np.log(probability) - np.log1p(-probability))
    for c, on in enumerate(active):
        if on:
            logit += lm[c][pats[:, c]] - lu[c][pats[:, c]]
    return 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))


def _reestimate(pats: np.ndarray, c: int, weights: np.ndarray, k: int, floor: float) -> np.ndarray | None:
    mass = np.bincount(pats[:, c], weights=weights, minlength=k)
    mass[0] = 0.0
    if mass.sum() <= 0:
        return None
    new = np.maximum(mass / mass.sum(), floor)
    new[0] = 0.0
    new[1:] /= new[1:].sum()
    return new


def expectation_maximisation(
    pats: np.ndarray,
    counts: np.ndarray,
    m0: list[np.ndarray],
    u: list[np.ndarray],
    probability0: float,
    active: list[bool] | None = None,
    *,
    max_iterations: int = 200,
    tolerance: float = 1e-5,
    m_free: list[bool] | None = None,
    u_free: list[bool] | None = None,
) -> EMResult:
    """EM over pattern counts: lambda, and m (``m_free``, default: the active comparisons) with u fixed,
    or u (``u_free``) with m fixed. Inactive comparisons take no part; what is not free keeps its start."""
    n_comp = pats.shape[1]
    active = active if active is not None else [True] * n_comp
    m_free = m_free if m_free is not None else list(active)
    u_free = u_free if u_free is not None else [False] * n_comp
    m = [x.astype(np.float64).copy() for x in m0]
    u = [x.astype(np.float64).copy() for x in u]
    lam = float(probability0)
    w = counts.astype(np.float64)
    history = []
    converged = False
    it = 0
    for it in range(1, max_iterations + 1):
        p = posterior(pats, m, u, lam, active)
        wp = w * p
        new_lam = float(wp.sum() / w.sum())
        delta = abs(new_lam - lam)
        for c in range(n_comp):
            if not active[c]:
                continue
            if m_free[c]:
                new = _reestimate(pats, c, wp, len(m[c]), M_FLOOR)
                if new is not None:
                    delta = max(delta, float(np.abs(new - m[c]).max()))
                    m[c] = new
            if u_free[c]:
                new = _reestimate(pats, c, w - wp, len(u[c]), U_FLOOR)
                if new is not None:
                    delta = max(delta, float(np.abs(new - u[c]).max()))
                    u[c] = new
        lam = min(max(new_lam, 1e-9), 1 - 1e-9)
        history.append(delta)
        if delta < tolerance:
            converged = True
            break
    return EMResult(m, lam, it, converged, history, u)


# ------------------------------------------------------------------ u from random pairs

def estimate_u(
    features: FeatureTable, comparisons: list[Comparison], n_pairs: int, seed: int
) -> tuple[list[np.ndarray], list[list[str]], int]:
    """u per level: random pairs for every level, value counts for the plain exact level."""
    a, b = random_pairs(features.n, n_pairs, seed)
    gamma = compute_gamma(PairContext(features, a, b), comparisons)
    us, sources = [], []
    for j, comp in enumerate(comparisons):
        k = len(comp.levels)
        counts = np.bincount(gamma[:, j], minlength=k).astype(np.float64)
        counts[0] = 0.0
        total = counts.sum()
        u = np.zeros(k)
        src = [""] * k
        if total > 0:
            u[1:] = np.maximum(counts[1:], 0.5) / (total + 0.5 * (k - 1))
            src[1:] = ["random pairs"] * (k - 1)
        else:
            u[1:] = 1.0 / (k - 1)
            src[1:] = ["no data"] * (k - 1)
        exact = _plain_exact(comp)
        ue = exact_u(features.get(comp.column)) if exact is not None else 0.0
        if exact is not None and 0.0 < ue < 1.0:
            rest = np.delete(np.arange(1, k), exact - 1)
            u[rest] *= (1.0 - ue) / max(u[rest].sum(), 1e-300)
            u[exact] = max(ue, U_FLOOR)
            src[exact] = "value counts"
        us.append(u)
        sources.append(src)
    return us, sources, len(a)


def _plain_exact(comp: Comparison) -> int | None:
    """The exact level when it is the strongest: its u is then exactly sum c(c-1) / n(n-1) over values."""
    level = comp.levels[1]
    if isinstance(level, lv.ExactLevel) and level.transform is None and level.column is None:
        return 1
    return None


# ------------------------------------------------------------------ m by EM sessions

def _base_columns(keys: list[str]) -> set[str]:
    cols: set[str] = set()
    for k in keys:
        cols |= base_columns(k)
    return cols


MIN_INFORMATIVE = 3  # comparisons with data that EM needs to tell matches from non-matches
INFORMATIVE_SHARE = 0.05  # a comparison informs a session when this share of its pairs has a value


def active_in_session(
    comparisons: list[Comparison], session: BlockingRule | TrainingSession, gamma: np.ndarray | None = None
) -> list[bool]:
    """The comparisons a session estimates: not those reading the blocked columns, and not those it
    ``ignore``s (fields that go together with the keys for different people), unless that would leave
    EM fewer than three comparisons with data (``gamma``: the session's pairs): a two-class mixture is
    only identifiable from three or more conditionally independent indicators, and with one left EM
    calls every disagreement a non-match (FEBRL's replaced given names, blocked on the date of birth)."""
    fixed = _base_columns(session.keys)
    ignore = set(getattr(session, "ignore", ()))
    free = [not (_base_columns(sorted(comp.features())) & fixed) for comp in comparisons]
    active = [f and comp.name not in ignore for f, comp in zip(free, comparisons)]
    if gamma is None or not ignore:
        return active
    informs = [len(gamma) > 0 and float((gamma[:, c] != 0).mean()) >= INFORMATIVE_SHARE for c in range(len(comparisons))]
    count = sum(a and i for a, i in zip(active, informs))
    for c, comp in enumerate(comparisons):
        if count >= MIN_INFORMATIVE:
            break
        if free[c] and not active[c] and informs[c]:
            active[c] = True
            count += 1
    return active


@dataclass
class SessionReport:
    name: str
    keys: list[str]
    pairs: int
    patterns: int
    iterations: int
    converged: bool
    probability: float
    estimated: list[str]
    seconds: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def session_pairs(features: FeatureTable, training: Training, max_block_size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each EM session's pairs: those its rule blocks, at most ``max_pairs_per_session`` of them."""
    out = []
    for s_i, session in enumerate(training.sessions):
        a, b, _ = rule_pairs(features, session, max_block_size)
        out.append(sample(a, b, training.max_pairs_per_session, training.seed + s_i))
    return out


def estimate_m(
    comparisons: list[Comparison],
    u: list[np.ndarray],
    training: Training,
    gammas: list[np.ndarray],
) -> tuple[list[np.ndarray], list[SessionReport], list[np.ndarray]]:
    """m per comparison (mean over the sessions that estimated it), the session reports, and per
    comparison the levels too thin to estimate (m = u there: weight 0). ``gammas``: the gamma matrix of
    each session's pairs (``session_pairs``)."""
    m_sum = [np.zeros(len(c.levels)) for c in comparisons]
    m_n = np.zeros(len(comparisons))
    m_matches = np.zeros(len(comparisons))  # expected matches with a value, summed over sessions
    reports = []
    m0 = [initial_m(len(c.levels)) for c in comparisons]
    for session, gamma in zip(training.sessions, gammas):
        t0 = time.perf_counter()
        active = active_in_session(comparisons, session, gamma)
        pats, counts = patterns(gamma)
        if not len(pats):
            reports.append(SessionReport(session.name, session.keys, 0, 0, 0, False, 0.0, [], 0.0))
            continue
        res = expectation_maximisation(
            pats, counts, m0, u, 0.1, active,
            max_iterations=training.max_iterations, tolerance=training.tolerance,
        )
        post = posterior(pats, res.m, u, res.probability, active) * counts
        for c, on in enumerate(active):
            if on:
                m_sum[c] += res.m[c]
                m_n[c] += 1
                m_matches[c] += float(post[pats[:, c] != 0].sum())
        reports.append(
            SessionReport(
                session.name, list(session.keys), int(len(gamma)), int(len(pats)), res.iterations, res.converged,
                round(res.probability, 6), [comparisons[c].name for c, on in enumerate(active) if on],
                round(time.perf_counter() - t0, 3),
            )
        )
    m, thins = [], []
    for c, comp in enumerate(comparisons):
        if m_n[c]:
            x = m_sum[c] / m_n[c]
            x, thin = settle(x, u[c], m_matches[c] / m_n[c], training.m_floor_else)
        else:
            x, thin = m0[c], np.zeros(len(m0[c]), dtype=bool)
        m.append(x)
        thins.append(thin)
    return m, reports, thins


def settle(m: np.ndarray, u: np.ndarray, matches: float, floor_else: float) -> np.ndarray:
    """Guard the estimates where the data is thin.

    A level where EM put less than ``MIN_MATCHES`` expected matches gets m = u (weight 0, no evidence)
    rather than a weight made of noise; the else level keeps at least ``floor_else``: records of one
    person disagree outright now and then (a wrong field, a garbled entry), and a weight of minus
    twenty would let one such field veto everything else.
    """
    m = np.maximum(m.copy(), M_FLOOR)
    k = len(m)
    thin = np.zeros(k, dtype=bool)
    thin[1 : k - 1] = m[1 : k - 1] * matches < MIN_MATCHES
    m[k - 1] = max(m[k - 1], floor_else)
    m[0] = 0.0
    # thin levels take m = u exactly (weight 0); the others share what is left, in their proportions
    rest = 1.0 - float(u[thin].sum())
    free = ~thin
    free[0] = False
    m[free] *= max(rest, 1e-9) / m[free].sum()
    m[thin] = u[thin]
    return m, thin


# ------------------------------------------------------------------ contexts: u among pairs that agree already

def when_mask(gamma: np.ndarray, comparisons: list[Comparison], when: dict[str, list[str]]) -> np.ndarray:
    """Rows of ``gamma`` (pairs or patterns) whose levels are those ``when`` names."""
    index = {c.name: j for j, c in enumerate(comparisons)}
    mask = np.ones(len(gamma), dtype=bool)
    for name, labels in when.items():
        comp = comparisons[index[name]]
        wanted = np.array([comp.level_names().index(lbl) for lbl in labels], dtype=np.int8)
        mask &= np.isin(gamma[:, index[name]], wanted)
    return mask


def context_pairs(features: FeatureTable, training: Training, max_block_size: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each context's pairs: those its keys block, at most ``max_pairs_per_session`` of them."""
    out = []
    for i, context in enumerate(training.contexts):
        rule = BlockingRule(name=context.name, keys=context.keys, max_block_size=context.max_block_size)
        a, b, _ = rule_pairs(features, rule, max_block_size)
        out.append(sample(a, b, training.max_pairs_per_session, training.seed + 100 + i))
    return out


def estimate_context(
    comparisons: list[Comparison],
    m: list[np.ndarray],
    u: list[np.ndarray],
    context: Context,
    training: Training,
    gamma: np.ndarray,
) -> tuple[dict[str, np.ndarray], dict]:
    """u of ``context.comparisons`` among pairs that meet ``context.when``: EM with m fixed, u free.
    ``gamma``: that of the context's pairs (``context_pairs``)."""
    t0 = time.perf_counter()
    gamma = gamma[when_mask(gamma, comparisons, context.when)]
    pats, counts = patterns(gamma)
    names = [c.name for c in comparisons]
    u_free = [n in context.comparisons for n in names]
    active = [n not in context.when for n in names]
    report = {"name": context.name, "keys": list(context.keys), "pairs": int(len(gamma)), "patterns": int(len(pats))}
    if not len(pats):
        return {}, {**report, "seconds": round(time.perf_counter() - t0, 3)}
    res = expectation_maximisation(
        pats, counts, m, u, 0.5, active, m_free=[False] * len(names), u_free=u_free,
        max_iterations=training.max_iterations, tolerance=training.tolerance,
    )
    post = posterior(pats, m, res.u, res.probability, active)
    nonmatch = counts * (1.0 - post)
    out = {}
    least = training.context_min_pairs
    for c, name in enumerate(names):
        if not u_free[c]:
            continue
        k = len(u[c])
        mass = np.bincount(pats[:, c], weights=nonmatch, minlength=k)
        mass[0] = 0.0
        total = mass.sum()
        est = u[c].copy()
        if total > 0:
            share = mass / total
            thick = mass >= least
            # agreeing is never rarer among these pairs than among random ones (the context is there
            # because they agree more); a level seen too seldom keeps the random-pair u
            est[1 : k - 1] = np.where(thick[1 : k - 1], np.maximum(share[1 : k - 1], u[c][1 : k - 1]), u[c][1 : k - 1])
            if thick[k - 1]:
                est[k - 1] = share[k - 1]
        est[0] = 0.0
        out[name] = np.maximum(est, U_FLOOR)
    report.update(
        iterations=res.iterations, converged=res.converged, probability=round(res.probability, 6),
        non_matches=round(float(nonmatch.sum()), 1), seconds=round(time.perf_counter() - t0, 3),
    )
    return out, report


def gammas_of(features: FeatureTable, comparisons: list[Comparison],
              pair_sets: list[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """The gamma matrix of each set of pairs (record positions a, b), each distinct pair compared once:
    a pair's levels depend on its two records only. (a, b) and (b, a) count as two pairs."""
    n = np.int64(max(features.n, 1))
    codes = [a.astype(np.int64) * n + b for a, b in pair_sets]
    if not codes:
        return []
    every = unique(np.concatenate(codes))
    gamma = compute_gamma(PairContext(features, every // n, every % n), comparisons)
    return [gamma[np.searchsorted(every, c)] for c in codes]


# ------------------------------------------------------------------ lambda over candidate pairs

def estimate_prior(
    log2_bayes: np.ndarray, counts: np.ndarray, n_records: int, *, iterations: int = 200,
) -> tuple[float, float]:
    """(lambda, expected matches) such that lambda = expected matches among the candidates / all pairs.

    ``log2_bayes`` is each gamma pattern's total match weight without the prior.
    """
    total_pairs = n_records * (n_records - 1) / 2.0
    if total_pairs <= 0 or not len(log2_bayes):
        return 1e-6, 0.0
    lam = min(0.5, max(float(counts.sum()) * 0.1 / total_pairs, 1e-12))
    expected = 0.0
    for _ in range(iterations):
        logit = np.log2(lam) - np.log2(1 - lam) + log2_bayes
        expected = float((counts / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))).sum())
        new = min(max(expected / total_pairs, 1e-12), 0.5)
        if abs(np.log(new) - np.log(lam)) < 1e-6:
            lam = new
            break
        lam = new
    return lam, expected


# ------------------------------------------------------------------ the whole of training

def _prior_pairs(features: FeatureTable, settings: MatchSettings) -> tuple[np.ndarray, np.ndarray, float]:
    """The prior needs the distribution of patterns over the candidate pairs, not every pair: a sample
    of them, and the factor that counts the sample up to the whole."""
    rules = rules_to_run(plan_blocking(features, settings))
    cand = candidate_pairs(features, rules, settings.blocking.max_block_size)
    a, b = sample(cand.a, cand.b, settings.training.max_pairs_per_session, settings.training.seed + 7)
    return a, b, len(cand) / max(len(a), 1)


def train(
    features: FeatureTable,
    settings: MatchSettings,
    candidate_gamma: np.ndarray | None = None,
    labels: lb.Labels | None = None,
) -> Model:
    """A model trained on ``features``: u, m by EM sessions, then lambda over the candidate pairs.

    ``candidate_gamma`` is the gamma matrix of the full set of blocked pairs when the caller has it
    (the link job); otherwise it is computed here. ``labels``: pairs people judged, blended into m and
    used for the thresholds (``labels.py``). The guard's weights are trained apart
    (``co_holders.estimate_co_holders``).
    """
    t0 = time.perf_counter()
    comparisons = settings.comparisons
    tr = settings.training
    prior_pairs = None
    if candidate_gamma is None:
        # Blocking is single-threaded work that needs nothing the estimates below make: it runs
        # beside them, on the core their gamma threads leave idle part of the time.
        prior_pairs = beside(_prior_pairs, features, settings)
    u, u_sources, u_pairs = estimate_u(features, comparisons, tr.u_pairs, tr.seed)
    t_u = time.perf_counter()
    # The sessions, the contexts and the prior's sample share many pairs (a session's rule is often
    # one of blocking's): the gamma of every pair they hold is computed once.
    sets = [*session_pairs(features, tr, settings.blocking.max_block_size),
            *context_pairs(features, tr, settings.blocking.max_block_size)]
    scale = 1.0
    if prior_pairs is not None:
        a, b, scale = prior_pairs()
        sets.append((a, b))
    gammas = gammas_of(features, comparisons, sets)
    session_gammas = gammas[: len(tr.sessions)]
    context_gammas = gammas[len(tr.sessions): len(tr.sessions) + len(tr.contexts)]
    if prior_pairs is not None:
        candidate_gamma = gammas[-1]
    del gammas
    t_pairs = time.perf_counter()
    m, sessions, thin = estimate_m(comparisons, u, tr, session_gammas)
    learnt = None
    if labels is not None:
        learnt = lb.learn_m(features, labels, comparisons, m, u, thin, tr)
        m, thin = learnt.m, learnt.thin
    t_m = time.perf_counter()
    contexts, context_reports = [], []
    for ctx, gamma in zip(tr.contexts, context_gammas):
        u_ctx, rep = estimate_context(comparisons, m, u, ctx, tr, gamma)
        context_reports.append(rep)
        if u_ctx:
            contexts.append((ctx, u_ctx))
    t_c = time.perf_counter()
    pats, counts = patterns(candidate_gamma)
    counts = counts * scale
    stats = {
        "records": features.n,
        "u_random_pairs": u_pairs,
        "sessions": [s.as_dict() for s in sessions],
        "contexts": context_reports,
        "candidate_pairs": int(round(counts.sum())),
        "candidate_patterns": int(len(pats)),
    }
    provisional = Prior(probability=1e-6, records=features.n, matches_per_record=1.0)
    model = Model.build(
        comparisons, m, u, u_sources, provisional, settings.thresholds, stats,
        tf={"tf_weight": tr.tf_weight, "tf_min_u": tr.tf_min_u}, contexts=contexts, thin=thin,
    )
    lam, expected = estimate_prior(model.pattern_weights(pats), counts, features.n)
    t_p = time.perf_counter()
    model.prior = Prior(
        probability=float(f"{lam:.6g}"),
        records=features.n,
        matches_per_record=round(2.0 * expected / max(features.n, 1), 6),
    )
    model.training["expected_matches"] = round(expected, 1)
    if learnt is not None:
        lb.apply(model, features, labels, learnt, settings)
    model.training["seconds"] = {
        "u": round(t_u - t0, 3), "pairs": round(t_pairs - t_u, 3), "m": round(t_m - t_pairs, 3),
        "contexts": round(t_c - t_m, 3),
        "prior": round(t_p - t_c, 3),
    }
    return model
