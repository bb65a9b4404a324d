"""Households and traits: the pure rules on small cases, then on generated data on both stores: the same
households and ids on each, every trait equal to a brute-force count over the events, an incremental
run equal to a whole one, and household accuracy against the generator's truth.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
import yaml

from idgraph.graph import households, traits
from idgraph.graph.errors import MappingError
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.ingest.profile_settings import BUILT_IN_TRAITS, Traits
from idgraph.queries.truth import RECORD_SCHEMA, evaluate_household_members, evaluate_households
from idgraph.lab.synthetic import generate


# -- households: the rules ------------------------------------------------------------------------------
def _evidence(rows: dict[str, list[str]]) -> pl.DataFrame:
    return pl.DataFrame([(p, k) for k, ps in rows.items() for p in ps], schema=households.EVIDENCE_SCHEMA,
                        orient="row")


def _groups(found: pl.DataFrame) -> set[tuple[str, ...]]:
    return {tuple(sorted(m)) for m in found.group_by("household").agg(pl.col("profile_id"))["profile_id"].to_list()}


def test_a_person_with_two_homes_is_in_two_households():
    ev = _evidence({"dwelling:A1|1 high st": ["P1", "P2", "P3"], "phone:+441": ["P1", "P2"],
                    "dwelling:B2|9 low rd": ["P3", "P4"], "email:solo@x": ["P5"]})
    assert _groups(households.find(ev, 8)) == {("P1", "P2", "P3"), ("P3", "P4")}


def test_evidence_held_by_more_than_the_cap_makes_no_household_and_no_household_exceeds_it():
    ev = _evidence({"phone:+44kiosk": [f"P{i}" for i in range(9)], "dwelling:A1|1 high st": ["P1", "P2"]})
    assert _groups(households.find(ev, 8)) == {("P1", "P2")}
    # keys that chain past the cap fall back to one household per key
    chain = _evidence({"k:1": ["P1", "P2", "P3"], "k:2": ["P2", "P3", "P4"], "k:3": ["P3", "P4", "P5"]})
    assert _groups(households.find(chain, 4)) == {("P1", "P2", "P3"), ("P2", "P3", "P4"), ("P3", "P4", "P5")}
    assert _groups(households.find(chain, 5)) == {("P1", "P2", "P3", "P4", "P5")}


def test_a_building_shared_by_two_households_keeps_them_apart_and_a_house_still_joins():
    building = "dwelling:D1|7 bergstrasse"
    ev = _evidence({building: ["P1", "P2", "P3", "P4", "P5"], "surname_postcode:D1|lang": ["P1", "P2"],
                    "phone:+4930": ["P3", "P4"],  # another family's landline in the same building
                    "dwelling:D2|3 elm rd": ["P6", "P7", "P8"], "email:family@x": ["P6", "P7"]})
    # P5 (no other evidence) could live with either family: the building's line places nobody with it;
    # at 3 elm rd one family and a partner with another surname: a house, the line joins all three
    assert _groups(households.find(ev, 8)) == {("P1", "P2"), ("P3", "P4"), ("P6", "P7", "P8")}
    kinds = households.find(ev, 8).filter(pl.col("profile_id") == "P1")["evidence"].to_list()
    assert kinds == [["dwelling", "surname_postcode"]]  # the line still counts for each family's own part
    # two people alone at one line are a couple as before: nothing says it is a building; three who
    # share nothing but the line are three flats
    assert _groups(households.find(_evidence({building: ["P1", "P2"]}), 8)) == {("P1", "P2")}
    assert households.find(_evidence({building: ["P1", "P2", "P3"]}), 8).is_empty()
    with_family = _evidence({building: ["P1", "P2", "P3"], "phone:+4930": ["P1", "P2"]})
    assert _groups(households.find(with_family, 8)) == {("P1", "P2", "P3")}  # a family and one more


def test_one_address_line_written_several_ways_is_one_dwelling():
    ev = _evidence({"dwelling:40413|kastanienallee 56": ["P1"], "dwelling:40413|56 kastanienallee": ["P2"],
                    "dwelling:13000|feldstr 16": ["P3"], "dwelling:13000|16 feldstrasse": ["P4"],
                    "dwelling:13000|16 birkenweg": ["P5"], "dwelling:13000|18 feldstrasse": ["P6"],
                    "phone:+4930": ["P5", "P6"]})
    keys = dict(households.canonical(ev).filter(pl.col("key").str.starts_with("dwelling:")).iter_rows())
    assert keys["P1"] == keys["P2"] == "dwelling:40413|56|kas" and keys["P3"] == keys["P4"]
    # another street or another number at the postcode is another dwelling; identifiers stay as they are
    assert len({keys["P3"], keys["P5"], keys["P6"]}) == 3
    assert households.canonical(ev).filter(pl.col("key") == "phone:+4930").height == 2
    assert _groups(households.find(households.canonical(ev), 8)) == {("P1", "P2"), ("P3", "P4"), ("P5", "P6")}


def test_a_flat_line_places_its_holder_in_the_flat_not_with_the_building():
    """P1 wrote the building's bare line once and its flat once; P2 and P3 live in the building without a
    flat on record. P1 belongs with P4 in flat 14, not with P2 and P3."""
    ev = households.canonical(_evidence({
        "dwelling:13014|35 rue de la paix": ["P1", "P2", "P3"], "surname_postcode:13014|haycliffe": ["P2", "P3"],
        "dwelling:13014|apt 14 35 r de la paix": ["P1", "P4"]}))
    assert households.vaguer_lines(ev).rows() == [("P1", "dwelling:13014|35|pai")]
    assert _groups(households.find(ev, 8)) == {("P1", "P4"), ("P2", "P3")}
    # the bare line still counts toward the cap: two bare holders and a third with its flat are not two
    # holders under a cap of two
    capped = households.canonical(_evidence({"dwelling:13014|35 rue de la paix": ["P1", "P2", "P3"],
                                             "dwelling:13014|apt 14 35 r de la paix": ["P1", "P4"]}))
    assert _groups(households.find(capped, 2)) == {("P1", "P4")}
    # a line of another street or with other numbers is not vaguer
    apart = households.canonical(_evidence({"dwelling:13014|35 rue de la paix": ["P1"],
                                            "dwelling:13014|apt 14 37 rue de la paix": ["P1"],
                                            "dwelling:13014|apt 14 35 bd de la mer": ["P1"]}))
    assert households.vaguer_lines(apart).is_empty()


def test_household_ids_follow_the_lineage_rules_of_profiles():
    first = households.find(_evidence({"k:1": ["P1", "P2"], "k:2": ["P3", "P4"]}), 8)
    empty = pl.DataFrame(schema=households.MEMBER_SCHEMA)
    members, rows, retired = households.assign(first, empty, 1, lambda ids: set())
    assert rows["is_new"].all() and retired.is_empty() and all(h.startswith("H") for h in rows["household_id"])
    before = members.join(rows.select("household_id", "seq"), on="household_id").with_columns(
        pl.lit("active").alias("status")).select(list(households.MEMBER_SCHEMA))
    # the two households join (a shared landline): the older id survives, the other is merged into it
    joined = households.find(_evidence({"k:1": ["P1", "P2"], "k:2": ["P3", "P4"], "k:3": ["P1", "P2", "P3", "P4"]}), 8)
    m2, r2, ret2 = households.assign(joined, before, 3, lambda ids: set(rows["household_id"]) & set(ids))
    older = rows.sort("seq")["household_id"][0]
    assert r2["household_id"].to_list() == [older] and ret2["merged_into"].to_list() == [older]
    assert m2.height == 4
    # the same input again keeps every id
    m3, r3, ret3 = households.assign(first, before, 3, lambda ids: set())
    assert sorted(r3["household_id"]) == sorted(rows["household_id"]) and not r3["is_new"].any()
    assert ret3.is_empty() and m3.equals(members)


def test_a_profile_in_two_households_keeps_both_ids_on_a_second_pass():
    found = households.find(_evidence({"k:1": ["P1", "P2", "P3"], "k:2": ["P1", "P2", "P3"], "k:3": ["P1", "P2"]}
                                      | {"k:4": ["P1", "P4"], "k:5": ["P1", "P4"]}), 8)
    assert _groups(found) == {("P1", "P2", "P3"), ("P1", "P4")}
    # past the cap each key is its own household: one inside the others
    found = households.find(_evidence({"k:1": ["P1", "P2", "P3"], "k:2": ["P2", "P3", "P4"], "k:3": ["P2", "P3"]}), 3)
    assert _groups(found) == {("P1", "P2", "P3"), ("P2", "P3", "P4"), ("P2", "P3")}
    members, rows, _ = households.assign(found, pl.DataFrame(schema=households.MEMBER_SCHEMA), 1, lambda ids: set())
    before = members.join(rows.select("household_id", "seq"), on="household_id").with_columns(
        pl.lit("active").alias("status")).select(list(households.MEMBER_SCHEMA))
    for _ in range(2):
        again, rows2, retired = households.assign(found, before, 3, lambda ids: set(rows["household_id"]) & set(ids))
        assert again.equals(members) and not rows2["is_new"].any() and retired.is_empty()


def test_the_mapping_refuses_unknown_evidence_and_bad_traits(tmp_path):
    base = {"sources": {"crm": {"path": "c.csv", "id": "id", "fields": {"email": "e"}}}}

    def load(extra: dict):
        path = tmp_path / "m.yaml"
        path.write_text(yaml.safe_dump({**base, **extra}))
        return load_mapping(path)

    with pytest.raises(MappingError, match="unknown kind 'passport'"):
        load({"households": {"evidence": ["dwelling", "passport"]}})
    with pytest.raises(MappingError, match="window '90 days'"):
        load({"traits": {"define": {"p90": {"count": {"event_type": "purchase"}, "window": "90 days"}}}})
    with pytest.raises(MappingError, match="cannot filter on 'colour'"):
        load({"traits": {"define": {"p": {"count": {"colour": "red"}}}}})
    with pytest.raises(MappingError, match="sum takes one of the fields amount"):
        load({"traits": {"define": {"p": {"sum": "channel"}}}})
    with pytest.raises(MappingError, match="built-in trait or profile property"):
        load({"traits": {"define": {"orders": {"count": True}}}})
    with pytest.raises(MappingError, match="exactly one of count"):
        load({"traits": {"define": {"p": {"count": True, "sum": "amount"}}}})
    with pytest.raises(MappingError, match="as_of 'yesterday'"):
        load({"traits": {"as_of": "yesterday"}})
    spec = load({"traits": {"define": {"p": {"sum": "amount", "where": {"channel": ["web", "app"]},
                                             "window": "2w"}}}}).traits.define["p"]
    assert (spec.op, spec.field, spec.where, spec.window_days) == ("sum", "amount", {"channel": ["web", "app"]}, 14)


# -- traits: brute force -------------------------------------------------------------------------------------
def brute_force(events: list[dict], profile_ids: list[str], settings: Traits, as_of: date) -> dict[str, dict]:
    """Every trait by plain loops over the events, as graph/traits.py documents them."""
    out = {}
    for pid in profile_ids:
        mine = sorted((e for e in events if e["profile_id"] == pid), key=lambda e: (e["at"], e["uid"]))
        for e in mine:
            a = json.loads(e["attributes"]) if e["attributes"] else {}
            e["amount"] = float(a["amount"]) if a.get("amount") is not None else None
            e["currency"], e["order_id"] = a.get("currency"), a.get("order_id")
            e["days_before"] = (as_of - date.fromisoformat(e["at"][:10])).days
        channels = Counter(e["channel"] for e in mine if e["channel"] is not None)
        types = Counter(e["type"] for e in mine if e["type"] is not None)
        orders: dict[str, dict] = {}
        for e in mine:
            if e["amount"] is not None:
                orders.setdefault(e["order_id"] or e["uid"], e)
        recent = [o for o in orders.values() if 0 <= o["days_before"] < 365]
        last = max((o["at"] for o in orders.values()), default=None)
        row = {
            "first_seen": mine[0]["at"] if mine else None, "last_seen": mine[-1]["at"] if mine else None,
            "channels": sorted(channels) or None,
            "last_channel": ([e["channel"] for e in mine if e["channel"] is not None] or [None])[-1],
            "channel_counts": json.dumps(dict(sorted(channels.items()))) if channels else None,
            "event_types": sorted(types) or None,
            "type_counts": json.dumps(dict(sorted(types.items()))) if types else None,
            "orders": len(orders), "revenue": round(sum(o["amount"] for o in orders.values()), 4),
            "currencies": sorted({o["currency"] for o in orders.values() if o["currency"]}) or None,
            "last_purchase": last,
            "recency_days": (as_of - date.fromisoformat(last[:10])).days if last else None,
            "frequency": len(recent), "monetary": round(sum(o["amount"] for o in recent), 4),
            "traits_as_of": as_of.isoformat(),
        }
        for name, spec in settings.define.items():
            chosen = [e for e in mine if all(str(e[{"event_type": "type"}.get(f, f)]) in vs
                                             if e[{"event_type": "type"}.get(f, f)] is not None else False
                                             for f, vs in spec.where.items())]
            if spec.window_days is not None:
                chosen = [e for e in chosen if 0 <= e["days_before"] < spec.window_days]
            if spec.op == "count":
                row[name] = len(chosen)
                continue
            column = {"event_type": "type"}.get(spec.field, spec.field)
            values = [e[column] for e in chosen if e[column] is not None]
            if spec.op == "sum":
                row[name] = round(sum(values), 4)
            else:
                row[name] = {"min": min(values, default=None), "max": max(values, default=None),
                             "first": values[0] if values else None, "last": values[-1] if values else None}[spec.op]
        out[pid] = row
    return out


def _close(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) < 1e-6
    return a == b


def test_traits_match_a_brute_force_count_on_hand_made_events():
    settings = Traits(as_of="2024-06-30", define={
        "purchases_90d": {"count": {"event_type": "purchase"}, "window": "90d"},
        "web_revenue": {"sum": "amount", "where": {"channel": "web"}},
        "first_order": {"first": "order_id"}, "last_channel_called": {"last": "channel", "where": {"channel": "phone"}},
        "smallest": {"min": "amount"}, "latest_web": {"max": "at", "where": {"channel": ["web", "app"]}}})
    as_of = date(2024, 6, 30)
    day = lambda n: (as_of - timedelta(days=n)).isoformat() + "T10:00:00Z"  # noqa: E731
    money = lambda a, o, c="GBP": json.dumps({"amount": a, "currency": c, "order_id": o})  # noqa: E731
    events = [
        {"profile_id": "P1", "uid": "w:1", "source": "w", "at": day(400), "channel": "web", "type": "purchase",
         "attributes": money(10.0, "O1")},
        {"profile_id": "P1", "uid": "o:1", "source": "o", "at": day(399), "channel": "store", "type": "order",
         "attributes": money(10.0, "O1")},  # the same order from the order system: one order
        {"profile_id": "P1", "uid": "w:2", "source": "w", "at": day(30), "channel": "web", "type": "purchase",
         "attributes": money(25.5, "O2", "EUR")},
        {"profile_id": "P1", "uid": "t:1", "source": "t", "at": day(5), "channel": "phone", "type": "call",
         "attributes": None},
        {"profile_id": "P1", "uid": "w:3", "source": "w", "at": day(-3), "channel": "web", "type": "purchase",
         "attributes": money(7.0, None)},  # after as_of: lifetime only
        {"profile_id": "P2", "uid": "w:4", "source": "w", "at": day(1), "channel": None, "type": "page_view",
         "attributes": json.dumps({"page": "/"})},
    ]
    frame = pl.DataFrame(events, schema=traits.EVENT_SCHEMA)
    computed = {r["profile_id"]: r for r in traits.as_properties(traits.compute(frame, ["P1", "P2", "P3"], settings,
                                                                                  as_of))}
    expected = brute_force([dict(e) for e in events], ["P1", "P2", "P3"], settings, as_of)
    for pid in ("P1", "P2", "P3"):
        for name in traits.trait_names(settings):
            assert _close(computed[pid][name], expected[pid][name]), (pid, name, computed[pid][name], expected[pid][name])
    p1 = computed["P1"]
    assert (p1["orders"], p1["revenue"], p1["currencies"]) == (3, 42.5, ["EUR", "GBP"])
    assert (p1["frequency"], p1["monetary"], p1["purchases_90d"], p1["recency_days"]) == (1, 25.5, 1, -3)
    assert computed["P3"]["orders"] == 0 and computed["P3"]["first_seen"] is None


# -- generated data, both stores --------------------------------------------------------------------------------
PEOPLE = 300


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("hh") / "data", people=PEOPLE, seed=11, malformed=False)


def _first_half_mapping(generated, folder: Path) -> Path:
    """The generated mapping with all but the last 20 newsletter sign-ups: the first of two deliveries."""
    raw = yaml.safe_load(generated.mapping_path.read_text())
    for spec in raw["sources"].values():
        spec["path"] = str(generated.mapping_path.parent / spec["path"])
    lines = Path(raw["sources"]["newsletter"]["path"]).read_text().splitlines(keepends=True)
    (folder / "newsletter.jsonl").write_text("".join(lines[:-20]))
    raw["sources"]["newsletter"]["path"] = str(folder / "newsletter.jsonl")
    path = folder / "first.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def _snapshot(store) -> tuple:
    members = sorted(store.bulk("household_members"))
    homes = {h: store.household(h) for h in {h for _, h in members}}
    hh = sorted((h, d["seq"], d["size"], tuple(d["evidence"]), d["status"]) for h, d in homes.items())
    return members, hh, sorted(store.bulk("traits"))


def test_both_stores_agree_traits_are_brute_force_true_and_incremental_equals_whole(store, generated, tmp_path):
    mapping = load_mapping(generated.mapping_path)
    ingest(store, load_mapping(_first_half_mapping(generated, tmp_path)))
    link(store, mapping)
    resolve(store, mapping)
    ingest(store, mapping)
    link(store, mapping)
    summary = resolve(store, mapping)
    assert summary.scope == "incremental" and summary.households.households_written > 0
    incremental = _snapshot(store)
    again = resolve(store, mapping, full=True)
    assert again.traits.whole and _snapshot(store) == incremental

    members, hh, stored = incremental
    assert len(hh) > 20 and max(size for _, _, size, _, _ in hh) <= mapping.households.max_size
    as_of = mapping.traits.as_of_date(date.today())
    events = store.profile_events(None).to_dicts()
    expected = brute_force(events, store.active_profiles(), mapping.traits, as_of)
    assert {pid for pid, _, _ in stored} == set(expected)
    assert sum(t["orders"] for _, _, t in stored) > 0
    for pid, _, found in stored:
        assert set(found) == set(traits.trait_names(mapping.traits))
        for name, value in found.items():
            assert _close(value, expected[pid][name]), (pid, name, value, expected[pid][name])
    quality = evaluate_households(store, generated.truth_path, generated.households_path)
    assert quality.pairwise_precision >= 0.95 and quality.recall_with_postcode >= 0.85  # 300 people: a few pairs
    assert quality.largest_household <= mapping.households.max_size
    if store.name == "neo4j":  # the same households with the same ids, and the same traits, on SQLite
        other = SQLiteStore(tmp_path / "other.db")
        other.init()
        ingest(other, load_mapping(_first_half_mapping(generated, tmp_path)))
        link(other, mapping)
        resolve(other, mapping)
        ingest(other, mapping)
        link(other, mapping)
        resolve(other, mapping)
        assert _snapshot(other) == incremental
        other.close()


def test_traits_past_what_one_transaction_holds_are_expired_then_refreshed_to_the_same(store, generated,
                                                                                       monkeypatch):
    """Neo4j bounds a transaction's memory: a whole resolve at 100,000 people could not write every
    profile's traits in its last transaction. Past `traits_per_transaction` the rest are expired and
    computed a chunk per transaction after it; the traits end as a resolve without the bound makes them."""
    from idgraph.ingest.jobs.traits import stamp_of

    mapping = load_mapping(generated.mapping_path)
    ingest(store, mapping)
    link(store, mapping)
    monkeypatch.setattr(type(store), "traits_per_transaction", 40)
    summary = resolve(store, mapping, full=True)
    active = store.active_profiles()
    assert len(active) > 200 and summary.traits.whole
    assert summary.traits.refreshed == len(active) - 40 and summary.traits.stale == 0
    as_of = mapping.traits.as_of_date(date.today())
    assert not store.traits_stale(stamp_of(mapping, as_of))
    expected = brute_force(store.profile_events(None).to_dicts(), active, mapping.traits, as_of)
    stored = sorted(store.bulk("traits"))
    assert {pid for pid, _, _ in stored} == set(expected)
    for pid, _, found in stored:
        for name, value in found.items():
            assert _close(value, expected[pid][name]), (pid, name, value, expected[pid][name])
    # traits expired and not computed yet (a run killed after its last transaction): the next resolve
    # computes them again, to the same values
    store.expire_traits(active)
    assert store.traits_stale(stamp_of(mapping, as_of))
    again = resolve(store, mapping, full=True)
    assert again.traits.stale == 0 and sorted(store.bulk("traits")) == stored


def test_built_in_trait_names_are_in_the_cypher_vocabulary():
    vocabulary = json.loads((Path(__file__).parent.parent / "cypher" / "vocabulary.json").read_text())
    assert set(BUILT_IN_TRAITS) <= set(vocabulary["propertyKeys"])
    assert "Household" in vocabulary["labels"] and "IN_HOUSEHOLD" in vocabulary["relationshipTypes"]


def test_counts_are_json_objects_with_sorted_keys_whatever_the_values():
    events = pl.DataFrame({"profile_id": ["P1", "P1", "P1", "P2", "P2", "P3"],
                           "channel": ['we"b', "é-mail", 'we"b', "store", None, None]})
    found = {r["profile_id"]: r for r in traits._counts(events, "channel", "channels", "channel_counts").to_dicts()}
    assert set(found) == {"P1", "P2"}  # a profile with no channel has no counts
    assert found["P1"]["channels"] == ['we"b', "é-mail"]
    assert found["P1"]["channel_counts"] == json.dumps({'we"b': 2, "é-mail": 1}, sort_keys=True)
    assert json.loads(found["P2"]["channel_counts"]) == {"store": 1}


def test_household_evaluation_counts_people_without_evidence_and_recall_over_the_placeable():
    # four people, one true household of three (A, B, C) and D alone; C is known only by an e-mail
    # nobody else holds: no rule can place C, and recall over the placeable leaves C's pairs out
    people = {"A": "P1", "B": "P2", "C": "P3", "D": "P4"}
    records = pl.DataFrame([("customer", "crm", r, p) for r, p in people.items()], schema=RECORD_SCHEMA, orient="row")
    truth = pl.DataFrame({"source": ["crm"] * 4, "record_id": list(people), "person_id": list(people)})
    homes = pl.DataFrame({"person_id": list(people), "household_id": ["H1", "H1", "H1", "H2"]})
    members = pl.DataFrame({"profile_id": ["P1", "P2"], "household_id": ["X", "X"]})
    evidence = _evidence({"dwelling:A1|1 high st": ["P1", "P2"], "email:c@x": ["P3"], "phone:+44": ["P4"]})
    located = pl.Series(["P1", "P2"])
    found = evaluate_household_members(records, truth, members, homes, located, evidence)
    assert (found.true_pairs, found.predicted_pairs, found.pairwise_precision) == (3, 1, 1.0)
    assert found.pairwise_recall == round(1 / 3, 5)
    assert (found.people_without_evidence, found.true_pairs_placeable, found.recall_placeable) == (1, 1, 1.0)


def test_spellings_of_one_line_meet_in_an_incremental_run_on_both_stores(store, tmp_path):
    """The second record arrives later: the job asks the store for the holders at the postcode and keeps
    the lines of the dwelling's form, so the incremental run finds what a whole pass finds."""
    from tests.helpers import write_csv

    columns = ["id", "first", "last", "email", "address", "postcode"]
    rows = [{"id": "A1", "first": "jan", "last": "lang", "email": "jan@lang.de", "address": "Kastanienallee 56",
             "postcode": "40413"},
            {"id": "B1", "first": "eva", "last": "roth", "email": "eva@roth.de", "address": "56 Kastanienallee",
             "postcode": "40413"},
            {"id": "C1", "first": "uwe", "last": "kern", "email": "uwe@kern.de", "address": "58 Kastanienallee",
             "postcode": "40413"}]
    mapping = {"project": "hh", "phone_region": "DE", "households": {"evidence": ["dwelling"]},
               "sources": {"crm": {"path": "crm.csv", "id": "id", "fields": {
                   "first_name": "first", "last_name": "last", "email": "email", "address": "address",
                   "postcode": "postcode"}}}}
    (tmp_path / "idgraph.yaml").write_text(yaml.safe_dump(mapping))
    others = [{"id": f"X{i}", "first": "kim", "last": f"nachbar{i}", "email": f"kim{i}@x.de",
               "address": f"{i} Lindenweg", "postcode": "50667"} for i in range(12)]  # so the next run is incremental
    write_csv(tmp_path / "crm.csv", columns, rows[:1] + others)
    loaded = load_mapping(tmp_path / "idgraph.yaml")
    ingest(store, loaded)
    resolve(store, loaded)
    write_csv(tmp_path / "crm.csv", columns, rows + others)
    ingest(store, loaded)
    assert resolve(store, loaded).scope == "incremental"
    incremental = sorted(store.bulk("household_members"))
    assert len(incremental) == 2 and incremental[0][1] == incremental[1][1]  # A1 and B1, not C1 at 58
    resolve(store, loaded, full=True)
    assert sorted(store.bulk("household_members")) == incremental
    holders = store.household_holders(["dwelling:40413|56|kas"])  # not 58: it does not hold the number 56
    assert sorted(holders["key"].unique()) == ["dwelling:40413|56 kastanienallee", "dwelling:40413|kastanienallee 56"]


