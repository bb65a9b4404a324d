"""Bad input never crashes a batch and is never silently dropped: it is set aside, with its reason."""

from __future__ import annotations

import base64
import json

import pytest
import yaml

from idgraph.graph.errors import SourceError
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.replay import replay
from idgraph.ingest.mapping import load_mapping
from tests.helpers import CRM_COLUMNS, person, small_project


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
    # each entry keeps its row's text exactly; undecodable bytes also as base64; a CSV row its header
    assert [e["raw"] for e in entries] == ["2,Bad,\ufffd\ufffdBytes,,,,,", "3,Too,Many,,,,,,,extra", ",No,Id,,,,,"]
    assert base64.b64decode(entries[0]["raw_base64"]) == b"2,Bad,\xff\xfeBytes,,,,,"
    assert "raw_base64" not in entries[1] and entries[1]["header"] == ",".join(CRM_COLUMNS)
    web_q = json.loads((tmp_path / "quarantine" / "web.jsonl").read_text())
    assert web_q["raw"] == "e2,yesterday,d1,view," and "timestamp" in web_q["reason"]
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
    assert reasons[2] == "field 'email' (column 'email'): expected text or a number, got object"
    assert "no usable email" in reasons[3]


def test_junk_never_becomes_an_identifier(tmp_path, store):
    crm = [person("1", "A", "One", "test@test.com", "0000000000"), person("2", "B", "Two", "test@test.com", "0000000000"),
           person("3", "C", "Three", "n/a", "withheld"), person("4", "D", "Four", "custom@junk.co.uk")]
    path = small_project(tmp_path, crm, junk={"emails": ["custom@junk.co.uk"]})
    s = ingest(store, load_mapping(path)).sources[0]
    assert store.stats()["identifiers"] == 0
    assert s.values_set_aside["email: junk"] == 4 and s.values_set_aside["phone: junk"] == 3


# -- quarantine list / replay --------------------------------------------------------------------------
def entries_of(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def edit(path, change) -> None:
    """A person fixing rows in the quarantine file: `change(entry)` edits each entry in place."""
    kept = entries_of(path)
    for entry in kept:
        change(entry)
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in kept), encoding="utf-8")


def broken_project(tmp_path):
    path = small_project(tmp_path, [person("1", "Ann", "Lee", "ann@mail.co.uk")],
                         web=[{"event_id": "e1", "ts": "yesterday", "cookie": "d1", "event": "view"}])
    with (tmp_path / "crm.csv").open("ab") as fh:
        fh.write(b"2,Ren\xe9,Roy,rene@mail.co.uk,,,,\n")  # latin-1, the mapping says utf-8
        fh.write(b'3,"Cy,Cole,cy@mail.co.uk,,,,\n')  # a stray quote
        fh.write(b'4,"Di\nDot",Dee,di@mail.co.uk,,,,\n')  # a quoted newline: a good row
    return path


def test_replay_reads_the_rows_again_after_the_mapping_or_the_rows_are_fixed(tmp_path, store):
    path = broken_project(tmp_path)
    crm_q, web_q = tmp_path / "quarantine" / "crm.jsonl", tmp_path / "quarantine" / "web.jsonl"
    first = ingest(store, load_mapping(path))
    assert [(s.rows_read, s.stored, s.quarantined) for s in first.sources] == [(4, 2, 2), (1, 0, 1)]
    assert [(e["line"], e["raw"]) for e in entries_of(crm_q)] == [
        (3, "2,Ren\ufffd,Roy,rene@mail.co.uk,,,,"), (4, '3,"Cy,Cole,cy@mail.co.uk,,,,')]

    # 1. the mapping gets the right encoding: the undecodable row is read from its bytes, the other stays
    raw = yaml.safe_load(path.read_text())
    raw["sources"]["crm"]["encoding"] = "latin-1"
    path.write_text(yaml.safe_dump(raw))
    s = replay(store, load_mapping(path), "crm").sources[0]
    assert (s.rows_read, s.stored, s.new, s.quarantined) == (2, 1, 1, 1) and s.balanced
    assert [(e["line"], e["reason"]) for e in entries_of(crm_q)] == [(4, "unterminated quote")]
    assert [c["uid"] for c in store.find_customers("email", "rene@mail.co.uk")] == ["crm:2"]

    # 2. a person fixes the row's text in the quarantine file: it is stored, and the file is gone
    edit(crm_q, lambda e: e.update(raw=e["raw"].replace('"Cy', "Cy")))
    s = replay(store, load_mapping(path), "crm").sources[0]
    assert (s.rows_read, s.stored, s.quarantined) == (1, 1, 0) and s.balanced and not crm_q.exists()
    assert [c["uid"] for c in store.find_customers("email", "cy@mail.co.uk")] == ["crm:3"]

    # 3. an event rejected by the row builder: still wrong, it stays with its reason; fixed, it is stored
    assert replay(store, load_mapping(path), "web").sources[0].quarantined == 1 and web_q.exists()
    edit(web_q, lambda e: e.update(raw=e["raw"].replace("yesterday", "2024-05-01T10:00:00Z")))
    s = replay(store, load_mapping(path), "web").sources[0]
    assert (s.rows_read, s.stored, s.quarantined) == (1, 1, 0) and s.balanced
    assert store.stats()["interactions"] == 1
    assert replay(store, load_mapping(path), "web").sources[0].rows_read == 0  # nothing left


