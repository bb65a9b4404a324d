"""Forget (erasure) on every store: no trace of the person's personal data anywhere in the store, an
audit entry without personal data, and suppression that keeps them from coming back.

"No trace" is checked by reading every value of the store: every column of every table of the SQLite
file (and the file's bytes), or every property of every node and relationship in Neo4j.
"""

from __future__ import annotations

import json
import sqlite3
from importlib.resources import files

import pytest

from idgraph.ingest.jobs import people
from idgraph.ingest.jobs.forget import ForgetRefused, forget
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from idgraph.queries.profile import profile_identifiers
from tests.helpers import person, small_project

ZEB = [
    {**person("ZQ-881", "Zebediah", "Quisling", "zeb.q@hidden.org", "07700 900881", "1955-03-04", "ZE1 0AA"),
     "ssn": "881-00-0123"},
    {**person("ZQ-882", "Zeb", "Quisling", "zeb.q@hidden.org", "", "1955-03-04", "ZE1 0AA"), "title": "Reverend"},
    person("ZQ-883", "Zebediah", "Quisling", "", "07700 900883", "", ""),  # joined by a merge judgement
]
OTHERS = [
    {**person("1", "Robert", "Smith", "bob@post.co.uk", "07700 900001", "1980-02-03", "SW1A 1AA"),
     "ssn": "100 200 300", "title": "Mr"},
    person("2", "Bob", "Smith", "bob@post.co.uk", "", "1980-02-03", "SW1A 1AA"),
    person("3", "Alice", "Jones", "alice@mail.co.uk", "07700 900003", "1990-05-06", "E1 6AN"),
]
WEB = [
    {"event_id": "zq-e1", "ts": "2024-03-01T10:00:00Z", "cookie": "cookie-zeb-1", "event": "login", "user_id": "ZQ-881"},
    {"event_id": "zq-e2", "ts": "2024-03-01T10:05:00Z", "cookie": "cookie-zeb-1", "event": "page_view"},
    {"event_id": "e3", "ts": "2024-03-02T09:00:00Z", "cookie": "cookie-bob", "event": "login", "user_id": "1"},
]
ERASED = ["zeb.q@hidden.org", "+447700900881", "+447700900883", "zebediah", "quisling", "zq-881", "zq-882",
          "zq-883", "cookie-zeb-1", "zq-e1", "zq-e2", "ze1 0aa", "1955-03-04", "881000123", "reverend"]


def stored_values(store) -> str:
    """Every value in the store, lower-cased, one per line."""
    if store.name == "embedded":
        db = sqlite3.connect(store.path)
        try:
            values = []
            for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
                for row in db.execute(f'SELECT * FROM "{table}"'):
                    values.extend(str(v) for v in row if v is not None)
        finally:
            db.close()
        return "\n".join(values).lower()
    query = files("idgraph.cypher").joinpath("people/all_properties.cypher").read_text(encoding="utf-8")
    records, _, _ = store.driver.execute_query(query, database_=getattr(store, "database", None))
    return "\n".join(json.dumps(r["properties"], default=str) for r in records).lower()


def project(tmp_path, crm=None, web=None):
    """The CRM declares a national id (an identifier kind of the mapping) and keeps a title attribute."""
    return small_project(tmp_path, crm if crm is not None else ZEB + OTHERS, web if web is not None else WEB,
                         crm_fields={"national_id": "ssn"}, crm_attributes={"title": "title"},
                         identifiers={"national_id": {"normalise": ["digits"], "min_length": 6}})


def ready(store, path):
    mapping = load_mapping(path)
    ingest(store, mapping)
    resolve(store, mapping)
    return mapping


def ids(store) -> dict[str, str]:
    return {f"{s}:{r}": p for k, s, r, p in store.bulk("records") if k == "customer"}


@pytest.mark.parametrize("asked", [{"email": " Zeb.Q@hidden.org "}, {"identifier": ("national_id", "881000123")}],
                         ids=["by-email", "by-declared-identifier"])
