"""The store contract, run against every store (the `store` fixture is parametrised by store).

Cases go through the real jobs (ingest, resolve) on small hand-made sources, so each store is checked on
what the product does with it, not on its internals.
"""

from __future__ import annotations

import polars as pl
import pytest

from idgraph.graph.record_frames import customer_frame, interaction_frame
from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow, WriteCounts
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.queries.profile import profile_identifiers
from tests.helpers import linked_up_to_now, person, small_project, to_link


def profiles_of(store) -> set[frozenset[str]]:
    """The partition of customer records into profiles, ids left out."""
    groups: dict[str, set[str]] = {}
    for kind, source, record_id, pid in store.bulk("records"):
        if kind == "customer":
            groups.setdefault(pid, set()).add(f"{source}:{record_id}")
    return {frozenset(g) for g in groups.values()}


def ids_by_record(store) -> dict[str, str]:
    return {f"{s}:{r}": p for k, s, r, p in store.bulk("records") if k == "customer"}


def run(store, mapping_path):
    mapping = load_mapping(mapping_path)
    return ingest(store, mapping), resolve(store, mapping), mapping


CRM = [
    person("1", "Robert", "Smith", "bob@post.co.uk", "07700 900001", "1980-02-03", "SW1A 1AA"),
    person("2", "Bob", "Smith", "BOB@post.co.uk ", "", "1980-02-03", "SW1A 1AA"),
    person("3", "Alice", "Jones", "alice@mail.co.uk", "+44 7700 900003", "1990-05-06", "E1 6AN"),
    person("4", "Alice", "Jones", "", "07700900003", "1990-05-06", "E1 6AN"),
    person("5", "Carol", "White", "carol@mail.co.uk", "", "1970-01-01", "N1 9GU"),
]


def test_identifiers_join_records_and_every_record_gets_one_profile(store, tmp_path):
    ingested, resolved, _ = run(store, small_project(tmp_path, CRM))
    assert ingested.total("stored") == 5 and ingested.balanced
    assert profiles_of(store) == {frozenset({"crm:1", "crm:2"}), frozenset({"crm:3", "crm:4"}), frozenset({"crm:5"})}
    assert resolved.profiles_written == 3
    assert store.stats()["customers_to_resolve"] == 0


def test_reingest_and_resolve_change_nothing(store, tmp_path):
    path = small_project(tmp_path, CRM)
    run(store, path)
    before_stats, before_ids = store.stats(), ids_by_record(store)
    again, resolved, _ = run(store, path)
    assert again.total("new") == 0 and again.total("updated") == 0 and again.total("unchanged") == 5
    assert resolved.scope == "none"
    assert store.stats() == before_stats and ids_by_record(store) == before_ids


def test_same_input_gives_same_ids_in_a_fresh_store(store, tmp_path):
    from idgraph.graph.sqlite_store import SQLiteStore

    path = small_project(tmp_path, CRM)
    run(store, path)
    other = SQLiteStore(tmp_path / "other.db")
    other.init()
    run(other, path)
    assert ids_by_record(other) == ids_by_record(store)


def test_new_record_that_bridges_two_profiles_keeps_the_older_id(store, tmp_path):
    path = small_project(tmp_path, CRM[:4])
    run(store, path)
    old = ids_by_record(store)
    older, newer = sorted([old["crm:1"], old["crm:3"]], key=lambda p: store.profile(p)["seq"])
    bridge = person("9", "", "", "bob@post.co.uk", "07700 900003")  # names nothing that conflicts
    path = small_project(tmp_path, CRM[:4] + [bridge])
    _, resolved, _ = run(store, path)
    assert resolved.scope == "incremental"
    now = ids_by_record(store)
    assert len(set(now.values())) == 1 and set(now.values()) == {older}
    merged = store.profile(newer)
    assert merged["status"] == "merged" and merged["merged_into"] == older
    assert resolved.profiles_merged == 1


