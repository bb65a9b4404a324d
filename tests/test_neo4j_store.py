"""The Neo4j store against a real server: every contract method, and the same answers as the embedded
store, which is the reference for the semantics of each method.

Most cases are differential: the same rows or the same sources go into a fresh `SQLiteStore` and into
the Neo4j store, and every read method must answer alike (time stamps aside). Then what only Neo4j has:
the schema, idempotent writes counted on the graph itself, batched resolutions and their recovery, the
GDS components path, and the connection's errors and secrets.
"""

from __future__ import annotations

import json
import logging
import socket

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from idgraph.graph import hooks
from idgraph.graph.errors import NotFoundError, StoreError
from idgraph.graph.neo4j_store import Neo4jStore
from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow
from idgraph.ingest.jobs.resolve import resolve
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from tests.helpers import DECLARED_KINDS, declared_project, linked_up_to_now, person, small_project, to_link, \
    to_resolve
from idgraph.queries.profile import profile_identifiers
from tests.neo4j_server import cypher

STAMPS = ("created_at", "updated_at", "at")


# -- fixtures and helpers ----------------------------------------------------------------------------
def open_neo4j(server, **kwargs) -> Neo4jStore:
    kwargs.setdefault("gds", False)
    store = Neo4jStore(server.uri, server.user, server.password, server.database, **kwargs)
    store.init()
    return store


@pytest.fixture
def neo(neo4j_clean):
    store = open_neo4j(neo4j_clean)
    yield store
    store.close()


@pytest.fixture(params=["in-process", "gds"])
def piped(request, neo4j_clean):
    """The Neo4j store resolving with components computed in-process, then by GDS."""
    store = open_neo4j(neo4j_clean, gds=request.param == "gds")
    if request.param == "gds" and store.gds_version() is None:
        store.close()
        pytest.skip("this Neo4j has no Graph Data Science library")
    yield store
    store.close()


@pytest.fixture
def lite(tmp_path):
    store = SQLiteStore(tmp_path / "reference.db")
    store.init()
    yield store
    store.close()


def counts(server) -> dict[str, int]:
    """Nodes per label and relationships per type of the whole database."""
    nodes = {r["label"]: r["nodes"] for r in server.query(cypher("label_counts"))}
    rels = {r["type"]: r["relationships"] for r in server.query(cypher("type_counts"))}
    return {**nodes, **rels}


def unstamped(row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in STAMPS}


def snapshot(store, kinds=(), attributes=()) -> dict:
    """Everything the contract's reads answer about the whole store, time stamps left out (the customers
    frame with the declared identifier kinds and attributes asked for)."""
    profiles = [unstamped(p) for p in store.bulk("profiles")]
    ids = sorted(p["profile_id"] for p in profiles)
    return {
        "stats": store.stats(),
        "records": sorted(store.bulk("records"), key=lambda r: tuple(x or "" for x in r)),
        "profiles": sorted(profiles, key=lambda p: p["profile_id"]),
        "members": {p: store.profile_members(p) for p in ids},
        "identifiers": {p: profile_identifiers(store, p) for p in ids},
        "timelines": {p: store.profile_interactions(p) for p in ids},
        "frame": store.customers_frame(None, identifier_kinds=kinds, attributes=attributes).to_dicts(),
        "edges": sorted(store.link_edges(None).iter_rows()),
        "guard": guard_rows(store),
        "dirty": to_resolve(store),
        "to_link": to_link(store),
        "judgements": [unstamped(j) for j in store.judgements(None, include_deleted=True)],
        "audit": [(a["action"], a["profile_id"], a["by"], a["reason"], a["details"]) for a in store.audit()],
        "max_seq": store.max_profile_seq(),
    }


def guard_rows(store) -> list:
    """identifier_members(None) for identifiers two customers in the store hold. (The embedded store also
    counts a tie an event made to a customer not ingested yet, which Neo4j cannot draw: such an
    identifier, with one customer in the store, is listed there alone and changes no verdict.)"""
    rows = store.identifier_members(None)
    held = rows.group_by("kind", "value").agg(pl.len().alias("n")).filter(pl.col("n") >= 2).drop("n")
    return sorted(rows.join(held, on=["kind", "value"]).iter_rows(), key=str)


def assert_same(lite_store, neo_store, kinds=(), attributes=()) -> None:
    a, b = snapshot(lite_store, kinds, attributes), snapshot(neo_store, kinds, attributes)
    for key in a:
        assert a[key] == b[key], f"{key} differs between the embedded store and Neo4j"