def test_forget_leaves_no_trace_of_the_person(store, tmp_path, asked):
    mapping = ready(store, project(tmp_path))
    people.merge(store, "crm:ZQ-881", "crm:ZQ-883", "ann", "confirmed by zeb.q@hidden.org on the phone")
    resolve(store, mapping)
    assert len({ids(store)[u] for u in ("crm:ZQ-881", "crm:ZQ-882", "crm:ZQ-883")}) == 1
    before = stored_values(store)
    assert all(v in before for v in ERASED)  # the check would see them
    others_before = {u: p for u, p in ids(store).items() if not u.startswith("crm:ZQ")}

    summary = forget(store, **asked, by="dpo", region="GB")
    assert (summary.customers, summary.interactions, summary.judgements, summary.profiles) == (3, 2, 1, 2)  # + the one merged in
    assert summary.identifiers == 5  # the email, two phones, the cookie, the national id
    assert summary.asked_kind == ("email" if "email" in asked else "national_id")
    after = stored_values(store)
    assert [v for v in ERASED if v in after] == []
    # everyone else is untouched
    assert {u: p for u, p in ids(store).items()} == others_before
    assert store.stats()["customers"] == 3 and store.stats()["interactions"] == 1
    # one audit entry, with a salted hash of what was asked and counts only
    (entry,) = [a for a in store.audit() if a["action"] == "forgotten"]
    details = json.loads(entry["details"]) if isinstance(entry["details"], str) else entry["details"]
    assert details["customers"] == 3 and len(details["asked"]) == 64 and entry["by"] == "dpo"
    if store.name == "embedded":  # not even in the file's free pages or its write-ahead log
        raw = store.path.read_bytes() + (store.path.with_name(store.path.name + "-wal").read_bytes()
                                          if store.path.with_name(store.path.name + "-wal").exists() else b"")
        assert b"zeb.q@hidden.org" not in raw and b"quisling" not in raw.lower()


def test_suppression_stops_the_next_ingest_bringing_them_back(store, tmp_path):
    path = project(tmp_path)
    mapping = ready(store, path)
    summary = forget(store, record="crm:ZQ-882", suppress=True, by="dpo", region="GB")
    assert summary.customers == 3 - 1 and summary.suppression_entries > 0  # ZQ-883 was never joined: not theirs
    again = ingest(store, mapping)
    assert again.balanced
    by_source = {s.source: s for s in again.sources}
    assert by_source["crm"].suppressed == 2 and by_source["crm"].stored == 4
    assert by_source["web"].suppressed == 2 and by_source["web"].stored == 1
    resolve(store, mapping)
    assert store.find_customers("email", "zeb.q@hidden.org") == []
    assert store.find_customers("record", "crm:ZQ-881") == []
    assert "zeb.q@hidden.org" not in stored_values(store)


def test_suppression_covers_declared_identifiers(store, tmp_path):
    mapping = ready(store, project(tmp_path))
    summary = forget(store, identifier=("national_id", "881000123"), suppress=True, by="dpo", region="GB")
    assert summary.customers == 2 and summary.suppression_entries > 0  # ZQ-883 was never joined: not theirs
    # a new record of the same person in a later export: only the national id says who it is
    newcomer = {**person("ZQ-999", "Z", "Q", "zq.new@else.org"), "ssn": "881 000 123"}
    path = project(tmp_path, ZEB + OTHERS + [newcomer])
    again = ingest(store, load_mapping(path))
    assert again.balanced and {s.source: s.suppressed for s in again.sources}["crm"] == 3
    assert store.find_customers("record", "crm:ZQ-999") == [] and "zq.new@else.org" not in stored_values(store)
    resolve(store, mapping)


def test_without_suppression_the_next_ingest_brings_them_back(store, tmp_path):
    mapping = ready(store, project(tmp_path))
    forget(store, phone="07700 900881", by="dpo", region="GB")
    assert store.find_customers("record", "crm:ZQ-881") == []
    again = ingest(store, mapping)
    assert again.balanced and sum(s.suppressed for s in again.sources) == 0
    assert store.find_customers("record", "crm:ZQ-881")


def test_an_identifier_of_several_profiles_is_refused(store, tmp_path):
    crm = [person("1", "Robert", "Smith", "home@post.co.uk", "", "1980-02-03"),
           person("2", "Alice", "Smith", "home@post.co.uk", "", "1990-05-06")]  # a family email: shared
    ready(store, project(tmp_path, crm, []))
    with pytest.raises(ForgetRefused, match="2 profiles"):
        forget(store, email="home@post.co.uk", by="dpo")
    assert store.stats()["customers"] == 2


def test_audit_of_other_profiles_is_redacted(store, tmp_path):
    # Zeb and Zara share an address book email; a split keeps them apart, and the cut is written to the
    # audit of both profiles, naming Zeb's record. Forgetting Zeb leaves Zara's audit without it.
    crm = [person("ZQ-881", "Zeb", "Quisling", "quislings@hidden.org", "07700 900881"),
           person("ZQ-990", "Zeb", "Quisling", "quislings@hidden.org", "07700 900990")]
    mapping = ready(store, project(tmp_path, crm, []))
    people.split_apart(store, ids(store)["crm:ZQ-881"], "crm:ZQ-881", "crm:ZQ-990", "ann", "not crm:ZQ-881's twin")
    resolve(store, mapping)
    zara = ids(store)["crm:ZQ-990"]
    assert any("zq-881" in json.dumps(a, default=str).lower() for a in store.audit(zara))
    summary = forget(store, record="crm:ZQ-881", by="dpo", region="GB")
    assert summary.texts_redacted >= 1
    text = stored_values(store)
    assert "zq-881" not in text and "+447700900881" not in text
    assert "quislings@hidden.org" in text and "zq-990" in text  # still Zara's
    assert [c["uid"] for c in store.profile_members(zara)] == ["crm:ZQ-990"]


