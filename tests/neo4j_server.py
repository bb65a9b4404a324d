"""Pytest plugin: a real Neo4j (with GDS and APOC) for the tests that need one.

Load it from conftest.py with ``pytest_plugins = ["tests.neo4j_server"]``. It gives:

* ``neo4j_server`` (session): a :class:`Neo4jServer` (``uri``, ``user``, ``password``,
  ``database``, ``http_url``, ``kind`` and ``driver()``), found in this order:

  1. ``NEO4J_URI`` set by you (with ``NEO4J_USERNAME``, ``NEO4J_PASSWORD``, ``NEO4J_DATABASE``):
     used as is, but only if its database is empty, because the tests wipe it;
  2. the project's launcher ``tools/neo4j/neo4j.sh`` if Java and Maven (or already downloaded
     jars) are here: a test server on 127.0.0.1, Bolt 7697 / HTTP 7484, home ``.neo4j-test/``
     (``IDGRAPH_TEST_NEO4J_BOLT_PORT``, ``IDGRAPH_TEST_NEO4J_HTTP_PORT``, ``IDGRAPH_TEST_NEO4J_HOME``),
     apart from the ``make neo4j`` one. It is stopped at the end if this session started it, unless
     ``IDGRAPH_TEST_NEO4J_KEEP=1`` (then the next session reuses it and starts faster);
  3. a Docker container ``neo4j:5`` (``IDGRAPH_TEST_NEO4J_IMAGE``) through testcontainers, if a Docker
     engine answers;
  4. otherwise the tests are skipped, or fail when ``IDGRAPH_REQUIRE_NEO4J=1``.

* ``neo4j_clean`` (function): the same server, with the graph and the GDS graph catalog wiped after
  the test (and before it, if something was left behind).
* ``neo4j_launcher`` (session): the launcher itself, for tests of ``neo4j.sh`` (a second server, imports).

Tests using these fixtures get the ``neo4j`` marker.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import neo4j
import pytest

REPO = Path(__file__).resolve().parents[1]
LAUNCHER = REPO / "tools" / "neo4j" / "neo4j.sh"
LAUNCHER_JARS_STAMP = REPO / "tools" / "neo4j" / "lib" / ".pom.cksum"
CYPHER_DIR = Path(__file__).resolve().parent / "cypher"
NEO4J_FIXTURES = {"neo4j_server", "neo4j_clean", "neo4j_launcher"}
PASSWORD = os.environ.get("IDGRAPH_TEST_NEO4J_PASSWORD", "idgraph-local")
LAUNCHER_TIMEOUT = 1800  # seconds; the first start downloads ~170 MB of jars
WIPE_BATCH = 10_000


def cypher(name: str) -> str:
    """The text of tests/cypher/<name>.cypher."""
    return (CYPHER_DIR / f"{name}.cypher").read_text(encoding="utf-8")


@dataclass
class Neo4jServer:
    uri: str
    user: str
    password: str
    database: str = "neo4j"
    kind: str = "env"  # "env" (NEO4J_URI), "launcher" (tools/neo4j/neo4j.sh) or "container"
    http_url: str | None = None  # e.g. http://127.0.0.1:7484/ when known

    def driver(self, **kwargs: Any) -> neo4j.Driver:
        """A new driver to this server; close it (``with server.driver() as driver: ...``)."""
        return neo4j.GraphDatabase.driver(self.uri, auth=(self.user, self.password), **kwargs)

    def query(self, query: str, **params: Any) -> list[dict[str, Any]]:
        """Runs one query (in a managed write transaction) and returns its records as dicts."""
        with self.driver() as driver:
            records = driver.execute_query(query, params, database_=self.database).records
        return [record.data() for record in records]

    def node_count(self) -> int:
        return self.query(cypher("count_nodes"))[0]["nodes"]

    def wipe(self) -> None:
        """Deletes every node and relationship (in batches) and drops every GDS graph projection."""
        while self.query(cypher("wipe_batch"), batch=WIPE_BATCH)[0]["deleted"]:
            pass
        try:
            self.query(cypher("drop_gds_graphs"))
        except neo4j.exceptions.ClientError as exc:  # a server without GDS
            if "ProcedureNotFound" not in (exc.code or ""):
                raise


@dataclass
class Launcher:
    """tools/neo4j/neo4j.sh with the environment of one server home."""

    home: Path
    bolt_port: int
    http_port: int
    password: str = PASSWORD

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "IDGRAPH_NEO4J_HOME": str(self.home),
            "IDGRAPH_NEO4J_BOLT_PORT": str(self.bolt_port),
            "IDGRAPH_NEO4J_HTTP_PORT": str(self.http_port),
            "IDGRAPH_NEO4J_PASSWORD": self.password,
        }

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        """Runs ``neo4j.sh ARGS...``; output captured (stdout and stderr together)."""
        proc = subprocess.run(
            [str(LAUNCHER), *args], env=self.env(), text=True, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=LAUNCHER_TIMEOUT, check=False,
        )
        if check and proc.returncode != 0:
            pytest.fail(f"neo4j.sh {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}", pytrace=False)
        return proc

    def server(self) -> Neo4jServer:
        return Neo4jServer(
            uri=f"bolt://127.0.0.1:{self.bolt_port}", user="neo4j", password=self.password,
            kind="launcher", http_url=f"http://127.0.0.1:{self.http_port}/",
        )


def _unavailable(reason: str) -> None:
    if os.environ.get("IDGRAPH_REQUIRE_NEO4J") == "1":
        pytest.fail(f"Neo4j is required (IDGRAPH_REQUIRE_NEO4J=1), but {reason}", pytrace=False)
    pytest.skip(f"no Neo4j: {reason}")


def launcher_problem() -> str | None:
    """Why the local launcher cannot run here, or None."""
    if shutil.which("bash") is None:
        return "the local launcher needs bash"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME") or os.environ.get("IDGRAPH_NEO4J_JAVA")):
        return "no Java (JDK 17 or 21) for the local launcher tools/neo4j/neo4j.sh"
    if not (shutil.which("mvn") or LAUNCHER_JARS_STAMP.exists()):
        return "no Maven (mvn) to download the jars for the local launcher tools/neo4j/neo4j.sh"
    return None


def session_launcher() -> Launcher:
    """The launcher of the session's test server (apart from the `make neo4j` one)."""
    return Launcher(
        home=Path(os.environ.get("IDGRAPH_TEST_NEO4J_HOME", REPO / ".neo4j-test")),
        bolt_port=int(os.environ.get("IDGRAPH_TEST_NEO4J_BOLT_PORT", "7697")),
        http_port=int(os.environ.get("IDGRAPH_TEST_NEO4J_HTTP_PORT", "7484")),
    )


