"""The named Cypher queries of cypher/queries/: documented, parameterised, and each answering right on a
small known graph in a real Neo4j; listed and run through `idgraph query`; refused on the embedded store.
"""

from __future__ import annotations

import json
import re

import pytest
import typer
import yaml
from typer.testing import CliRunner

from idgraph.graph import cypher_files
from idgraph.graph.errors import NotFoundError
from idgraph.graph.neo4j_store import Neo4jStore
from idgraph.graph.records import LinkRow
from idgraph.ingest.jobs.resolve import resolve
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.queries import named
from tests.helpers import CRM_COLUMNS, person, write_csv

runner = CliRunner()


# -- the files themselves -----------------------------------------------------------------------------
def test_at_least_fifteen_documented_queries():
    queries = named.catalogue()
    assert len(queries) >= 15
    for q in queries:
        assert q.description and q.answers and q.returns, f"{q.name}: description, Answers: and Returns:"
        text = cypher_files.text(f"queries/{q.name}")
        assert "Parameters:" in text, f"{q.name}: a Parameters: section (or 'Parameters: none.')"
        used = set(re.findall(r"\$(\w+)", cypher_files.strip_comments(q.cypher)))
        declared = {p.name for p in q.parameters}
        assert used == declared, f"{q.name}: uses {sorted(used)}, declares {sorted(declared)}"
        for p in q.parameters:
            assert p.description, f"{q.name}: ${p.name} needs a description"
            assert p.required or p.example is None or p.default is not None or p.type == "string"
            if p.required:
                assert p.example, f"{q.name}: required ${p.name} needs an example"


def test_parameters_are_typed_by_their_declaration():
    timeline = named.get("profile_timeline")
    assert named.parameters(timeline, ["profile_id=P1", "limit=5"]) == {"profile_id": "P1", "limit": 5}
    assert named.parameters(timeline, {"profile_id": "P1"}) == {"profile_id": "P1", "limit": 100}
    phone = named.get("profile_by_phone")
    assert named.parameters(phone, ["phone=+447700900123"]) == {"phone": "+447700900123"}  # stays a string
    assert named.parameters(named.get("review_queue"), ["min_score=0.5"])["min_score"] == 0.5
    assert named.parameters(named.get("judgements_log"), ["include_withdrawn=true"])["include_withdrawn"] is True
    assert named.parameters(named.get("shared_identifiers"), ["kind=null"])["kind"] is None
    with pytest.raises(named.QueryParameterError, match="not a int"):
        named.parameters(timeline, ["profile_id=P1", "limit=many"])
    with pytest.raises(named.QueryParameterError, match="needs --param profile_id"):
        named.parameters(timeline, [])
    with pytest.raises(named.QueryParameterError, match="no parameter colour"):
        named.parameters(timeline, ["profile_id=P1", "colour=red"])
    with pytest.raises(named.QueryParameterError, match="key=value"):
        named.parameters(timeline, ["profile_id"])
    with pytest.raises(NotFoundError, match="did you mean profile_timeline"):
        named.get("profile_timelin")


