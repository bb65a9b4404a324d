"""The report as a whole: read the store once, build each section's numbers, lay out the page, write it
with its snapshot.
"""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
from pydantic import BaseModel

from idgraph.graph.store import Store
from idgraph.ingest.mapping import Mapping
from idgraph.queries.truth import read_truth

from . import accuracy, change, matching, overlap, page, profiles, sources
from .blocks import Section
from .inputs import read_inputs, shared_reasons

AUDIT_SCHEMA = {"seq": pl.Int64, "action": pl.Utf8}


class Report(BaseModel):
    """Every number behind the report's charts and tables (`idgraph report --json`)."""

    project: str
    store: str
    generated_at: str
    stats: dict
    sources: sources.SourcesSection
    overlap: overlap.OverlapSection
    profiles: profiles.ProfilesSection
    matching: matching.MatchingSection
    accuracy: accuracy.AccuracySection | None
    change: change.ChangeSection
    snapshot: change.Snapshot
    seconds: dict[str, float]


class Written(BaseModel):
    html: str
    snapshot: str
    bytes: int
    seconds: float
    report: Report


def snapshot_path(out: Path) -> Path:
    """Where the snapshot of a report written to `out` goes: beside it, `report.json` for `report.html`."""
    return out.with_suffix(".json")


def build_report(store: Store, mapping: Mapping, *, truth: Path | None = None, since: Path | None = None,
                 since_asked: bool = False) -> Report:
    """The report's numbers. `since`: the snapshot of the previous report (an error when `since_asked` and
    it cannot be read; otherwise a missing one only means there is nothing to compare with)."""
    clock: dict[str, float] = {}
    t = time.perf_counter()
    previous, problem = change.read_snapshot(since, since_asked) if since is not None else (None, "no previous report")
    truth_frame = read_truth(truth) if truth is not None else None
    inputs = read_inputs(store, mapping)
    reasons = shared_reasons(store, inputs.held)
    audit = pl.DataFrame([(a["seq"], a["action"]) for a in store.bulk("audit")], schema=AUDIT_SCHEMA, orient="row")
    edges = store.link_edges(None) if truth_frame is not None else None
    clock["read"] = time.perf_counter() - t

    def timed(name, fn, *args):
        start = time.perf_counter()
        result = fn(*args)
        clock[name] = time.perf_counter() - start
        return result

    current = change.snapshot(inputs.store_label, inputs.stats, inputs.customers, inputs.records, audit)
    matched = timed("matching", matching.build, inputs.model, inputs.model_path, inputs.model_problem, inputs.links,
                    inputs.runs, inputs.customers.height)
    report = Report(
        project=mapping.project, store=inputs.store_label, generated_at=current.generated_at, stats=inputs.stats,
        sources=timed("sources", sources.build, mapping, inputs.customers, inputs.held, inputs.runs),
        overlap=timed("overlap", overlap.build, inputs.customers),
        profiles=timed("profiles", profiles.build, inputs.customers, inputs.held, reasons, inputs.records,
                       inputs.households),
        matching=matched,
        accuracy=None if truth_frame is None else timed(
            "accuracy", accuracy.build, str(truth), truth_frame, inputs.customers, inputs.records, edges,
            inputs.links, matched.thresholds),
        change=timed("change", change.build, previous, since, problem, current, inputs.customers, audit),
        snapshot=current, seconds={})
    report.seconds = {k: round(v, 3) for k, v in clock.items()}
    return report


def sections(report: Report) -> list[Section]:
    return [sources.view(report.sources), overlap.view(report.overlap), profiles.view(report.profiles),
            matching.view(report.matching), accuracy.view(report.accuracy), change.view(report.change)]


def render_html(report: Report) -> str:
    return page.render(report, sections(report))


def write_report(store: Store, mapping: Mapping, out: Path, *, truth: Path | None = None,
                 since: Path | None = None) -> Written:
    """Write the report to `out` and its snapshot beside it (`snapshot_path`), after comparing with the
    previous snapshot: `since`, or by default the one a report to `out` wrote last time."""
    started = time.perf_counter()
    out = Path(out)
    report = build_report(store, mapping, truth=truth, since=since or snapshot_path(out), since_asked=since is not None)
    t = time.perf_counter()
    html = render_html(report)
    report.seconds["page"] = round(time.perf_counter() - t, 3)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    snap = snapshot_path(out)
    snap.write_text(report.snapshot.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return Written(html=str(out), snapshot=str(snap), bytes=out.stat().st_size,
                   seconds=round(time.perf_counter() - started, 3), report=report)
