"""Named points in the jobs and stores where a test can pause or kill the process.

A job calls ``hooks.at("resolve.read")`` between its steps; a store calls ``hooks.at("store.commit")``
inside each write transaction, just before it commits. Nothing happens unless a test asks:

* in-process: ``hooks.install("link.scored", fn)`` (and ``hooks.clear()``), e.g. a barrier that holds a
  job between its read and its write while another job writes;
* in a subprocess, through the environment: ``IDGRAPH_TEST_HOOKS="resolve.read=kill"`` makes the process
  SIGKILL itself there; ``store.commit@3=kill`` at the third time; ``link.scored=pause:DIR`` writes
  ``DIR/link.scored.reached`` and waits until ``DIR/link.scored.go`` exists. Several, comma-separated.

The names are the contract between the jobs and the tests (tests/test_kill.py, tests/test_overlap.py).
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ENV = "IDGRAPH_TEST_HOOKS"

_installed: dict[str, Callable[[], None]] = {}
_hits: Counter[str] = Counter()


def install(name: str, fn: Callable[[], None]) -> None:
    _installed[name] = fn


def clear() -> None:
    _installed.clear()
    _hits.clear()


def at(name: str) -> None:
    """The process passes the point `name`: run what a test installed or asked for there."""
    fn = _installed.get(name)
    if fn is not None:
        fn()
    spec = os.environ.get(ENV)
    if not spec:
        return
    _hits[name] += 1
    for item in spec.split(","):
        point, _, action = item.strip().partition("=")
        point, _, nth = point.partition("@")
        if point != name or (nth and int(nth) != _hits[name]):
            continue
        if action == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif action.startswith("pause:"):
            folder = Path(action.split(":", 1)[1])
            (folder / f"{name}.reached").touch()
            while not (folder / f"{name}.go").exists():
                time.sleep(0.02)