def test_the_embedded_store_says_what_to_use_instead(tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    store.init()
    with pytest.raises(named.NeedsNeo4j) as refused:
        named.run(store, "largest_profiles")
    message = str(refused.value)
    assert refused.value.exit_code == 2
    for hint in ("Neo4j", "idgraph show --email", "idgraph stats", "idgraph export"):
        assert hint in message


# -- a small known graph --------------------------------------------------------------------------------
WEB_COLUMNS = ["event_id", "ts", "cookie", "event", "user_id"]
CRM = [
    {**person("A1", "Ann", "Lee", "ann@lee.co", "07700 900101", "1980-01-01", "SW1A 1AA"), "ssn": "123-45-6780"},
    person("A2", "Ann", "Lee", "ann@lee.co", "", "1980-01-01"),
    person("B1", "Bob", "Bell", "bob@bell.co", "", "1975-05-05"),
    {**person("C1", "Carol", "King", "carol@king.co", "", "1990-09-09"), "ssn": "555 000 111"},
    person("D1", "Dan", "Bell", "dan@bell.co", "", "1975-05-05"),
    {**person("E1", "Eve", "Moss", "eve@moss.co", ""), "ssn": "555-000-111"},  # a national id two people quote
    person("E2", "Eve", "Moss", "eve.moss@work.co", ""),
]
LOYALTY = [
    {**person("L1", "Ann", "Lee", "ann@lee.co", "07700 900101", "1980-01-01"), "ssn": "123 456 780"},
    person("L3", "Carol", "King", "carol2@king.co", "07700 900303", "1990-09-09"),
]
WEB = [
    {"event_id": "w1", "ts": "2024-03-01T10:00:00Z", "cookie": "dev-ann", "event": "login", "user_id": "A1"},
    {"event_id": "w2", "ts": "2024-03-02T10:00:00Z", "cookie": "dev-ann", "event": "page_view"},
    {"event_id": "w3", "ts": "2024-03-03T10:00:00Z", "cookie": "dev-ann", "event": "purchase"},
    {"event_id": "w4", "ts": "2024-03-04T10:00:00Z", "cookie": "dev-family", "event": "login", "user_id": "A1"},
    {"event_id": "w5", "ts": "2024-03-05T10:00:00Z", "cookie": "dev-family", "event": "login", "user_id": "B1"},
    {"event_id": "w6", "ts": "2024-03-06T10:00:00Z", "cookie": "dev-family", "event": "page_view"},
    {"event_id": "w7", "ts": "2024-03-07T10:00:00Z", "cookie": "dev-nobody", "event": "page_view"},
    {"event_id": "w8", "ts": "2024-03-08T10:00:00Z", "cookie": "dev-z", "event": "login", "user_id": "Z9"},
]
BRIDGE = person("C2", "Carol", "King", "carol@king.co", "07700 900303", "1990-09-09")
LATE = person("F1", "Fay", "Hill", "fay@hill.co", "")


def project(folder, crm):
    write_csv(folder / "crm.csv", CRM_COLUMNS + ["ssn"], crm)
    write_csv(folder / "loyalty.csv", CRM_COLUMNS + ["ssn"], LOYALTY)
    write_csv(folder / "web.csv", WEB_COLUMNS, WEB)
    fields = {"first_name": "first", "last_name": "last", "email": "email", "phone": "phone",
              "dob": {"column": "dob", "format": "%Y-%m-%d"}, "postcode": "postcode",
              "updated_at": {"column": "updated", "format": "iso"}, "national_id": "ssn"}
    mapping = {
        "project": "named", "phone_region": "GB",
        "identifiers": {"national_id": {"normalise": ["digits"], "min_length": 6}},
        "survivorship": {"source_priority": ["crm", "loyalty"]},
        "sources": {
            "crm": {"path": "crm.csv", "kind": "customer", "id": "id", "fields": fields},
            "loyalty": {"path": "loyalty.csv", "kind": "customer", "id": "id", "fields": fields},
            "web": {"path": "web.csv", "kind": "interaction", "id": "event_id", "fields": {
                "timestamp": {"column": "ts", "format": "iso"}, "device": "cookie", "event_type": "event",
                "customer_ref": {"column": "user_id", "source": "crm"}, "channel": {"value": "web"}}},
        },
    }
    path = folder / "idgraph.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def known(neo4j_server, tmp_path_factory):
    """The known graph in the test server: (store, facts about it). Wiped afterwards."""
    if neo4j_server.node_count():
        neo4j_server.wipe()
    folder = tmp_path_factory.mktemp("named")
    store = Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, neo4j_server.database, gds=False)
    store.init()
    mapping = load_mapping(project(folder, CRM))
    ingest(store, mapping)
    store.replace_links([LinkRow("crm:B1", "crm:D1", 0.97, '{"last_name": "exact", "dob": "exact"}'),
                         LinkRow("crm:B1", "loyalty:L3", 0.6, '{"dob": "close"}', "review")], None)
    store.add_judgements([{"judgement_id": "J-eve", "kind": "same", "a_uid": "crm:E1", "b_uid": "crm:E2", "by": "ann",
                         "at": "2024-04-01T00:00:00Z", "reason": "one person, two emails"}])
    resolve(store, mapping)
    pid = {c: store.find_customers("record", c)[0]["profile_id"] for c in ("crm:A1", "crm:B1", "crm:C1", "loyalty:L3",
                                                                             "crm:E1")}
    ingest(store, load_mapping(project(folder, CRM + [BRIDGE])))
    summary = resolve(store, mapping)
    assert summary.profiles_merged == 1
    carol = store.find_customers("record", "crm:C1")[0]["profile_id"]
    retired = ({pid["crm:C1"], pid["loyalty:L3"]} - {carol}).pop()
    ingest(store, load_mapping(project(folder, CRM + [BRIDGE, LATE])))  # not resolved: no profile yet
    facts = {"ann": pid["crm:A1"], "bob": pid["crm:B1"], "eve": pid["crm:E1"], "carol": carol, "retired": retired}
    yield store, facts
    store.close()
    neo4j_server.wipe()


