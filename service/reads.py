"""Reads that never see a half-written profile, while the writer works.

The writer is another process (writer.py). The embedded store gives snapshots: each reading thread has its own connection to the file, and a
request's reads run in one read transaction (`bulk_snapshot`), so they see the store before a resolve or
after it, never between. Neo4j Community reads at read-committed, so a request of several reads could
see a resolve's commit land between two of them. There the writer announces each commit that changes
profiles (`Commits`): a read that overlapped one is run again, and after a few tries it waits for the
commit to finish while holding the writer off (a reader cannot starve).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from idgraph.graph.store import Store

T = TypeVar("T")
TRIES = 3


class Commits:
    """A sequence lock shared with the writer process: odd while the writer commits a change to profiles
    (bumped at its start and end); its lock is held by the writer while it commits, and by a reader out
    of tries."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._count = ctx.Value("q", 0, lock=False)
        self.lock = ctx.Lock()

    @property
    def count(self) -> int:
        return self._count.value

    def __enter__(self) -> None:
        self.lock.acquire()
        self._count.value += 1

    def __exit__(self, *exc: object) -> None:
        self._count.value += 1
        self.lock.release()


class Announcing:
    """The writer's store, announcing the commits that change profiles (resolution, erasure)."""

    def __init__(self, store: Store, commits: Commits):
        self._store, self._commits = store, commits

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def write_resolution(self, *args: Any, **kwargs: Any) -> None:
        with self._commits:
            return self._store.write_resolution(*args, **kwargs)

    def erase(self, *args: Any, **kwargs: Any) -> dict:
        with self._commits:
            return self._store.erase(*args, **kwargs)


class Reads:
    """Runs a read function on a store of this thread, consistently (see the module's docstring)."""

    def __init__(self, open_store: Callable[[], Store], commits: Commits, on_retry: Callable[[], None]):
        self._open, self._commits, self._on_retry = open_store, commits, on_retry
        self._local = threading.local()
        self._stores: list[Store] = []
        self._guard = threading.Lock()
        self._shared: Store | None = None

    def store(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._open_for_thread()
            self._local.store = store
        return store

    def _open_for_thread(self) -> Store:
        with self._guard:
            if self._shared is not None:
                return self._shared
            store = self._open()
            self._stores.append(store)
            if store.name != "embedded":  # a driver is thread-safe: one pool serves every thread
                self._shared = store
            return store

    def run(self, work: Callable[[Store], T]) -> T:
        store = self.store()
        if store.name == "embedded":
            with store.bulk_snapshot():
                return work(store)
        for _ in range(TRIES):
            before = self._commits.count
            if before % 2 == 0:
                result = work(store)
                if self._commits.count == before:
                    return result
            self._on_retry()
        with self._commits.lock:
            return work(store)

    def close(self) -> None:
        with self._guard:
            for store in self._stores:
                store.close()
            self._stores.clear()
            self._shared = None
