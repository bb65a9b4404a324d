"""One source ingested as columnar work: files read in blocks, records made a block at a time.

The same result as `ingest.ingest_rows` over the row reader (tests/test_ingest_columnar.py ingests the same
files both ways and compares the stores, the quarantine and the summaries): the same records in the same
order (customers merged per id in line order, the first of an event's duplicates kept), the same values set
aside, the same quarantine entries in line order, and rows read = stored + duplicates + quarantined +
suppressed. Only the rows the columnar builder hands back (rejected, or odd) go through the row builder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from idgraph.graph.record_frames import (CUSTOMER_SCHEMA, INTERACTION_SCHEMA, customer_frame, customer_rows,
                                         interaction_frame, interaction_rows)
from idgraph.graph.records import CustomerRow
from idgraph.graph.store import Store
from idgraph.graph.suppression import Suppressor
from idgraph.ingest.blocks import Block, read_blocks
from idgraph.ingest.columnar import ROW, Columnar
from idgraph.ingest.mapping import Kind, Mapping, Source
from idgraph.ingest.phone_worker import PhoneWorker
from idgraph.ingest.quarantine import Quarantine, reason_group
from idgraph.ingest.readers import BadRow, RawRow
from idgraph.ingest.rows import RowBuilder, RowRejected, merge_duplicate
from idgraph.ingest.jobs.ingest import BackgroundWriter, SourceSummary, _write_frame, junk_rules
from idgraph.ingest.jobs.progress import Progress

ORD = "_ord"  # the row's place in the source: files in order, lines in order


@dataclass(slots=True)
class _Entry:
    """A quarantine entry, put once its block is done so entries keep line order."""

    line: int
    raw: str
    reason: str
    raw_base64: str | None
    header: str | None


def ingest_source(store: Store, mapping: Mapping, source: Source, files: list[Path], quarantine: Quarantine,
                  run_tag: str, progress: Progress, batch_size: int, writer: BackgroundWriter,
                  phones: PhoneWorker | None = None) -> SourceSummary:
    """`ingest.ingest_rows` of one source's files, as columnar work. `stored` is filled in by the caller
    once the writer has finished."""
    summary = SourceSummary(source=source.name, kind=source.kind.value, files=[str(f) for f in files])
    builder = RowBuilder(mapping, source, junk_rules(mapping))
    columnar = Columnar(builder, phones)
    suppressor = Suppressor(store)
    customers: list[pl.DataFrame] = []
    pending: list[pl.DataFrame] = []  # events not yet written
    seen: set[str] = set()
    reasons: Counter[str] = Counter()
    order = 0
    customer = source.kind is Kind.customer

    def flush(final: bool) -> None:
        nonlocal pending
        events = pl.concat(pending) if pending else None
        pending = []
        if events is None:
            return
        while events.height >= batch_size or (final and events.height):
            batch, events = events.head(batch_size), events.slice(batch_size)
            writer.submit(lambda b=batch: _write_frame(store.write_interaction_frame, suppressor, summary, b,
                                                       interaction_rows, run_tag))
        if events.height:
            pending = [events]

    with progress.step(f"ingest {source.name}", total=None) as step:
        for path in files:
            for block in read_blocks(path, source):
                summary.rows_read += len(block)
                step.advance(len(block))
                records, entries = _block(block, source, builder, columnar, order)
                order += len(block)
                for e in sorted(entries, key=lambda e: e.line):
                    quarantine.put(path, e.line, e.raw, e.reason, e.raw_base64, e.header)
                    reasons[reason_group(e.reason)] += 1
                if customer:
                    customers.append(records)
                    continue
                uids = records["uid"].to_list()
                first = [u not in seen and not seen.add(u) for u in uids]  # the first of an event stands
                summary.duplicates += len(uids) - sum(first)
                pending.append(records.filter(pl.Series(first, dtype=pl.Boolean)))
                if sum(p.height for p in pending) >= batch_size:
                    flush(False)
        flush(True)
        if customer and customers:
            merged, duplicates = _merge_customers(pl.concat(customers))
            summary.duplicates += duplicates
            for i in range(0, merged.height, batch_size):
                writer.submit(lambda b=merged.slice(i, batch_size): _write_frame(
                    store.write_customer_frame, suppressor, summary, b, customer_rows, run_tag), held=True)
    summary.quarantined = quarantine.count
    summary.quarantined_by_reason = dict(reasons.most_common())
    summary.quarantine_file = str(quarantine.path) if quarantine.count else None
    summary.values_set_aside = {f"{field}: {reason}": n for (field, reason), n in sorted(builder.problems.items())}
    return summary


def _block(block: Block, source: Source, builder: RowBuilder, columnar: Columnar,
           order: int) -> tuple[pl.DataFrame, list[_Entry]]:
    """A block's records (with ORD) and quarantine entries."""
    frame, originals = _frame(block, columnar.columns, source)
    others = [r for r in block.rows if not (isinstance(r, RawRow) and id(r) in originals.taken)]
    parts = []
    if frame.height:
        made, back = columnar.records(frame)
        lines = frame["_line"]
        parts.append(made.with_columns(_line=lines.gather(made[ROW])).drop(ROW))
        others.extend(originals.row(i) for i in back)
    entries, rows = [], []
    for row in sorted(others, key=lambda r: r.line):
        if isinstance(row, BadRow):
            entries.append(_Entry(row.line, row.raw, row.reason, row.raw_base64, row.header))
            continue
        try:
            record = builder.customer(row.values) if source.kind is Kind.customer else builder.interaction(row.values)
        except RowRejected as exc:
            entries.append(_Entry(row.line, row.raw, exc.reason, None, row.header))
            continue
        rows.append((row.line, record))
    if rows:
        made = (customer_frame if source.kind is Kind.customer else interaction_frame)([r for _, r in rows])
        parts.append(made.with_columns(_line=pl.Series([line for line, _ in rows], dtype=pl.Int64)))
    schema = CUSTOMER_SCHEMA if source.kind is Kind.customer else INTERACTION_SCHEMA
    if not parts:
        return pl.DataFrame(schema={**schema, ORD: pl.Int64}), entries
    records = pl.concat([p.select(*schema, "_line") for p in parts]).sort("_line")
    # every row of the block has its own first line: a row's place is the rank of its line
    lines = pl.concat([block.lines, pl.Series([r.line for r in block.rows], dtype=pl.Int64)]).sort()
    ranks = pl.DataFrame({"_line": lines, ORD: pl.int_range(order, order + len(lines), eager=True)})
    return records.join(ranks, on="_line", how="left", maintain_order="left").drop("_line"), entries


