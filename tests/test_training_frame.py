"""The frame the model trains on: the guard's suspects taken out of the identifier lists."""

from __future__ import annotations

import polars as pl

from idgraph.ingest.jobs.model import without


def _frame() -> pl.DataFrame:
    return pl.DataFrame({
        "uid": ["a", "b", "c", "d"],
        "emails": [["x@y.com", "kiosk@shop.com"], ["kiosk@shop.com"], [], ["z@y.com"]],
        "phones": [["+441"], ["+442", "+440"], ["+440"], []],
    }, schema={"uid": pl.String, "emails": pl.List(pl.String), "phones": pl.List(pl.String)})


def test_suspects_leave_only_their_own_kind_and_rows_keep_their_order():
    suspects = pl.DataFrame({"kind": ["email", "phone", "email"],
                             "value": ["kiosk@shop.com", "+440", "+441"]})  # +441 as an email: no match
    out = without(_frame(), suspects)
    assert out["uid"].to_list() == ["a", "b", "c", "d"]
    assert out["emails"].to_list() == [["x@y.com"], [], [], ["z@y.com"]]
    assert out["phones"].to_list() == [["+441"], ["+442"], [], []]
    assert out.schema == _frame().schema


def test_no_suspects_is_the_same_frame():
    empty = pl.DataFrame({"kind": [], "value": []}, schema={"kind": pl.String, "value": pl.String})
    assert without(_frame(), empty).equals(_frame())
