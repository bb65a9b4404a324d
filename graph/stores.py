"""Opening a store by name: `embedded` (default, the mapping's SQLite file) or `neo4j` (from env)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from idgraph.graph.errors import StoreError
from idgraph.graph.store import Store

STORE_KINDS = ("embedded", "neo4j")


class StoreLocation(Protocol):
    """Where a project keeps its embedded store (the mapping: ``idgraph.ingest.mapping.Mapping``)."""

    def store_path(self) -> Path: ...


def open_store(mapping: StoreLocation, kind: str | None = None) -> Store:
    kind = (kind or os.environ.get("IDGRAPH_STORE") or "embedded").lower()
    if kind == "embedded":
        from idgraph.graph.sqlite_store import SQLiteStore

        store: Store = SQLiteStore(mapping.store_path())
    elif kind == "neo4j":
        from idgraph.graph.neo4j_store import Neo4jStore

        store = Neo4jStore.from_env()
    else:
        raise StoreError(f"unknown store {kind!r}: choose one of {', '.join(STORE_KINDS)}")
    store.init()
    return store
