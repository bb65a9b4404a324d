"""Reads that never see a half-written profile, while the writer works.

The writer is another process (writer.py). Each request's reads run in one read transaction of the
store (`store.snapshot`). The embedded store gives snapshots: a request borrows a connection of the pool
and sees the store before a resolve or after it, never between. Neo4j Community reads at read-committed,
so a request of several reads could see a resolve's commit land between two of them. There the writer
announces each commit that changes profiles (`Commits`): a read that overlapped one is run again, and
after a few tries it waits for the commit to finish while holding the writer off (a reader cannot starve).
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    """The writer's store, announcing the commits that change profiles (resolution, erasure).

    Only the commits are announced, not the whole write: until it commits, a write is invisible to
    reads (Neo4j reads what is committed), so a read that ran while the write's statements ran saw one
    state. The store opens the announcement just before its first commit (`before_commit`: the end of
    the transaction's work) and it stays open until the last one, so a write of several transactions
    is seen whole or not at all. Bracketing the whole write made lookups wait for a resolve's
    statements too: measured at 100,000 people, lookups p99 near a second while 500-row batches were
    written."""

    def __init__(self, store: Store, commits: Commits):
        self._store, self._commits = store, commits

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def _announced(self, write: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        store = self._store
        if not hasattr(store, "before_commit"):  # a store without the hook: the whole write
            with self._commits:
                return write(*args, **kwargs)
        opened: list[bool] = []

        def open_once() -> None:
            if not opened:
                self._commits.__enter__()
                opened.append(True)

        store.before_commit = open_once
        try:
            return write(*args, **kwargs)
        finally:
            store.before_commit = None
            if opened:
                self._commits.__exit__(None, None, None)

    def write_resolution(self, *args: Any, **kwargs: Any) -> None:
        return self._announced(self._store.write_resolution, *args, **kwargs)

    def announced(self, work: Callable[[], T]) -> T:
        """`work`'s commits announced as one write's (the writer's refresh of stale traits)."""
        return self._announced(work)

    def erase(self, *args: Any, **kwargs: Any) -> dict:
        return self._announced(self._store.erase, *args, **kwargs)


class Reads:
    """Runs a read function on a store of the pool, consistently (see the module's docstring).

    A pool rather than one store per thread: the thread pool that runs reads retires a thread idle for
    ten seconds, and a store per thread would open a new connection (and run the schema) for each new
    thread, leaving the old one open. Here a request borrows an idle store and gives it back; a store is
    opened only when every one is busy, so there are at most as many as reads ever ran at once. An
    embedded store is one SQLite connection, used by one request at a time; Neo4j's driver is
    thread-safe, so one store (its pool of sessions) serves every request."""

    def __init__(self, open_store: Callable[[], Store], commits: Commits, on_retry: Callable[[], None]):
        self._open, self._commits, self._on_retry = open_store, commits, on_retry
        self._idle: list[Store] = []
        self._stores: list[Store] = []
        self._guard = threading.Lock()
        self._shared: Store | None = None
        self._kind: str | None = None

    @contextmanager
    def _borrowed(self) -> Iterator[Store]:
        with self._guard:
            store = self._shared or (self._idle.pop() if self._idle else None)
        if store is None:
            store = self._open()
            with self._guard:
                self._stores.append(store)
                if store.name != "embedded":  # a driver is thread-safe: one pool serves every thread
                    self._shared = store
        try:
            yield store
        finally:
            if store is not self._shared:
                with self._guard:
                    self._idle.append(store)

    def run(self, work: Callable[[Store], T]) -> T:
        """`work` inside one read transaction of the store (`store.snapshot`): on Neo4j that is also one
        session and one round of BEGIN and COMMIT for all the reads of a request rather than one per
        read, a third of a lookup's time."""
        with self._borrowed() as store:
            once = lambda: store.snapshot(lambda: work(store))  # noqa: E731
            if store.name == "embedded":
                return once()
            for _ in range(TRIES):
                before = self._commits.count
                if before % 2 == 0:
                    result = once()
                    if self._commits.count == before:
                        return result
                self._on_retry()
            with self._commits.lock:
                return once()

    def inline(self) -> bool:
        """Whether reads are quick enough to run where they are asked (the embedded store), rather than
        on a thread of their own (Neo4j, over the network)."""
        if self._kind is None:
            with self._borrowed() as store:
                self._kind = store.name
        return self._kind == "embedded"

    def opened(self) -> int:
        """How many stores the pool has opened (at most the reads that ever ran at once)."""
        return len(self._stores)

    def close(self) -> None:
        with self._guard:
            for store in self._stores:
                store.close()
            self._stores.clear()
            self._idle.clear()
            self._shared = None
