"""Records that hold one identifier: how to tell one person from a household, learnt on this data.

The guard asks, for each identifier held by several records, whether they are one person; resolve asks
it of the records a component joins (``ingest/strangers.py``). Both weigh a pair on the comparisons that
describe the person (``person_comparisons``: not those that read identifiers, since the question is who
holds them, not what else they hold) with the model's weights, contexts applied (a twin's birthday
weighs little at one address). The comparisons that describe a home (``training.household_comparisons``:
the address) are different: two *different* people who share an email or a landline mostly share a
home, so there "same address" is common among non-matches, unlike among random pairs. Their u is
re-estimated among co-holders, together with the share of co-holder pairs that are one person, by EM
with every other weight fixed; the global u enters as a prior worth ``PRIOR_PAIRS`` pairs. Where few
co-holders are different people (FEBRL: an id shared only through a typo) the global u stands and the
address keeps its weight; where households abound (family emails, landlines) the address stops counting. No rule is written for either case: the data
decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .comparisons import Comparison, compute_gamma
from .features import FeatureTable
from .model import CoHolderParams, Model
from .pairs import PairContext
from .training import U_FLOOR, patterns

# Below this many pairs of co-holders nothing is estimated: the share that are one person is taken as
# DEFAULT_SHARE (most identifiers held twice are one person's: a CRM account and a loyalty card) and the
# home comparisons keep their global weights.
MIN_PAIRS = 100
DEFAULT_SHARE = 0.9
PRIOR_PAIRS = 50.0  # the global u counts as this many co-holders who are different people


def _reads(comp: Comparison) -> set[str]:
    return {f.split(".", 1)[0] for f in comp.features()} | {comp.column}


def person_comparisons(comparisons: list[Comparison], identifier_columns: set[str],
                       household: set[str]) -> tuple[list[str], list[str]]:
    """(person, home) comparison names: none reads an identifier list (``emails``, ``emails.local``...);
    the home ones are those named in ``household``."""
    person, home = [], []
    for comp in comparisons:
        if _reads(comp) & identifier_columns or comp.column == "profile_id":
            continue
        (home if comp.name in household else person).append(comp.name)
    return person, home


def estimate_co_holders(model: Model, features: FeatureTable, a: np.ndarray, b: np.ndarray,
                        identifier_columns: set[str], household: set[str], *, iterations: int = 200,
                        tolerance: float = 1e-7) -> CoHolderParams:
    """The co-holder parameters for ``model``; ``a``, ``b``: record positions of the pairs of records
    that share an identifier."""
    definitions = model.definitions()
    person, home = person_comparisons(definitions, identifier_columns, household)
    names = [c.name for c in definitions]
    used = [*person, *home]
    jj = [names.index(c) for c in used]
    m, u = model.m_u()
    thin = {c.name: [lv.m_source.startswith("too few") for lv in c.levels] for c in model.comparisons}

    def weights(m_tables: list[np.ndarray], u_tables: list[np.ndarray]) -> dict[str, list[float]]:
        return {c: [0.0] + [0.0 if thin[c][i] else round(math.log2(max(float(mt[i]), 1e-300) / max(float(ut[i]), U_FLOOR)), 4)
                            for i in range(1, len(ut))]
                for c, mt, ut in zip(used, m_tables, u_tables)}

    params = CoHolderParams(probability=DEFAULT_SHARE, pairs=int(len(a)), comparisons=used,
                            weight=weights([m[j] for j in jj], [u[j] for j in jj]))
    if len(a) < MIN_PAIRS or not used:
        return params
    gamma = compute_gamma(PairContext(features, a, b), definitions)
    pats, counts = patterns(gamma)
    # The person comparisons start from the global u (they tell one person from two); the home ones
    # from "says nothing" (u = m): starting them at the global u would call every household one person
    # at once and never leave it.
    est_u = [u[j].astype(np.float64).copy() if c in person else np.maximum(m[j].astype(np.float64), U_FLOOR)
             for c, j in zip(used, jj)]
    est_m = [m[j].astype(np.float64).copy() for j in jj]
    share = 0.5
    w = counts.astype(np.float64)

    def blend(mass: np.ndarray, prior: np.ndarray) -> np.ndarray:
        # the global u as PRIOR_PAIRS pseudo-pairs: a few co-holders who are different people move it
        # little (FEBRL: an id shared only through a typo), many decide it (family emails, landlines).
        # (m stays the model's: freed as well, EM let one person's records pass for a household.)
        mass = mass.copy()
        mass[0] = 0.0
        out = (mass + PRIOR_PAIRS * prior) / (mass.sum() + PRIOR_PAIRS * prior[1:].sum())
        out[0] = 0.0
        return out

    for _ in range(iterations):
        logit = np.full(len(pats), np.log2(share / (1 - share)))
        for t, j in enumerate(jj):
            table = np.log2(np.maximum(est_m[t], 1e-300) / np.maximum(est_u[t], U_FLOOR))
            table[0] = 0.0
            logit += table[pats[:, j]]
        r = 1.0 / (1.0 + np.exp2(-np.clip(logit, -1000, 1000)))
        new_share = min(max(float((w * r).sum() / w.sum()), 1e-4), 1 - 1e-4)
        delta = abs(new_share - share)
        for t, j in enumerate(jj):
            nu = blend(np.bincount(pats[:, j], weights=w * (1 - r), minlength=len(u[j])), u[j])
            delta = max(delta, float(np.abs(nu - est_u[t]).max()))
            est_u[t] = nu
        share = new_share
        if delta < tolerance:
            break
    return params.model_copy(update={"probability": float(f"{share:.6g}"), "weight": weights(est_m, est_u)})


@dataclass
class PeopleWeights:
    """For pairs of records: the probability that each is one person, whether they are two people, and
    the levels against it (for those that are)."""

    probability: np.ndarray
    different: np.ndarray
    against: list[list[str]]


def weigh_people(model: Model, features: FeatureTable, a: np.ndarray, b: np.ndarray,
                 below: float = 0.5) -> PeopleWeights:
    """Weigh pairs (record positions ``a``, ``b``) as the guard weighs co-holders. A pair is two people
    when its probability is under ``below`` and at least one field disagrees outright (its comparison's
    last level): partial agreement alone never parts two records. A level such as "nickname" can weigh
    against one person where the data hardly shows it among matches (EM saw few: the records that use
    nicknames carry little else), and then "Grete" and "Margarete" on one email would pass for two
    people with nothing that differs."""
    co = model.co_holder
    if co is None or not co.weight or not len(a):
        return PeopleWeights(np.ones(len(a)), np.zeros(len(a), dtype=bool), [[] for _ in range(len(a))])
    # Only the comparisons the co-holder weights name (a person's fields, not the identifiers they hold)
    definitions = [c for c in model.definitions() if c.name in co.weight]
    gamma = compute_gamma(PairContext(features, a, b), definitions)
    names = [c.name for c in definitions]
    levels = np.zeros(gamma.shape, dtype=np.float64)
    for c, table in co.weight.items():
        j = names.index(c)
        levels[:, j] = np.asarray(table, dtype=np.float64)[gamma[:, j]]
    used = [names.index(c) for c in co.weight]
    weight = levels[:, used].sum(axis=1, dtype=np.float64)
    prior = np.log2(co.probability / (1.0 - co.probability))
    probability = 1.0 / (1.0 + np.exp2(-(prior + weight)))
    disagrees = np.zeros(len(a), dtype=bool)
    for j in used:
        disagrees |= gamma[:, j] == len(definitions[j].levels) - 1
    different = (probability < below) & disagrees
    by_name = {c.name: c for c in model.comparisons}
    labels = {j: [lv.label for lv in by_name[names[j]].levels] for j in used}
    against: list[list[str]] = [[] for _ in range(len(a))]
    for k in np.flatnonzero(different):
        against[k] = [f"{names[j]} {labels[j][gamma[k, j]]}" for j in used if gamma[k, j] != 0 and levels[k, j] < 0]
    return PeopleWeights(probability, different, against)
