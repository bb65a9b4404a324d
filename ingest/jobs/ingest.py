"""The ingest job: every source of the mapping, read, normalised and written to the store in batches.

Nothing is lost: at the end of each source, rows read = rows stored + rows merged as duplicates + rows
quarantined + rows suppressed (a forgotten person's, see graph/suppression.py), and the summary says so.
Each batch is one transaction, and every write is an upsert on the record's key with a content hash, so
re-ingesting the same file changes nothing.
"""

from __future__ import annotations

import queue
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from pydantic import BaseModel, Field

from idgraph.graph.errors import SourceError
from idgraph.graph.records import CustomerRow, InteractionRow, WriteCounts
from idgraph.graph.store import Store
from idgraph.graph.stores import checkpoints_off_the_path
from idgraph.graph.suppression import Suppressor
from idgraph.ingest import normalise as norm
from idgraph.ingest.mapping import Kind, Mapping, Source
from idgraph.ingest.phone_worker import PhoneWorker
from idgraph.ingest.quarantine import Quarantine, reason_group
from idgraph.ingest.readers import BadRow, RawRow, read_source
from idgraph.ingest.rows import RowBuilder, RowRejected, merge_duplicate
from idgraph.ingest.jobs.progress import Progress, silent

BATCH_SIZE = 5000  # records a transaction, row by row
COLUMNAR_BATCH_SIZE = 50_000  # records a transaction, columnar


class SourceSummary(BaseModel):
    source: str
    kind: str
    files: list[str] = Field(default_factory=list)
    rows_read: int = 0
    stored: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    quarantined: int = 0
    quarantined_by_reason: dict[str, int] = Field(default_factory=dict)  # reason (less any value it quotes) -> rows
    suppressed: int = 0  # a forgotten person's rows, skipped (suppression entries)
    values_set_aside: dict[str, int] = Field(default_factory=dict)  # "field: reason" -> count
    quarantine_file: str | None = None

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.stored + self.duplicates + self.quarantined + self.suppressed


class IngestSummary(BaseModel):
    run_tag: str
    sources: list[SourceSummary]
    seconds: float = 0.0
    started_at: str = ""  # ISO 8601, UTC

    def total(self, field: str) -> int:
        return sum(getattr(s, field) for s in self.sources)

    @property
    def balanced(self) -> bool:
        return all(s.balanced for s in self.sources)


def junk_rules(mapping: Mapping) -> norm.JunkRules:
    return norm.JunkRules(emails=mapping.junk.emails, phones=mapping.junk.phones, values=mapping.junk.values,
                          dates=[d.isoformat() for d in mapping.junk.dates])


def ingest(store: Store, mapping: Mapping, sources: list[str] | None = None, *, progress: Progress = silent,
           batch_size: int | None = None, columnar: bool = True) -> IngestSummary:
    """Ingest the named sources (all when None), customer sources first so events find their customers.
    The summary is kept in the store's run log (job "ingest").

    `columnar` (the default) reads and normalises a block of rows at a time (ingest/jobs/ingest_blocks.py)
    and writes batches of COLUMNAR_BATCH_SIZE (embedded store); False takes every row through the row builder one at a
    time, in batches of BATCH_SIZE. Both give the same store, quarantine and counts."""
    started, started_at = time.perf_counter(), utc_now()
    run_tag = new_run_tag()
    chosen = [mapping.source(n) for n in sources] if sources else list(mapping.sources)
    chosen.sort(key=lambda s: s.kind is not Kind.customer)
    with checkpoints_off_the_path(store):
        summaries = _ingest_sources(store, mapping, chosen, run_tag, progress, batch_size, columnar)
    for summary in summaries:
        summary.stored = summary.new + summary.updated + summary.unchanged
    done = IngestSummary(run_tag=run_tag, sources=summaries, seconds=round(time.perf_counter() - started, 3),
                         started_at=started_at)
    store.record_run(run_tag, "ingest", started_at, done.model_dump(mode="json"))
    return done


def _ingest_sources(store: Store, mapping: Mapping, chosen: list, run_tag: str, progress: Progress,
                    batch_size: int | None, columnar: bool) -> list[SourceSummary]:
    from idgraph.ingest.columnar import supported
    from idgraph.ingest.jobs.ingest_blocks import ingest_source  # it builds on this module
    summaries = []
    writer = BackgroundWriter()
    phones = PhoneWorker()
    try:
        for source in chosen:
            files = source.files(mapping.base_dir)
            if not files:
                raise SourceError(f"{mapping.base_dir / source.path}: no file matches (source {source.name!r})")
            with Quarantine(quarantine_dir(mapping), source.name) as quarantine:
                if columnar and supported(source):
                    # Neo4j holds a transaction's changes in the server's heap: its batches stay small
                    big = COLUMNAR_BATCH_SIZE if getattr(store, "name", None) == "embedded" else BATCH_SIZE
                    summaries.append(ingest_source(store, mapping, source, files, quarantine, run_tag, progress,
                                                   batch_size or big, writer, phones))
                    continue
                rows = ((path, item) for path in files for item in read_source(path, source))
                summaries.append(ingest_rows(store, mapping, source, rows, [str(f) for f in files], quarantine,
                                             run_tag, progress, batch_size or BATCH_SIZE, writer))
    finally:
        try:
            writer.close()  # raises what a write raised
        finally:
            phones.close()
    return summaries


