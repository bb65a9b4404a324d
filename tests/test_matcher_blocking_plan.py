"""Blocking that fits the data: pairs counted before they are made, rules tightened, dropped or left out."""

from __future__ import annotations

import pytest

from idgraph.ingest.matcher import BlockingRule, FeatureTable, MatchSettings, plan_blocking, records_frame
from idgraph.ingest.matcher.blocking import rule_pairs
from idgraph.ingest.matcher.blocking_plan import estimate_pairs, plan_rules


def table(rows: list[dict]) -> FeatureTable:
    return FeatureTable(records_frame(rows))


PEOPLE = [
    {"first_name": "ann", "last_name": "lee", "dob": "1980-01-01", "postcode": "SW1A 1AA", "emails": ["ann@x.com"]},
    {"first_name": "ann", "last_name": "lee", "dob": "1980-01-01", "postcode": "SW1A 1AA"},
    {"first_name": "anne", "last_name": "lee", "dob": "1981-02-02", "postcode": "M1 1AA"},
    {"first_name": "bob", "last_name": "lee", "dob": "1980-01-01"},
    {"first_name": "bob", "emails": ["bob.lee@y.com"]},
    {"first_name": "cat", "last_name": "smith", "postcode": "SW1A 1AA", "emails": ["cat@x.com", "cat@z.com"]},
    {"first_name": "cat", "last_name": "smith", "emails": ["cat@w.com"]},
] * 3


@pytest.mark.parametrize("rule", [
    BlockingRule(keys=["last_name"]),
    BlockingRule(keys=["first_name", "dob"]),
    BlockingRule(keys=["postcode", "first_name.initial"]),
    BlockingRule(keys=["first_name", "surname"], one_side_lacks=["dob", "postcode"]),
    BlockingRule(keys=["first_name"], match=["last_name"]),
], ids=lambda r: r.name)
def test_the_count_is_the_pairs_the_rule_makes(rule):
    features = table(PEOPLE)
    a, _, _ = rule_pairs(features, rule, 300)
    assert estimate_pairs(features, rule, 300) == len(a)


@pytest.mark.parametrize("rule", [
    BlockingRule(keys=["emails.local"]),
    BlockingRule(keys=["first_name.nickname", "dob"]),
    BlockingRule(keys=["first_name.nickname", "surname"], one_side_lacks=["dob", "postcode"]),
], ids=lambda r: r.name)
def test_with_several_values_a_record_the_count_is_an_upper_bound(rule):
    """A record with several values of a key (two emails, a name in two nickname groups) sits in several
    blocks; a pair found in several of them is counted each time but made once."""
    features = table(PEOPLE)
    a, _, _ = rule_pairs(features, rule, 300)
    assert len(a) <= estimate_pairs(features, rule, 300)


def test_oversized_blocks_are_not_counted():
    features = table([{"last_name": "smith"}] * 12 + [{"last_name": "jones"}] * 3)
    assert estimate_pairs(features, BlockingRule(keys=["last_name"]), 10) == 3


def test_a_rule_over_the_budget_is_tightened_then_dropped():
    rows = [{"last_name": "lee", "first_name": "abcde"[i % 5] + "nn", "dob": f"19{50 + i % 40}-01-01"}
            for i in range(200)]
    features = table(rows)
    tightened, dropped, kept = plan_rules(features, [
        BlockingRule(name="surname", keys=["last_name"], tighten=[["first_name.initial"], ["dob.year"]]),
        BlockingRule(name="surname_only", keys=["last_name"]),
        BlockingRule(name="given_year", keys=["first_name", "dob.year"]),
    ], max_block_size=1000, pairs_per_record=2.5, min_pairs=0)
    assert tightened.decision == "tightened"
    assert tightened.rule.keys == ["last_name", "first_name.initial", "dob.year"]
    # 200 records; 5 initials of 40; then 40 initial-and-year blocks of 5
    assert [t["pairs"] for t in tightened.tried] == [200 * 199 // 2, 5 * (40 * 39 // 2), 40 * (5 * 4 // 2)]
    assert tightened.estimated_pairs == 400 and "over the budget of 500" in tightened.reason
    assert dropped.decision == "dropped" and dropped.rule is None and "pairs_per_record" in dropped.reason
    assert kept.decision == "kept" and kept.rule.keys == ["first_name", "dob.year"]


def test_small_data_keeps_every_rule_under_the_floor():
    features = table([{"last_name": "lee"}] * 100)
    (planned,) = plan_rules(features, [BlockingRule(keys=["last_name"])], max_block_size=1000,
                            pairs_per_record=1.0, min_pairs=10_000)
    assert planned.decision == "kept" and planned.estimated_pairs == 4950


def test_a_rule_on_an_empty_column_is_left_out_with_its_reason():
    features = table([{"first_name": "ann", "last_name": "lee"}] * 3)
    planned = {p.name: p for p in plan_blocking(features, MatchSettings())}
    assert planned["email_local"].decision == "no data"
    assert "emails.local has no value in any record" in planned["email_local"].reason
    assert planned["surname"].decision == "kept"
    assert planned["given_dob"].decision == "no data"  # nobody has a date of birth


def test_the_plan_round_trips_through_the_settings():
    raw = {"blocking": {"pairs_per_record": 2.5, "min_pairs": 10, "rules": [
        {"name": "r", "keys": ["surname"], "tighten": [["first_name.initial"]]}]}}
    settings = MatchSettings.from_dict(raw)
    again = MatchSettings.from_dict(settings.to_dict())
    assert again.blocking.rules[0].tighten == [["first_name.initial"]]
    assert again.blocking.pairs_per_record == 2.5 and again.blocking.min_pairs == 10
