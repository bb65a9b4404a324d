"""Section 1, Sources: how much of each source arrived and how good it is.

Rows read, stored, merged as duplicates, quarantined (by reason) and suppressed come from each source's
last ingest run in the store's run log; the fill rate of every mapped field and the identifiers per
record from the customers frame (identifiers the guard marked shared count too: they are in
`identifier_members`); the values set aside (junk placeholders, invalid values) from the ingest summary.
A field's validity is the share of its values that were kept: filled / (filled + set aside).
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from idgraph.ingest.mapping import Kind, Mapping

from .blocks import ChartBlock, Figure, Figures, Note, Section, num, pct, table
from .charts import chart

INTRO = "How much of each source arrived, and how good it is."
OUTCOMES = ("stored", "duplicates", "quarantined", "suppressed")
MAX_IDENTIFIERS = 10  # identifiers per record: 10 stands for 10 or more
BUILT_IN_KINDS = (("emails", "email"), ("phones", "phone"), ("devices", "device"))
SCALAR_ROLES = ("first_name", "last_name", "dob", "address", "city", "postcode", "country", "updated_at")


class SourceRows(BaseModel):
    source: str
    kind: str
    run_tag: str
    started_at: str
    rows_read: int
    stored: int
    new: int
    updated: int
    unchanged: int
    duplicates: int
    quarantined: int
    suppressed: int
    balanced: bool


class FieldFill(BaseModel):
    source: str
    field: str
    records: int
    filled: int
    fill_rate: float
    set_aside: int | None  # None: no ingest run of the source is logged
    valid_rate: float | None


class SetAside(BaseModel):
    source: str
    field: str
    reason: str  # "junk" for a placeholder value
    values: int


class Quarantined(BaseModel):
    source: str
    reason: str
    rows: int


class IdentifierCount(BaseModel):
    source: str
    identifiers: int  # MAX_IDENTIFIERS stands for that many or more
    records: int


class RunEntry(BaseModel):
    run_tag: str
    job: str
    started_at: str
    what: str


class SourcesSection(BaseModel):
    sources: list[SourceRows]
    not_logged: list[str]  # mapped sources no logged ingest run read
    fields: list[FieldFill]
    set_aside: list[SetAside]
    junk_values: int
    quarantined: list[Quarantined]
    identifiers_per_record: list[IdentifierCount]
    mean_identifiers: dict[str, float]
    runs: list[RunEntry]


def identifier_counts(customers: pl.DataFrame, held: pl.DataFrame, kinds: tuple[str, ...]) -> pl.DataFrame:
    """uid, kind, n: how many identifiers of each kind each record holds, those marked shared included
    (the customers frame lists only the others)."""
    parts = [customers.select("uid", pl.lit(kind).alias("kind"), pl.col(col).list.len().cast(pl.Int64).alias("n"))
             for col, kind in (*BUILT_IN_KINDS, *((k, k) for k in kinds))]
    shared = (held.filter(pl.col("shared")).unique(["kind", "value", "uid"])
              .group_by("uid", "kind").agg(pl.len().cast(pl.Int64).alias("n")))
    return pl.concat([*parts, shared.select("uid", "kind", "n")]).group_by("uid", "kind").agg(pl.col("n").sum())


def last_runs(runs: list[dict], job: str = "ingest") -> dict[str, tuple[dict, dict]]:
    """source -> (run, its summary of that source) for each source's newest run of `job`."""
    found: dict[str, tuple[dict, dict]] = {}
    for run in runs:  # newest first
        if run["job"] != job:
            continue
        for summary in run["summary"].get("sources", []):
            found.setdefault(summary["source"], (run, summary))
    return found


