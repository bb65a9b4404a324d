"""The one writer: every write of the service, in a process of its own, in batches.

Rows that arrive within `batch_ms` of each other (up to `max_batch_rows`) are taken together: one ingest
per source (`jobs/incoming.py`), the link job, one resolve for all of them, then each request is
answered with its rows' profiles. A request is answered only after the resolve has committed, so an
acknowledged row is stored and in its profile even if the service dies the next instant. A judgement
(merge, split, undo) or an erasure is its own batch, followed by its own resolve recorded with the
caller's name as `by`, as the CLI does.

Why a process: link and resolve are mostly polars and numpy, but enough of them is Python to hold the
interpreter lock for long stretches; in the serving process that would stall every read. In its own
process the writer has a core to itself and reads keep theirs. The two talk over a pipe: requests go
down as plain data (rows, or the name of a judgement and its arguments), answers come back as pickled
pydantic models with the time each step took. If the serving process dies, the pipe closes and the
writer stops after the batch it is in.

The library functions are the CLI's; this module only decides when they run. On start the writer runs
the link and resolve a killed run may have left waiting, and the service is ready once that is done.

Stale traits (a new day at midnight UTC, new definitions: ingest/jobs/traits.py) are not computed inside
a write: a write's resolve computes the traits of the profiles it touched, and the writer refreshes the
others a chunk (`traits.refresh_chunk` profiles, one transaction) at a time whenever no request waits, so
after midnight the service catches up between requests and a write that arrives meanwhile waits for at
most the chunk in progress. It looks for stale traits on start, after a write whose resolve found some,
and when the day changes.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future
from datetime import datetime, timedelta, timezone
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from idgraph.graph.errors import IdgraphError, StoreError

log = logging.getLogger("idgraph.serve")
WRITER_NICE = 5  # the writer process's priority below the serving process's (os.nice)
SERVICE_BY = "idgraph serve"  # `by` of the resolves that follow rows (a judgement's names its caller)


@dataclass
class RowsDone:
    """What one request's rows became: the ingest's outcome, each row's profile and what happened to it."""

    incoming: Any  # ingest.jobs.incoming.Incoming, this request's rows only
    profiles: dict[str, str | None]  # uid -> profile id (or an event's attribution)
    changes: dict[str, str]  # profile id -> new | grew | merged | split | same


@dataclass
class Settings:
    mapping_path: str
    store_kind: str | None
    batch_ms: float = 5.0
    max_batch_rows: int = 5000
    link_interval_s: float = 0.0


POLARS_THREADS = "POLARS_MAX_THREADS"
MATCHER_THREADS = "IDGRAPH_MATCHER_THREADS"  # idgraph.ingest.matcher.threads


