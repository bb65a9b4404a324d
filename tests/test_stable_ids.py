"""Stable ids as a pure function: cases as data (components before and after, expected ids)."""

from __future__ import annotations

import polars as pl
import pytest

from idgraph.graph.stable_ids import assign, mint


def run(after: dict[str, int], before: dict[str, str | None], profile_seq: dict[str, int], taken=frozenset()):
    uids = sorted(after)
    comp = pl.DataFrame({"uid": uids, "component": [after[u] for u in uids]})
    prev = pl.DataFrame({"uid": uids, "seq": [int(u[1:]) for u in uids], "profile_id": [before.get(u) for u in uids]},
                        schema={"uid": pl.Utf8, "seq": pl.Int64, "profile_id": pl.Utf8})
    profiles = pl.DataFrame({"profile_id": list(profile_seq), "seq": list(profile_seq.values()),
                             "status": ["active"] * len(profile_seq)},
                            schema={"profile_id": pl.Utf8, "seq": pl.Int64, "status": pl.Utf8})
    members, rows, retired = assign(comp, prev, profiles, 100, lambda ids: set(ids) & set(taken))
    return dict(members.select("uid", "profile_id").iter_rows()), rows, retired


def test_new_components_get_ids_minted_from_their_smallest_uid():
    ids, rows, retired = run({"u1": 0, "u2": 0, "u3": 1}, {}, {})
    assert ids == {"u1": mint("u1"), "u2": mint("u1"), "u3": mint("u3")}
    assert rows["is_new"].all() and retired.is_empty()
    assert sorted(rows["seq"].to_list()) == [100, 101]


def test_unchanged_component_keeps_its_id():
    ids, rows, retired = run({"u1": 7, "u2": 7}, {"u1": "PA", "u2": "PA"}, {"PA": 1})
    assert ids == {"u1": "PA", "u2": "PA"} and not rows["is_new"].any() and retired.is_empty()


def test_merge_keeps_the_older_id_and_records_the_other_as_merged_into_it():
    ids, rows, retired = run({"u1": 0, "u2": 0, "u3": 0}, {"u1": "PNEW", "u2": "POLD", "u3": "POLD"},
                             {"PNEW": 5, "POLD": 2})
    assert set(ids.values()) == {"POLD"}
    assert retired.rows() == [("PNEW", "POLD")]
    assert rows["merged_from"].to_list() == [["PNEW"]]


def test_merge_keeps_the_older_id_even_when_it_has_fewer_records():
    ids, _, retired = run({"u1": 0, "u2": 0, "u3": 0}, {"u1": "POLD", "u2": "PNEW", "u3": "PNEW"},
                          {"PNEW": 5, "POLD": 2})
    assert set(ids.values()) == {"POLD"} and retired.rows() == [("PNEW", "POLD")]


@pytest.mark.parametrize("after, keeper", [
    ({"u1": 0, "u2": 1, "u3": 1}, "u2"),  # the side with most records keeps the id
    ({"u1": 0, "u2": 0, "u3": 1}, "u1"),
    ({"u1": 0, "u2": 1}, "u1"),  # a tie: the side with the oldest record
    ({"u1": 1, "u2": 0}, "u1"),
])
def test_split_keeps_the_id_on_the_larger_side_ties_to_the_oldest_record(after, keeper):
    before = {u: "PA" for u in after}
    ids, rows, retired = run(after, before, {"PA": 1})
    assert ids[keeper] == "PA" and retired.is_empty()
    new = rows.filter(pl.col("is_new"))
    assert new.height == 1 and new["split_from"].to_list() == ["PA"]
    assert all(ids[u] != "PA" for u in after if after[u] != after[keeper])


def test_minted_id_already_taken_is_minted_again_deterministically():
    ids, _, _ = run({"u1": 0}, {}, {}, taken={mint("u1")})
    assert ids["u1"] == mint("u1", 1) != mint("u1")
