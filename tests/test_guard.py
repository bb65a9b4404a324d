"""The over-merge guard on its own: cases as data, one identifier and the records that hold it."""

from __future__ import annotations

import polars as pl
import pytest

from idgraph.ingest.guard import evaluate


def members(*people: tuple[str, str | None, str | None], kind="phone", value="+441234567890") -> pl.DataFrame:
    return pl.DataFrame(
        [{"kind": kind, "value": value, "shared": False, "uid": f"crm:{i}", "first_name": first, "last_name": "x",
          "dob": dob} for i, (first, dob) in enumerate(people)],
        schema={"kind": pl.Utf8, "value": pl.Utf8, "shared": pl.Boolean, "uid": pl.Utf8, "first_name": pl.Utf8,
                "last_name": pl.Utf8, "dob": pl.Utf8})


@pytest.mark.parametrize("people, shared, why", [
    ([("robert", "1980-02-03"), ("bob", "1980-02-03")], False, None),  # nickname
    ([("robert", "1980-02-03"), ("r", None)], False, None),  # initial
    ([("katherine", None), ("katharine", None)], False, None),  # typo
    ([("kim", None), ("kimberley", None)], False, None),  # short form
    ([("anna", "1980-02-03"), ("anna", "1980-03-02")], False, None),  # day/month swapped
    ([("anna", "1980-02-03"), ("anna", "1981-02-03")], False, None),  # one part differs: a typo
    ([("anna", "1980-02-03"), (None, "1995-07-01")], True, "dates of birth"),
    ([("tom", "2001-04-04"), ("lucy", "2003-09-09")], True, "first names"),
    ([("tom", "2001-04-04"), ("tim", "2001-04-04")], True, "first names"),  # twins
    ([(None, None), ("tom", "2001-04-04")], False, None),  # nothing to compare
])
def test_conflicts(people, shared, why):
    verdict = evaluate(members(*people), max_customers=10).row(0, named=True)
    assert verdict["shared"] is shared
    assert (why is None and verdict["reason"] is None) or why in verdict["reason"]


def test_too_many_customers_even_without_conflict():
    verdict = evaluate(members(*[("sam", None)] * 11), max_customers=10).row(0, named=True)
    assert verdict["shared"] and "11 customer records (more than 10)" in verdict["reason"]
    assert not evaluate(members(*[("sam", None)] * 10), max_customers=10)["shared"].item()


def test_conflict_check_can_be_turned_off():
    verdict = evaluate(members(("tom", None), ("lucy", None)), max_customers=10, check_conflicts=False)
    assert not verdict["shared"].item()