def both(lite_store, neo_store, path, full: bool = False):
    """Ingest and resolve the project at `path` into both stores; the two summaries."""
    mapping = load_mapping(path)
    done = []
    for store in (lite_store, neo_store):
        ingested = ingest(store, mapping)
        done.append((ingested, resolve(store, mapping, full=full)))
    return done


CRM = [
    person("1", "Robert", "Smith", "bob@post.co.uk", "07700 900001", "1980-02-03", "SW1A 1AA"),
    person("2", "Bob", "Smith", "BOB@post.co.uk ", "", "1980-02-03", "SW1A 1AA"),
    person("3", "Alice", "Jones", "alice@mail.co.uk", "+44 7700 900003", "1990-05-06", "E1 6AN"),
    person("4", "Alice", "Jones", "", "07700900003", "1990-05-06", "E1 6AN"),
    person("5", "Carol", "White", "carol@mail.co.uk", "", "1970-01-01", "N1 9GU"),
    person("6", "Tom", "Hart", "tom@mail.co.uk", "020 7946 0001", "2001-04-04"),
    person("7", "Lucy", "Hart", "lucy@mail.co.uk", "020 7946 0001", "2003-09-09"),
]
WEB = [
    {"event_id": "e1", "ts": "2024-03-01T10:00:00Z", "cookie": "dev-A", "event": "page_view"},
    {"event_id": "e2", "ts": "2024-03-01T10:05:00Z", "cookie": "dev-A", "event": "login", "user_id": "5"},
    {"event_id": "e3", "ts": "2024-03-02T09:00:00Z", "cookie": "dev-A", "event": "purchase"},
    {"event_id": "e4", "ts": "2024-03-02T09:00:00Z", "cookie": "dev-B", "event": "page_view"},
    {"event_id": "e5", "ts": "2024-03-03T09:00:00Z", "cookie": "dev-C", "event": "login", "user_id": "99"},
]


# -- schema and connection ---------------------------------------------------------------------------
def test_init_creates_every_constraint_and_index_and_is_idempotent(neo, neo4j_clean):
    neo.init()  # a second time: IF NOT EXISTS
    rows = neo4j_clean.query("SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties RETURN *")
    keys = {(r["labelsOrTypes"][0], r["properties"][0]) for r in rows}
    assert {("Customer", "uid"), ("Email", "address"), ("Phone", "number"), ("Device", "id"), ("Identifier", "key"),
            ("Interaction", "uid"), ("Profile", "profile_id"), ("Audit", "seq"), ("Suppression", "hash"),
            ("SAME_AS", "judgement_id"), ("NOT_SAME_AS", "judgement_id"), ("Sequence", "key"),
            ("Watermark", "job"), ("Lease", "job")} <= keys
    indexes = neo4j_clean.query("SHOW INDEXES YIELD labelsOrTypes, properties, state RETURN *")
    assert all(r["state"] == "ONLINE" for r in indexes)
    indexed = {(r["labelsOrTypes"][0], tuple(r["properties"])) for r in indexes if r["labelsOrTypes"]}
    for wanted in [("Customer", ("resolve_seq",)), ("Customer", ("link_seq",)), ("Interaction", ("resolve_seq",)),
                   ("Interaction", ("customer_ref",)), ("Interaction", ("profile_id",)),
                   ("Customer", ("source", "source_id")), ("Profile", ("status",)), ("Audit", ("profile_id",)),
                   ("Identifier", ("kind",)), ("Identifier", ("shared",))]:
        assert wanted in indexed


