"""The over-merge guard on its own: one identifier and the records that hold it, cases as data.

With a model the guard weighs the holders (names, date of birth; the address only as co-holders tell
it); without one (too few records to train) a plain rule stands in. Both are pinned here, and the wide
net that keeps the training data clean.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from idgraph.ingest.guard import ModelJudge, RuleJudge, evaluate, holder_pairs, suspect_identifiers
from idgraph.ingest.matcher import MatchSettings, Model, Prior, records_frame
from idgraph.ingest.matcher import comparisons as lib
from idgraph.ingest.matcher.model import CoHolderParams


def members(*people: tuple[str | None, str | None], kind="phone", value="+441234567890", source="crm") -> pl.DataFrame:
    return pl.DataFrame(
        [{"kind": kind, "value": value, "shared": False, "uid": f"{source}:{i}", "first_name": first, "last_name": "x",
          "dob": dob} for i, (first, dob) in enumerate(people)],
        schema={"kind": pl.Utf8, "value": pl.Utf8, "shared": pl.Boolean, "uid": pl.Utf8, "first_name": pl.Utf8,
                "last_name": pl.Utf8, "dob": pl.Utf8})


def model(share: float = 0.9) -> Model:
    """A small hand-made model: given name, surname and date of birth, with round m and u."""
    comps = [lib.first_name(), lib.last_name(), lib.dob()]
    m, u = [], []
    for c in comps:
        k = len(c.levels)
        mc = np.array([0.0, 0.9, *[0.09 / (k - 3)] * (k - 3), 0.01])
        uc = np.array([0.0, 0.01, *[0.01 / (k - 3)] * (k - 3), 0.98])
        m.append(mc)
        u.append(uc)
    built = Model.build(comps, m, u, [[""] * len(c.levels) for c in comps],
                        Prior(probability=1e-4, records=10_000, matches_per_record=1.0), MatchSettings().thresholds, {})
    built.co_holder = CoHolderParams(probability=share, pairs=1000, comparisons=["first_name", "last_name", "dob"],
                                     weight={c.name: [lv.weight for lv in c.levels] for c in built.comparisons})
    return built


def judged(people: list[tuple[str | None, str | None]], **kw) -> dict:
    found = members(*people)
    frame = records_frame([{"uid": f"crm:{i}", "first_name": f, "last_name": "x", "dob": d}
                           for i, (f, d) in enumerate(people)])
    return evaluate(found, max_customers=10, judge=ModelJudge(model(), frame), **kw).row(0, named=True)


@pytest.mark.parametrize("people, shared", [
    ([("robert", "1980-02-03"), ("bob", "1980-02-03")], False),  # nickname
    ([("isabella", None), ("bella", None)], False),  # a nickname of the maintained table
    ([("leo", "1990-05-06"), ("lko", "1990-05-06")], False),  # a typo, and the birthday agrees
    ([("marisabel", None), ("isabel", None)], False),  # a short form no table has
    ([("anna", "1980-02-03"), ("anna", "1981-02-03")], False),  # one part of the date differs: a typo
    ([("tom", "2001-04-04"), ("lucy", "2003-09-09")], True),  # two people
    ([("anna", "1970-02-03"), ("maria", "1995-07-01")], True),  # a mother and her daughter
    ([(None, None), ("tom", "2001-04-04")], False),  # nothing to compare
])
def test_model_weighs_every_field(people, shared):
    verdict = judged(people)
    assert verdict["shared"] is shared
    if shared:
        assert "look like different people" in verdict["reason"] and "crm:0" in verdict["reason"]


def test_partial_agreement_alone_never_parts_two_holders():
    """A level that agrees in part can weigh against one person where the data hardly shows it among
    matches; without a field that disagrees outright the holders are still one person."""
    built = model(share=0.5)
    nickname = [lv.label for lv in built.comparisons[0].levels].index("nickname")
    built.co_holder.weight["first_name"][nickname] = -6.0
    people = [("margarete", None), ("grete", None)]
    frame = records_frame([{"uid": f"crm:{i}", "first_name": f, "last_name": "x", "dob": d}
                           for i, (f, d) in enumerate(people)])
    verdict = evaluate(members(*people), max_customers=10, judge=ModelJudge(built, frame)).row(0, named=True)
    assert verdict["shared"] is False
    people = [("margarete", "1950-01-02"), ("grete", "1990-07-08")]  # and the birthdays differ
    frame = records_frame([{"uid": f"crm:{i}", "first_name": f, "last_name": "x", "dob": d}
                           for i, (f, d) in enumerate(people)])
    verdict = evaluate(members(*people), max_customers=10, judge=ModelJudge(built, frame)).row(0, named=True)
    assert verdict["shared"] is True and "dob else" in verdict["reason"]


def test_one_odd_holder_shares_the_identifier():
    verdict = judged([("mary", "1970-01-01"), ("mary", "1970-01-01"), ("john", "1968-05-05")])
    assert verdict["shared"] and "crm:2" in verdict["reason"]


@pytest.mark.parametrize("people, shared", [
    ([("robert", "1980-02-03"), ("bob", "1980-02-03")], False),  # nickname
    ([("robert", "1980-02-03"), ("r", None)], False),  # initial
    ([("katherine", None), ("katharine", None)], False),  # typo
    ([("kim", "1980-02-03"), ("kimberley", "1991-02-03")], False),  # short form
    ([("tom", "2001-04-04"), ("lucy", "2003-09-09")], True),  # names and birthdays differ
    ([("tom", "2001-04-04"), ("lucy", "2001-04-04")], False),  # twins: the rule alone cannot tell
    ([("anna", "1980-02-03"), (None, "1995-07-01")], True),  # one field differs, nothing agrees
    ([("anna", "1980-02-03"), ("anna", "1995-07-01")], False),  # the names agree: a typo in the year?
    ([("tom", None), ("lucy", None)], True),
])
def test_rule_without_a_model_needs_one_field_against_and_none_for(people, shared):
    verdict = evaluate(members(*people), max_customers=10).row(0, named=True)
    assert verdict["shared"] is shared
    assert (verdict["reason"] is None) is (not shared)


def test_too_many_customers_even_without_conflict():
    verdict = evaluate(members(*[("sam", None)] * 11), max_customers=10).row(0, named=True)
    assert verdict["shared"] and "11 customer records (more than 10)" in verdict["reason"]
    assert not evaluate(members(*[("sam", None)] * 10), max_customers=10)["shared"].item()


def test_conflict_check_can_be_turned_off():
    verdict = evaluate(members(("tom", "2001-04-04"), ("lucy", "2003-09-09")), max_customers=10,
                       check_conflicts=False)
    assert not verdict["shared"].item()


def test_min_probability_is_the_line():
    people = [("tom", "2001-04-04"), ("lucy", "2001-04-04")]  # the date of birth against the name
    strict = judged(people, min_probability=0.999)
    lenient = judged(people, min_probability=0.001)
    assert strict["shared"] and not lenient["shared"]


def test_holder_pairs_leave_crowded_identifiers_out():
    crowded = members(*[("sam", None)] * 4, value="kiosk")
    pair = members(("a", None), ("b", None), value="home")
    pairs = holder_pairs(pl.concat([crowded, pair]), max_customers=3)
    assert pairs.select("value", "uid", "uid_b").rows() == [("home", "crm:0", "crm:1")]


def test_the_wide_net_for_training_catches_any_one_difference():
    found = pl.concat([
        members(("tom", "2001-04-04"), ("lucy", "2001-04-04"), value="twins", source="a"),
        members(("anna", "1980-02-03"), ("anna", "1995-07-01"), value="mother", source="b"),
        members(("robert", "1980-02-03"), ("bob", "1980-02-03"), value="one", source="c"),
        members(*[("sam", None)] * 12, value="kiosk", source="d"),
    ])
    caught = set(suspect_identifiers(found, max_customers=10)["value"])
    assert caught == {"twins", "mother", "kiosk"}


def test_rule_judge_reason_names_both_fields():
    pairs = holder_pairs(members(("tom", "2001-04-04"), ("lucy", "2003-09-09")), 10)
    probability, why = RuleJudge(members(("tom", "2001-04-04"), ("lucy", "2003-09-09")))(pairs)
    assert probability.tolist() == [0.0]
    assert "first names (tom / lucy)" in why[0]


class _NoReads:
    """A store that must not be read: the judge takes the frame it was given."""

    def __init__(self, frame: pl.DataFrame | None = None):
        self.frame, self.asked = frame, []

    def customers_frame(self, uids=None, **_):
        if self.frame is None:
            raise AssertionError("read the store although the caller's frame held every holder")
        self.asked.append(uids)
        return self.frame.filter(pl.col("uid").is_in(uids))


def test_the_judge_takes_a_frame_the_caller_read_when_it_holds_every_holder_else_reads_them():
    from types import SimpleNamespace

    from idgraph.ingest.jobs.guard import judge_for

    people = [("tom", "2001-04-04"), ("lucy", "2003-09-09"), ("tom", "2001-04-04")]
    frame = records_frame([{"uid": f"crm:{i}", "first_name": f, "last_name": "x", "dob": d}
                           for i, (f, d) in enumerate(people)])
    mapping = SimpleNamespace(frame_columns=lambda: {}, guard=SimpleNamespace(min_probability=0.5))
    found = members(*people[:2])
    given = judge_for(_NoReads(), mapping, model(), found, read=frame)  # holds crm:0 and crm:1, and more
    store = _NoReads(frame)
    read = judge_for(store, mapping, model(), found, read=frame.filter(pl.col("uid") != "crm:1"))
    assert store.asked == [["crm:0", "crm:1"]]  # crm:1 was missing from the caller's frame
    assert given.frame["uid"].to_list() == read.frame["uid"].to_list() == ["crm:0", "crm:1"]
    pairs = holder_pairs(found, 10)
    assert given(pairs)[0].tolist() == read(pairs)[0].tolist() and given(pairs)[0][0] < 0.5
