"""The household and segment queries of cypher/queries/, each run on a small known graph in a real Neo4j;
`idgraph show`, `idgraph household` and the export on the embedded store."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from idgraph.cli.app import app
from idgraph.graph.sqlite_store import SQLiteStore

from idgraph.graph.neo4j_store import Neo4jStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.queries import named
from tests.helpers import write_csv

CRM = [
    {"id": "A1", "first": "ann", "last": "lee", "email": "ann@lee.co", "phone": "07700900101",
     "address": "1 High Street", "postcode": "AB1 2CD"},
    {"id": "B1", "first": "bob", "last": "lee", "email": "bob@lee.co", "phone": "07700900202",
     "address": "1 High St", "postcode": "AB1 2CD"},
    {"id": "C1", "first": "cat", "last": "ray", "email": "cat@ray.co", "phone": "07700900303",
     "address": "9 Low Road", "postcode": "ZZ1 1ZZ"},
]
EVENTS = [
    {"event_id": "e1", "ts": "2024-01-05T10:00:00Z", "cookie": "dev-fam", "event": "purchase", "user_id": "A1",
     "channel": "web", "order_id": "O1", "amount": "100.00", "currency": "GBP"},
    {"event_id": "e2", "ts": "2024-01-10T10:00:00Z", "cookie": "dev-fam", "event": "purchase", "user_id": "B1",
     "channel": "web", "order_id": "O2", "amount": "300.00", "currency": "GBP"},
    {"event_id": "e3", "ts": "2024-11-20T10:00:00Z", "cookie": "", "event": "purchase", "user_id": "A1",
     "channel": "store", "order_id": "O3", "amount": "50.00", "currency": "GBP"},
    {"event_id": "e4", "ts": "2024-12-01T09:00:00Z", "cookie": "", "event": "call", "user_id": "C1",
     "channel": "phone"},
    {"event_id": "e5", "ts": "2024-12-05T09:00:00Z", "cookie": "", "event": "call", "user_id": "C1",
     "channel": "phone"},
]


def project(folder) -> object:
    write_csv(folder / "crm.csv", ["id", "first", "last", "email", "phone", "address", "postcode"], CRM)
    write_csv(folder / "events.csv", ["event_id", "ts", "cookie", "event", "user_id", "channel", "order_id", "amount",
                                      "currency"], EVENTS)
    mapping = {
        "project": "hh", "phone_region": "GB",
        "households": {"evidence": ["dwelling", "phone", "email"], "max_size": 6},
        "traits": {"as_of": "2024-12-31", "define": {"calls_30d": {"count": {"channel": "phone"}, "window": "5w"}}},
        "sources": {
            "crm": {"path": "crm.csv", "id": "id", "fields": {
                "first_name": "first", "last_name": "last", "email": "email", "phone": "phone", "address": "address",
                "postcode": "postcode"}},
            "events": {"path": "events.csv", "kind": "interaction", "id": "event_id", "fields": {
                "timestamp": {"column": "ts", "format": "iso"}, "device": "cookie", "event_type": "event",
                "channel": "channel", "customer_ref": {"column": "user_id", "source": "crm"},
                "order_id": "order_id", "amount": "amount", "currency": "currency"}},
        },
    }
    path = folder / "idgraph.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
    return load_mapping(path)


@pytest.fixture(scope="module")
def known(neo4j_server, tmp_path_factory):
    if neo4j_server.node_count():
        neo4j_server.wipe()
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database, gds=False)
    store.init()
    mapping = project(tmp_path_factory.mktemp("hhq"))
    ingest(store, mapping)
    resolve(store, mapping)
    pid = {c: store.find_customers("record", f"crm:{c}")[0]["profile_id"] for c in ("A1", "B1", "C1")}
    (household,) = store.profile_households(pid["A1"])
    yield store, pid, household
    store.close()
    neo4j_server.wipe()


def run(store, name, **params):
    return named.run(store, name, params).rows


@pytest.mark.neo4j
def test_household_queries(known):
    store, pid, household = known
    members = run(store, "household_members", household_id=household)
    assert [m["profile_id"] for m in members] == sorted([pid["A1"], pid["B1"]])
    assert members[0]["evidence"] == ["dwelling"] and members[0]["size"] == 2
    assert {m["profile_id"]: m["revenue"] for m in members} == {pid["A1"]: 150.0, pid["B1"]: 300.0}
    (largest,) = run(store, "largest_households")
    assert largest["household_id"] == household and largest["revenue"] == 450.0 and largest["orders"] == 3
    (device,) = run(store, "households_sharing_device")
    assert device["device"] == "dev-fam" and device["household_ids"] == [household] and device["profiles"] == 2
    assert run(store, "households_sharing_device", min_households=2) == []


@pytest.mark.neo4j
def test_segments(known):
    store, pid, _ = known
    (bob,) = run(store, "segment_online_never_in_store")
    assert bob["profile_id"] == pid["B1"] and bob["orders"] == 1
    (cat,) = run(store, "segment_called_no_purchase_since", since="2024-11-01")
    assert cat["profile_id"] == pid["C1"] and cat["calls"] == 2 and cat["last_purchase"] is None
    assert run(store, "segment_called_no_purchase_since", since="2024-12-02") == []  # one call since
    (lapsed,) = run(store, "segment_lapsed_high_value")
    assert lapsed["profile_id"] == pid["B1"] and lapsed["recency_days"] == 356
    assert run(store, "segment_lapsed_high_value", min_revenue=400.0) == []
    (multi,) = run(store, "segment_multichannel")
    assert multi["profile_id"] == pid["A1"] and multi["channels"] == ["store", "web"]
    (new,) = run(store, "segment_new_customers", since="2024-12-01")
    assert new["profile_id"] == pid["C1"] and new["first_seen"] == "2024-12-01T09:00:00Z"
    assert store.profile_traits(pid["C1"])["calls_30d"] == 2


def test_show_household_and_export_on_the_embedded_store(tmp_path):
    mapping = project(tmp_path)
    store = SQLiteStore(mapping.store_path())
    store.init()
    ingest(store, mapping)
    resolve(store, mapping)
    ann = store.find_customers("record", "crm:A1")[0]["profile_id"]
    (household,) = store.profile_households(ann)
    store.close()
    runner = CliRunner()
    base = ["-m", str(tmp_path / "idgraph.yaml")]
    shown = runner.invoke(app, [*base, "show", ann])
    assert shown.exit_code == 0, shown.output
    assert household in shown.output and "bob" in shown.output.lower()
    assert "revenue" in shown.output and "150.0" in shown.output
    listed = runner.invoke(app, [*base, "household", household, "--json"])
    assert listed.exit_code == 0, listed.output
    view = json.loads(listed.output)
    assert view["evidence"] == ["dwelling"] and view["size"] == 2
    assert sorted(m["first_name"] for m in view["members"]) == ["ann", "bob"]
    missing = runner.invoke(app, [*base, "household", "Hnope"])
    assert missing.exit_code == 1 and "no household" in missing.output.lower()
    exported = runner.invoke(app, [*base, "export", "--out", str(tmp_path / "out"), "--format", "jsonl"])
    assert exported.exit_code == 0, exported.output
    (tmp_path / "truth.csv").write_text("source,record_id,person_id\ncrm,A1,ann\ncrm,B1,bob\ncrm,C1,cat\n")
    (tmp_path / "homes.csv").write_text("person_id,household_id\nann,h1\nbob,h1\ncat,h2\n")
    judged = runner.invoke(app, [*base, "evaluate", str(tmp_path / "truth.csv"), "--households",
                                 str(tmp_path / "homes.csv"), "--json"])
    assert judged.exit_code == 0, judged.output
    homes = json.loads(judged.output)["households"]
    assert (homes["true_pairs"], homes["predicted_pairs"], homes["pairwise_precision"], homes["pairwise_recall"]) == (
        1, 1, 1.0, 1.0)
    rows = [json.loads(line) for line in (tmp_path / "out" / "profiles.jsonl").read_text().splitlines()]
    by_id = {r["profile_id"]: r["household_ids"] for r in rows}
    assert by_id[ann] == household and list(by_id.values()).count("") == 1  # cat lives alone


def test_forgetting_a_person_takes_their_traits_and_memberships(store, tmp_path):
    from idgraph.ingest.jobs.forget import forget

    mapping = project(tmp_path)
    ingest(store, mapping)
    resolve(store, mapping)
    ann = store.find_customers("record", "crm:A1")[0]["profile_id"]
    assert store.profile_traits(ann)["orders"] == 2 and len(store.profile_households(ann)) == 1
    bob = store.find_customers("record", "crm:B1")[0]["profile_id"]
    assert store.profile_households(bob) == store.profile_households(ann)
    forget(store, record="crm:A1", by="dpo")
    assert store.profile_traits(ann) == {} and store.profile_households(ann) == []
    assert ann not in {p for p, _ in store.bulk("household_members")} | {p for p, _, _ in store.bulk("traits")}
    # Bob, who shared Ann's household, is resolved again: a household of one is no household
    assert "crm:B1" in store.changed("resolve", store.marks()["watermarks"]["resolve"])
    done = resolve(store, mapping)
    assert done.households.households_retired == 1
    assert store.profile_households(bob) == [] and list(store.bulk("household_members")) == []
