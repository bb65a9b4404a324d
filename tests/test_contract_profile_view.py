"""The contract's `profile_view` (one read of everything a profile answer needs; on Neo4j one Cypher query),
on both stores: it gives what the store's separate reads give, and finds the profile as they do."""

from __future__ import annotations

from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.queries.profile import find_profile, show_profile
from tests.helpers import person, small_project
from tests.test_household_queries import project


def separate_reads(store, pid: str, limit: int | None) -> dict:
    """What profile_view should hold for `pid`, read one read at a time."""
    members = store.profile_members(pid)
    return {"profile": store.profile(pid), "members": members,
            "identifiers": store.customer_identifiers(sorted(m["uid"] for m in members)),
            "interactions": store.profile_interactions(pid, limit), "traits": store.profile_traits(pid),
            "households": [store.household(h) for h in store.profile_households(pid)]}


def test_profile_view_is_the_separate_reads_with_households_and_traits(store, tmp_path):
    mapping = project(tmp_path)
    ingest(store, mapping)
    resolve(store, mapping)
    pid = {c: store.find_customers("record", f"crm:{c}")[0]["profile_id"] for c in ("A1", "B1", "C1")}
    for c, p in pid.items():
        for limit in (None, 1):
            expected = separate_reads(store, p, limit)
            assert store.profile_view("profile", p, limit) == {"found": [], **expected}
            assert store.profile_view("record", f"crm:{c}", limit) == {
                "found": [{"uid": f"crm:{c}", "profile_id": p}], **expected}
    ann = store.profile_view("email", "ann@lee.co", None)
    assert ann["found"] == [{"uid": "crm:A1", "profile_id": pid["A1"]}]
    assert [i["uid"] for i in ann["interactions"]] == ["events:e1", "events:e3"]
    assert len(store.profile_view("email", "ann@lee.co", 1)["interactions"]) == 1
    (household,) = ann["households"]
    assert [m["profile_id"] for m in household["members"]] == sorted([pid["A1"], pid["B1"]])
    assert household["evidence"] == ["dwelling"] and household["status"] == "active"
    assert store.profile_view("phone", "+447700900303", None)["traits"]["calls_30d"] == 2
    assert {i["kind"] for i in ann["identifiers"]} == {"device", "email", "phone"}  # a login ties its device


def test_profile_view_finds_no_profile_where_the_separate_reads_find_none(store, tmp_path):
    crm = [person("1", "Tom", "Hart", "tom@mail.co.uk", "020 7946 0001", "2001-04-04"),
           person("2", "Lucy", "Hart", "lucy@mail.co.uk", "020 7946 0001", "2003-09-09")]
    mapping_path = small_project(tmp_path, crm)
    ingest(store, load_mapping(mapping_path))
    unresolved = store.profile_view("email", "tom@mail.co.uk", None)
    assert unresolved["found"] == [{"uid": "crm:1", "profile_id": None}] and unresolved["profile"] is None
    resolve(store, load_mapping(mapping_path))
    shared = store.profile_view("phone", "+442079460001", None)  # a landline of two profiles: whose?
    assert [c["uid"] for c in shared["found"]] == ["crm:1", "crm:2"] and shared["profile"] is None
    assert shared == {"found": shared["found"], "profile": None, "members": [], "identifiers": [],
                      "interactions": [], "traits": {}, "households": []}
    assert store.profile_view("record", "crm:404", None)["found"] == []
    assert store.profile_view("profile", "P-nobody", None)["profile"] is None


def test_a_found_profile_answers_as_show_does(store, tmp_path):
    mapping = project(tmp_path)
    ingest(store, mapping)
    resolve(store, mapping)
    view = find_profile(store, mapping, "email", " Ann@Lee.co ")
    assert view.asked_for == "email ann@lee.co"
    assert view.model_dump() == show_profile(store, view.profile_id, "email ann@lee.co").model_dump()
    assert [h.members[0]["profile_id"] for h in view.households] == [min(m["profile_id"] for m in
                                                                          view.households[0].members)]
