"""Shared fixtures. `store` is parametrised over both stores: the contract suite runs on each."""

from __future__ import annotations

import pytest

from idgraph.graph.sqlite_store import SQLiteStore


@pytest.fixture(params=["embedded"])
def store(request, tmp_path):
    s = SQLiteStore(tmp_path / "store.db")
    s.init()
    yield s
    s.close()
