"""What the report reads from the store, read once and handed to each section explicitly.

Every read is a method of the store contract, so the report is the same on both stores. The big reads
(the customers frame, the identifiers held by several records, every record's profile, the scored links)
are whole-graph frames; the sections aggregate them before anything is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from idgraph.graph.store import Store
from idgraph.ingest.jobs.link import load_model
from idgraph.ingest.mapping import Mapping
from idgraph.ingest.matcher import Model
from idgraph.ingest.matcher.model import ModelError
from idgraph.queries.truth import RECORD_SCHEMA
LINK_SCHEMA = {"a_uid": pl.Utf8, "b_uid": pl.Utf8, "score": pl.Float64, "kind": pl.Utf8}


@dataclass
class Inputs:
    mapping: Mapping
    stats: dict
    customers: pl.DataFrame  # store.customers_frame with the mapping's kinds and attributes
    held: pl.DataFrame  # store.identifier_members(): identifiers two or more records hold, one row per holder
    records: pl.DataFrame  # kind, source, record_id, profile_id of every customer record and interaction
    links: pl.DataFrame  # a_uid, b_uid, score, kind ('probable' | 'review')
    runs: list[dict]  # the run log, newest first
    model: Model | None = None
    model_path: str = ""
    model_problem: str | None = None  # why there is no model
    store_label: str = ""
    households: list[dict] = field(default_factory=list)


def read_inputs(store: Store, mapping: Mapping) -> Inputs:
    try:
        model, path = load_model(mapping)
        problem = None
    except ModelError as exc:
        model, path, problem = None, "", str(exc)
    links = [(r.a_uid, r.b_uid, float(r.score), r.kind) for kind in ("probable", "review")
             for r in store.links(kind)]
    return Inputs(
        mapping=mapping,
        stats=store.stats(),
        customers=store.customers_frame(**mapping.frame_columns()),
        held=store.identifier_members(),
        records=pl.DataFrame(list(store.bulk("records")), schema=RECORD_SCHEMA, orient="row"),
        links=pl.DataFrame(links, schema=LINK_SCHEMA, orient="row"),
        runs=store.runs(),
        model=model,
        model_path=str(path),
        model_problem=problem,
        store_label=store_label(store),
        households=read_households(store),
    )


def store_label(store: Store) -> str:
    """Which store this is, without credentials: 'embedded (path)' or 'neo4j (uri, database)'."""
    where = getattr(store, "path", None)
    if where is not None:
        return f"{store.name} ({where})"
    uri, database = getattr(store, "uri", None), getattr(store, "database", None)
    return f"{store.name} ({uri}, database {database})" if uri else store.name


def read_households(store: Store) -> list[dict]:
    """The households of the graph: one dict per household (household_id, members: the profile ids, and
    whatever else the store says of it), none when the store keeps none.

    Households are not part of the store contract yet: a store that keeps them answers `households()`;
    this is the one place the report asks, so adding them is adding that method."""
    reader = getattr(store, "households", None)
    return list(reader()) if callable(reader) else []


def shared_reasons(store: Store, held: pl.DataFrame) -> pl.DataFrame:
    """kind, value, reason of every identifier marked shared, read through one holder of each."""
    one_each = held.filter(pl.col("shared")).unique(["kind", "value"])["uid"].unique().sort().to_list()
    rows = [(r["kind"], r["value"], r["shared_reason"]) for r in store.customer_identifiers(one_each) if r["shared"]]
    return pl.DataFrame(rows, schema={"kind": pl.Utf8, "value": pl.Utf8, "reason": pl.Utf8}, orient="row").unique(
        ["kind", "value"])
