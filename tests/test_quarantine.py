"""Bad input never crashes a batch and is never silently dropped: it is set aside, with its reason."""

from __future__ import annotations

import json

from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from tests.helpers import person, small_project


def test_bad_rows_go_to_quarantine_and_the_counts_balance(tmp_path, store):
    path = small_project(tmp_path, [person("1", "Ann", "Lee", "ann@mail.co.uk")],
                         web=[{"event_id": "e1", "ts": "2024-01-01T00:00:00Z", "cookie": "d1", "event": "view"},
                              {"event_id": "e2", "ts": "yesterday", "cookie": "d1", "event": "view"},
                              {"event_id": "e1", "ts": "2024-01-01T00:00:00Z", "cookie": "d1", "event": "view"}])
    crm = tmp_path / "crm.csv"
    with crm.open("ab") as fh:
        fh.write(b"2,Bad,\xff\xfeBytes,,,,,\n")  # undecodable
        fh.write(b"3,Too,Many,,,,,,,extra\n")  # wrong number of columns
        fh.write(b",No,Id,,,,,\n")  # empty id
        fh.write(b"4,Dee,Ray,not-an-email,,31/02/1990,,\n")  # bad values: emptied, row kept
        fh.write(b"1,Ann,Lee,ann.lee@mail.co.uk,,,,\n")  # the same id again: a duplicate, merged
    summary = ingest(store, load_mapping(path))
    crm_s, web_s = summary.sources
    assert (crm_s.rows_read, crm_s.stored, crm_s.duplicates, crm_s.quarantined) == (6, 2, 1, 3)
    assert (web_s.rows_read, web_s.stored, web_s.duplicates, web_s.quarantined) == (3, 1, 1, 1)
    assert summary.balanced
    assert crm_s.values_set_aside == {"dob: date-format": 1, "email: email-syntax": 1}
    entries = [json.loads(line) for line in (tmp_path / "quarantine" / "crm.jsonl").read_text().splitlines()]
    assert [e["line"] for e in entries] == [3, 4, 5]
    assert "undecodable" in entries[0]["reason"] and "columns" in entries[1]["reason"] and "id" in entries[2]["reason"]
    assert all(e["source"] == "crm" and e["file"].endswith("crm.csv") for e in entries)
    web_q = json.loads((tmp_path / "quarantine" / "web.jsonl").read_text())
    assert web_q["raw"]["event_id"] == "e2" and "timestamp" in web_q["reason"]
    # the duplicate merged into the first record: both emails are identifiers of crm:1
    assert {c["uid"] for c in store.find_customers("email", "ann.lee@mail.co.uk")} == {"crm:1"}
    assert {c["uid"] for c in store.find_customers("email", "ann@mail.co.uk")} == {"crm:1"}


def test_jsonl_bad_lines_and_wrong_types(tmp_path, store):
    (tmp_path / "n.jsonl").write_bytes(
        b'{"email": "a@mail.co.uk", "first": "A"}\n'
        b'not json\n'
        b'[1, 2]\n'
        b'{"email": {"nested": 1}, "first": "B"}\n'
        b'\n'
        b'{"email": "test@test.com", "first": "C"}\n')
    (tmp_path / "idgraph.yaml").write_text(
        "sources:\n  news:\n    path: n.jsonl\n    format: jsonl\n    id: {role: email}\n"
        "    fields: {email: email, first_name: first}\n")
    s = ingest(store, load_mapping(tmp_path / "idgraph.yaml")).sources[0]
    assert (s.rows_read, s.stored, s.quarantined) == (5, 1, 4)
    reasons = [__import__("json").loads(l)["reason"] for l in (tmp_path / "quarantine/news.jsonl").read_text().splitlines()]
    assert reasons[0].startswith("not JSON") and "JSON object" in reasons[1]
    assert "expected a text" in reasons[2] and "no usable email" in reasons[3]


def test_junk_never_becomes_an_identifier(tmp_path, store):
    crm = [person("1", "A", "One", "test@test.com", "0000000000"), person("2", "B", "Two", "test@test.com", "0000000000"),
           person("3", "C", "Three", "n/a", "withheld"), person("4", "D", "Four", "custom@junk.co.uk")]
    path = small_project(tmp_path, crm, junk={"emails": ["custom@junk.co.uk"]})
    s = ingest(store, load_mapping(path)).sources[0]
    assert store.stats()["identifiers"] == 0
    assert s.values_set_aside["email: junk"] == 4 and s.values_set_aside["phone: junk"] == 3
