"""Shared fixtures. `store` is parametrised over both stores: the contract suite runs on each."""

from __future__ import annotations

import pytest

from idgraph.graph.sqlite_store import SQLiteStore

# The Neo4j server fixtures: NEO4J_URI if set, else the project's local launcher, else testcontainers.
pytest_plugins = ["tests.neo4j_server"]


@pytest.fixture(params=["embedded"])
def store(request, tmp_path):
    s = SQLiteStore(tmp_path / "store.db")
    s.init()
    yield s
    s.close()