def test_unchanged_profiles_keep_their_ids_when_others_change(store, tmp_path):
    run(store, small_project(tmp_path, CRM))
    before = ids_by_record(store)
    extra = person("6", "Dan", "Brown", "dan@mail.co.uk")
    run(store, small_project(tmp_path, CRM + [extra]))
    after = ids_by_record(store)
    assert {k: after[k] for k in before} == before
    assert after["crm:6"] not in before.values()


def test_changed_record_that_drops_its_shared_email_splits_its_profile(store, tmp_path):
    run(store, small_project(tmp_path, CRM))
    before = ids_by_record(store)
    moved = [dict(r) for r in CRM]
    moved[1]["email"] = "bobby@elsewhere.org"  # crm:2 no longer shares anything with crm:1
    _, resolved, _ = run(store, small_project(tmp_path, moved))
    after = ids_by_record(store)
    assert after["crm:1"] != after["crm:2"]
    assert resolved.profiles_split == 1
    # the side with the oldest record keeps the id on a tie of sizes
    assert after["crm:1"] == before["crm:1"]
    assert store.profile(after["crm:2"])["split_from"] == before["crm:1"]


def test_login_ties_device_and_anonymous_events_follow_it(store, tmp_path):
    web = [
        {"event_id": "e1", "ts": "2024-03-01T10:00:00Z", "cookie": "dev-A", "event": "page_view"},
        {"event_id": "e2", "ts": "2024-03-01T10:05:00Z", "cookie": "dev-A", "event": "login", "user_id": "5"},
        {"event_id": "e3", "ts": "2024-03-02T09:00:00Z", "cookie": "dev-A", "event": "purchase"},
        {"event_id": "e4", "ts": "2024-03-02T09:00:00Z", "cookie": "dev-B", "event": "page_view"},
    ]
    run(store, small_project(tmp_path, CRM, web))
    pid = ids_by_record(store)["crm:5"]
    attributed = {f"{s}:{r}": p for k, s, r, p in store.bulk("records") if k == "interaction"}
    assert attributed == {"web:e1": pid, "web:e2": pid, "web:e3": pid, "web:e4": None}
    timeline = [e["source_id"] for e in store.profile_interactions(pid)]
    assert timeline == ["e1", "e2", "e3"]
    assert store.profile(pid)["interaction_count"] == 3


def test_kiosk_device_used_by_many_logins_merges_nobody(store, tmp_path):
    crm = [person(str(i), f"Name{i}", f"Family{i}", f"p{i}@mail.co.uk") for i in range(15)]
    web = [{"event_id": f"k{i}", "ts": "2024-03-01T10:00:00Z", "cookie": "kiosk-1", "event": "login",
            "user_id": str(i)} for i in range(15)]
    _, resolved, _ = run(store, small_project(tmp_path, crm, web))
    assert len(profiles_of(store)) == 15
    members = store.identifier_members(None)
    assert members.filter(pl.col("value") == "kiosk-1")["shared"].all()
    assert resolved.identifiers_marked_shared >= 1


def test_siblings_sharing_a_landline_stay_two_profiles(store, tmp_path):
    crm = [person("1", "Tom", "Hart", "tom@mail.co.uk", "020 7946 0001", "2001-04-04"),
           person("2", "Lucy", "Hart", "lucy@mail.co.uk", "020 7946 0001", "2003-09-09")]
    run(store, small_project(tmp_path, crm))
    assert profiles_of(store) == {frozenset({"crm:1"}), frozenset({"crm:2"})}
    idents = {i["value"]: i for i in profile_identifiers(store, ids_by_record(store)["crm:1"])}
    assert idents["+442079460001"]["shared"] and "first names" in idents["+442079460001"]["shared_reason"]


def test_golden_record_follows_survivorship(store, tmp_path):
    crm = [person("1", "Robert", "Smith", "bob@post.co.uk", "", "1980-02-03", "SW1A 1AA", "2020-01-01T00:00:00Z"),
           person("2", "Robert", "Smyth", "bob@post.co.uk", "", "1980-02-03", "E1 6AN", "2023-01-01T00:00:00Z"),
           person("3", "Bob", "Smith", "bob@post.co.uk", "", "", "", "2021-01-01T00:00:00Z")]
    run(store, small_project(tmp_path, crm))
    p = store.profile(ids_by_record(store)["crm:1"])
    assert p["first_name"] == "robert"  # most frequent
    assert p["last_name"] == "smyth"  # most recent
    assert p["postcode"] == "E1 6AN"  # most recent non-empty
    assert p["email"] == "bob@post.co.uk" and p["customer_count"] == 3