# -- the serving process's side ---------------------------------------------------------------------
class WriterProcess:
    """Starts the writer process and hands it requests; each answer arrives as a Future."""

    def __init__(self, settings: Settings, commits: Any, on_answer=None):
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no threads or locks inherited
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_main, args=(child, settings, commits), name="idgraph-serve-writer",
                                    daemon=True)
        self._child = child
        self._futures: dict[int, Future] = {}
        self._ids = itertools.count()
        self._send_lock = threading.Lock()
        self._on_answer = on_answer or (lambda stages, kind, payload: None)
        self.ready = threading.Event()
        self.facts: dict[str, Any] = {}  # what the writer says of itself once ready (its polars threads)
        self.failed: str | None = None

    def start(self) -> None:
        # The writer's polars and matcher on one thread (unless the operator set POLARS_MAX_THREADS or
        # IDGRAPH_MATCHER_THREADS): its frames are a batch's, small, and a pool on every core takes the
        # one the serving process answers lookups on. The spawned interpreter reads the variables when
        # it imports polars and the matcher.
        chosen = {name: os.environ.get(name) for name in (POLARS_THREADS, MATCHER_THREADS)}
        for name, value in chosen.items():
            os.environ[name] = value or "1"
        try:
            self._process.start()
        finally:
            for name, value in chosen.items():
                if value is None:
                    del os.environ[name]
        self._child.close()
        threading.Thread(target=self._receive, name="idgraph-serve-answers", daemon=True).start()

    def alive(self) -> bool:
        return self._process.is_alive() and self.failed is None

    def waiting(self) -> int:
        return len(self._futures)

    def rows(self, source: str, rows: list[dict]) -> Future:
        return self._send(("rows", source, rows))

    def judge(self, operation: str, by: str, **arguments: Any) -> Future:
        """Run a judgement or an erasure (OPERATIONS) then resolve; the future holds (its result, the resolve)."""
        return self._send(("judge", operation, by, arguments))

    def _send(self, request: tuple) -> Future:
        future: Future = Future()
        if not self.alive():
            future.set_exception(StoreError("the writer has stopped (see /readyz and the service's log)"))
            return future
        job = next(self._ids)
        self._futures[job] = future
        try:
            with self._send_lock:
                self._conn.send((job, *request))
        except (OSError, EOFError):
            self._futures.pop(job, None)
            future.set_exception(StoreError("the writer has stopped (see /readyz and the service's log)"))
        return future

    def _receive(self) -> None:
        while True:
            try:
                message = self._conn.recv()
            except (EOFError, OSError):
                break
            job, status, payload, stages = message
            if job == -1:  # the writer's own news: ready, or failed to start
                if status == "ok":
                    self.facts = payload or {}
                    self.ready.set()
                else:
                    self.failed = payload
                continue
            future = self._futures.pop(job, None)
            self._on_answer(stages, status, payload)
            if future is None:
                continue
            if status == "ok":
                future.set_result(payload)
            else:
                future.set_exception(payload)
        self.failed = self.failed or "the writer process stopped"
        for future in list(self._futures.values()):
            future.set_exception(StoreError("the writer has stopped (see /readyz and the service's log)"))
        self._futures.clear()

    def stop(self, timeout: float = 60.0) -> None:
        try:
            with self._send_lock:
                self._conn.send(None)
        except (OSError, EOFError):
            pass
        self._process.join(timeout)
        if self._process.is_alive():
            self._process.terminate()
        self._conn.close()


# -- the writer process -----------------------------------------------------------------------------
def _main(conn: Connection, settings: Settings, commits: Any) -> None:
    import signal

    from idgraph.graph.stores import open_store

    # Ctrl-C reaches the whole process group: the serving process shuts down and then stops the writer
    # between batches, rather than the writer dying in the middle of one.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Reads are short and must answer in milliseconds; a batch's resolve is long and waits for nobody's
    # click. At a lower priority the writer takes what the reads leave of the cores: on a busy machine a
    # write is answered a little later, and a lookup is not queued behind a resolve.
    os.nice(WRITER_NICE)
    from idgraph.ingest.mapping import load_mapping
    from idgraph.service.reads import Announcing

    try:
        mapping = load_mapping(settings.mapping_path)
        opened = open_store(mapping, settings.store_kind)
        if hasattr(opened, "checkpoint_in_background"):  # embedded: checkpoints off the answer's path
            opened.checkpoint_in_background()
        store = Announcing(opened, commits)
        batcher = _Batcher(store, mapping, settings, conn)
        batcher.catch_up()
    except BaseException as exc:
        conn.send((-1, "failed", f"{type(exc).__name__}: {exc}" if isinstance(exc, IdgraphError)
                   else type(exc).__name__, {}))
        return
    import polars

    from idgraph.ingest.matcher import threads as matcher_threads
    from idgraph.service.pauses import freeze_what_start_made

    frozen = freeze_what_start_made()  # a full collection in the middle of a batch delays its answer
    conn.send((-1, "ok", {"polars_threads": polars.thread_pool_size(), "matcher_threads": matcher_threads.workers(),
                          "gc_frozen": frozen}, {}))
    try:
        batcher.run()
    finally:
        store.close()


@dataclass
class _Job:
    id: int
    source: str | None = None
    rows: list[dict] = field(default_factory=list)
    operation: str | None = None
    by: str = SERVICE_BY
    arguments: dict = field(default_factory=dict)


class _Stop(Exception):
    pass


