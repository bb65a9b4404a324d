"""Opening a store by name: `embedded` (default, the mapping's SQLite file) or `neo4j` (from env)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import ContextManager, Protocol

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


def checkpoints_off_the_path(store: Store) -> ContextManager[None]:
    """For the length of one job: the embedded store copies its write-ahead log on a thread of its own,
    not inside the job's commits (SQLiteStore.checkpoints_in_background). Neo4j has nothing to do."""
    return getattr(store, "checkpoints_in_background", contextlib.nullcontext)()