def test_write_customers_counts_and_is_atomic(store):
    row = CustomerRow(uid="crm:1", source="crm", source_id="1", first_name="a", row_hash="h1",
                      identifiers=[("email", "a@b.co")])
    assert store.write_customers([row], "t1").inserted == 1
    assert store.write_customers([row], "t2").unchanged == 1
    changed = CustomerRow(uid="crm:1", source="crm", source_id="1", first_name="b", row_hash="h2")
    assert store.write_customers([changed], "t3").updated == 1
    broken = CustomerRow(uid="crm:2", source="crm", source_id="2", first_name=object(), row_hash="h3")  # cannot be stored
    good = CustomerRow(uid="crm:3", source="crm", source_id="3", row_hash="h4")
    with pytest.raises(Exception):
        store.write_customers([good, broken], "t4")
    assert store.stats()["customers"] == 1  # neither row of the failed batch is there


def test_records_written_as_frames_count_and_tie_as_records_do(store):
    a = CustomerRow(uid="crm:1", source="crm", source_id="1", first_name="ann", row_hash="h1",
                    identifiers=[("email", "ann@x.co"), ("phone", "+447700900001")], attributes={"tier": "gold"})
    b = CustomerRow(uid="crm:2", source="crm", source_id="2", row_hash="h2")
    assert store.write_customer_frame(customer_frame([a, b]), "t1") == WriteCounts(inserted=2)
    moved = CustomerRow(uid="crm:1", source="crm", source_id="1", first_name="ann", row_hash="h3",
                        identifiers=[("email", "ann@y.co")])
    assert store.write_customer_frame(customer_frame([b, moved]), "t2") == WriteCounts(updated=1, unchanged=1)
    login = InteractionRow(uid="web:e1", source="web", source_id="e1", at="2024-01-01T00:00:00Z", type="login",
                           customer_ref="crm:2", row_hash="e1", identifiers=[("device", "d-9")])
    view = InteractionRow(uid="web:e2", source="web", source_id="e2", at="2024-01-01T00:01:00Z", row_hash="e2")
    assert store.write_interaction_frame(interaction_frame([login, view]), "t3") == WriteCounts(inserted=2)
    assert store.write_interaction_frame(interaction_frame([view]), "t4") == WriteCounts(unchanged=1)
    held = {(r["uid"], r["kind"], r["value"]) for r in store.customer_identifiers(["crm:1", "crm:2"])}
    # the changed record's old identifiers went with its old version; the login tied its device
    assert held == {("crm:1", "email", "ann@y.co"), ("crm:2", "device", "d-9")}
    assert {c["uid"] for c in store.find_customers("device", "d-9")} == {"crm:2"}
    assert store.customers_frame(["crm:1"])["first_name"].to_list() == ["ann"]


def test_has_suppression_says_whether_any_entry_exists(store):
    store.salt()  # the salt is no entry
    assert store.has_suppression() is False
    store.add_suppression([("0" * 64, "email")], "2024-05-01T00:00:00Z")
    assert store.has_suppression() is True


def test_links_replace_and_feed_components(store, tmp_path):
    run(store, small_project(tmp_path, CRM))
    linked_up_to_now(store)
    assert to_link(store) == []
    store.replace_links([LinkRow("crm:1", "crm:5", 0.99, "{}", "probable"),
                         LinkRow("crm:3", "crm:5", 0.5, "{}", "review")], None)
    assert [(l.a_uid, l.b_uid) for l in store.links("review")] == [("crm:3", "crm:5")]
    resolve(store, load_mapping(tmp_path / "idgraph.yaml"))
    assert frozenset({"crm:1", "crm:2", "crm:5"}) in profiles_of(store)
    store.delete_link("crm:5", "crm:1")
    resolve(store, load_mapping(tmp_path / "idgraph.yaml"))
    assert frozenset({"crm:5"}) in profiles_of(store)