def test_holders_stop_at_the_limit_a_key_on_both_stores(store, tmp_path):
    """A key held by more profiles than the job's limit reads `limit` of them (it makes no household):
    the first `limit` of the same holders, per key, for identifiers and for surnames at a postcode."""
    from tests.helpers import write_csv

    columns = ["id", "first", "last", "email", "phone", "postcode"]
    firsts = ["anna", "bernd", "carla", "dieter", "erika", "fritz", "gabi", "hans", "ilse", "jonas", "karin", "lutz"]
    rows = [{"id": f"N{i}", "first": first, "last": "nachbar", "email": f"{first}@x.de", "phone": "030 8861 4470",
             "postcode": "50667"} for i, first in enumerate(firsts)]
    rows.append({"id": "S1", "first": "olga", "last": "solo", "email": "olga@y.de", "phone": "", "postcode": "50667"})
    write_csv(tmp_path / "crm.csv", columns, rows)
    mapping = {"project": "hh", "phone_region": "DE", "sources": {"crm": {"path": "crm.csv", "id": "id", "fields": {
        "first_name": "first", "last_name": "last", "email": "email", "phone": "phone", "postcode": "postcode"}}}}
    (tmp_path / "idgraph.yaml").write_text(yaml.safe_dump(mapping))
    loaded = load_mapping(tmp_path / "idgraph.yaml")
    ingest(store, loaded)
    resolve(store, loaded)
    keys = ["surname_postcode:50667|nachbar", "surname_postcode:50667|solo", "phone:+493088614470"]
    every = store.household_holders(keys)
    capped = store.household_holders(keys, 5)
    assert every.filter(pl.col("key") == keys[0]).height == 12
    for key in keys:
        held, kept = every.filter(pl.col("key") == key), capped.filter(pl.col("key") == key)
        assert kept.height == min(5, held.height) and set(kept["profile_id"]) <= set(held["profile_id"])
    assert capped.filter(pl.col("key") == keys[1]).height == 1 and capped.filter(pl.col("key") == keys[2]).height == 5
