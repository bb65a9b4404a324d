"""Rows that arrive as values (a request to `idgraph serve`), through the same path as a file's rows.

Each row is a dict in the source's own column names. It goes through `ingest.ingest_rows` (mapping,
normalisation, duplicates, suppression, quarantine, batched writes), and the answer says what became of
each row: its record's uid, or why it was refused. A refused row is kept in the service's quarantine
file of its source (`<quarantine_dir>/serve/<source>.jsonl`), appended to and never rewritten, since the
service writes one small batch after another; its `raw` is the row's values, which a replay can read.
A row of a forgotten person (a suppression entry) is answered `suppressed` and not written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from idgraph.graph.store import Store
from idgraph.ingest.jobs.ingest import BackgroundWriter, SourceSummary, ingest_rows, new_run_tag, quarantine_dir
from idgraph.ingest.jobs.progress import silent
from idgraph.ingest.mapping import Mapping
from idgraph.ingest.quarantine import Quarantine
from idgraph.ingest.readers import RawRow

SERVICE_FILE = "request"  # the `file` of a quarantined row that came in a request


class RowOutcome(BaseModel):
    uid: str | None = None  # the record the row became (two rows of one id: the same record)
    refused: str | None = None  # why the row is no record (it is in quarantine)
    suppressed: bool = False  # a forgotten person's row: not written


class Incoming(BaseModel):
    summary: SourceSummary
    rows: list[RowOutcome] = Field(default_factory=list)  # one per row given, in order


class _Appending(Quarantine):
    """The quarantine of a stream of small batches: entries are appended to the file, never replace it.
    A row's `raw` is made from its values when it is put here: only a refused row needs it."""

    def __init__(self, folder: Path, source: str, rows: Sequence[dict]):
        super().__init__(folder, source)
        self._rows = rows

    def put(self, file: Path, line: int, raw: str | dict | None, reason: str, raw_base64: str | None = None,
            header: str | None = None) -> None:
        super().put(file, line, _raw(self._rows[line - 1]) if raw is None else raw, reason, raw_base64, header)

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._fh:
            self._fh.close()
            self._fh = None
        if exc_type is None and self.count:
            with self.path.open("a", encoding="utf-8") as out, self._new.open(encoding="utf-8") as new:
                out.write(new.read())
        self._new.unlink(missing_ok=True)


def ingest_values(store: Store, mapping: Mapping, source_name: str, rows: Sequence[dict],
                  run_tag: str | None = None) -> Incoming:
    """Write rows given as dicts of the source's columns; one transaction per kind of record written."""
    source = mapping.source(source_name)
    outcomes = [RowOutcome() for _ in rows]

    def heard(line: int, uid: str | None, reason: str | None) -> None:
        outcomes[line - 1].uid, outcomes[line - 1].refused = uid, reason

    file = Path(SERVICE_FILE)
    items = ((file, RawRow(line=i + 1, values=dict(row), raw=None)) for i, row in enumerate(rows))
    writer = BackgroundWriter()
    try:
        with _Appending(quarantine_dir(mapping) / "serve", source.name, rows) as quarantine:
            summary = ingest_rows(store, mapping, source, items, [SERVICE_FILE], quarantine,
                                  run_tag or new_run_tag(), silent, len(rows) or 1, writer, heard)
    finally:
        writer.close()
    summary.stored = summary.new + summary.updated + summary.unchanged
    if summary.suppressed:
        stored = store.record_profiles([o.uid for o in outcomes if o.uid])
        for o in outcomes:
            if o.uid and o.uid not in stored:
                o.suppressed = True
    return Incoming(summary=summary, rows=outcomes)


def _raw(row: dict) -> dict:
    """The row as the quarantine keeps it: values JSON can hold (a replay reads them back as a row)."""
    return json.loads(json.dumps(row, default=str))
