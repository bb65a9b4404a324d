"""Blocking that fits the data it meets: each rule's pairs counted before they are made.

A rule of the default catalogue (``settings.DEFAULT_RULES``) names the columns it needs; a rule whose
columns hold no value in this data is left out ("no data"). For the others the pairs a rule would make
are counted from its block sizes alone (a sort of the block keys, never a pair), as Splink's blocking
analysis does. A rule over the budget (``pairs_per_record`` x records, never less than ``min_pairs``)
is tightened with its next group of ``tighten`` keys (``surname`` -> ``surname + first_name.initial``)
until it fits; a rule that still does not fit is dropped. Every decision is reported.

The decision is taken on the whole frame even for an incremental run, so that a batch is blocked with
the same rules as a full relink of the same data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .blocking import PARALLEL_RECORDS, block_keys
from .features import FeatureTable
from .settings import BlockingRule, MatchSettings
from .threads import map_ordered


@dataclass
class PlannedRule:
    """One rule's fate: ``kept`` as written, ``tightened`` (``rule`` holds the keys it runs with),
    ``dropped`` (over the budget with nothing left to tighten) or ``no data`` (a column it needs is empty)."""

    name: str
    asked: list[str]
    decision: str
    estimated_pairs: int
    rule: BlockingRule | None = None
    reason: str = ""
    tried: list[dict] = field(default_factory=list)  # [{keys, pairs}] in the order they were counted

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "asked": self.asked,
            "keys": None if self.rule is None else list(self.rule.keys),
            "decision": self.decision,
            "estimated_pairs": self.estimated_pairs,
            "reason": self.reason,
            "tried": self.tried,
        }


def estimate_pairs(features: FeatureTable, rule: BlockingRule, max_block_size: int) -> int:
    """The pairs ``rule`` would make (before the dedupe across rules), from block sizes only."""
    cap = rule.max_block_size or max_block_size
    if rule.match:
        return _estimate_cross(features, rule, cap)
    rec, key, _ = block_keys(features, rule.keys)
    if not len(key):
        return 0
    blocks, inverse, sizes = np.unique(key, return_inverse=True, return_counts=True)
    live = sizes <= cap
    if not rule.one_side_lacks:
        c = sizes[live].astype(np.int64)
        return int((c * (c - 1) // 2).sum())
    # Pairs with at least one record lacking every one of the columns: each such record pairs with the
    # rest of its block, less the pairs of two such records, which that counts twice.
    lacks = np.ones(features.n, dtype=bool)
    for col in rule.one_side_lacks:
        lacks &= ~features.get(col).present()
    left = np.bincount(inverse.reshape(-1), weights=lacks[rec].astype(np.float64), minlength=len(blocks))
    left = left.astype(np.int64)[live]
    c = sizes[live].astype(np.int64)
    return int((left * (c - 1) - left * (left - 1) // 2).sum())


def _estimate_cross(features: FeatureTable, rule: BlockingRule, cap: int) -> int:
    from .blocking import rule_pairs

    a, _, _ = rule_pairs(features, rule, cap)
    return len(a)


def _available(features: FeatureTable, rule: BlockingRule) -> str | None:
    """Why the rule cannot block this data (a key it needs has no value in any record), or None."""
    for name in [*rule.keys, *(rule.match or [])]:
        if name not in features:
            return f"no column {name.split('.', 1)[0]!r} in the records"
        try:
            present = features.get(name).present()
        except (KeyError, ValueError) as exc:
            return str(exc)
        if not present.any():
            return f"{name} has no value in any record"
    return None


def plan_rules(
    features: FeatureTable,
    rules: list[BlockingRule],
    *,
    max_block_size: int,
    pairs_per_record: float,
    min_pairs: int,
) -> list[PlannedRule]:
    """Decide, for each rule in order, whether it runs as written, tightened, or not at all."""
    budget = max(int(min_pairs), int(pairs_per_record * features.n))

    def plan(rule: BlockingRule) -> PlannedRule:
        why = _available(features, rule)
        if why is not None:
            return PlannedRule(rule.name, list(rule.keys), "no data", 0, reason=why)
        keys = list(rule.keys)
        pending = [list(group) for group in rule.tighten]
        current = rule
        pairs = estimate_pairs(features, current, max_block_size)
        tried = [{"keys": list(keys), "pairs": pairs}]
        while pairs > budget and pending:
            group = [k for k in pending.pop(0) if k not in keys]
            if not group or _available(features, BlockingRule(keys=group)) is not None:
                continue
            keys = keys + group
            current = rule.model_copy(update={"keys": keys, "tighten": []})
            pairs = estimate_pairs(features, current, max_block_size)
            tried.append({"keys": list(keys), "pairs": pairs})
        if pairs > budget:
            return PlannedRule(
                rule.name, list(rule.keys), "dropped", pairs, tried=tried,
                reason=f"would make {pairs:,} pairs, over the budget of {budget:,} "
                       "(raise matching.blocking.pairs_per_record or add keys to the rule)")
        decision = "kept" if keys == list(rule.keys) else "tightened"
        reason = "" if decision == "kept" else (
            f"{'+'.join(rule.keys)} would make {tried[0]['pairs']:,} pairs, over the budget of {budget:,}")
        return PlannedRule(rule.name, list(rule.keys), decision, pairs, rule=current, reason=reason, tried=tried)

    # Each rule is planned on its own (the budget is per rule), so side by side on a large table.
    return map_ordered(plan, rules, parallel=features.n >= PARALLEL_RECORDS)


def rules_to_run(planned: list[PlannedRule]) -> list[BlockingRule]:
    return [p.rule for p in planned if p.rule is not None]


def plan_blocking(features: FeatureTable, settings: MatchSettings) -> list[PlannedRule]:
    """The settings' rules planned against this data."""
    b = settings.blocking
    return plan_rules(features, b.rules, max_block_size=b.max_block_size, pairs_per_record=b.pairs_per_record,
                      min_pairs=b.min_pairs)