class _Batcher:
    def __init__(self, store, mapping, settings: Settings, conn: Connection):
        self.store, self.mapping, self.conn = store, mapping, conn
        self.batch_s, self.max_rows = settings.batch_ms / 1000, settings.max_batch_rows
        self.link_interval = settings.link_interval_s
        self._last_link = 0.0
        self._link_pending = False  # rows written that the link job has not seen (link_interval_s > 0)
        self._traits_pending = True  # profiles may have stale traits: refresh a chunk when idle (looked at on start)
        self.stages: dict[str, float] = {}

    def catch_up(self) -> None:
        """What a killed run left: records written but not linked or resolved."""
        from idgraph.graph import work
        from idgraph.ingest.jobs.link import link

        if self.store.changed("link", work.watermark(self.store, "link")):
            link(self.store, self.mapping)
        self._resolve(SERVICE_BY)
        self._last_link = time.monotonic()

    def _get(self, timeout: float | None) -> _Job | None:
        """The next request; None when none came within timeout. _Stop when the serving process is gone
        or said stop."""
        if timeout is not None and not self.conn.poll(timeout):
            return None
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            raise _Stop from None
        if message is None:
            raise _Stop
        if message[1] == "rows":
            return _Job(message[0], source=message[2], rows=message[3])
        return _Job(message[0], operation=message[2], by=message[3], arguments=message[4])

    def run(self) -> None:
        pending: _Job | None = None
        try:
            while True:
                job = pending or self._get(self._idle_wait())
                pending = None
                if job is None:  # idle: link what waits, refresh stale traits, or look for them on a new day
                    self._idle()
                    continue
                if job.operation is not None:
                    self._judge(job)
                    continue
                batch, rows = [job], len(job.rows)
                deadline = time.monotonic() + self.batch_s
                while rows < self.max_rows:
                    nxt = self._get(max(deadline - time.monotonic(), 0))
                    if nxt is None:
                        break
                    if nxt.operation is not None:
                        pending = nxt
                        break
                    batch.append(nxt)
                    rows += len(nxt.rows)
                self._write(batch)
        except _Stop:
            return

    def _idle_wait(self) -> float:
        """How long to wait for a request before doing idle work: none with stale traits to refresh (a
        poll: a request that waits is served first); else until the link job is due, or until the next day
        begins (UTC), when every profile's traits go stale."""
        if self._traits_pending:
            return 0.0
        now = datetime.now(timezone.utc)
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), timezone.utc)
        wait = (midnight - now).total_seconds() + 1.0
        if self._link_pending:
            wait = min(wait, max(self.link_interval - (time.monotonic() - self._last_link), 0.001))
        return wait

    def _idle(self) -> None:
        if self._link_pending and time.monotonic() - self._last_link >= self.link_interval:
            self._guarded(self._link_now)
        elif self._traits_pending:
            self._refresh_traits()
        else:  # a new day: traits are measured to it
            self._traits_pending = True

    def _guarded(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # kept for the next batch, which links again
            log.error("writer: the link job failed: %s", type(exc).__name__)
            self._last_link = time.monotonic()

    def _refresh_traits(self) -> None:
        """One chunk of stale traits, in its own transaction, announced to the reads as a resolve is."""
        from idgraph.ingest.jobs.traits import refresh_traits

        self.stages = {}
        try:
            done = self._timed("traits", lambda: self.store.announced(lambda: refresh_traits(self.store, self.mapping)))
        except Exception as exc:  # looked for again after the next write that finds stale traits
            log.error("writer: refreshing stale traits failed: %s", type(exc).__name__)
            self._traits_pending = False
            return
        self._traits_pending = bool(done.refreshed and done.stale)
        if done.refreshed:
            log.info("writer: traits of %d profiles refreshed, %d stale", done.refreshed, done.stale)
            self._answer(-2, "ok", None)  # no one waits: only the stages, for the metrics

    def _timed(self, stage: str, fn):
        started = time.perf_counter()
        try:
            return fn()
        finally:
            self.stages[stage] = self.stages.get(stage, 0.0) + time.perf_counter() - started

    def _answer(self, job: int, status: str, payload: Any) -> None:
        self.conn.send((job, status, payload, self.stages))

    def _resolve(self, by: str):
        from idgraph.ingest.jobs.resolve import resolve

        # only the touched profiles' traits: stale ones are refreshed while idle (the module's docstring)
        summary = self._timed("resolve", lambda: resolve(self.store, self.mapping, by=by, stale_traits="none"))
        if summary.traits.stale:
            self._traits_pending = True
        return summary

    def _link_now(self) -> None:
        """The link job on what waits, then the resolve that applies its links (rows answered earlier
        were resolved on their identifiers; their profiles now take the scored links too)."""
        from idgraph.ingest.jobs.link import link

        self.stages = {}
        self._timed("link", lambda: link(self.store, self.mapping))
        self._last_link, self._link_pending = time.monotonic(), False
        self._resolve(SERVICE_BY)
        self._answer(-2, "ok", None)  # no one waits: only the stages, for the metrics

    def _write(self, batch: list[_Job]) -> None:
        from idgraph.ingest.jobs.incoming import ingest_values
        from idgraph.ingest.jobs.link import link
        from idgraph.queries.profile import profiles_of_records

        self.stages = {"batch_rows": float(sum(len(j.rows) for j in batch))}
        try:
            by_source: dict[str, list[_Job]] = {}
            for job in batch:
                by_source.setdefault(job.source, []).append(job)
            done = []
            for source, jobs in by_source.items():
                values = [row for job in jobs for row in job.rows]
                incoming = self._timed("ingest", lambda: ingest_values(self.store, self.mapping, source, values))
                start = 0
                for job in jobs:
                    done.append((job, incoming.model_copy(update={"rows": incoming.rows[start:start + len(job.rows)]})))
                    start += len(job.rows)
            if self.link_interval == 0 or time.monotonic() - self._last_link >= self.link_interval:
                self._timed("link", lambda: link(self.store, self.mapping))
                self._last_link, self._link_pending = time.monotonic(), False
            else:
                self._link_pending = True
            summary = self._resolve(SERVICE_BY)
            uids = sorted({r.uid for _, part in done for r in part.rows if r.uid})
            profiles = self._timed("answer", lambda: profiles_of_records(self.store, uids))
        except Exception as exc:
            log.error("writer: a batch failed: %s", type(exc).__name__)
            for job in batch:
                self._answer(job.id, "error", _portable(exc))
            return
        for job, part in done:
            mine = {r.uid: profiles.get(r.uid) for r in part.rows if r.uid}
            changes = {p: summary.profile_changes.get(p, "same") for p in mine.values() if p}
            self._answer(job.id, "ok", RowsDone(part, mine, changes))

    def _judge(self, job: _Job) -> None:
        self.stages = {}
        try:
            result = self._timed("judgement", lambda: OPERATIONS[job.operation](self.store, self.mapping,
                                                                                  job.by, **job.arguments))
            summary = self._resolve(job.by)
        except Exception as exc:
            self._answer(job.id, "error", _portable(exc))
            return
        self._answer(job.id, "ok", (result, summary))


def _portable(exc: Exception) -> Exception:
    """An error the serving process can unpickle and answer with: the library's typed errors as they are,
    anything else by its type only (its message may quote a value from the data)."""
    if isinstance(exc, IdgraphError):
        return exc
    return RuntimeError(f"{type(exc).__name__} in the writer")


def _merge(store, mapping, by, a, b, reason=None):
    from idgraph.ingest.jobs.people import merge

    return [merge(store, a, b, by, reason)]


def _split(store, mapping, by, profile, keep_apart=None, record=None, reason=None):
    from idgraph.ingest.jobs.people import split_apart, split_record

    if keep_apart is not None:
        return [split_apart(store, profile, keep_apart[0], keep_apart[1], by, reason)]
    return split_record(store, profile, record, by, reason)


def _undo(store, mapping, by, judgement_ids, reason=None):
    from idgraph.ingest.jobs.people import undo

    return [undo(store, j, by, reason) for j in judgement_ids]


def _forget(store, mapping, by, **asked):
    from idgraph.ingest.jobs.forget import forget

    return forget(store, by=by, region=mapping.phone_region, gmail_rules=mapping.gmail_rules, **asked)


# The judgements and erasure a request may ask for, by name: the CLI's library functions.
OPERATIONS = {"merge": _merge, "split": _split, "undo": _undo, "forget": _forget}
