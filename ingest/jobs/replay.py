"""Replay: the quarantined rows of a source read again, after the mapping or the rows were fixed.

Each entry's `raw` text is read with the source's current mapping by the same reader as a file
(`readers.read_quarantined`), and the rows go through the same row builder, batches and store writes
as an ingest (`ingest.ingest_rows`). Rows that now make records are stored and leave the quarantine
file; the others stay in it with their new reason. The run balances as an ingest does: rows read =
stored + duplicates + quarantined + suppressed. The quarantine file is replaced only once the store
has taken every batch, so a failed replay leaves it as it was and can be run again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from idgraph.graph.store import Store
from idgraph.ingest.jobs.ingest import (BATCH_SIZE, BackgroundWriter, IngestSummary, SourceSummary, ingest_rows,
                                        new_run_tag, quarantine_dir, utc_now)
from idgraph.ingest.jobs.progress import Progress, silent
from idgraph.ingest.mapping import Mapping, Source
from idgraph.ingest.quarantine import Quarantine, entries
from idgraph.ingest.readers import BadRow, RawRow, read_quarantined


def replay(store: Store, mapping: Mapping, source_name: str, *, progress: Progress = silent,
           batch_size: int = BATCH_SIZE) -> IngestSummary:
    started, started_at = time.perf_counter(), utc_now()
    source = mapping.source(source_name)
    run_tag = new_run_tag()
    folder = quarantine_dir(mapping)
    with Quarantine(folder, source.name) as quarantine:
        path = quarantine.path
        if not path.is_file():
            summary = SourceSummary(source=source.name, kind=source.kind.value)
            return IngestSummary(run_tag=run_tag, sources=[summary], seconds=0.0)
        for _ in entries(path):  # a hand-edited file is checked whole before anything is written
            pass
        writer = BackgroundWriter()
        try:
            summary = ingest_rows(store, mapping, source, _rows(path, source), [str(path)], quarantine, run_tag,
                                  progress, batch_size, writer)
        finally:
            writer.close()  # raises a failed write: the quarantine file is then left as it was
    summary.stored = summary.new + summary.updated + summary.unchanged
    done = IngestSummary(run_tag=run_tag, sources=[summary], seconds=round(time.perf_counter() - started, 3),
                         started_at=started_at)
    store.record_run(run_tag, "replay", started_at, done.model_dump(mode="json"))
    return done


def _rows(path: Path, source: Source) -> Iterator[tuple[Path, RawRow | BadRow]]:
    for entry in entries(path):
        file = Path(entry.file)
        read = 0
        for row in read_quarantined(file, entry.line, entry.raw, entry.raw_base64, entry.header, source):
            read += 1
            yield file, row
        if not read:  # an empty raw (older versions wrote some) is kept, not dropped without a word
            yield file, BadRow(entry.line, "", "nothing to read: raw is empty (put the row's text in raw, or "
                                              "delete the entry)", entry.raw_base64, entry.header)
