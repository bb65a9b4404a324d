"""Work marks and leases: how jobs that may overlap or die lose no work, once, for both stores.

**Change sequence.** Every write transaction of a store takes the next number of one counter kept in the
store (embedded: a `meta` row updated under BEGIN IMMEDIATE; Neo4j: one `(:Sequence)` node updated first
in the transaction, which also makes writers commit one after the other), and stamps what it changes
with it: a customer's `link_seq` (the link job must look at it), its `resolve_seq` (resolve must), an
interaction's `resolve_seq` (waiting for attribution). The counter only moves when a write commits, so
it counts committed write transactions and is monotone in commit order.

**Watermarks.** A job keeps the sequence it has read up to (`watermark(store, job)`). It reads the current
sequence W first, works on what is stamped after its watermark, and at the end advances its watermark to
W in the same transaction as its write. Anything written after W has a stamp above W and stays to do;
nothing is ever cleared wholesale, so a job overlapping an ingest, or killed half way, loses nothing.

**Leases.** Jobs that must not overlap with themselves (two resolves, two links) hold a lease in the
store: the job's name, a random owner, the process id and host, and an expiry. A lease that expired,
or whose process is gone (same host, no such pid), is taken over; otherwise the job waits up to `wait`
seconds and then stops with `Busy`, saying who holds it.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from idgraph.graph.errors import IdgraphError

LEASE_SECONDS = 900.0  # renewed between the steps of a job; IDGRAPH_LEASE_SECONDS overrides it
POLL_SECONDS = 0.25


class Busy(IdgraphError):
    """Another run of the same job holds its lease."""

    exit_code = 3


def stamp(at: datetime | None = None) -> str:
    """A time as the leases keep it: UTC, fixed width, so that text order is time order."""
    return (at or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def lease_seconds() -> float:
    return float(os.environ.get("IDGRAPH_LEASE_SECONDS") or LEASE_SECONDS)


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@dataclass
class Lease:
    store: object
    job: str
    owner: str
    ttl: float

    def holder(self) -> dict:
        now = datetime.now(timezone.utc)
        return {"owner": self.owner, "pid": os.getpid(), "host": socket.gethostname(), "taken_at": stamp(now),
                "expires_at": stamp(now + timedelta(seconds=self.ttl))}

    def renew(self) -> None:
        """Extend the lease (a long job calls this between its steps)."""
        held = self.store.take_lease(self.job, self.holder(), stamp())  # type: ignore[attr-defined]
        if held is not None:
            raise Busy(f"the {self.job} lease was taken over by pid {held['pid']} on {held['host']} while this "
                       f"run held it (it expired at {held['expires_at']}): this run stops without writing more")


@contextmanager
def lease(store, job: str, *, wait: float = 0.0, ttl: float | None = None) -> Iterator[Lease]:
    """Hold the lease of `job` for the duration of the block (see the module's docstring)."""
    held = Lease(store, job, "L" + uuid.uuid4().hex, ttl or lease_seconds())
    deadline = time.monotonic() + max(wait, 0.0)
    while True:
        other = store.take_lease(job, held.holder(), stamp())
        if other is None:
            break
        if other.get("host") == socket.gethostname() and not pid_alive(other.get("pid")):
            # its process is gone (killed): take it over, unless another run just did
            if store.take_lease(job, held.holder(), stamp(), replaces=other["owner"]) is None:
                break
            continue
        if time.monotonic() >= deadline:
            raise Busy(f"another {job} is running: pid {other.get('pid')} on {other.get('host')}, since "
                       f"{other.get('taken_at')} (its lease runs until {other.get('expires_at')}); wait for it to "
                       f"finish, or run with --wait SECONDS")
        time.sleep(POLL_SECONDS)
    try:
        yield held
    finally:
        store.release_lease(job, held.owner)


def sequence(store) -> int:
    """The store's change sequence: what its last committed write transaction stamped."""
    return store.marks()["sequence"]


def watermark(store, job: str) -> int:
    """The sequence `job` has read up to (0 before its first run)."""
    return store.marks()["watermarks"].get(job, 0)


def read_up_to(guarded_at: int, read_at: int, own_writes: int) -> int:
    """The watermark a job may advance to when it judged identifiers (the guard) at `guarded_at`, wrote
    `own_writes` transactions of its own (the guard's verdicts), then read the records at `read_at`: all
    of it when nobody else wrote in between, else only what the guard saw (what others wrote is looked at
    again by the next run)."""
    return read_at if read_at - guarded_at == own_writes else guarded_at