def new_run_tag() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def utc_now() -> str:
    """Now, as the run log keeps it: ISO 8601 in UTC to the microsecond, so runs sort in order."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def quarantine_dir(mapping: Mapping) -> Path:
    return mapping.base_dir / mapping.quarantine_dir


def ingest_rows(store: Store, mapping: Mapping, source: Source, rows: Iterable[tuple[Path, RawRow | BadRow]],
                files: list[str], quarantine: Quarantine, run_tag: str, progress: Progress, batch_size: int,
                writer: "BackgroundWriter", on_row: Callable[[int, str | None, str | None], None] | None = None,
                ) -> SourceSummary:
    """The rows of one source (from its files, its quarantine, or a request: jobs/incoming.py) into
    records, batches and the quarantine. The one path from a raw row to the store: ingest, replay and
    the service all come through here. `on_row(line, uid, reason)`, when given, hears what became of each
    row: its record's uid, or the reason it was quarantined. `stored` is filled in by the caller once
    the writer has finished."""
    summary = SourceSummary(source=source.name, kind=source.kind.value, files=files)
    builder = RowBuilder(mapping, source, junk_rules(mapping))
    suppressor = Suppressor(store)
    customers: dict[str, CustomerRow] = {}
    batch: list[InteractionRow] = []
    seen: set[str] = set()
    reasons: Counter[str] = Counter()
    with progress.step(f"ingest {source.name}", total=None) as step:
        for path, item in rows:
            summary.rows_read += 1
            step.advance()
            if isinstance(item, BadRow):
                quarantine.put(path, item.line, item.raw, item.reason, item.raw_base64, item.header)
                reasons[reason_group(item.reason)] += 1
                if on_row:
                    on_row(item.line, None, item.reason)
                continue
            try:
                record = builder.customer(item.values) if source.kind is Kind.customer \
                    else builder.interaction(item.values)
            except RowRejected as exc:
                quarantine.put(path, item.line, item.raw, exc.reason, None, item.header)
                reasons[reason_group(exc.reason)] += 1
                if on_row:
                    on_row(item.line, None, exc.reason)
                continue
            if on_row:
                on_row(item.line, record.uid, None)
            if source.kind is Kind.customer:
                # Customers are gathered per source so duplicates merge before anything is written.
                if record.uid in customers:
                    customers[record.uid] = merge_duplicate(customers[record.uid], record)
                    summary.duplicates += 1
                else:
                    customers[record.uid] = record
                continue
            if record.uid in seen:  # the same event twice: events are immutable, the first stands
                summary.duplicates += 1
                continue
            seen.add(record.uid)
            batch.append(record)
            if len(batch) >= batch_size:
                writer.submit(_write, store.write_interactions, suppressor, summary, batch, run_tag)
                batch = []
        if batch:
            writer.submit(_write, store.write_interactions, suppressor, summary, batch, run_tag)
        records = list(customers.values())
        for i in range(0, len(records), batch_size):
            writer.submit(_write, store.write_customers, suppressor, summary, records[i:i + batch_size], run_tag,
                          held=True)
    summary.quarantined = quarantine.count
    summary.quarantined_by_reason = dict(reasons.most_common())
    summary.quarantine_file = str(quarantine.path) if quarantine.count else None
    summary.values_set_aside = {f"{field}: {reason}": n for (field, reason), n in sorted(builder.problems.items())}
    return summary


def _write(write, suppressor: Suppressor, summary: SourceSummary, rows: list, run_tag: str) -> None:
    """Write a batch less the rows of forgotten people (counted in `suppressed`)."""
    kept, skipped = suppressor.keep(rows)
    _tally(summary, skipped, write(kept, run_tag) if kept else WriteCounts())


def _write_frame(write, suppressor: Suppressor, summary: SourceSummary, frame: pl.DataFrame, rows,
                 run_tag: str) -> None:
    """`_write` of a frame of records (`rows` makes them records, should suppression need them)."""
    kept, skipped = suppressor.keep_frame(frame, rows)
    _tally(summary, skipped, write(kept, run_tag) if kept.height else WriteCounts())


def _tally(summary: SourceSummary, suppressed: int, counts: WriteCounts) -> None:
    summary.suppressed += suppressed
    summary.new += counts.inserted
    summary.updated += counts.updated
    summary.unchanged += counts.unchanged


class BackgroundWriter:
    """Writes batches on one thread while the caller parses the next rows.

    sqlite3 and the neo4j driver release the GIL while the database works, so reading and normalising
    overlap with writing on a second core. Batches are written in the order given, one transaction
    each; the first error stops the writing and is raised to the caller at the next submit or at close.
    """

    def __init__(self, depth: int = 3):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._room = threading.Semaphore(depth)  # batches made for the writer alone, waiting or being written
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="idgraph-writer", daemon=True)
        self._thread.start()

    def submit(self, fn, *args, held: bool = False) -> None:
        """Queue a batch; wait while `depth` batches made for the writer are queued or being written. A
        `held` batch (a slice of a frame the caller keeps anyway: a customer source's merged records) costs
        no memory of its own and is queued at once: at a million records the main thread waited 26 s for
        the room to queue a source's nine customer batches, instead of reading the next source."""
        if self._error is not None:
            raise self._error
        if not held:
            self._room.acquire()
        self._queue.put((fn, args, held))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            fn, args, held = item
            if self._error is None:
                try:
                    fn(*args)
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc
            if not held:
                self._room.release()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error
