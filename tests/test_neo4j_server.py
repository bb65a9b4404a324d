"""The real Neo4j the Neo4j tests run on (see tests/neo4j_server.py and tools/neo4j/).

Connectivity, the GDS and APOC plugins, Neo4j Browser over HTTP, and the launcher's
`neo4j.sh admin database import full` round trip into a fresh home served by a second server.
"""

from __future__ import annotations

import socket
import urllib.request
from collections import defaultdict

import pytest

from tests.neo4j_server import cypher, session_launcher


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connectivity(neo4j_server):
    with neo4j_server.driver() as driver:
        driver.verify_connectivity()
        records = driver.execute_query("RETURN 1 AS one", database_=neo4j_server.database).records
    assert records[0]["one"] == 1
    if neo4j_server.kind == "launcher":
        components = neo4j_server.query("CALL dbms.components() YIELD versions, edition RETURN versions, edition")
        assert components[0]["edition"] == "community"
        assert components[0]["versions"][0].startswith("5.26.")


def test_gds_answers(neo4j_server):
    assert neo4j_server.query("RETURN gds.version() AS version")[0]["version"].startswith("2.")


def test_apoc_answers(neo4j_server):
    assert neo4j_server.query("RETURN apoc.version() AS version")[0]["version"].startswith("5.")


def test_gds_wcc_finds_the_components(neo4j_clean):
    graph = "idgraph-test-wcc"
    neo4j_clean.query(cypher("wcc_graph"))
    projected = neo4j_clean.query(cypher("wcc_project"), graph=graph)[0]
    assert (projected["nodeCount"], projected["relationshipCount"]) == (6, 3)

    members = defaultdict(set)
    for row in neo4j_clean.query(cypher("wcc_stream"), graph=graph):
        members[row["componentId"]].add(row["name"])
    assert sorted(sorted(names) for names in members.values()) == [["a", "b"], ["c", "d", "e"], ["f"]]


def test_browser_is_served(neo4j_server):
    if neo4j_server.http_url is None:
        pytest.skip("the HTTP address of a server given by NEO4J_URI is not known")
    with urllib.request.urlopen(neo4j_server.http_url + "browser/", timeout=30) as response:
        assert response.status == 200
        assert b"Neo4j Browser" in response.read()


def test_launcher_start_is_idempotent(neo4j_server):
    if neo4j_server.kind != "launcher":
        pytest.skip("the session's server does not come from tools/neo4j/neo4j.sh")
    launcher = session_launcher()
    again = launcher.run("start")
    assert again.returncode == 0, again.stdout
    assert "already running" in again.stdout
    assert launcher.run("status").returncode == 0


@pytest.mark.slow
def test_bulk_import_round_trip(neo4j_launcher, tmp_path):
    """`neo4j.sh admin database import full` into a fresh home, then a second server on it."""
    people = tmp_path / "people.csv"
    people.write_text("personId:ID,name,:LABEL\np1,Ann,Person\np2,Bob,Person\np3,Cy,Person\n", encoding="utf-8")
    knows = tmp_path / "knows.csv"
    knows.write_text(":START_ID,:END_ID,:TYPE\np1,p2,KNOWS\np2,p3,KNOWS\n", encoding="utf-8")
    launcher = neo4j_launcher(home=tmp_path / "home", bolt_port=_free_port(), http_port=_free_port())

    # The database name goes first: --nodes and --relationships take several files each.
    imported = launcher.run("admin", "database", "import", "full", "neo4j", f"--nodes={people}",
                            f"--relationships={knows}", f"--report-file={tmp_path / 'import.report'}")
    assert imported.returncode == 0, imported.stdout
    assert (tmp_path / "home" / "data" / "databases" / "neo4j").is_dir()

    launcher.run("start", check=True)
    try:
        assert launcher.server().query(cypher("import_counts")) == [{"people": 3, "knows": 2}]
    finally:
        stopped = launcher.run("stop")
    assert stopped.returncode == 0, stopped.stdout
    assert launcher.run("status").returncode == 3