def test_a_link_to_a_record_the_store_no_longer_holds_is_not_written(store, tmp_path):
    # the link job scored records that an erasure may have taken since: their links are dropped, the rest kept
    run(store, small_project(tmp_path, CRM))
    store.replace_links([LinkRow("crm:1", "crm:3", 0.91, "{}", "probable"),
                         LinkRow("crm:1", "crm:gone", 0.99, "{}", "probable"),
                         LinkRow("crm:gone", "crm:5", 0.5, "{}", "review"),
                         LinkRow("crm:3", "crm:5", 0.6, "{}", "review")], None)
    assert sorted((l.a_uid, l.b_uid, l.kind) for l in store.links()) == [
        ("crm:1", "crm:3", "probable"), ("crm:3", "crm:5", "review")]
    store.replace_links([], ["crm:3"])
    assert store.links() == []


def test_customers_frame_leaves_shared_identifiers_out(store, tmp_path):
    crm = [person("1", "Tom", "Hart", "tom@mail.co.uk", "020 7946 0001", "2001-04-04"),
           person("2", "Lucy", "Hart", "lucy@mail.co.uk", "020 7946 0001", "2003-09-09")]
    run(store, small_project(tmp_path, crm))
    frame = store.customers_frame(["crm:1"])
    assert frame["uid"].to_list() == ["crm:1"]
    assert frame["emails"].to_list() == [["tom@mail.co.uk"]] and frame["phones"].to_list() == [[]]


def test_find_customers_by_identifier_and_record(store, tmp_path):
    run(store, small_project(tmp_path, CRM))
    assert [c["uid"] for c in store.find_customers("email", "bob@post.co.uk")] == ["crm:1", "crm:2"]
    assert [c["uid"] for c in store.find_customers("record", "crm:5")] == ["crm:5"]
    assert store.find_customers("phone", "+449999") == []


def test_record_profiles_names_the_profile_of_customers_and_events(store, tmp_path):
    web = [{"event_id": "e1", "ts": "2024-03-01T10:05:00Z", "cookie": "dev-A", "event": "login", "user_id": "5"},
           {"event_id": "e2", "ts": "2024-03-01T10:06:00Z", "cookie": "dev-nobody", "event": "page_view"}]
    run(store, small_project(tmp_path, CRM, web))
    ids = ids_by_record(store)
    assert store.record_profiles(["crm:1", "crm:5", "web:e1", "web:e2", "crm:404"]) == {
        "crm:1": ids["crm:1"], "crm:5": ids["crm:5"], "web:e1": ids["crm:5"], "web:e2": None}
    assert store.record_profiles([]) == {}


def test_new_anonymous_event_on_a_known_device_is_attributed(store, tmp_path):
    web = [{"event_id": "e1", "ts": "2024-03-01T10:05:00Z", "cookie": "dev-A", "event": "login", "user_id": "5"}]
    run(store, small_project(tmp_path, CRM, web))
    pid = ids_by_record(store)["crm:5"]
    later = web + [{"event_id": "e2", "ts": "2024-03-03T10:00:00Z", "cookie": "dev-A", "event": "page_view"}]
    _, resolved, _ = run(store, small_project(tmp_path, CRM, later))
    assert resolved.scope == "attribution" and resolved.interactions_attributed == 1
    attributed = {f"{s}:{r}": p for k, s, r, p in store.bulk("records") if k == "interaction"}
    assert attributed == {"web:e1": pid, "web:e2": pid}
    assert store.profile(pid)["interaction_count"] == 2


def test_relinking_one_record_keeps_its_partners_other_links(store, tmp_path):
    run(store, small_project(tmp_path, CRM))
    store.replace_links([LinkRow("crm:1", "crm:3", 0.99, "{}", "probable"),
                         LinkRow("crm:3", "crm:5", 0.99, "{}", "probable")], None)
    store.replace_links([], ["crm:1"])
    assert [(l.a_uid, l.b_uid) for l in store.links("probable")] == [("crm:3", "crm:5")]