def test_forget_on_generated_sources(store, tmp_path):
    generated = generate(tmp_path / "gen", people=300, seed=3)
    mapping = ready(store, generated.mapping_path)
    # a person with several records, interactions and identifiers of their own
    best = None
    for p in store.bulk("profiles"):
        if p["status"] == "active" and p["customer_count"] >= 3 and p["interaction_count"] >= 2:
            best = p["profile_id"]
            break
    assert best is not None
    members = [c["uid"] for c in store.profile_members(best)]
    own = [(i["kind"], i["value"]) for i in profile_identifiers(store, best)
           if {c["uid"] for c in store.find_customers(i["kind"], i["value"])} <= set(members)]
    events = [e["uid"] for e in store.profile_interactions(best)]
    assert own and events
    summary = forget(store, profile=best, suppress=True, by="dpo", region=mapping.phone_region)
    assert summary.customers == len(members) and summary.interactions >= len(events)
    text = stored_values(store)
    leftover = [v for v in [*members, *events, *(v for _, v in own)] if v.lower() in text]
    assert leftover == []
    again = ingest(store, mapping)
    assert again.balanced and sum(s.suppressed for s in again.sources) >= len(members)
    resolve(store, mapping)
    assert all(store.find_customers("record", u) == [] for u in members)


# -- what an erasure leaves (issue 15, finding 10) -------------------------------------------------------
def test_nothing_left_names_the_erased_profile_or_the_person_as_a_steward_wrote_them(store, tmp_path):
    # Zeb's profile once held Mary's record too (a probable link); a steward split her off, so her profile
    # came out of Zeb's (split_from). Stewards wrote about Zeb in their own words.
    from idgraph.graph.records import LinkRow

    crm = [person("ZQ-881", "Zebediah", "Quisling", "zeb.q@hidden.org", "07700 900881", "1955-03-04"),
           person("ZQ-882", "Zeb", "Quisling", "zeb.q@hidden.org", "", "1955-03-04"),
           person("M-1", "Mary", "Jones", "mary@mail.co.uk", "07700 900222", "1990-01-01"),
           person("K-1", "Kim", "Park", "kim@mail.co.uk"), person("K-2", "Kim", "Park", "kim.p@mail.co.uk")]
    mapping = ready(store, project(tmp_path, crm, []))
    store.replace_links([LinkRow("crm:M-1", "crm:ZQ-882", 0.99, "{}", "probable")], None)
    resolve(store, mapping)
    zeb = ids(store)["crm:ZQ-881"]
    assert ids(store)["crm:M-1"] == zeb
    people.split_apart(store, zeb, "crm:ZQ-881", "crm:M-1", "ann", "Mary is not her landlord Zebediah Quisling")
    resolve(store, mapping)
    mary = ids(store)["crm:M-1"]
    assert mary != zeb == ids(store)["crm:ZQ-882"] and store.profile(mary)["split_from"] == zeb
    people.merge(store, "crm:M-1", "crm:K-1", "bob",
                 "Quisling, Zebediah rang from 07700-900-881 (ZEB.Q@Hidden.org) about Mary")
    people.merge(store, "crm:K-1", "crm:K-2", "bob", "Kim and Mary share a flat")
    resolve(store, mapping)

    summary = forget(store, record="crm:ZQ-881", by="dpo", region="GB")
    assert summary.customers == 2 and summary.profiles >= 1
    assert store.profile(ids(store)["crm:M-1"])["split_from"] is None  # the erased profile is named nowhere
    text = stored_values(store)
    for written in ("zebediah", "quisling", "zq-881", zeb.lower(), "07700-900-881", "07700 900881",
                    "+447700900881", "zeb.q@hidden.org"):
        assert written not in text, written
    kept = {j["reason"] for j in store.judgements(None)}
    assert "Kim and Mary share a flat" in kept  # text that names someone else stays as it was
    (about_zeb,) = kept - {"Kim and Mary share a flat"}
    assert about_zeb.startswith("forgotten:") and " rang from forgotten:" in about_zeb
    assert "Mary" in about_zeb  # only Zeb's names and identifiers go