def build(mapping: Mapping, customers: pl.DataFrame, held: pl.DataFrame, runs: list[dict]) -> SourcesSection:
    logged = last_runs(runs)
    names = [s.name for s in mapping.sources]
    rows = []
    for name in names:
        if name not in logged:
            continue
        run, s = logged[name]
        rows.append(SourceRows(
            source=name, kind=s["kind"], run_tag=run["run_tag"], started_at=run["started_at"],
            **{k: int(s.get(k, 0)) for k in ("rows_read", "stored", "new", "updated", "unchanged", "duplicates",
                                              "quarantined", "suppressed")},
            balanced=s["rows_read"] == s["stored"] + s["duplicates"] + s["quarantined"] + s["suppressed"]))
    set_aside = []
    quarantined = []
    for name in names:
        if name not in logged:
            continue
        summary = logged[name][1]
        for key, n in summary.get("values_set_aside", {}).items():
            field, _, reason = key.partition(": ")
            set_aside.append(SetAside(source=name, field=field, reason=reason, values=n))
        for reason, n in summary.get("quarantined_by_reason", {}).items():
            quarantined.append(Quarantined(source=name, reason=reason, rows=n))
        if summary.get("quarantined") and not summary.get("quarantined_by_reason"):
            quarantined.append(Quarantined(source=name, reason="(not recorded by this run)", rows=summary["quarantined"]))

    kinds = mapping.identifier_kinds()
    counts = identifier_counts(customers, held, kinds)
    fields = _fields(mapping, customers, counts, set_aside, logged)
    per_record = (customers.select("uid", "source")
                  .join(counts.group_by("uid").agg(pl.col("n").sum()), on="uid", how="left")
                  .with_columns(pl.col("n").fill_null(0)))
    mean = {s: round(float(m), 2) for s, m in per_record.group_by("source").agg(pl.col("n").mean()).iter_rows()}
    histogram = (per_record.with_columns(pl.col("n").clip(upper_bound=MAX_IDENTIFIERS))
                 .group_by("source", "n").agg(pl.len().alias("records")).sort("source", "n"))
    return SourcesSection(
        sources=rows,
        not_logged=[n for n in names if n not in logged],
        fields=fields,
        set_aside=sorted(set_aside, key=lambda r: (r.source, -r.values, r.field, r.reason)),
        junk_values=sum(r.values for r in set_aside if r.reason == "junk"),
        quarantined=sorted(quarantined, key=lambda r: (r.source, -r.rows, r.reason)),
        identifiers_per_record=[IdentifierCount(source=s, identifiers=n, records=r) for s, n, r in histogram.iter_rows()],
        mean_identifiers=dict(sorted(mean.items())),
        runs=[_run_entry(r) for r in runs[:20]],
    )


def _fields(mapping: Mapping, customers: pl.DataFrame, counts: pl.DataFrame, set_aside: list[SetAside],
            logged: dict) -> list[FieldFill]:
    """Fill rate and validity of every field each customer source maps (roles and attributes)."""
    kinds = ("email", "phone", "device", *mapping.identifier_kinds())
    wide = customers.select("uid", "source", *SCALAR_ROLES, *mapping.attribute_names())
    for kind in kinds:
        held = counts.filter((pl.col("kind") == kind) & (pl.col("n") > 0)).select("uid", pl.lit(True).alias(f"has:{kind}"))
        wide = wide.join(held, on="uid", how="left")
    filled = {"full_name": pl.col("first_name").is_not_null() | pl.col("last_name").is_not_null()}
    filled.update({f: pl.col(f).is_not_null() & (pl.col(f) != "") for f in (*SCALAR_ROLES, *mapping.attribute_names())})
    filled.update({k: pl.col(f"has:{k}").fill_null(False) for k in kinds})
    totals = wide.group_by("source").agg(pl.len().alias("records"),
                                         *(expr.sum().alias(name) for name, expr in filled.items()))
    by_source = {row["source"]: row for row in totals.iter_rows(named=True)}
    out = []
    for source in mapping.sources:
        if source.kind is not Kind.customer:
            continue
        row = by_source.get(source.name)
        records = row["records"] if row else 0
        for field in [*source.fields, *source.attributes]:
            if field not in filled:
                continue
            n = int(row[field]) if row else 0
            aside = (sum(r.values for r in set_aside if r.source == source.name and r.field == field)
                     if source.name in logged else None)
            out.append(FieldFill(
                source=source.name, field=field, records=records, filled=n,
                fill_rate=round(n / records, 4) if records else 0.0, set_aside=aside,
                valid_rate=None if aside is None or n + aside == 0 else round(n / (n + aside), 4)))
    return out


def _run_entry(run: dict) -> RunEntry:
    s = run["summary"]
    if run["job"] in ("ingest", "replay"):
        parts = s.get("sources", [])
        what = (f"{', '.join(p['source'] for p in parts)}: {sum(p.get('rows_read', 0) for p in parts):,} rows read, "
                f"{sum(p.get('new', 0) for p in parts):,} new, {sum(p.get('updated', 0) for p in parts):,} updated")
    elif run["job"] == "link":
        what = (f"{s.get('mode', '')}: {s.get('records_considered', 0):,} records, {s.get('pairs_compared', 0):,} "
                f"pairs, {s.get('links_written', 0):,} links, {s.get('review_queue', 0):,} to review")
    else:
        what = ""
    return RunEntry(run_tag=run["run_tag"], job=run["job"], started_at=run["started_at"], what=what)