# -- declared identifier kinds and attributes (ingest/declared.py) -------------------------------------
def ann(**kw) -> dict:
    return {"id": "1", "first": "Ann", "last": "Lee", "email": "ann@lee.co", "ssn": "123-45-6780", "sex": "F ",
            "title": "Professor", "street_no": "12", "street": "High Street", **kw}


BANK_ANN = {"acct": "B1", "first": "Ann", "last": "Lee", "national_id": "123 45 6780", "loyalty": " gold-77 "}


def test_a_declared_identifier_joins_records_of_two_sources(store, tmp_path):
    from idgraph.queries.explain import explain
    from tests.helpers import declared_project

    run(store, declared_project(tmp_path, [ann(), ann(id="2", first="Bob", last="Ray", email="bob@ray.co",
                                                      ssn="987-65-4321")], [BANK_ANN]))
    assert profiles_of(store) == {frozenset({"crm:1", "bank:B1"}), frozenset({"crm:2"})}
    pid = ids_by_record(store)["crm:1"]
    idents = {(i["kind"], i["value"]): i for i in profile_identifiers(store, pid)}
    assert set(idents) == {("email", "ann@lee.co"), ("national_id", "123456780"), ("loyalty_number", "GOLD-77")}
    national = idents[("national_id", "123456780")]
    assert set(national["customers"].split()) == {"bank:B1", "crm:1"} and not national["shared"]
    assert [c["uid"] for c in store.find_customers("national_id", "123456780")] == ["bank:B1", "crm:1"]
    assert store.find_customers("national_id", "123-45-6780") == []  # lookups take the normalised value
    (step,) = explain(store, "crm:1", "bank:B1").steps
    assert step.kind == "identifier" and step.evidence == "shared national_id 123456780"
    assert step.identifier == "national_id:123456780"
    stats = store.stats()
    assert stats["identifiers"] == 5 and stats["emails"] == 2 and stats["shared_identifiers"] == 0


def test_a_declared_identifier_held_by_too_many_records_is_shared_and_stops_linking(store, tmp_path):
    from tests.helpers import declared_project

    # four records (max_customers is 3) with one national id and nothing else in common
    crm = [ann(id=str(i), first="Sam", last=f"Ray{i}", email=f"s{i}@ray.co", ssn="555 444 333") for i in range(3)]
    bank = [{"acct": "B9", "first": "Sam", "last": "Ray9", "national_id": "555-444-333"}]
    _, resolved, _ = run(store, declared_project(tmp_path, crm, bank))
    assert len(profiles_of(store)) == 4 and resolved.identifiers_marked_shared == 1
    members = store.identifier_members(None).filter(pl.col("kind") == "national_id")
    assert members["value"].unique().to_list() == ["555444333"] and members["shared"].all() and members.height == 4
    (row,) = [i for i in profile_identifiers(store, ids_by_record(store)["bank:B9"]) if i["kind"] == "national_id"]
    assert row["shared"] and row["shared_reason"] == "held by 4 customer records (more than 3)"
    frame = store.customers_frame(identifier_kinds=["national_id"])
    assert frame["national_id"].to_list() == [[]] * 4  # a shared identifier is no evidence for the matcher
    assert store.stats()["shared_identifiers"] == 1


def test_an_interaction_carrying_a_declared_identifier_is_attributed(store, tmp_path):
    from tests.helpers import declared_project

    calls = [{"call_id": "c1", "at": "2024-03-01T10:00:00Z", "ssn": "123.45.6780"},
             {"call_id": "c2", "at": "2024-03-02T10:00:00Z", "account": "Gold-77 "},
             {"call_id": "c3", "at": "2024-03-03T10:00:00Z", "ssn": "999 99 9999"}]
    run(store, declared_project(tmp_path, [ann()], [BANK_ANN], calls))
    pid = ids_by_record(store)["crm:1"]
    attributed = {f"{s}:{r}": p for k, s, r, p in store.bulk("records") if k == "interaction"}
    assert attributed == {"calls:c1": pid, "calls:c2": pid, "calls:c3": None}
    assert [e["source_id"] for e in store.profile_interactions(pid)] == ["c1", "c2"]
    assert store.profile(pid)["interaction_count"] == 2
    assert store.stats()["identifiers"] == 4  # the email, the national id, the loyalty number, 999999999


