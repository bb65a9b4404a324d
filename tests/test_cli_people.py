"""The people-in-the-loop commands as a steward and a script see them: output, --json, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from idgraph.cli import people as people_cli
from idgraph.cli.app import app
from tests.helpers import person, small_project

if not any(c.callback is people_cli.merge for c in app.registered_commands):
    people_cli.register(app)  # until cli/app.py wires it

runner = CliRunner()
CRM = [person("1", "Robert", "Smith", "bob@post.co.uk", "07700 900001", "1980-02-03", "SW1A 1AA"),
       person("2", "Bob", "Smith", "bob@post.co.uk", "", "1980-02-03"),
       person("3", "Alice", "Jones", "alice@post.co.uk", "", "1990-05-06"),
       person("4", "Carol", "White", "carol@post.co.uk", "07700 900004", "1970-01-01")]
WEB = [{"event_id": "e1", "ts": "2024-03-01T10:00:00Z", "cookie": "dev-A", "event": "login", "user_id": "4"}]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("IDGRAPH_NO_PROGRESS", "1")
    monkeypatch.setenv("IDGRAPH_USER", "ann")
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    path = small_project(tmp_path, CRM, WEB)
    assert idg(path, "ingest").exit_code == 0
    assert idg(path, "resolve").exit_code == 0
    return path


def idg(mapping, *args):
    return runner.invoke(app, ["-m", str(mapping), *args])


def profile_of(mapping, record: str) -> str:
    return json.loads(idg(mapping, "show", "--record", record, "--json").stdout)["profile_id"]


def test_merge_then_show_old_id_follows_lineage(project):
    p1, p3 = profile_of(project, "crm:1"), profile_of(project, "crm:3")
    done = idg(project, "merge", p3, "crm:1", "--reason", "same loyalty card", "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)
    assert result["judgements"][0]["by"] == "ann" and result["resolve"]["profiles_merged"] == 1
    shown = json.loads(idg(project, "show", p3, "--json").stdout)
    assert shown["profile_id"] == p1 and any(f"{p3} was merged into {p1}" in line for line in shown["lineage"])
    human = idg(project, "show", p3)
    assert human.exit_code == 0 and f"{p3} was merged into {p1}" in human.stdout


def test_conflicting_judgements_exit_3_naming_them(project):
    first = json.loads(idg(project, "merge", "crm:1", "crm:3", "--json").stdout)["judgements"][0]["judgement_id"]
    second = json.loads(idg(project, "merge", "crm:3", "crm:4", "--json").stdout)["judgements"][0]["judgement_id"]
    refused = idg(project, "split", profile_of(project, "crm:1"), "--keep-apart", "crm:1", "crm:4")
    assert refused.exit_code == 3
    assert first in refused.output and second in refused.output


def test_split_reports_the_links_it_cut_and_undo_joins_them_again(project):
    pid = profile_of(project, "crm:1")
    done = idg(project, "split", pid, "--keep-apart", "crm:1", "crm:2", "--reason", "father and son")
    assert done.exit_code == 0, done.output
    assert "kept crm:1 and crm:2 apart" in done.stdout and "email:bob@post.co.uk" in done.stdout
    assert profile_of(project, "crm:1") != profile_of(project, "crm:2")
    listed = json.loads(idg(project, "judgements", "--profile", pid, "--json").stdout)
    assert [j["kind"] for j in listed] == ["not_same"] and listed[0]["reason"] == "father and son"
    undone = idg(project, "undo", listed[0]["judgement_id"], "--json")
    assert undone.exit_code == 0, undone.output
    assert profile_of(project, "crm:1") == profile_of(project, "crm:2") == pid
    assert json.loads(idg(project, "judgements", "--json").stdout) == []
    assert idg(project, "undo", "Jnope").exit_code == 1


def test_split_record_and_history(project):
    pid = profile_of(project, "crm:1")
    done = idg(project, "split", pid, "--record", "crm:2", "--json")
    assert done.exit_code == 0, done.output
    assert profile_of(project, "crm:2") != pid and profile_of(project, "crm:1") == pid
    history = json.loads(idg(project, "history", pid, "--json").stdout)
    actions = [e["action"] for e in history["entries"]]
    assert "created" in actions and "judged_not_same" in actions and "split_off" in actions
    assert idg(project, "split", pid, "--record", "crm:3").exit_code == 1  # not one of its records
    assert idg(project, "split", pid).exit_code == 2  # neither --keep-apart nor --record


def test_explain_human_and_json(project):
    together = idg(project, "explain", "crm:1", "crm:2")
    assert together.exit_code == 0 and "together" in together.stdout and "shared email bob@post.co.uk" in together.stdout
    apart = json.loads(idg(project, "explain", "crm:1", "crm:3", "--json").stdout)
    assert apart["together"] is False and apart["apart"][0]["kind"] == "no_link"
    assert idg(project, "explain", "crm:1", "crm:99").exit_code == 1


def test_forget_with_suppression(project):
    done = idg(project, "forget", "--phone", "07700 900004", "--suppress", "--json")
    assert done.exit_code == 0, done.output
    result = json.loads(done.stdout)["forget"]
    assert result["customers"] == 1 and result["interactions"] == 1 and result["suppression_entries"] >= 3
    again = json.loads(idg(project, "ingest", "--json").stdout)
    assert sum(s["suppressed"] for s in again["sources"]) == 2
    assert idg(project, "show", "--record", "crm:4").exit_code == 1
    assert idg(project, "forget", "--email", "nobody@post.co.uk").exit_code == 1
    assert idg(project, "forget").exit_code == 2
