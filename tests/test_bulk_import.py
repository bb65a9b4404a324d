"""Bulk first load: `idgraph export --neo4j-import DIR`, then the real `neo4j-admin database import full`.

The embedded store is filled from the demo generator (ingest, link, judgements, a suppression entry,
resolve), exported as import files through the CLI, imported by the launcher's `neo4j.sh admin` into a
fresh home, served by a second server on ports of its own, and read back: nodes per label and
relationships per type against the embedded file, then through the Neo4j store (which applies its
schema on the imported graph) the same stats, one profile as `idgraph show` builds it, every record's
profile, the audit trail and the salt. A second ingest and resolve on the imported graph change nothing.
Besides the demo's five sources, a source of accounts and one of calls carry a national id (an identifier
kind the mapping declares: Identifier nodes, HAS_IDENTIFIER, VIA_IDENTIFIER) and the accounts keep
attributes (Customer properties).
"""

from __future__ import annotations

import csv
import json
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from idgraph.cli.app import app
from idgraph.graph.judgements import record_judgement
from idgraph.graph.neo4j_bulk import Neo4jBulkExport
from idgraph.graph.neo4j_store import Neo4jStore
from idgraph.graph.records import CustomerRow
from idgraph.ingest.jobs.resolve import resolve
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from idgraph.queries.neo4j_import import write_neo4j_import
from idgraph.queries.profile import show_profile
from tests.helpers import write_csv
from tests.neo4j_server import cypher

BUILT_IN = "('email', 'phone', 'device')"