def test_attributes_round_trip_and_change_on_update(store, tmp_path):
    from tests.helpers import declared_project
    from tests.test_forget import stored_values

    path = declared_project(tmp_path, [ann(), ann(id="2", first="Bob", email="bob@ray.co", ssn="", sex="", title="")])
    run(store, path)
    members = {m["uid"]: m for m in store.profile_members(ids_by_record(store)["crm:1"])}
    assert members["crm:1"]["attributes"] == {"gender": "f", "title": "professor"}
    assert store.profile_members(ids_by_record(store)["crm:2"])[0]["attributes"] == {}
    assert "professor" in stored_values(store)
    # the title goes, the gender changes: the removed attribute disappears from the store
    ingested, _, _ = run(store, declared_project(tmp_path, [ann(sex="M", title=""),
                                                            ann(id="2", first="Bob", email="bob@ray.co", ssn="",
                                                                sex="", title="")]))
    assert ingested.total("updated") == 1 and ingested.total("unchanged") == 1
    assert store.profile_members(ids_by_record(store)["crm:1"])[0]["attributes"] == {"gender": "m"}
    assert "professor" not in stored_values(store)
    frame = store.customers_frame(attributes=["gender", "title"])
    assert frame.select("uid", "gender", "title").rows() == [("crm:1", "m", None), ("crm:2", None, None)]
    again, _, _ = run(store, declared_project(tmp_path, [ann(sex=" m", title=""),
                                                         ann(id="2", first="Bob", email="bob@ray.co", ssn="",
                                                             sex="", title="")]))
    assert again.total("unchanged") == 2  # " m" and "M" are one value


def test_customers_frame_adds_declared_kinds_and_attributes(store, tmp_path):
    from idgraph.graph.store import CUSTOMER_COLUMNS
    from tests.helpers import declared_project

    bank = [BANK_ANN, {"acct": "B2", "first": "Ann", "last": "Lee", "national_id": "123456780", "loyalty": "zz 1"},
            {"acct": "B3", "first": "Ann", "last": "Lee", "national_id": "765432100", "loyalty": "AA 2"}]
    run(store, declared_project(tmp_path, [ann()], bank))
    plain = store.customers_frame(["crm:1"])
    assert plain.columns == list(CUSTOMER_COLUMNS)
    frame = store.customers_frame(identifier_kinds=("national_id", "loyalty_number"), attributes=("title", "gender"))
    assert frame.columns == [*CUSTOMER_COLUMNS, "national_id", "loyalty_number", "title", "gender"]
    assert frame.schema["national_id"] == pl.List(pl.Utf8) and frame.schema["gender"] == pl.Utf8
    rows = {r["uid"]: r for r in frame.to_dicts()}
    assert rows["crm:1"]["national_id"] == ["123456780"] and rows["crm:1"]["loyalty_number"] == []
    assert rows["bank:B2"]["loyalty_number"] == ["ZZ1"] and rows["bank:B3"]["national_id"] == ["765432100"]
    assert (rows["crm:1"]["title"], rows["crm:1"]["gender"]) == ("professor", "f")
    assert rows["bank:B1"]["gender"] is None and rows["bank:B1"]["emails"] == []
    assert store.customers_frame(["bank:B2"], identifier_kinds=["national_id"])["national_id"].to_list() == [
        ["123456780"]]
    with pytest.raises(ValueError, match="two columns"):
        store.customers_frame(attributes=["emails"])