def run(store, name, **params):
    return named.run(store, name, params).rows


def test_profile_by_email_phone_and_device(known):
    store, facts = known
    (ann,) = run(store, "profile_by_email", email="ann@lee.co")
    assert ann["profile_id"] == facts["ann"] and sorted(ann["records"]) == ["crm:A1", "crm:A2", "loyalty:L1"]
    assert ann["status"] == "active" and ann["email_shared"] is False and ann["first_name"] == "ann"
    (by_phone,) = run(store, "profile_by_phone", phone="+447700900101")
    assert by_phone["profile_id"] == facts["ann"] and sorted(by_phone["records"]) == ["crm:A1", "loyalty:L1"]
    assert run(store, "profile_by_phone", phone="+440000000000") == []
    family = run(store, "profile_by_device", device="dev-family")
    assert {r["profile_id"] for r in family} == {facts["ann"], facts["bob"]}
    assert all(r["device_shared"] and r["events"] == 3 for r in family)


def test_profile_identifiers_and_timeline(known):
    store, facts = known
    rows = {(r["kind"], r["value"]): r for r in run(store, "profile_identifiers", profile_id=facts["ann"])}
    assert set(rows) == {("email", "ann@lee.co"), ("phone", "+447700900101"), ("device", "dev-ann"),
                         ("device", "dev-family"), ("national_id", "123456780")}
    assert sorted(rows[("national_id", "123456780")]["records"]) == ["crm:A1", "loyalty:L1"]
    assert rows[("device", "dev-family")]["shared"] is True and rows[("device", "dev-family")]["holders"] == 2
    assert sorted(rows[("email", "ann@lee.co")]["records"]) == ["crm:A1", "crm:A2", "loyalty:L1"]
    timeline = run(store, "profile_timeline", profile_id=facts["ann"], limit=2)
    assert [e["source_id"] for e in timeline] == ["w4", "w3"]  # newest first
    assert timeline[0]["by_record"] == "crm:A1" and timeline[1]["by_record"] is None
    assert timeline[1]["via"] == ["device:dev-ann"]
    everything = run(store, "profile_timeline", profile_id=facts["ann"])
    assert {e["source_id"] for e in everything} == {"w1", "w2", "w3", "w4"}


def test_profile_by_identifier_of_a_declared_kind_or_a_built_in_one(known):
    store, facts = known
    (ann,) = run(store, "profile_by_identifier", kind="national_id", value="123456780")
    assert ann["profile_id"] == facts["ann"] and sorted(ann["records"]) == ["crm:A1", "loyalty:L1"]
    assert ann["identifier_shared"] is False and ann["first_name"] == "ann" and ann["events"] == 0
    quoted = run(store, "profile_by_identifier", kind="national_id", value="555000111")
    assert {r["profile_id"] for r in quoted} == {facts["carol"], facts["eve"]}
    assert all(r["identifier_shared"] and "first names" in r["shared_reason"] for r in quoted)
    (by_email,) = run(store, "profile_by_identifier", kind="email", value="ann@lee.co")
    assert sorted(by_email["records"]) == ["crm:A1", "crm:A2", "loyalty:L1"]
    family = run(store, "profile_by_identifier", kind="device", value="dev-family")
    assert {r["profile_id"] for r in family} == {facts["ann"], facts["bob"]} and family[0]["events"] == 3
    assert run(store, "profile_by_identifier", kind="national_id", value="123-45-6780") == []  # as stored only
    assert run(store, "profile_by_identifier", kind="passport", value="123456780") == []
    (through,) = run(store, "path_between_records", a="crm:A1", b="loyalty:L1")
    assert through["hops"] == 2  # an email, a phone or the national id: two hops either way


