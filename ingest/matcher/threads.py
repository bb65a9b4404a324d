"""How the matcher uses the machine's cores: independent pieces of numpy and rapidfuzz work (a
comparison's column of the gamma matrix, a blocking rule's pairs and plan, training's prior blocking
beside u) side by side in threads.

Both libraries release the GIL for the bulk of their work, so threads, not processes: no copy of the
feature table, and each piece's result is the one a single thread computes (tested).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TypeVar

from idgraph.graph.errors import IdgraphError

T = TypeVar("T")
R = TypeVar("R")


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# Set to choose the number of threads (1: none); the service's writer process sets 1 unless the
# operator chose, so that its link runs leave the other cores to the lookups.
THREADS_VARIABLE = "IDGRAPH_MATCHER_THREADS"
# The number chosen in code (tests); None: the variable's, else one per core up to four.
WORKERS: int | None = None


class ThreadsSettingError(IdgraphError):
    """IDGRAPH_MATCHER_THREADS holds something other than a whole number."""


def workers() -> int:
    """The matcher's threads: ``WORKERS``, else ``IDGRAPH_MATCHER_THREADS``, else one thread per core the
    process may run on, up to four (beyond that the pieces are too few to share)."""
    if WORKERS is not None:
        return WORKERS
    chosen = os.environ.get(THREADS_VARIABLE, "").strip()
    if chosen:
        try:
            return max(1, int(chosen))
        except ValueError:
            raise ThreadsSettingError(
                f"{THREADS_VARIABLE}={chosen!r}: give a whole number of threads, 1 or more") from None
    return min(4, _cores())


def map_ordered(
    fn: Callable[[T], R], items: Iterable[T], *, parallel: bool = True,
    on_done: Callable[[], None] | None = None,
) -> list[R]:
    """``[fn(x) for x in items]``, in ``workers()`` threads when ``parallel`` and there are two or more
    items. ``on_done`` is called in the caller's thread as each item is finished."""
    items = list(items)
    threads = workers() if parallel and len(items) >= 2 else 1
    if threads < 2:
        out = []
        for x in items:
            out.append(fn(x))
            if on_done is not None:
                on_done()
        return out
    results: list = [None] * len(items)
    try:
        with ThreadPoolExecutor(min(threads, len(items)), thread_name_prefix="matcher") as pool:
            futures = {pool.submit(fn, x): i for i, x in enumerate(items)}
            for done in as_completed(futures):
                results[futures[done]] = done.result()
                if on_done is not None:
                    on_done()
    finally:
        _give_back_freed_memory()
    return results


def beside(fn: Callable[..., R], *args) -> Callable[[], R]:
    """Start ``fn(*args)`` on a thread of its own (when ``workers()`` allows two) and return what waits
    for its result; with one thread, ``fn`` runs when the result is asked for."""
    if workers() < 2:
        return lambda: fn(*args)
    pool = ThreadPoolExecutor(1, thread_name_prefix="matcher-beside")
    future = pool.submit(fn, *args)
    pool.shutdown(wait=False)  # the thread ends with its one task
    return future.result


def _load_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to give back this way
        return None


_TRIM = _load_trim()


def _give_back_freed_memory() -> None:
    """Each thread allocates in an arena of its own, and glibc keeps what is freed there for the next
    allocation rather than returning it: after link's threads, some 250 MB at 100,000 records stayed
    with the process through resolve. ``malloc_trim`` returns the free pages of every arena."""
    if _TRIM is not None:
        _TRIM(0)