def test_an_old_embedded_store_file_gets_the_attributes_column_on_open(tmp_path):
    import sqlite3

    from idgraph.graph.sqlite_store import SQLiteStore

    path = small_project(tmp_path, CRM)
    with SQLiteStore(tmp_path / "old.db") as old:
        old.init()
        run(old, path)
    with sqlite3.connect(tmp_path / "old.db") as db:  # a file made before attributes existed
        db.execute("ALTER TABLE customer DROP COLUMN attributes")
    with SQLiteStore(tmp_path / "old.db") as store:
        store.init()
        store.init()  # idempotent
        again, resolved, _ = run(store, path)
        assert again.total("unchanged") == 5 and resolved.scope == "none"  # the same hashes as before
        assert all(m["attributes"] == {} for m in store.profile_members(ids_by_record(store)["crm:1"]))
        store.write_customers([CustomerRow(uid="crm:9", source="crm", source_id="9", row_hash="h",
                                           attributes={"tier": "gold"})], "t")
        assert store.customers_frame(["crm:9"], attributes=["tier"])["tier"].to_list() == ["gold"]


def test_expired_traits_are_stale_under_every_stamp_and_keep_their_values(store, tmp_path):
    """expire_traits: the profiles' traits (and those of a profile without any) are stale under the current
    stamp and found first by the refresh; their values stay until computed again."""
    from datetime import date

    from idgraph.graph import traits
    from idgraph.ingest.jobs.traits import stamp_of

    _, _, mapping = run(store, small_project(tmp_path, CRM, traits={"as_of": "2026-03-01"}))
    current = stamp_of(mapping, date(2026, 3, 1))
    active = store.active_profiles()
    before = store.profile_traits(active[1])
    assert before and not store.traits_stale(current)
    empty = traits.compute(store.profile_events([]), [], mapping.traits, date(2026, 3, 1))
    store.write_traits(empty, current, [active[2]])  # no traits at all
    store.expire_traits([active[2], active[1]])
    assert store.traits_stale(current) and store.stale_trait_count(current) == 2
    assert sorted(store.stale_trait_profiles(current, 10)) == sorted([active[1], active[2]])
    assert store.profile_traits(active[1]) == before and store.profile_traits(active[2]) == {}
    store.write_traits(traits.compute(store.profile_events(active[1:]), active[1:], mapping.traits,
                                      date(2026, 3, 1)), current, [])
    assert not store.traits_stale(current) and store.stale_trait_count(current) == 0


def test_stale_traits_are_found_by_stamp_and_counted(store, tmp_path):
    """stale_trait_profiles / stale_trait_count: profiles under another stamp, then those without traits
    (by id), at most `limit`, the same answer twice; retired profiles never."""
    from datetime import date

    from idgraph.graph import traits
    from idgraph.ingest.jobs.traits import stamp_of

    _, _, mapping = run(store, small_project(tmp_path, CRM, traits={"as_of": "2026-03-01"}))
    current, other = stamp_of(mapping, date(2026, 3, 1)), stamp_of(mapping, date(2026, 3, 2))
    active = store.active_profiles()
    assert len(active) == 3 and store.stale_trait_count(current) == 0 and store.stale_trait_profiles(current, 10) == []
    assert store.stale_trait_count(other) == 3
    first = store.stale_trait_profiles(other, 2)
    assert len(set(first)) == 2 and set(first) <= set(active) and store.stale_trait_profiles(other, 2) == first
    assert sorted(store.stale_trait_profiles(other, 10)) == active
    # a profile without traits (cleared) is stale under every stamp, after those under another stamp
    empty = traits.compute(store.profile_events([]), [], mapping.traits, date(2026, 3, 1))
    store.write_traits(empty, current, [active[2], active[0]])
    assert store.stale_trait_profiles(current, 10) == [active[0], active[2]]
    assert store.stale_trait_profiles(current, 1) == [active[0]] and store.stale_trait_count(current) == 2
    store.write_traits(traits.compute(store.profile_events([active[0]]), [active[0]], mapping.traits,
                                      date(2026, 3, 2)), other, [])
    assert store.stale_trait_profiles(current, 10) == [active[0], active[2]]  # another stamp, then missing
    assert store.stale_trait_count(current) == 2 and store.stale_trait_count(other) == 2