def test_shared_devices_and_identifiers(known):
    store, facts = known
    (device,) = run(store, "profiles_sharing_device")
    assert device["device"] == "dev-family" and device["profiles"] == 2 and device["shared"] is True
    assert set(device["profile_ids"]) == {facts["ann"], facts["bob"]} and device["events"] == 3
    assert run(store, "profiles_sharing_device", min_profiles=3) == []
    (shared,) = run(store, "shared_identifiers", kind="device")
    assert shared["value"] == "dev-family" and "first names" in shared["shared_reason"] and shared["records"] == 2
    assert run(store, "shared_identifiers", kind="email") == []
    (national,) = run(store, "shared_identifiers", kind="national_id")
    assert national["value"] == "555000111" and "first names" in national["shared_reason"] and national["records"] == 2
    assert len(run(store, "shared_identifiers")) == len(run(store, "shared_identifiers", limit=100))


def test_largest_profiles_and_size_distribution(known):
    store, facts = known
    largest = run(store, "largest_profiles", limit=2)
    assert [r["records"] for r in largest] == [3, 3]
    assert {r["profile_id"] for r in largest} == {facts["ann"], facts["carol"]}
    sizes = {r["records"]: r["profiles"] for r in run(store, "profile_size_distribution")}
    active = [p for p in store.bulk("profiles") if p["status"] == "active"]
    expected: dict[int, int] = {}
    for p in active:
        expected[p["customer_count"]] = expected.get(p["customer_count"], 0) + 1
    assert sizes == expected and sizes == {2: 2, 3: 2}
    shares = [r["share"] for r in run(store, "profile_size_distribution")]
    assert abs(sum(shares) - 1.0) < 1e-6


def test_records_without_profile_and_unattributed_interactions(known):
    store, _ = known
    (late,) = run(store, "customers_without_profile")
    assert late["uid"] == "crm:F1" and late["to_resolve"] is True and late["first_name"] == "fay"
    assert run(store, "customers_without_profile", source="loyalty") == []
    reasons = {r["reason"]: r for r in run(store, "unattributed_interactions", source="web")}
    assert set(reasons) == {"only shared identifiers", "identifiers no resolved record holds",
                            "names a record not ingested"}
    assert reasons["only shared identifiers"]["examples"] == ["web:w6"]
    assert reasons["identifiers no resolved record holds"]["examples"] == ["web:w7"]
    assert reasons["names a record not ingested"]["interactions"] == 1
    assert run(store, "unattributed_interactions", source="tickets") == []


def test_path_between_records_shows_the_evidence(known):
    store, _ = known
    (through_email,) = run(store, "path_between_records", a="loyalty:L1", b="crm:A2")
    assert through_email["hops"] == 2 and through_email["records"] == ["loyalty:L1", "crm:A2"]
    assert [s["rel"] for s in through_email["steps"]] == ["HAS_EMAIL", "HAS_EMAIL"]
    assert through_email["steps"][0]["evidence"] == {"identifier": "email:ann@lee.co"}
    (scored,) = run(store, "path_between_records", a="crm:D1", b="crm:B1")
    assert scored["hops"] == 1 and scored["steps"][0]["rel"] == "PROBABLY_SAME"
    assert scored["steps"][0]["evidence"]["score"] == 0.97 and "dob" in scored["steps"][0]["evidence"]["evidence"]
    (judged,) = run(store, "path_between_records", a="crm:E1", b="crm:E2")
    assert judged["steps"][0]["evidence"]["reason"] == "one person, two emails"
    # the family laptop is shared: it does not connect Ann and Bob
    assert run(store, "path_between_records", a="crm:A1", b="crm:B1") == []


def test_merges_lineage_and_judgements(known):
    store, facts = known
    (merged,) = run(store, "profiles_merged_recently", days=1)
    assert merged["profile_id"] == facts["retired"] and merged["merged_into"] == facts["carol"]
    assert merged["current"] == facts["carol"] and merged["current_records"] == 3
    (lineage,) = run(store, "profile_lineage", profile_id=facts["retired"])
    assert lineage["status"] == "merged" and lineage["current"] == facts["carol"]
    (current,) = run(store, "profile_lineage", profile_id=facts["carol"])
    assert current["current"] == facts["carol"] and current["merged_from"] == [facts["retired"]]
    (judgement,) = run(store, "judgements_log")
    assert judgement["judgement_id"] == "J-eve" and judgement["kind"] == "same"
    assert judgement["a_profile"] == judgement["b_profile"] == facts["eve"]
    store.withdraw_judgement("J-eve", "2024-05-01T00:00:00Z")
    try:
        assert run(store, "judgements_log") == []
        assert run(store, "judgements_log", include_withdrawn=True)[0]["deleted_at"] == "2024-05-01T00:00:00Z"
    finally:
        store.driver.execute_query(  # put the judgement back as it was, for the other tests of the module
            "MATCH ()-[j:SAME_AS {judgement_id: 'J-eve'}]->() REMOVE j.deleted_at", database_=store.database)


