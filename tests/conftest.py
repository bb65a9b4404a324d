"""Shared fixtures. `store` is parametrised over both stores: the contract suite runs on each.

The neo4j half uses the server the `neo4j_server` fixture finds (NEO4J_URI, else the project's local
launcher, else testcontainers) and wipes the graph after each test.
"""

from __future__ import annotations

import pytest

from idgraph.graph.sqlite_store import SQLiteStore

pytest_plugins = ["tests.neo4j_server"]


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request, tmp_path):
    if request.param == "embedded":
        s = SQLiteStore(tmp_path / "store.db")
    else:
        from idgraph.graph.neo4j_store import Neo4jStore

        server = request.getfixturevalue("neo4j_server")
        request.getfixturevalue("neo4j_clean")
        s = Neo4jStore(server.uri, server.user, server.password, server.database)
    s.init()
    yield s
    s.close()
