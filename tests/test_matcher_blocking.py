"""Blocking: pairs within blocks, dedupe across rules, block caps reported, incremental runs, near-linearity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from idgraph.ingest.matcher import BlockingRule, FeatureTable, MatchSettings, candidate_pairs, records_frame
from idgraph.ingest.matcher.blocking import random_pairs, rule_pairs


def frame(rows: list[dict]):
    return FeatureTable(records_frame(rows))


def pairs_of(a: np.ndarray, b: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(a.tolist(), b.tolist()))


def test_all_pairs_within_each_block() -> None:
    rows = [{"last_name": "smith"}] * 4 + [{"last_name": "jones"}] * 3 + [{"last_name": "patel"}, {}]
    a, b, stats = rule_pairs(frame(rows), BlockingRule(keys=["last_name"]), 100)
    assert len(a) == 6 + 3  # C(4,2) + C(3,2); a block of one and a record without a key make none
    assert pairs_of(a, b) == {(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3), (4, 5), (4, 6), (5, 6)}
    assert (a < b).all()
    assert stats.blocks == 2


def test_list_keys_block_on_any_value_once() -> None:
    rows = [
        {"emails": ["a@x.com", "b@y.com"]},
        {"emails": ["a@z.com", "b@w.com"]},  # shares both local parts with record 0: still one pair
        {"emails": ["c@x.com"]},
    ]
    a, b, _ = rule_pairs(frame(rows), BlockingRule(keys=["emails.local"]), 100)
    assert pairs_of(a, b) == {(0, 1)}


def test_composite_keys() -> None:
    rows = [
        {"last_name": "smith", "dob": "1980-01-02"},
        {"last_name": "smyth", "dob": "1980-05-06"},
        {"last_name": "smith", "dob": "1981-01-02"},
    ]
    a, b, _ = rule_pairs(frame(rows), BlockingRule(keys=["last_name.metaphone", "dob.year"]), 100)
    assert pairs_of(a, b) == {(0, 1)}


def test_oversized_block_is_skipped_and_reported() -> None:
    rows = [{"last_name": "smith", "first_name": f"x{i}"} for i in range(12)] + [{"last_name": "jones"}] * 2
    a, b, stats = rule_pairs(frame(rows), BlockingRule(keys=["last_name"]), 10)
    assert pairs_of(a, b) == {(12, 13)}
    assert stats.skipped_blocks == 1 and stats.skipped_records == 12
    assert stats.largest_skipped[0].size == 12 and stats.largest_skipped[0].example == "smith"


def test_rule_cap_overrides_the_default() -> None:
    rows = [{"last_name": "smith"}] * 5
    _, _, stats = rule_pairs(frame(rows), BlockingRule(keys=["last_name"], max_block_size=4), 100)
    assert stats.skipped_blocks == 1


def test_match_rule_pairs_across_two_features() -> None:
    rows = [{"first_name": "smith", "last_name": "bob"}, {"first_name": "bob", "last_name": "smith"},
            {"first_name": "ann", "last_name": "lee"}]
    a, b, _ = rule_pairs(frame(rows), BlockingRule(keys=["first_name"], match=["last_name"]), 100)
    assert pairs_of(a, b) == {(0, 1)}


def test_one_side_lacks_pairs_only_with_sparse_records() -> None:
    rows = [
        {"first_name": "ann", "last_name": "lee", "dob": "1980-01-01", "postcode": "SW1A 1AA"},
        {"first_name": "ann", "last_name": "lee", "dob": "1990-01-01", "postcode": "M1 1AA"},
        {"first_name": "ann", "emails": ["ann.lee@x.com"]},  # surname from the email, nothing else
        {"first_name": "annie", "last_name": "lee"},
    ]
    rule = BlockingRule(keys=["first_name.nickname", "surname"], one_side_lacks=["dob", "postcode"])
    a, b, stats = rule_pairs(frame(rows), rule, 100)
    # 0-1 both have a dob and a postcode: left to the other rules
    assert pairs_of(a, b) == {(0, 2), (1, 2), (0, 3), (1, 3), (2, 3)}
    assert stats.pairs == 5


def test_pairs_are_deduplicated_across_rules_and_credited_to_the_first() -> None:
    rows = [
        {"last_name": "smith", "postcode": "SW1A 1AA"},
        {"last_name": "smith", "postcode": "SW1A 1AA"},
        {"last_name": "jones", "postcode": "SW1A 1AA"},
    ]
    rules = [BlockingRule(name="surname", keys=["last_name"]), BlockingRule(name="postcode", keys=["postcode"])]
    cand = candidate_pairs(frame(rows), rules, 100)
    assert pairs_of(cand.a, cand.b) == {(0, 1), (0, 2), (1, 2)}
    by_name = {s.name: s for s in cand.stats}
    assert by_name["surname"].pairs == 1 and by_name["surname"].new_pairs == 1
    assert by_name["postcode"].pairs == 3 and by_name["postcode"].new_pairs == 2
    assert sum(s.new_pairs for s in cand.stats) == len(cand)
    assert cand.rule.tolist() == [0, 1, 1]


def test_incremental_pairs_touch_a_new_record() -> None:
    rows = [{"last_name": "smith"}] * 5
    new = np.array([False, False, True, False, True])
    cand = candidate_pairs(frame(rows), [BlockingRule(keys=["last_name"])], 100, new)
    got = pairs_of(cand.a, cand.b)
    assert got == {(i, j) for i in range(5) for j in range(i + 1, 5) if new[i] or new[j]}
    assert len(got) == 10 - 3  # all pairs but those among the three old records


def test_incremental_skips_blocks_without_new_records() -> None:
    rows = [{"last_name": "smith"}] * 3 + [{"last_name": "jones"}] * 2
    new = np.array([False, False, False, True, False])
    cand = candidate_pairs(frame(rows), [BlockingRule(keys=["last_name"])], 100, new)
    assert pairs_of(cand.a, cand.b) == {(3, 4)}


def test_random_pairs_are_distinct_records() -> None:
    a, b = random_pairs(10, 5000, seed=1)
    assert (a != b).all() and a.min() >= 0 and b.max() < 10


def test_planned_default_rules_grow_near_linearly(tmp_path: Path) -> None:
    """Twice the people, about twice the candidate pairs (not four times): the planner tightens a rule
    that would make more than its budget of pairs per record (here with no small-data floor)."""
    from idgraph.lab import synthetic
    from idgraph.ingest.matcher import plan_blocking, rules_to_run

    counts = []
    settings = MatchSettings.from_dict({"blocking": {"pairs_per_record": 2, "min_pairs": 0}})
    for people in (1500, 3000):
        frame_ = _customers(synthetic, tmp_path / str(people), people)
        features = FeatureTable(frame_)
        planned = plan_blocking(features, settings)
        assert all(p.estimated_pairs <= 2 * frame_.height for p in planned if p.rule is not None)
        cand = candidate_pairs(features, rules_to_run(planned), settings.blocking.max_block_size)
        counts.append(len(cand) / frame_.height)
    assert counts[1] < counts[0] * 1.6, counts


def _customers(synthetic, folder: Path, people: int):
    """The customers frame of generated data, through the real ingest and store."""
    from idgraph.graph.stores import open_store
    from idgraph.ingest.jobs.ingest import ingest
    from idgraph.ingest.mapping import load_mapping

    gen = synthetic.generate(folder, people=people, seed=11)
    mapping = load_mapping(gen.mapping_path)
    store = open_store(mapping, "embedded")
    try:
        ingest(store, mapping)
        return store.customers_frame()
    finally:
        store.close()
