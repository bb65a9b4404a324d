"""The demo: five generated sources, ingested, linked and resolved, with one profile to look at."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from idgraph.ingest.jobs.resolve import ResolveSummary, resolve
from idgraph.graph.stores import open_store
from idgraph.ingest.jobs.ingest import IngestSummary, ingest
from idgraph.ingest.jobs.link import LinkSummary, link
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from idgraph.ingest.jobs.progress import Progress, silent
from idgraph.queries.profile import ProfileView, show_profile


class DemoResult(BaseModel):
    mapping_path: str
    truth_path: str
    people: int
    seed: int
    ingest: IngestSummary
    link: LinkSummary
    resolve: ResolveSummary
    stats: dict
    profile: ProfileView | None = None


def run_demo(folder: Path, people: int = 2000, seed: int = 42, progress: Progress = silent,
             store_kind: str | None = None) -> DemoResult:
    with progress.step("generate demo sources", total=None):
        generated = generate(folder, people=people, seed=seed)
    mapping = load_mapping(generated.mapping_path)
    if (store_kind or "embedded") == "embedded":  # a demo starts from scratch; a Neo4j database is never wiped
        for suffix in ("", "-wal", "-shm"):
            Path(f"{mapping.store_path()}{suffix}").unlink(missing_ok=True)
    store = open_store(mapping, store_kind)
    try:
        ingested = ingest(store, mapping, progress=progress)
        linked = link(store, mapping, progress=progress)
        resolved = resolve(store, mapping, progress=progress)
        return DemoResult(
            mapping_path=str(generated.mapping_path), truth_path=str(generated.truth_path), people=people, seed=seed,
            ingest=ingested, link=linked, resolve=resolved, stats=store.stats(), profile=_showcase(store),
        )
    finally:
        store.close()


def _showcase(store) -> ProfileView | None:
    """A profile worth looking at: records from the most sources, and a journey of interactions."""
    best, best_key = None, None
    for p in store.bulk("profiles"):
        if p["status"] != "active" or p["customer_count"] > 6:
            continue
        key = (len(json.loads(p["sources"] or "[]")), min(p["interaction_count"], 8), p["profile_id"])
        if best_key is None or key > best_key:
            best, best_key = p["profile_id"], key
    return None if best is None else show_profile(store, best, limit=20)