def _when(started_at: str) -> str:
    return started_at[:19].replace("T", " ")


def view(s: SourcesSection) -> Section:
    blocks: list = []
    read = sum(r.rows_read for r in s.sources)
    stored = sum(r.stored for r in s.sources)
    blocks.append(Figures(items=[
        Figure(label="rows read", value=num(read), note=f"{len(s.sources)} sources"),
        Figure(label="stored", value=num(stored), note=pct(stored / read) if read else ""),
        Figure(label="duplicates", value=num(sum(r.duplicates for r in s.sources))),
        Figure(label="quarantined", value=num(sum(r.quarantined for r in s.sources))),
        Figure(label="suppressed", value=num(sum(r.suppressed for r in s.sources))),
        Figure(label="junk values set aside", value=num(s.junk_values)),
    ]))
    if not s.sources:
        blocks.append(Note(text="No ingest run is in the store's run log: run `idgraph ingest` (runs made before "
                                "the run log existed are not recorded)."))
        return Section(key="sources", title="Sources", intro=INTRO, blocks=blocks)
    if s.not_logged:
        blocks.append(Note(text=f"No logged ingest run read {', '.join(s.not_logged)}."))
    outcome_rows = [{"source": r.source, "outcome": o, "order": i, "rows": getattr(r, o)}
                    for r in s.sources for i, o in enumerate(OUTCOMES)]
    blocks.append(ChartBlock(title="What became of each source's rows", chart=chart(
        "source_rows", "Each source's last ingest run: rows read = stored + duplicates + quarantined + suppressed.",
        rows=outcome_rows)))
    if s.fields:
        blocks.append(ChartBlock(title="Fill rate of every mapped field", chart=chart(
            "fill_rates", "Share of each customer source's records that hold a value for the field (identifiers "
                          "an event tied to the record count too).",
            fields=[{"source": f.source, "field": f.field, "fill": f.fill_rate, "filled": f.filled,
                     "records": f.records, "valid": f.valid_rate} for f in s.fields])))
    if s.identifiers_per_record:
        means = ", ".join(f"{k} {v:.2f}" for k, v in s.mean_identifiers.items())
        blocks.append(ChartBlock(title="Identifiers per record", chart=chart(
            "identifiers_per_record", f"Emails, phones, devices and declared kinds each record holds "
                                      f"({MAX_IDENTIFIERS} stands for {MAX_IDENTIFIERS} or more). Mean: {means}.",
            counts=[{"source": c.source, "identifiers": c.identifiers,
                     "label": f"{c.identifiers}+" if c.identifiers == MAX_IDENTIFIERS else str(c.identifiers),
                     "records": c.records} for c in s.identifiers_per_record])))
    blocks.append(table("Rows by source", [
        ("source", False), ("kind", False), ("read", True), ("stored", True), ("new", True), ("updated", True),
        ("unchanged", True), ("duplicates", True), ("quarantined", True), ("suppressed", True), ("balanced", False),
        ("ingested", False)],
        [[r.source, r.kind, r.rows_read, r.stored, r.new, r.updated, r.unchanged, r.duplicates, r.quarantined,
          r.suppressed, "yes" if r.balanced else "NO", _when(r.started_at)] for r in s.sources],
        caption="Each source's counts are those of its last ingest run (the runs are listed below)."))
    blocks.append(table("Rows quarantined, by reason", [("source", False), ("reason", False), ("rows", True)],
                        [[q.source, q.reason, q.rows] for q in s.quarantined])
                  if s.quarantined else Note(text="No row was quarantined."))
    if s.set_aside:
        blocks.append(table("Values set aside at ingest (junk placeholders and invalid values)", [
            ("source", False), ("field", False), ("reason", False), ("values", True)],
            [[r.source, r.field, r.reason, r.values] for r in s.set_aside]))
    if s.fields:
        blocks.append(table("Fields: filled and valid", [
            ("source", False), ("field", False), ("records", True), ("filled", True), ("fill rate", True),
            ("set aside", True), ("valid", True)],
            [[f.source, f.field, f.records, f.filled, pct(f.fill_rate), f.set_aside, pct(f.valid_rate)] for f in s.fields],
            caption="valid = filled / (filled + values set aside at ingest); set aside counts rows, duplicates "
                    "included."))
    blocks.append(table("Recent runs", [("started", False), ("job", False), ("run", False), ("what", False)],
                        [[_when(r.started_at), r.job, r.run_tag, r.what] for r in s.runs]))
    return Section(key="sources", title="Sources", intro=INTRO, blocks=blocks)