def test_constructible_from_the_fixture_and_from_env(neo4j_server):
    env = {"NEO4J_URI": neo4j_server.uri, "NEO4J_USERNAME": neo4j_server.user,
           "NEO4J_PASSWORD": neo4j_server.password, "NEO4J_DATABASE": neo4j_server.database,
           "IDGRAPH_NEO4J_GDS": "off", "IDGRAPH_NEO4J_BATCH_SIZE": "123"}
    with Neo4jStore.from_env(env) as store:
        assert store.name == "neo4j" and store.batch_size == 123 and store.gds is False
        assert store.database == neo4j_server.database
        assert neo4j_server.password not in repr(store)
    with pytest.raises(StoreError, match="NEO4J_PASSWORD is not set"):
        Neo4jStore.from_env({"NEO4J_URI": neo4j_server.uri})
    with pytest.raises(StoreError, match="IDGRAPH_NEO4J_GDS"):
        Neo4jStore.from_env({**env, "IDGRAPH_NEO4J_GDS": "maybe"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_and_bad_credentials_are_store_errors_without_the_password(neo4j_server, caplog):
    secret = "s3cret-Not-Here-" + neo4j_server.password[::-1]
    caplog.set_level(logging.DEBUG)
    with pytest.raises(StoreError) as unreachable:
        Neo4jStore(f"bolt://127.0.0.1:{free_port()}", "neo4j", secret)
    assert unreachable.value.exit_code == 2
    assert "cannot reach" in str(unreachable.value) and "neo4j.sh start" in str(unreachable.value)
    with pytest.raises(StoreError) as refused:
        Neo4jStore(neo4j_server.uri, neo4j_server.user, secret, neo4j_server.database)
    assert "NEO4J_USERNAME and NEO4J_PASSWORD" in str(refused.value)
    with pytest.raises(StoreError, match="no database"):
        Neo4jStore(neo4j_server.uri, neo4j_server.user, neo4j_server.password, "nosuchdb")
    with pytest.raises(StoreError, match="not a Neo4j URI"):
        Neo4jStore("http://user:pw@127.0.0.1:7474", "neo4j", secret)
    for text in (str(unreachable.value), str(refused.value), caplog.text):
        assert secret not in text and neo4j_server.password not in text


# -- ingest --------------------------------------------------------------------------------------------
def crow(uid, first="Ann", h="h1", identifiers=(("email", "ann@x.co"),), **kw) -> CustomerRow:
    source, sid = uid.split(":")
    return CustomerRow(uid=uid, source=source, source_id=sid, first_name=first, row_hash=h,
                       identifiers=list(identifiers), **kw)


def irow(uid, ref=None, h="h1", identifiers=(("device", "dev-1"),), at="2024-01-01T00:00:00Z") -> InteractionRow:
    source, sid = uid.split(":")
    return InteractionRow(uid=uid, source=source, source_id=sid, at=at, type="login" if ref else "view",
                          customer_ref=ref, row_hash=h, identifiers=list(identifiers))


def test_write_customers_counts_changes_and_atomicity_like_the_embedded_store(lite, neo):
    steps = [
        [crow("crm:1"), crow("crm:2", "Bob", identifiers=[("email", "bob@x.co"), ("phone", "+447700900001")])],
        [crow("crm:1"), crow("crm:2", "Bob", identifiers=[("email", "bob@x.co"), ("phone", "+447700900001")])],
        [crow("crm:1", "Anne", h="h2", identifiers=[("phone", "+447700900001")]), crow("crm:3", "Cy")],
    ]
    for rows in steps:
        assert lite.write_customers(rows, "t") == neo.write_customers(rows, "t")
    assert_same(lite, neo)
    frame = neo.customers_frame(["crm:1", "crm:3", "crm:missing"])
    assert frame["uid"].to_list() == ["crm:1", "crm:3"] and frame["seq"].to_list() == [1, 3]
    assert frame["phones"].to_list() == [["+447700900001"], []] and frame["emails"].to_list() == [[], ["ann@x.co"]]
    broken = CustomerRow(uid="crm:9", source="crm", source_id=None, row_hash="h")
    with pytest.raises(StoreError):
        neo.write_customers([crow("crm:8"), broken], "t")
    assert neo.stats()["customers"] == 3


def test_events_tie_their_customer_now_or_when_it_arrives(lite, neo):
    for store in (lite, neo):
        store.write_customers([crow("crm:1")], "t")
        store.write_interactions([irow("web:a", "crm:1"), irow("web:b", "crm:2", identifiers=[("device", "dev-2")]),
                                  irow("web:c", None)], "t")
    assert_same(lite, neo)
    assert neo.customer_identifiers(["crm:1"]) == lite.customer_identifiers(["crm:1"])
    # crm:2 was named before it arrived: on arrival its event is BY it and its device is tied to it
    for store in (lite, neo):
        store.write_customers([crow("crm:2", "Bob", identifiers=[("device", "dev-2"), ("email", "b@x.co")])], "t")
    assert_same(lite, neo)
    ties = neo.customer_identifiers(["crm:2"])
    assert [(t["kind"], t["value"]) for t in ties] == [("device", "dev-2"), ("email", "b@x.co")]
    assert {(t["value"], t["origin"]) for t in bulk_ties(neo, "crm:2")} == {("dev-2", "record"), ("b@x.co", "record")}
    assert {(t["value"], t["origin"]) for t in bulk_ties(neo, "crm:1")} == {("dev-1", "web"), ("ann@x.co", "record")}
    # a changed record keeps the ties its events made, drops those of its old version
    for store in (lite, neo):
        store.write_customers([crow("crm:1", h="h2", identifiers=[("email", "new@x.co")])], "t")
    assert_same(lite, neo)
    assert {(t["kind"], t["value"]) for t in neo.customer_identifiers(["crm:1"])} == {("device", "dev-1"),
                                                                                     ("email", "new@x.co")}


def test_events_tie_declared_identifiers_to_their_customer_now_or_when_it_arrives(lite, neo):
    card = ("loyalty_number", "GOLD77")
    for store in (lite, neo):
        store.write_customers([crow("crm:1", identifiers=[("national_id", "123456780")])], "t")
        store.write_interactions([irow("calls:a", "crm:1", identifiers=[card]),
                                  irow("calls:b", "crm:2", identifiers=[("national_id", "999888777")])], "t")
    assert neo.customer_identifiers(["crm:1"]) == lite.customer_identifiers(["crm:1"])
    assert {(t["value"], t["origin"]) for t in bulk_ties(neo, "crm:1")} == {("123456780", "record"), ("GOLD77", "calls")}
    for store in (lite, neo):
        store.write_customers([crow("crm:2", "Bob", identifiers=[("email", "b@x.co")])], "t")
    assert {(t["value"], t["origin"]) for t in bulk_ties(neo, "crm:2")} == {("b@x.co", "record"), ("999888777", "calls")}
    assert_same(lite, neo)
    assert sorted(neo.bulk("identifiers"), key=str) == sorted(lite.bulk("identifiers"), key=str)
    # a changed record drops the declared identifier of its old version, keeps the one its event tied
    for store in (lite, neo):
        store.write_customers([crow("crm:1", h="h2", identifiers=[("email", "ann@x.co")])], "t")
    assert {(t["kind"], t["value"]) for t in neo.customer_identifiers(["crm:1"])} == {("email", "ann@x.co"), card}
    assert_same(lite, neo)


def bulk_ties(store, uid: str) -> list[dict]:
    return [{"value": value, "origin": origin} for holder, u, _, value, origin in store.bulk("identifier_ties")
            if holder == "customer" and u == uid]


def judge(store, jid: str, kind: str, a: str, b: str) -> None:
    """A judgement with a fixed id (people.merge mints random ones), as people.merge records it."""
    store.add_judgements([{"judgement_id": jid, "kind": kind, "a_uid": min(a, b), "b_uid": max(a, b), "by": "ann",
                         "at": f"2024-05-0{len(jid)}T00:00:00Z", "reason": f"judged {kind}"}])


def test_reingesting_the_same_sources_changes_no_count(neo, neo4j_clean, tmp_path):
    path = small_project(tmp_path, CRM, WEB)
    mapping = load_mapping(path)
    ingest(neo, mapping)
    resolve(neo, mapping)
    before, stats = counts(neo4j_clean), neo.stats()
    again = ingest(neo, mapping)
    assert again.total("new") == 0 and again.total("updated") == 0 and again.total("unchanged") == len(CRM) + len(WEB)
    assert resolve(neo, mapping).scope == "none"
    # nothing changes but the run log, which keeps the second ingest run too
    assert counts(neo4j_clean) == {**before, "Run": before["Run"] + 1} and neo.stats() == stats
    assert before["Customer"] == len(CRM) and before["Interaction"] == len(WEB) and before["BY"] == 1


# -- guard, links, judgements ---------------------------------------------------------------------------
def test_guard_marks_and_unmarks_like_the_embedded_store(lite, neo):
    rows = [crow("crm:1", identifiers=[("phone", "+1")]), crow("crm:2", "Bo", identifiers=[("phone", "+1")]),
            crow("crm:3", "Cy", identifiers=[("email", "c@x")])]
    for store in (lite, neo):
        store.write_customers(rows[:1], "t")
        linked_up_to_now(store)
        store.write_customers(rows[1:], "t")
    assert to_link(neo) == to_link(lite) == ["crm:2", "crm:3"]
    assert neo.identifier_members(["crm:3"]).is_empty()
    flips = [("phone", "+1", True, "different first names"), ("email", "c@x", False, None),
             ("email", "nowhere@x", True, "absent")]
    assert neo.set_shared(flips) == lite.set_shared(flips) == 1
    assert neo.set_shared(flips) == lite.set_shared(flips) == 0
    assert_same(lite, neo)
    assert neo.identifier_members(None)["shared"].to_list() == [True, True]
    for store in (lite, neo):
        linked_up_to_now(store)
    assert to_link(neo) == [] and to_resolve(neo) == ["crm:1", "crm:2", "crm:3"]


def test_links_replace_read_and_delete_like_the_embedded_store(lite, neo):
    rows = [crow(f"crm:{i}", identifiers=[("email", f"{i}@x")]) for i in range(1, 6)]
    links = [LinkRow("crm:1", "crm:2", 0.9, '{"name": "exact"}'), LinkRow("crm:2", "crm:3", 0.5, "{}", "review"),
             LinkRow("crm:1", "crm:2", 0.95, '{"name": "again"}')]  # one link per pair: the last one wins
    for store in (lite, neo):
        store.write_customers(rows, "t")
        resolve_marks_cleared(store)
        store.replace_links(links, None)
    assert_same(lite, neo)
    assert neo.links("probable") == lite.links("probable") == [LinkRow("crm:1", "crm:2", 0.95, '{"name": "again"}')]
    assert neo.links("review", 1) == lite.links("review", 1)
    assert neo.links(touching=["crm:2"]) == lite.links(touching=["crm:2"])
    assert to_resolve(neo) == ["crm:1", "crm:2", "crm:3"]
    for store in (lite, neo):
        resolve_marks_cleared(store)
        store.replace_links([LinkRow("crm:4", "crm:5", 0.8, "{}")], ["crm:4"])
        store.delete_link("crm:2", "crm:1")
    assert_same(lite, neo)
    assert to_resolve(neo) == ["crm:1", "crm:2", "crm:4", "crm:5"]


def resolve_marks_cleared(store) -> None:
    """Move resolve's watermark past every stamp the way a resolve does (an empty resolution of the whole
    graph that read everything)."""
    empty = pl.DataFrame(schema={"uid": pl.Utf8, "profile_id": pl.Utf8})
    no_profiles = pl.DataFrame(schema={"profile_id": pl.Utf8, "seq": pl.Int64, "status": pl.Utf8,
                                       "merged_into": pl.Utf8, "split_from": pl.Utf8, "created_at": pl.Utf8,
                                       "updated_at": pl.Utf8, "first_name": pl.Utf8, "last_name": pl.Utf8,
                                       "dob": pl.Utf8, "email": pl.Utf8, "phone": pl.Utf8, "address": pl.Utf8,
                                       "city": pl.Utf8, "postcode": pl.Utf8, "country": pl.Utf8,
                                       "customer_count": pl.Int64, "sources": pl.Utf8})
    retired = pl.DataFrame(schema={"profile_id": pl.Utf8, "status": pl.Utf8, "merged_into": pl.Utf8,
                                   "updated_at": pl.Utf8})
    store.write_resolution(empty, no_profiles, retired, [], pl.DataFrame(schema={"uid": pl.Utf8, "profile_id": pl.Utf8}),
                           [], mark=store.marks()["sequence"])


def test_judgements_add_list_withdraw_like_the_embedded_store(lite, neo):
    for store in (lite, neo):
        store.write_customers([crow("crm:1"), crow("crm:2", "Bo"), crow("crm:3", "Cy")], "t")
        resolve_marks_cleared(store)
        store.add_judgements([{"judgement_id": "J1", "kind": "same", "a_uid": "crm:1", "b_uid": "crm:2", "by": "ann",
                             "at": "2024-01-01T00:00:00Z", "reason": "same person"}])
        store.add_judgements([{"judgement_id": "J2", "kind": "not_same", "a_uid": "crm:2", "b_uid": "crm:3",
                             "by": "bob", "at": "2024-01-02T00:00:00Z", "reason": None}])
    assert neo.judgements() == lite.judgements()
    assert neo.judgements(["crm:3"]) == lite.judgements(["crm:3"])
    assert to_resolve(neo) == ["crm:1", "crm:2", "crm:3"]
    assert neo.withdraw_judgement("J1", "2024-02-01") == lite.withdraw_judgement("J1", "2024-02-01")
    assert neo.withdraw_judgement("J1", "2024-03-01")["deleted_at"] == "2024-02-01"  # withdrawn once
    assert neo.withdraw_judgement("nope", "2024-03-01") is None
    assert neo.judgements() == lite.judgements() and len(neo.judgements(include_deleted=True)) == 2
    with pytest.raises(NotFoundError, match="crm:404"):
        neo.add_judgements([{"judgement_id": "J3", "kind": "same", "a_uid": "crm:1", "b_uid": "crm:404",
                           "by": "ann", "at": "2024-01-01"}])
    assert_same(lite, neo)


def test_suppression_salt_and_audit_entries(lite, neo):
    salt = neo.salt()
    assert neo.salt() == salt and len(salt) == 32
    assert neo.add_suppression([("h1", "record"), ("h2", "email"), ("h1", "record")], "2024-01-01") == 2
    assert neo.add_suppression([("h2", "email"), ("h3", "phone")], "2024-01-02") == 1
    assert neo.suppressed(["h1", "h3", "h9", "salt"]) == {"h1", "h3"}
    assert neo.suppressed([]) == set()
    entries = [{"at": "2024-01-01", "action": "judged_same", "profile_id": "P1", "by": "ann", "reason": "r",
                "details": {"b": 2, "a": 1}}, {"at": "2024-01-02", "action": "forgotten", "profile_id": None,
                                               "by": "dpo", "reason": None, "details": None}]
    for store in (lite, neo):
        store.add_audit(entries)
        store.add_audit(entries[:1])
    assert neo.audit() == lite.audit() and [a["seq"] for a in neo.audit("P1")] == [1, 3]


# -- the whole pipeline on both stores ----------------------------------------------------------------
def same_summaries(summaries) -> None:
    (_, lite_summary), (_, neo_summary) = summaries
    skip = {"seconds", "components_by"}
    assert lite_summary.model_dump(exclude=skip) == neo_summary.model_dump(exclude=skip)


def test_small_project_gives_the_same_profiles_incrementally(lite, piped, tmp_path):
    same_summaries(both(lite, piped, small_project(tmp_path, CRM[:4], WEB[:2])))
    assert_same(lite, piped)
    # a bridge merges two profiles; new events arrive, one for a customer named earlier
    bridge = person("9", "", "", "bob@post.co.uk", "07700 900003")
    summaries = both(lite, piped, small_project(tmp_path, CRM[:4] + [bridge] + CRM[4:], WEB))
    same_summaries(summaries)
    assert summaries[1][1].profiles_merged == 1 and summaries[1][1].scope == "full"
    assert summaries[1][1].components_by == ("gds" if piped.gds else "in-process")
    assert_same(lite, piped)
    # a changed record splits a profile off (incrementally)
    moved = [dict(r) for r in CRM[:4] + [bridge] + CRM[4:]]
    moved[4]["email"] = ""
    summaries = both(lite, piped, small_project(tmp_path, moved, WEB))
    same_summaries(summaries)
    assert summaries[1][1].scope == "incremental" and summaries[1][1].profiles_split == 1
    assert_same(lite, piped)
    # a judgement joins two records, another keeps two apart: a minimum cut
    for store in (lite, piped):
        judge(store, "J1", "same", "crm:5", "crm:6")
        judge(store, "J22", "not_same", "crm:3", "crm:4")
    summaries = both(lite, piped, small_project(tmp_path, moved, WEB))
    same_summaries(summaries)
    assert summaries[1][1].links_cut
    assert_same(lite, piped)
    for store in (lite, piped):
        store.withdraw_judgement("J22", "2024-06-01T00:00:00Z")
    same_summaries(both(lite, piped, small_project(tmp_path, moved, WEB)))
    assert_same(lite, piped)


def test_declared_kinds_and_attributes_give_the_same_answers(lite, piped, tmp_path):
    kinds, attributes = tuple(sorted(DECLARED_KINDS)), ("gender", "title")

    def crm(i, first, ssn="", **kw):
        return {"id": str(i), "first": first, "last": "Lee", "email": f"{first.lower()}{i}@lee.co", "ssn": ssn,
                "sex": "F", "title": "Dr", "street_no": str(i), "street": "High Street", **kw}

    people_ = [crm(1, "Ann", "123-45-6780"), crm(2, "Bea", "222 333 444"), crm(3, "Cat", "333-444-555", sex="")]
    bank = [{"acct": "B1", "first": "Ann", "last": "Lee", "national_id": "123456780", "loyalty": "gold 1"},
            {"acct": "B2", "first": "Bea", "last": "Lee", "loyalty": "Silver 2"}]
    calls = [{"call_id": "c1", "at": "2024-03-01T10:00:00Z", "ssn": "222333444"},
             {"call_id": "c2", "at": "2024-03-02T10:00:00Z", "account": "SILVER2"},
             {"call_id": "c3", "at": "2024-03-03T10:00:00Z", "ssn": "333444555", "account": "GOLD1"}]
    same_summaries(both(lite, piped, declared_project(tmp_path, people_, bank, calls)))
    assert_same(lite, piped, kinds, attributes)
    assert {p for _, _, _, p in piped.bulk("records")} >= {None}  # c3 names two profiles: not attributed
    # a bank record (no first name) bridges Cat and Bea's bank record through the national id and the
    # loyalty number; Ann's title goes; and a national id held by four records (max_customers 3) is shared
    bank += [{"acct": "B3", "first": "", "last": "Lee", "national_id": "333444555", "loyalty": "silver 2"}]
    people_[0] = {**people_[0], "title": ""}
    people_ += [crm(i, "Sam", "999 888 777") for i in (7, 8, 9)]
    bank += [{"acct": "B9", "first": "Sam", "last": "Lee", "national_id": "999888777"}]
    summaries = both(lite, piped, declared_project(tmp_path, people_, bank, calls))
    same_summaries(summaries)
    assert summaries[1][1].identifiers_marked_shared == 1 and summaries[1][1].profiles_merged == 1
    assert_same(lite, piped, kinds, attributes)
    assert guard_rows(piped) == guard_rows(lite)
    assert {m["uid"]: m["attributes"] for m in piped.profile_members(piped.find_customers("record", "crm:1")[0][
        "profile_id"])}["crm:1"] == {"gender": "f"}


def test_generated_sources_give_the_same_profiles_as_the_embedded_store(lite, neo, neo4j_clean, tmp_path):
    generated = generate(tmp_path / "gen", people=300, seed=7)
    summaries = both(lite, neo, generated.mapping_path)
    (li, lr), (ni, nr) = summaries
    stamps = {"run_tag", "seconds", "started_at"}
    assert ni.model_dump(exclude=stamps) == li.model_dump(exclude=stamps)
    assert nr.model_dump(exclude={"seconds"}) == lr.model_dump(exclude={"seconds"})
    assert nr.profiles_written > 250 and nr.scope == "full"
    assert_same(lite, neo)
    before = counts(neo4j_clean)
    again = ingest(neo, load_mapping(generated.mapping_path))
    assert again.total("new") == again.total("updated") == 0
    assert resolve(neo, load_mapping(generated.mapping_path)).scope == "none"
    assert counts(neo4j_clean) == {**before, "Run": before["Run"] + 1}  # the run log keeps the second run


def test_batched_resolution_gives_the_same_profiles(lite, neo4j_clean, tmp_path):
    generated = generate(tmp_path / "gen", people=120, seed=11)
    store = open_neo4j(neo4j_clean, batch_size=7)  # dozens of component batches, each a transaction
    try:
        both(lite, store, generated.mapping_path)
        assert_same(lite, store)
    finally:
        store.close()


def test_a_resolve_killed_between_batches_is_finished_by_the_next_one(lite, neo4j_clean, tmp_path, monkeypatch):
    generated = generate(tmp_path / "gen", people=120, seed=5)
    mapping = load_mapping(generated.mapping_path)
    ingest(lite, mapping)
    resolve(lite, mapping)
    store = open_neo4j(neo4j_clean, batch_size=9)
    try:
        ingest(store, mapping)
        calls = {"n": 0}

        def dying() -> None:  # inside each write transaction, before its commit
            calls["n"] += 1
            if calls["n"] == 4:  # three transactions committed, the fourth dies before its commit
                raise RuntimeError("killed")

        hooks.install("store.commit", dying)
        try:
            with pytest.raises(RuntimeError, match="killed"):
                resolve(store, mapping)
        finally:
            hooks.clear()
        # three batches of profiles are written, but the watermark is not advanced: all is still to do
        assert store.stats()["customers_to_resolve"] == store.stats()["customers"]
        assert 0 < store.stats()["profiles"]
        resolve(store, mapping)
        assert_same_profiles(lite, store)
    finally:
        store.close()


def assert_same_profiles(lite_store, neo_store) -> None:
    a, b = snapshot(lite_store), snapshot(neo_store)
    for key in ("stats", "records", "profiles", "members", "identifiers", "timelines", "frame", "dirty", "max_seq"):
        assert a[key] == b[key], f"{key} differs between the embedded store and Neo4j"


# -- components by GDS ----------------------------------------------------------------------------------
@pytest.fixture
def gds_store(neo4j_clean):
    store = open_neo4j(neo4j_clean, gds=True)
    if store.gds_version() is None:
        store.close()
        pytest.skip("this Neo4j has no Graph Data Science library")
    yield store
    store.close()


def test_gds_components_are_the_in_process_components(gds_store, tmp_path):
    generated = generate(tmp_path / "gen", people=200, seed=13)
    mapping = load_mapping(generated.mapping_path)
    ingest(gds_store, mapping)
    from idgraph.graph.components import components

    edges = gds_store.link_edges(None)
    uids = pl.Series(gds_store.customers_frame(None)["uid"])
    expected = components(uids, edges)
    got = gds_store.components_gds(None)

    def partition(frame):
        return {frozenset(g) for g in frame.group_by("component").agg(pl.col("uid"))["uid"].to_list()}

    assert got.height == expected.height and partition(got) == partition(expected)
    scope = got.filter(pl.col("component") == got["component"][0])["uid"].to_list()
    assert partition(gds_store.components_gds(scope)) == {frozenset(scope)}


def test_gds_path_gives_the_same_profiles_as_in_process(lite, gds_store, tmp_path):
    """The whole life of a small project (merge, split, judgements, chains whose middle record changes)
    through resolve with GDS components: the embedded store, in-process, must agree at every step."""
    chain = [person("11", "Ann", "Lee", "ann@a.co", "07700 900111"),  # 11 - email - 12 - phone - 13
             person("12", "Ann", "Lee", "ann@a.co", "07700 900112"),
             person("13", "Ann", "Lee", "ann2@a.co", "07700 900112")]
    crm = CRM + chain
    summaries = both(lite, gds_store, small_project(tmp_path, crm, WEB))
    assert summaries[1][1].components_by == "gds" and summaries[0][1].components_by == "in-process"
    assert_same(lite, gds_store)
    broken = [dict(r) for r in crm]
    broken[-2].update(email="", phone="")  # 12 drops both ties: the clean 11 and 13 fall apart
    broken[1]["email"] = "bobby@elsewhere.org"
    summaries = both(lite, gds_store, small_project(tmp_path, broken, WEB))
    assert summaries[1][1].components_by == "gds" and summaries[1][1].profiles_split >= 1
    assert_same(lite, gds_store)
    for store in (lite, gds_store):
        judge(store, "J1", "same", "crm:11", "crm:13")
        judge(store, "J22", "not_same", "crm:3", "crm:4")
    both(lite, gds_store, small_project(tmp_path, broken, WEB), full=True)
    assert_same(lite, gds_store)


# -- what the commands print ----------------------------------------------------------------------------
def test_the_password_is_never_printed_or_logged(neo4j_clean, tmp_path, monkeypatch, caplog):
    from idgraph.cli import query as query_cli
    from idgraph.cli.app import main_options, pipeline, inspect

    app = typer.Typer()
    app.callback()(main_options)
    pipeline.register(app)
    inspect.register(app)
    query_cli.register(app)
    path = small_project(tmp_path, CRM, WEB)
    for key, value in {"IDGRAPH_STORE": "neo4j", "NEO4J_URI": neo4j_clean.uri, "NEO4J_USERNAME": neo4j_clean.user,
                       "NEO4J_PASSWORD": neo4j_clean.password, "NEO4J_DATABASE": neo4j_clean.database,
                       "IDGRAPH_NO_PROGRESS": "1"}.items():
        monkeypatch.setenv(key, value)
    caplog.set_level(logging.DEBUG)
    runner = CliRunner()
    outputs = []
    for args in (["init"], ["ingest"], ["resolve", "--json"], ["stats"], ["show", "--email", "bob@post.co.uk"],
                 ["export", "--out", str(tmp_path / "out")], ["query", "--list"],
                 ["query", "largest_profiles", "--param", "limit=3", "--json"]):
        result = runner.invoke(app, ["-m", str(path), *args])
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)
    assert json.loads(outputs[2])["components_by"] in ("gds", "in-process")
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_clean.password + "-wrong")
    refused = runner.invoke(app, ["-m", str(path), "stats"])
    assert refused.exit_code == 2 and "NEO4J_PASSWORD" in refused.output
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{free_port()}")
    unreachable = runner.invoke(app, ["-m", str(path), "stats"])
    assert unreachable.exit_code == 2 and "cannot reach" in unreachable.output
    text = "\n".join([*outputs, refused.output, unreachable.output, caplog.text])
    assert neo4j_clean.password not in text and neo4j_clean.password + "-wrong" not in text


def test_replace_links_deletes_only_the_links_touching_what_was_relinked(neo):
    neo.write_customers([crow(f"crm:{i}", identifiers=[("email", f"{i}@x")]) for i in range(1, 5)], "t")
    neo.replace_links([LinkRow("crm:1", "crm:2", 0.9, "{}"), LinkRow("crm:2", "crm:3", 0.9, "{}")], None)
    resolve_marks_cleared(neo)
    # relinking crm:1 replaces its links; crm:2's link to crm:3 is not crm:1's and stays
    neo.replace_links([LinkRow("crm:1", "crm:4", 0.8, "{}")], ["crm:1"])
    assert [(l.a_uid, l.b_uid) for l in neo.links("probable")] == [("crm:2", "crm:3"), ("crm:1", "crm:4")]
    assert to_resolve(neo) == ["crm:1", "crm:2", "crm:4"]  # crm:2 lost a link; crm:3 kept its own