# What each node label and relationship type holds in the embedded store's tables.
LABEL_SQL = {
    "Customer": "SELECT COUNT(*) FROM customer",
    "Email": "SELECT COUNT(*) FROM identifier WHERE kind = 'email'",
    "Phone": "SELECT COUNT(*) FROM identifier WHERE kind = 'phone'",
    "Device": "SELECT COUNT(*) FROM identifier WHERE kind = 'device'",
    "Identifier": f"SELECT COUNT(*) FROM identifier WHERE kind NOT IN {BUILT_IN}",
    "Interaction": "SELECT COUNT(*) FROM interaction",
    "Profile": "SELECT COUNT(*) FROM profile",
    "Household": "SELECT COUNT(*) FROM household",
    "Audit": "SELECT COUNT(*) FROM audit",
    "Suppression": "SELECT (SELECT COUNT(*) FROM suppression) + (SELECT COUNT(*) FROM meta WHERE key = 'salt')",
    "Sequence": "SELECT COUNT(*) FROM meta WHERE key = 'seq'",  # the change sequence, one node
    "Watermark": "SELECT COUNT(*) FROM meta WHERE key LIKE 'watermark:%'",
}
TYPE_SQL = {
    # An event's tie to a customer not ingested yet waits in the embedded table; Neo4j makes it on arrival.
    **{rel: f"SELECT COUNT(*) FROM customer_identifier t JOIN customer c ON c.uid = t.customer_uid "
            f"WHERE t.kind = '{kind}'"
       for kind, rel in (("email", "HAS_EMAIL"), ("phone", "HAS_PHONE"), ("device", "USES_DEVICE"))},
    **{rel: f"SELECT COUNT(*) FROM interaction_identifier WHERE kind = '{kind}'"
       for kind, rel in (("email", "VIA_EMAIL"), ("phone", "VIA_PHONE"), ("device", "ON_DEVICE"))},
    "HAS_IDENTIFIER": "SELECT COUNT(*) FROM customer_identifier t JOIN customer c ON c.uid = t.customer_uid "
                      f"WHERE t.kind NOT IN {BUILT_IN}",
    "VIA_IDENTIFIER": f"SELECT COUNT(*) FROM interaction_identifier WHERE kind NOT IN {BUILT_IN}",
    "BY": "SELECT COUNT(*) FROM interaction i JOIN customer c ON c.uid = i.customer_ref",
    "IN_PROFILE": "SELECT COUNT(*) FROM customer WHERE profile_id IS NOT NULL",
    "IN_HOUSEHOLD": "SELECT COUNT(*) FROM household_member",
    "PROBABLY_SAME": "SELECT COUNT(*) FROM link WHERE kind = 'probable'",
    "MAYBE_SAME": "SELECT COUNT(*) FROM link WHERE kind = 'review'",
    "SAME_AS": "SELECT COUNT(*) FROM judgement WHERE kind = 'same'",
    "NOT_SAME_AS": "SELECT COUNT(*) FROM judgement WHERE kind = 'not_same'",
    "MERGED_INTO": "SELECT COUNT(*) FROM profile WHERE merged_into IS NOT NULL",
    "SPLIT_FROM": "SELECT COUNT(*) FROM profile WHERE split_from IS NOT NULL",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The demo data, ingested, linked, judged and resolved in the embedded store: (mapping path, db path)."""
    folder = tmp_path_factory.mktemp("bulk")
    generated = generate(folder, people=300, seed=4)
    _declare_accounts_and_calls(generated.mapping_path)
    mapping = load_mapping(generated.mapping_path)
    store = SQLiteStore(mapping.store_path())
    store.init()
    try:
        ingest(store, mapping)
        link(store, mapping)
        resolve(store, mapping)
        # Judgements, and the lineage they make: two profiles merged (MERGED_INTO), a profile of three
        # sources split (SPLIT_FROM), and a withdrawn judgement (deleted_at).
        profiles = sorted(store.bulk("profiles"), key=lambda p: (-p["customer_count"], p["profile_id"]))
        first, second = (store.profile_members(p["profile_id"])[0]["uid"] for p in profiles[-2:])
        record_judgement(store, first, second, True, "analyst@example.com", "same person, two addresses")
        big = [m["uid"] for m in store.profile_members(profiles[0]["profile_id"])]
        record_judgement(store, big[0], big[1], False, "analyst@example.com", 'twins, "same" surname')
        withdrawn = record_judgement(store, big[1], big[2], True, "analyst@example.com", None)
        store.withdraw_judgement(withdrawn["judgement_id"], "2024-05-01T00:00:00Z")
        store.add_suppression([("0" * 64, "email")], "2024-05-01T00:00:00Z")
        resolve(store, mapping)
    finally:
        store.close()
    return generated.mapping_path, mapping.store_path()


ACCOUNTS = [  # two accounts of Nora (one national id), Omar and Pia quoting one (shared: different people)
    {"acct_id": "AC1", "given": "Nora", "family": "Vance", "ssn": "321-54-9876", "sex": "F", "title": "Ms"},
    {"acct_id": "AC2", "given": "Nora", "family": "Vance", "ssn": "321 54 9876", "sex": "f", "title": ""},
    {"acct_id": "AC3", "given": "Omar", "family": "Quill", "ssn": "777-11-2222", "sex": "M", "title": "Mr"},
    {"acct_id": "AC4", "given": "Pia", "family": "Quill", "ssn": "777112222", "sex": "", "title": "Dr"},
]
CALLS = [{"call_id": "K1", "at": "2024-04-01T10:00:00Z", "ssn": "321549876"},
         {"call_id": "K2", "at": "2024-04-02T10:00:00Z", "ssn": "444-55-6666"}]  # a national id no record holds


def _declare_accounts_and_calls(mapping_path: Path) -> None:
    """Add to the generated project a national id kind, accounts (customers with attributes) and calls."""
    folder = mapping_path.parent
    write_csv(folder / "accounts.csv", list(ACCOUNTS[0]), ACCOUNTS)
    write_csv(folder / "calls.csv", list(CALLS[0]), CALLS)
    raw = yaml.safe_load(mapping_path.read_text(encoding="utf-8"))
    raw["identifiers"] = {"national_id": {"normalise": ["digits"], "min_length": 9}}
    raw["sources"]["accounts"] = {"path": "accounts.csv", "kind": "customer", "id": "acct_id", "fields": {
        "first_name": "given", "last_name": "family", "national_id": "ssn"}, "attributes": {"gender": "sex",
                                                                                             "title": "title"}}
    raw["sources"]["calls"] = {"path": "calls.csv", "kind": "interaction", "id": "call_id", "fields": {
        "timestamp": {"column": "at", "format": "iso"}, "national_id": "ssn", "channel": {"value": "phone"}}}
    mapping_path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")


def _sql_counts(db_path: Path, queries: dict[str, str]) -> dict[str, int]:
    with sqlite3.connect(db_path) as db:
        found = {name: db.execute(sql).fetchone()[0] for name, sql in queries.items()}
    return {name: n for name, n in found.items() if n}


# -- without a server ----------------------------------------------------------------------------------
def test_files_are_typed_quoted_and_complete(embedded, tmp_path):
    _, db_path = embedded
    with SQLiteStore(db_path) as store:
        summary = write_neo4j_import(store, tmp_path / "import")
    assert summary.nodes == _sql_counts(db_path, LABEL_SQL)
    assert summary.relationships == _sql_counts(db_path, TYPE_SQL)
    assert {"MERGED_INTO", "SPLIT_FROM", "SAME_AS", "NOT_SAME_AS", "PROBABLY_SAME"} <= set(summary.relationships)
    assert summary.nodes["Identifier"] == 3  # Nora's, Omar and Pia's, the one only a call carries
    assert summary.relationships["HAS_IDENTIFIER"] == 4 and summary.relationships["VIA_IDENTIFIER"] == 2

    folder = Path(summary.directory)
    header = (folder / "nodes" / "customer.header.csv").read_text().strip().split(",")
    assert header[0] == "uid:ID(Customer)" and "seq:long" in header and header[-1] == ":LABEL"
    assert header[-4:] == ["attribute_keys:string[]", "gender", "title", ":LABEL"]  # one column per attribute
    assert (folder / "nodes" / "identifier.header.csv").read_text().strip() == \
        "key:ID(Identifier),kind,value,shared:boolean,shared_reason,:LABEL"
    identifiers = (folder / "nodes" / "identifier.csv").read_text()
    assert '"national_id:321549876","national_id","321549876",false,,"Identifier"' in identifiers
    assert '"national_id:777112222","national_id","777112222",true,"customers accounts:AC3' in identifiers
    with (folder / "nodes" / "customer.csv").open(newline="") as fh:
        nora = next(r for r in csv.reader(fh) if r[0] == "accounts:AC1")
    assert nora[-4:] == ["gender;title", "f", "ms", "Customer"]
    assert '"accounts:AC1","national_id:321549876","record","HAS_IDENTIFIER"' in \
        (folder / "relationships" / "has_identifier.csv").read_text()
    assert "sources:string[]" in (folder / "nodes" / "profile.header.csv").read_text()
    assert (folder / "relationships" / "links.header.csv").read_text().strip() == \
        ":START_ID(Customer),:END_ID(Customer),score:double,evidence,:TYPE"
    with (folder / "nodes" / "customer.csv").open(newline="") as fh:
        row = next(csv.reader(fh))
    assert row[-1] == "Customer" and int(row[header.index("seq:long")]) >= 1
    assert int(row[header.index("resolve_seq:long")]) >= 1 and int(row[header.index("link_seq:long")]) >= 1
    assert (folder / "nodes" / "sequence.header.csv").read_text().strip() == "key,value:long,audit:long,erased:long,:LABEL"
    (sequence,) = list(csv.reader((folder / "nodes" / "sequence.csv").open(newline="")))
    with sqlite3.connect(db_path) as db:
        assert int(sequence[1]) == int(db.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()[0])
        assert int(sequence[2]) == db.execute("SELECT MAX(seq) FROM audit").fetchone()[0]
    watermarks = (folder / "nodes" / "watermark.csv").read_text()
    assert '"link",' in watermarks and '"resolve",' in watermarks
    line = (folder / "nodes" / "customer.csv").read_text().splitlines()[0]
    assert line.startswith('"') and ',,' in line  # strings quoted; a missing value is an empty, unquoted field
    judgements = (folder / "relationships" / "judgements.csv").read_text()
    assert '"twins, ""same"" surname"' in judgements  # commas and quotes survive, RFC 4180 style

    command = summary.command
    assert command[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]  # the database right after full
    assert "--overwrite-destination" in command and command[-1].startswith("--report-file=")
    assert len(summary.files) == 2 * sum(a.startswith(("--nodes=", "--relationships=")) for a in command)


def test_import_script_runs_the_printed_command(embedded, tmp_path):
    _, db_path = embedded
    with SQLiteStore(db_path) as store:
        summary = write_neo4j_import(store, tmp_path / "import")
    fake = tmp_path / "fake-admin"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    fake.chmod(0o755)
    ran = subprocess.run(["sh", summary.script], env={"PATH": "/usr/bin:/bin", "NEO4J_ADMIN": str(fake)},
                         capture_output=True, text=True, check=True, cwd="/")
    assert ran.stdout.splitlines() == summary.command[1:]


def test_cli_prints_the_command_and_json(embedded, tmp_path, monkeypatch):
    mapping_path, _ = embedded
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    out = tmp_path / "import"
    result = CliRunner().invoke(app, ["-m", str(mapping_path), "export", "--neo4j-import", str(out)])
    assert result.exit_code == 0, result.output
    assert "neo4j-admin database import full neo4j --nodes=" in result.stdout
    as_json = CliRunner().invoke(app, ["-m", str(mapping_path), "export", "--neo4j-import", str(out), "--json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["script"] == str((out / "import.sh").resolve())


def test_line_breaks_quotes_and_empty_strings_survive(tmp_path):
    with SQLiteStore(tmp_path / "s.db") as store:
        store.init()
        store.write_customers([CustomerRow("crm:1", "crm", "1", first_name="", last_name='O"Neil',
                                           address="Flat 2\n10 High St, Leeds", row_hash="h",
                                           identifiers=[("email", "o@x.org")])], "run1")
        summary = write_neo4j_import(store, tmp_path / "import")
    assert summary.multiline_fields and "--multiline-fields=true" in summary.command
    with (Path(summary.directory) / "nodes" / "customer.csv").open(newline="", encoding="utf-8") as fh:
        row = next(csv.reader(fh))
    header = (Path(summary.directory) / "nodes" / "customer.header.csv").read_text().strip().split(",")
    assert row[header.index("address")] == "Flat 2\n10 High St, Leeds"
    assert row[header.index("last_name")] == 'O"Neil'
    line = (Path(summary.directory) / "nodes" / "customer.csv").read_text(encoding="utf-8")
    assert ',"",' in line and ',,' in line  # an empty string is quoted; a missing value is not
    assert summary.nodes == {"Customer": 1, "Email": 1, "Sequence": 1} and summary.relationships == {"HAS_EMAIL": 1}


# -- the real import -------------------------------------------------------------------------------------
@pytest.mark.slow
def test_first_load_into_neo4j(embedded, neo4j_launcher, tmp_path, monkeypatch):
    mapping_path, db_path = embedded
    monkeypatch.delenv("IDGRAPH_STORE", raising=False)
    timings: dict[str, float] = {}
    started = time.monotonic()
    exported = CliRunner().invoke(app, ["-m", str(mapping_path), "export", "--neo4j-import",
                                        str(tmp_path / "import"), "--json"])
    assert exported.exit_code == 0, exported.output
    summary = json.loads(exported.stdout)
    timings["export"] = time.monotonic() - started

    launcher = neo4j_launcher(home=tmp_path / "home", bolt_port=_free_port(), http_port=_free_port())
    started = time.monotonic()
    imported = launcher.run("admin", *summary["command"][1:])  # neo4j.sh admin = neo4j-admin on that home
    assert imported.returncode == 0, imported.stdout
    assert "IMPORT DONE" in imported.stdout
    timings["import"] = time.monotonic() - started

    started = time.monotonic()
    launcher.run("start", check=True)
    timings["start"] = time.monotonic() - started
    try:
        server = launcher.server()
        labels = {r["label"]: r["nodes"] for r in server.query(cypher("label_counts"))}
        types = {r["type"]: r["relationships"] for r in server.query(cypher("type_counts"))}
        assert labels == _sql_counts(db_path, LABEL_SQL) == summary["nodes"]
        assert types == _sql_counts(db_path, TYPE_SQL) == summary["relationships"]

        mapping = load_mapping(mapping_path)
        # The Neo4j store with the bulk export streams (graph/neo4j_bulk.py), however it comes to have them.
        store_class = type("Neo4jBulkStore", (Neo4jStore, Neo4jBulkExport), {})
        with SQLiteStore(db_path) as local, \
                store_class(server.uri, server.user, server.password, server.database) as graph:
            graph.init()  # the schema on the imported graph: every key constraint holds
            assert graph.stats() == local.stats()
            biggest = max(local.bulk("profiles"), key=lambda p: (len(json.loads(p["sources"] or "[]")),
                                                                   p["customer_count"], p["profile_id"]))
            pid = biggest["profile_id"]
            view = show_profile(graph, pid).model_dump()
            assert view == show_profile(local, pid).model_dump()
            assert {c["source"] for c in view["customers"]} == set(json.loads(biggest["sources"]))
            assert view["golden"]["first_name"] == biggest["first_name"] and view["identifiers"]
            nora = local.find_customers("national_id", "321549876")[0]["profile_id"]
            nora_view = show_profile(graph, nora).model_dump()
            assert nora_view == show_profile(local, nora).model_dump()
            assert {c["uid"]: c["attributes"] for c in nora_view["customers"]} == {
                "accounts:AC1": {"gender": "f", "title": "ms"}, "accounts:AC2": {"gender": "f"}}
            assert ("national_id", "321549876") in {(i["kind"], i["value"]) for i in nora_view["identifiers"]}
            assert [e["source_id"] for e in nora_view["interactions"]] == ["K1"]
            merged = next(p for p in local.bulk("profiles") if p["status"] == "merged")
            assert show_profile(graph, merged["profile_id"]).profile_id == merged["merged_into"]
            assert sorted(graph.bulk("records")) == sorted(local.bulk("records"))
            assert list(graph.bulk("profiles")) == list(local.bulk("profiles"))
            assert graph.judgements(None, include_deleted=True) == local.judgements(None, include_deleted=True)
            assert graph.audit() == local.audit()
            assert graph.salt() == local.salt()  # suppression hashes keep matching
            assert graph.suppressed(["0" * 64]) == {"0" * 64}

            # Exported again, from Neo4j now: the same files, byte for byte.
            again = write_neo4j_import(graph, tmp_path / "again")
            first = Path(summary["directory"])
            for name in summary["files"]:
                relative = Path(name).relative_to(first)
                assert (tmp_path / "again" / relative).read_bytes() == Path(name).read_bytes(), relative
            assert again.nodes == summary["nodes"] and again.relationships == summary["relationships"]

            # The imported graph carries on where the embedded store stopped: nothing new, nothing to do.
            rerun = ingest(graph, mapping)
            assert rerun.total("new") == 0 and rerun.total("updated") == 0
            assert resolve(graph, mapping).scope == "none"
    finally:
        stopped = launcher.run("stop")
    assert stopped.returncode == 0, stopped.stdout
    assert launcher.run("status").returncode == 3
    print(f"bulk first load timings (s): {json.dumps({k: round(v, 1) for k, v in timings.items()})}")