def _server_from_env() -> Neo4jServer:
    server = Neo4jServer(
        uri=os.environ["NEO4J_URI"],
        user=os.environ.get("NEO4J_USERNAME", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    try:
        nodes = server.node_count()
    except Exception as exc:  # noqa: BLE001 - any failure to reach it is reported the same way
        pytest.fail(f"NEO4J_URI={server.uri} is set but cannot be queried as {server.user!r} on "
                    f"database {server.database!r}: {exc}", pytrace=False)
    if nodes:
        pytest.fail(
            f"NEO4J_URI={server.uri}, database {server.database!r}, holds {nodes} nodes that these tests "
            "did not create. The Neo4j tests delete everything in it: point NEO4J_URI/NEO4J_DATABASE at an "
            "empty database, or unset NEO4J_URI to use the project's local test server.", pytrace=False)
    return server


def _docker_problem() -> str | None:
    try:
        import docker

        docker.from_env(timeout=5).ping()
    except Exception as exc:  # noqa: BLE001 - no engine, no socket, no package: all mean "no Docker"
        return f"no Docker engine answers ({type(exc).__name__})"
    return None


@pytest.fixture(scope="session")
def neo4j_server():
    """A Neo4j server for the whole session (see the module docstring for where it comes from)."""
    if os.environ.get("NEO4J_URI"):
        yield _server_from_env()
        return

    reasons = []
    problem = launcher_problem()
    if problem is None:
        launcher = session_launcher()
        already_running = launcher.run("status").returncode == 0
        proc = launcher.run("start")
        if proc.returncode == 0:
            server = launcher.server()
            try:
                server.wipe()  # the test home is ours; a reused server may hold a previous session's leftovers
                yield server
            finally:
                if not already_running and os.environ.get("IDGRAPH_TEST_NEO4J_KEEP") != "1":
                    launcher.run("stop")
            return
        reasons.append(
            f"tools/neo4j/neo4j.sh start failed for the test server (home {launcher.home}, Bolt "
            f"{launcher.bolt_port}, HTTP {launcher.http_port}; see IDGRAPH_TEST_NEO4J_*):\n{proc.stdout[-3000:]}")
    else:
        reasons.append(problem)

    problem = _docker_problem()
    if problem is None:
        from testcontainers.community.neo4j import Neo4jContainer

        container = (
            Neo4jContainer(os.environ.get("IDGRAPH_TEST_NEO4J_IMAGE", "neo4j:5"), password=PASSWORD)
            .with_env("NEO4J_PLUGINS", '["apoc", "graph-data-science"]')
            .with_env("NEO4J_dbms_security_procedures_unrestricted", "gds.*,apoc.*")
            .with_exposed_ports(7474)
        )
        try:
            container.start()
        except Exception as exc:  # noqa: BLE001 - e.g. the image cannot be pulled
            reasons.append(f"the {container.image} container did not start: {exc}")
        else:
            try:
                host = container.get_container_host_ip()
                yield Neo4jServer(
                    uri=container.get_connection_url(), user=container.username, password=container.password,
                    kind="container", http_url=f"http://{host}:{container.get_exposed_port(7474)}/",
                )
            finally:
                container.stop()
            return
    else:
        reasons.append(problem)
    _unavailable("\n- ".join(["none of the ways to get one worked:", *reasons]))


@pytest.fixture
def neo4j_clean(neo4j_server):
    """The session's server with an empty graph, wiped again after the test."""
    if neo4j_server.node_count():
        neo4j_server.wipe()
    yield neo4j_server
    neo4j_server.wipe()


@pytest.fixture(scope="session")
def neo4j_launcher() -> type[Launcher]:
    """The Launcher class, for tests that run tools/neo4j/neo4j.sh on homes of their own."""
    problem = launcher_problem()
    if problem is not None:
        _unavailable(problem)
    return Launcher


def pytest_collection_modifyitems(config, items):
    for item in items:
        if NEO4J_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)