class _Originals:
    """The row reader's rows a frame was made from, to hand one back to the row builder."""

    def __init__(self, block: Block, rows: list[RawRow]):
        self.block, self.rows = block, rows
        self.taken = {id(r) for r in rows}
        self.bulk = block.values.height

    def row(self, i: int) -> RawRow:
        if i < self.bulk:
            values = dict(zip(self.block.values.columns, self.block.values.row(i)))
            return RawRow(int(self.block.lines[i]), values, self.block.raws[i], self.block.header)
        return self.rows[i - self.bulk]


def _frame(block: Block, columns: list[str], source: Source) -> tuple[pl.DataFrame, _Originals]:
    """The block's rows as one frame of text (ROW, _line, the referenced columns): the bulk rows, then
    the row reader's rows whose values are all text, null or (JSON) whole numbers."""
    keep = set(source.keep)
    simple: list[RawRow] = []
    converted: list[list] = []
    for row in block.rows:
        if not isinstance(row, RawRow):
            continue
        values, out = row.values, []
        for c in columns:
            v = values.get(c)
            if v is None or v.__class__ is str:
                out.append(v)
            elif v.__class__ is int and c not in keep:  # a kept value keeps its JSON type
                out.append(str(v))
            else:
                break
        else:
            simple.append(row)
            converted.append(out)
    bulk = block.values.select(columns) if block.values.height else pl.DataFrame(
        schema={c: pl.String for c in columns})
    extra = pl.DataFrame(converted, schema={c: pl.String for c in columns}, orient="row")
    frame = pl.concat([bulk, extra])
    lines = pl.concat([block.lines, pl.Series([r.line for r in simple], dtype=pl.Int64)])
    frame = frame.with_columns(_line=lines).with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    return frame, _Originals(block, simple)


def _merge_customers(records: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """Rows of one source with the same id are one record (rows.merge_duplicate, in line order), placed
    where its first row was."""
    records = records.sort(ORD)
    counts = records.group_by("uid").len()
    repeated = counts.filter(pl.col("len") > 1)["uid"]
    if repeated.is_empty():
        return records.drop(ORD), 0
    twice = records.filter(pl.col("uid").is_in(repeated.implode()))
    merged: dict[str, CustomerRow] = {}
    first_ord: dict[str, int] = {}
    for row, ord_ in zip(customer_rows(twice), twice[ORD].to_list()):
        if row.uid in merged:
            merged[row.uid] = merge_duplicate(merged[row.uid], row)
        else:
            merged[row.uid], first_ord[row.uid] = row, ord_
    rows = list(merged.values())
    again = customer_frame(rows).with_columns(pl.Series(ORD, [first_ord[r.uid] for r in rows], dtype=pl.Int64))
    single = records.filter(~pl.col("uid").is_in(repeated.implode()))
    out = pl.concat([single, again.select(single.columns)]).sort(ORD).drop(ORD)
    return out, twice.height - len(rows)
