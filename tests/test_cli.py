"""The CLI as a user and a script see it: commands, output, --json, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from idgraph.cli.app import app
from tests.helpers import person, small_project

runner = CliRunner()
CRM = [person("1", "Robert", "Smith", "bob@post.co.uk", "07700 900001", "1980-02-03", "SW1A 1AA"),
       person("2", "Bob", "Smith", "bob@post.co.uk", "", "1980-02-03"),
       person("3", "Alice", "Jones", "alice@post.co.uk", "", "1990-05-06")]
WEB = [{"event_id": "e1", "ts": "2024-03-01T10:00:00Z", "cookie": "dev-A", "event": "login", "user_id": "1"}]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("IDGRAPH_NO_PROGRESS", "1")
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    return small_project(tmp_path, CRM, WEB)


def idg(mapping, *args):
    return runner.invoke(app, ["-m", str(mapping), *args])


def test_ingest_resolve_show_stats_as_json(project):
    ingested = idg(project, "ingest", "--json")
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)["sources"][0]["stored"] == 3
    resolved = json.loads(idg(project, "resolve", "--json").stdout)
    assert resolved["profiles_written"] == 2 and resolved["scope"] == "full"
    shown = idg(project, "show", "--email", " BOB@post.co.uk", "--json")
    view = json.loads(shown.stdout)
    assert {c["uid"] for c in view["customers"]} == {"crm:1", "crm:2"}
    assert view["golden"]["first_name"] in ("robert", "bob") and view["interaction_count"] == 1
    assert json.loads(idg(project, "show", "--phone", "+44 7700 900001", "--json").stdout)["profile_id"] == view["profile_id"]
    assert json.loads(idg(project, "show", "--record", "crm:2", "--json").stdout)["profile_id"] == view["profile_id"]
    assert json.loads(idg(project, "show", view["profile_id"], "--json").stdout)["customers"] == view["customers"]
    stats = json.loads(idg(project, "stats", "--json").stdout)
    assert stats["profiles"] == 2 and stats["customers"] == 3 and stats["interactions"] == 1


def test_human_output_shows_the_profile(project):
    idg(project, "ingest")
    idg(project, "resolve")
    shown = idg(project, "show", "--email", "alice@post.co.uk")
    assert shown.exit_code == 0 and "Alice Jones" in shown.stdout and "crm:3" in shown.stdout


def test_export_writes_records_and_profiles(project, tmp_path):
    idg(project, "ingest")
    idg(project, "resolve")
    out = tmp_path / "out"
    result = idg(project, "export", "--out", str(out), "--format", "jsonl", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(l) for l in (out / "records.jsonl").read_text().splitlines()]
    assert {(r["kind"], r["source"], r["record_id"]) for r in rows} == {
        ("customer", "crm", "1"), ("customer", "crm", "2"), ("customer", "crm", "3"), ("interaction", "web", "e1")}
    by_record = {r["record_id"]: r["profile_id"] for r in rows}
    assert by_record["1"] == by_record["2"] == by_record["e1"] != by_record["3"]
    assert len((out / "profiles.jsonl").read_text().splitlines()) == 2
    csv_out = idg(project, "export", "--out", str(out), "--format", "csv")
    assert csv_out.exit_code == 0 and (out / "records.csv").read_text().startswith("kind,source,record_id,profile_id")


def test_evaluate_against_truth(project, tmp_path):
    idg(project, "ingest")
    idg(project, "resolve")
    truth = tmp_path / "truth.csv"
    truth.write_text("source,record_id,person_id\ncrm,1,a\ncrm,2,a\ncrm,3,b\nweb,e1,a\n")
    ev = json.loads(idg(project, "evaluate", str(truth), "--json").stdout)
    assert ev["pairwise_precision"] == 1.0 and ev["pairwise_recall"] == 1.0 and ev["attribution_precision"] == 1.0
    truth.write_text("source,record_id,person_id\ncrm,1,a\ncrm,2,c\ncrm,3,b\n")
    ev = json.loads(idg(project, "evaluate", str(truth), "--json").stdout)
    assert ev["pairwise_precision"] == 0.0 and ev["profiles_joining_several_people"] == 1


@pytest.mark.parametrize("args, code, message", [
    (["show", "--email", "nobody@post.co.uk"], 1, "no customer"),
    (["show", "Pnope"], 1, "no profile"),
    (["ingest", "nosuch"], 2, "no source called"),
    (["evaluate", "missing.csv"], 2, "truth file"),
])
def test_errors_are_one_line_with_an_exit_code(project, args, code, message):
    idg(project, "ingest")
    result = idg(project, *args)
    assert result.exit_code == code and message in result.output


def test_missing_mapping_is_exit_2(tmp_path):
    result = runner.invoke(app, ["-m", str(tmp_path / "none.yaml"), "stats"])
    assert result.exit_code == 2 and "mapping file not found" in result.output


def test_init_writes_a_template_and_the_store(tmp_path):
    mapping = tmp_path / "idgraph.yaml"
    result = runner.invoke(app, ["-m", str(mapping), "init"])
    assert result.exit_code == 0 and mapping.exists() and "store ready" in result.stdout
    assert (tmp_path / "myshop.idgraph.db").exists()


# -- declared identifier kinds and attributes -----------------------------------------------------------
@pytest.fixture
def declared(tmp_path, monkeypatch):
    from tests.helpers import declared_project

    monkeypatch.setenv("IDGRAPH_NO_PROGRESS", "1")
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    crm = [{"id": "1", "first": "Ann", "last": "Lee", "email": "ann@lee.co", "ssn": "123-45-6780", "sex": "F",
            "title": "Dr"},
           {"id": "2", "first": "Bob", "last": "Ray", "email": "bob@ray.co", "ssn": "987654321"}]
    bank = [{"acct": "B1", "first": "Ann", "last": "Lee", "national_id": "123 45 6780", "loyalty": "gold-77"}]
    path = declared_project(tmp_path, crm, bank)
    assert idg(path, "ingest").exit_code == 0 and idg(path, "resolve").exit_code == 0
    return path


def test_show_by_a_declared_identifier_normalises_it_and_lists_kinds_and_attributes(declared):
    shown = idg(declared, "show", "--identifier", "national_id=123.45.6780", "--json")
    assert shown.exit_code == 0, shown.output
    view = json.loads(shown.stdout)
    assert view["asked_for"] == "national_id 123456780"
    assert {c["uid"]: c["attributes"] for c in view["customers"]} == {
        "bank:B1": {}, "crm:1": {"gender": "f", "title": "dr"}}
    assert {(i["kind"], i["value"]) for i in view["identifiers"]} == {
        ("email", "ann@lee.co"), ("national_id", "123456780"), ("loyalty_number", "GOLD-77")}
    by_loyalty = json.loads(idg(declared, "show", "--identifier", "loyalty_number= gold-77 ", "--json").stdout)
    assert by_loyalty["profile_id"] == view["profile_id"]
    assert json.loads(idg(declared, "show", "--identifier", "email=ANN@lee.co", "--json").stdout)[
        "profile_id"] == view["profile_id"]
    human = idg(declared, "show", "--identifier", "national_id=123456780")
    assert human.exit_code == 0 and "national_id" in human.stdout and "gender=f, title=dr" in human.stdout


@pytest.mark.parametrize("spec, code, message", [
    ("passport=123", 2, "no identifier kind 'passport'"),
    ("national_id", 2, "KIND=VALUE"),
    ("national_id=12-34", 2, "not a usable national_id (too short)"),
    ("national_id=123456789", 2, "(junk)"),
    ("national_id=555555555", 1, "no customer with national_id '555555555'"),
])
def test_show_by_a_bad_or_unknown_identifier_says_what_is_wrong(declared, spec, code, message):
    result = idg(declared, "show", "--identifier", spec)
    assert result.exit_code == code and message in result.output
    if code == 2:
        assert "national_id" in result.output  # the known kinds are named


def test_forget_by_a_declared_identifier(declared):
    done = idg(declared, "forget", "--identifier", "national_id=123-45-6780", "--suppress", "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)["forget"]
    assert result["asked_kind"] == "national_id" and result["customers"] == 2 and result["identifiers"] == 3
    assert idg(declared, "show", "--identifier", "loyalty_number=GOLD-77").exit_code == 1
    again = json.loads(idg(declared, "ingest", "--json").stdout)
    assert sum(s["suppressed"] for s in again["sources"]) == 2
    both = idg(declared, "forget", "--identifier", "national_id=987654321", "--email", "bob@ray.co")
    assert both.exit_code == 2 and "exactly one" in both.output


def test_resolve_the_next_day_computes_every_stale_trait_a_chunk_at_a_time(tmp_path, monkeypatch):
    monkeypatch.setenv("IDGRAPH_NO_PROGRESS", "1")
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    mapping = small_project(tmp_path, CRM, WEB, traits={"as_of": "2026-03-01", "refresh_chunk": 1})
    assert idg(mapping, "ingest").exit_code == 0 and idg(mapping, "resolve").exit_code == 0
    small_project(tmp_path, CRM, WEB, traits={"as_of": "2026-03-02", "refresh_chunk": 1})
    resolved = idg(mapping, "resolve")
    assert resolved.exit_code == 0, resolved.output
    assert "nothing changed since the last run; traits of 2 profiles computed again" in resolved.stdout
    summary = json.loads(idg(mapping, "resolve", "--json").stdout)
    assert summary["scope"] == "none" and summary["traits"]["refreshed"] == 0
    view = json.loads(idg(mapping, "show", "--email", "alice@post.co.uk", "--json").stdout)
    assert view["traits"]["traits_as_of"] == "2026-03-02"


def test_ingest_writes_the_stores_batches_unless_told(project, monkeypatch):
    """Without --batch-size the job writes the store's own batches (50,000 records on the embedded store,
    5,000 on Neo4j): with the option's old default of 5,000, `idgraph ingest` took about one and a half
    times as long as the library at 100,000 people."""
    from idgraph.cli import pipeline
    from idgraph.graph.sqlite_store import SQLiteStore
    asked: list = []
    job = pipeline.ingest_job
    monkeypatch.setattr(pipeline, "ingest_job", lambda *a, **k: asked.append(k["batch_size"]) or job(*a, **k))
    batches: list[int] = []
    write = SQLiteStore.write_customer_frame
    monkeypatch.setattr(SQLiteStore, "write_customer_frame",
                        lambda self, frame, run_tag: batches.append(frame.height) or write(self, frame, run_tag))
    assert idg(project, "ingest", "--json").exit_code == 0
    assert asked == [None] and batches == [3]
    assert idg(project, "ingest", "--batch-size", "2", "--json").exit_code == 0
    assert asked == [None, 2] and batches == [3, 2, 1]
    refused = idg(project, "ingest", "--batch-size", "0")
    assert refused.exit_code == 2 and "batch-size" in refused.output
