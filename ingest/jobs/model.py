"""The matcher's model as the jobs see it: where it lives, when it is trained, what it is trained on.

One model per project (``<project>.model.json`` beside the mapping, or ``matching.model_path``), used by
the link job to score pairs and by the guard (in link and resolve) to judge who holds an identifier.
It is trained on first use, on every customer record and on the pairs of records that share an
identifier (shared or not: the guard's weights must come from all of them, or a family email once
marked would take its own evidence out of the next training), and retrained when the data has grown
past ``RETRAIN_GROWTH`` times the records it was trained on: a model trained on the first thousand
records of a project should not judge its millionth. Below ``MIN_RECORDS`` there is nothing to learn
from and the guard uses its plain rule.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from idgraph.graph.store import Store
from idgraph.ingest.guard import holder_pairs, suspect_identifiers
from idgraph.ingest.mapping import Mapping
from idgraph.ingest.matcher import FeatureTable, MatchSettings, Model, settings_for, train
from idgraph.ingest.matcher.co_holders import estimate_co_holders

MIN_RECORDS = 200
RETRAIN_GROWTH = 4.0


def model_path_for(mapping: Mapping, settings: MatchSettings, override: Path | None = None) -> Path:
    """Where the model file lives: the argument, else ``matching.model_path``, else beside the mapping."""
    if override is not None:
        return Path(override)
    base = Path(getattr(mapping, "base_dir", Path(".")))
    if settings.model_path:
        p = Path(settings.model_path)
        return p if p.is_absolute() else base / p
    return base / f"{getattr(mapping, 'project', 'idgraph')}.model.json"


def identifier_columns(frame: pl.DataFrame) -> set[str]:
    """The frame's identifier lists: emails, phones, devices and one per declared kind."""
    return {c for c, dtype in frame.schema.items() if isinstance(dtype, pl.List)}


def co_holder_positions(members: pl.DataFrame, frame: pl.DataFrame, max_customers: int) -> tuple[np.ndarray, np.ndarray]:
    """Record positions in ``frame`` of every pair of records that hold one identifier."""
    pairs = holder_pairs(members, max_customers)
    position = pl.DataFrame({"uid": frame["uid"], "i": np.arange(frame.height, dtype=np.int64)})
    found = pairs.join(position, on="uid").join(position.rename({"uid": "uid_b", "i": "j"}), on="uid_b")
    return found["i"].to_numpy(), found["j"].to_numpy()


def without(frame: pl.DataFrame, identifiers: pl.DataFrame) -> pl.DataFrame:
    """The frame with these (kind, value) identifiers taken out of its identifier lists."""
    if not identifiers.height:
        return frame
    out = frame
    for column in identifier_columns(frame):
        kind = _KIND_OF.get(column, column)
        drop = identifiers.filter(pl.col("kind") == kind)["value"]
        if len(drop):
            out = out.with_columns(pl.col(column).list.set_difference(drop.implode()).list.sort())
    return out


_KIND_OF = {"emails": "email", "phones": "phone", "devices": "device"}


def train_on(store: Store, mapping: Mapping, frame: pl.DataFrame, settings: MatchSettings) -> Model:
    """A model trained on ``frame`` (the customers frame) less the identifiers the guard's wide net
    catches (``guard.suspect_identifiers``), and on the store's pairs of co-holders."""
    members = store.identifier_members(None)
    clean = without(frame, suspect_identifiers(members, mapping.guard.max_customers))
    model = train(FeatureTable(clean, max_slots=settings.max_slots), settings)
    a, b = co_holder_positions(members, clean, mapping.guard.max_customers)
    lists = identifier_columns(clean)
    model.co_holder = estimate_co_holders(model, FeatureTable(without_identifiers(clean)), a, b, lists,
                                          set(settings.training.household_comparisons))
    return model


def without_identifiers(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every identifier list emptied: what the guard weighs holders on (who they are, not
    what they hold; and what the lists hold depends on the guard's own verdicts)."""
    return frame.with_columns([pl.lit([], dtype=frame.schema[c]).alias(c) for c in identifier_columns(frame)])


def needs_training(model: Model | None, records: int) -> bool:
    if records < MIN_RECORDS:
        return False
    return model is None or model.co_holder is None or records > RETRAIN_GROWTH * max(model.prior.records, 1)


def load(path: Path) -> Model | None:
    return Model.load(path) if path.exists() else None


def ensure_model(store: Store, mapping: Mapping, *, model_path: Path | None = None,
                 frame: pl.DataFrame | None = None) -> tuple[Model | None, bool]:
    """The project's model, trained (and saved) first when there is none or the data outgrew it.
    Returns (model or None when the data is too small to train one, whether it was trained now)."""
    settings = settings_for(mapping)
    path = model_path_for(mapping, settings, model_path)
    model = load(path)
    records = store.customer_count() if frame is None else frame.height
    if not needs_training(model, records):
        return model, False
    if frame is None:
        frame = store.customers_frame(**mapping.frame_columns())
    model = train_on(store, mapping, frame, settings)
    model.save(path)
    return model, True