def test_review_queue_overlap_and_duplicates(known):
    store, facts = known
    (pair,) = run(store, "review_queue")
    assert (pair["a"], pair["b"], pair["score"]) == ("crm:B1", "loyalty:L3", 0.6)
    assert pair["a_name"] == "bob bell" and pair["b_profile"] == facts["carol"]
    assert run(store, "review_queue", min_score=0.7) == []
    overlap = {(r["a"], r["b"]): r["profiles"] for r in run(store, "source_overlap")}
    assert overlap == {("crm", "crm"): 4, ("crm", "loyalty"): 2, ("loyalty", "loyalty"): 2}
    duplicates = {r["profile_id"]: r for r in run(store, "duplicates_within_source", source="crm")}
    assert set(duplicates) == {facts["ann"], facts["bob"], facts["carol"], facts["eve"]}
    assert sorted(duplicates[facts["ann"]]["source_ids"]) == ["A1", "A2"]
    assert run(store, "duplicates_within_source", source="loyalty") == []


def test_every_named_query_runs_with_its_examples(known):
    store, facts = known
    examples = {"profile_id": facts["ann"], "email": "ann@lee.co", "phone": "+447700900101", "device": "dev-ann",
                "a": "crm:A1", "b": "loyalty:L1", "kind": "national_id", "value": "123456780",
                "household_id": "H000000000000", "since": "2024-01-01"}
    for q in named.catalogue():
        given = {p.name: examples[p.name] for p in q.parameters if p.required}
        result = named.run(store, q.name, given)
        assert result.columns, q.name
        json.dumps(result.model_dump())  # plain values only


# -- the command ---------------------------------------------------------------------------------------
def query_app() -> typer.Typer:
    from idgraph.cli import query
    from idgraph.cli.app import main_options

    app = typer.Typer()
    app.callback()(main_options)
    query.register(app)
    return app


def test_query_list_needs_no_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    listed = runner.invoke(query_app(), ["query", "--list", "--json"])
    assert listed.exit_code == 0, listed.output
    entries = {q["name"]: q for q in json.loads(listed.stdout)}
    assert len(entries) >= 15 and entries["profile_by_email"]["parameters"][0]["name"] == "email"
    human = runner.invoke(query_app(), ["query", "--list"])
    assert human.exit_code == 0 and "profile_timeline" in human.stdout and "$limit (int, default 100)" in human.stdout


def test_query_on_the_embedded_store_is_refused_with_what_to_use(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    refused = runner.invoke(query_app(), ["query", "largest_profiles"])
    assert refused.exit_code == 2 and "idgraph show --email" in refused.output


def test_query_runs_on_neo4j_with_typed_params(known, neo4j_server, tmp_path, monkeypatch):
    store, facts = known
    monkeypatch.chdir(tmp_path)  # no mapping file: queries do not need one
    for key, value in {"IDGRAPH_STORE": "neo4j", "NEO4J_URI": neo4j_server.uri, "NEO4J_USERNAME": neo4j_server.user,
                       "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": neo4j_server.database}.items():
        monkeypatch.setenv(key, value)
    shown = runner.invoke(query_app(), ["query", "profile_timeline", "--param", f"profile_id={facts['ann']}",
                                        "-p", "limit=1", "--json"])
    assert shown.exit_code == 0, shown.output
    result = json.loads(shown.stdout)
    assert result["parameters"] == {"profile_id": facts["ann"], "limit": 1} and len(result["rows"]) == 1
    table = runner.invoke(query_app(), ["query", "profile_by_email", "--param", "email=ann@lee.co"])
    assert table.exit_code == 0 and facts["ann"] in table.stdout
    missing = runner.invoke(query_app(), ["query", "profile_by_email"])
    assert missing.exit_code == 2 and "email=" in missing.output
    unknown = runner.invoke(query_app(), ["query", "profile_by_mail"])
    assert unknown.exit_code == 1 and "profile_by_email" in unknown.output
    assert neo4j_server.password not in shown.output + table.output + missing.output + unknown.output