def test_replay_of_json_lines_and_a_failed_write_leaves_the_quarantine_as_it_was(tmp_path, store, monkeypatch):
    (tmp_path / "n.jsonl").write_bytes(b'{"email": "a@mail.co.uk"}\n{"email": "b@mail.co.uk",}\n')
    (tmp_path / "idgraph.yaml").write_text(
        "sources:\n  news:\n    path: n.jsonl\n    format: jsonl\n    id: {role: email}\n    fields: {email: email}\n")
    mapping = load_mapping(tmp_path / "idgraph.yaml")
    ingest(store, mapping)
    q = tmp_path / "quarantine" / "news.jsonl"
    assert entries_of(q)[0]["raw"] == '{"email": "b@mail.co.uk",}'
    edit(q, lambda e: e.update(raw='{"email": "b@mail.co.uk"}'))
    before = q.read_bytes()

    def fail(*args, **kwargs):
        raise RuntimeError("the store went away")

    monkeypatch.setattr(store, "write_customers", fail)
    with pytest.raises(RuntimeError):
        replay(store, mapping, "news")
    assert q.read_bytes() == before  # nothing was lost: replay again once the store is back
    monkeypatch.undo()
    s = replay(store, mapping, "news").sources[0]
    assert (s.rows_read, s.stored, s.quarantined) == (1, 1, 0) and not q.exists()


def test_a_broken_quarantine_file_is_refused_with_its_line(tmp_path, store):
    path = broken_project(tmp_path)
    ingest(store, load_mapping(path))
    q = tmp_path / "quarantine" / "crm.jsonl"
    q.write_text(q.read_text() + '{"raw": "5,Eve"}\n')
    with pytest.raises(SourceError, match=r"crm.jsonl, line 3: not a quarantine entry"):
        replay(store, load_mapping(path), "crm")
    assert len(entries_of(q)) == 3


def test_quarantine_list_and_replay_on_the_command_line(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from idgraph.cli.app import app

    monkeypatch.setenv("IDGRAPH_NO_PROGRESS", "1")
    path = broken_project(tmp_path)
    run = lambda *args: CliRunner().invoke(app, ["-m", str(path), *args])  # noqa: E731
    assert run("ingest").exit_code == 0
    listed = run("quarantine", "list", "--json")
    assert listed.exit_code == 0, listed.output
    assert [(c["source"], c["rows"], c["reasons"]) for c in json.loads(listed.stdout)] == [
        ("crm", 2, {"undecodable bytes (utf-8): invalid continuation byte": 1, "unterminated quote": 1}),
        ("web", 1, {"timestamp: timestamp-format": 1})]
    assert json.loads(run("quarantine", "list", "web", "--json").stdout)[0]["source"] == "web"
    table = run("quarantine", "list")
    assert "unterminated quote" in table.stdout and "timestamp: timestamp-format" in table.stdout
    replayed = run("quarantine", "replay", "crm", "--json")
    assert replayed.exit_code == 0, replayed.output
    assert json.loads(replayed.stdout)["sources"][0]["quarantined"] == 2
    assert run("quarantine", "replay", "nope").exit_code == 2


def test_an_entry_with_nothing_to_read_stays_in_quarantine(tmp_path, store):
    path = broken_project(tmp_path)
    ingest(store, load_mapping(path))
    q = tmp_path / "quarantine" / "crm.jsonl"
    edit(q, lambda e: e.update(raw=""))  # as versions before this one wrote for a broken quote
    s = replay(store, load_mapping(path), "crm").sources[0]
    assert (s.rows_read, s.stored, s.quarantined) == (2, 0, 2) and s.balanced
    assert all(e["reason"].startswith("nothing to read") for e in entries_of(q))
