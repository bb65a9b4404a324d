"""The matcher's model as the jobs see it: where it lives, when it is trained, what it is trained on.

One model per project (``<project>.model.json`` beside the mapping, or ``matching.model_path``), used by
the link job to score pairs and by the guard (in link and resolve) to judge who holds an identifier.
It is trained on first use, on every customer record and on the pairs of records that share an
identifier (shared or not: the guard's weights must come from all of them, or a family email once
marked would take its own evidence out of the next training), and retrained when the data has grown
past ``RETRAIN_GROWTH`` times the records it was trained on: a model trained on the first thousand
records of a project should not judge its millionth. Below ``MIN_RECORDS`` there is nothing to learn
from and the guard uses its plain rule.

People's judgements are labels (``matcher/labels.py``): training reads the live ones, and the model keeps
how many there were, so that when enough have come or gone since (``LABELS_MIN_CHANGE`` and
``LABELS_GROWTH`` of them) the link job retrains and rescores every pair. Resolve does not retrain for
them: a new model is worth having only once it has rescored the pairs, and that is the link job's work.
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
from idgraph.ingest.matcher.labels import Labels

MIN_RECORDS = 200
RETRAIN_GROWTH = 4.0
LABELS_MIN_CHANGE = 10  # judgements recorded or withdrawn since training, at least...
LABELS_GROWTH = 0.2  # ...and at least this share of those the model learned from


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
        drop = identifiers.filter(pl.col("kind") == kind).select(pl.col("value").alias(column)).unique()
        if drop.height:
            out = out.with_columns(_list_without(out, column, drop))
    return out


def _list_without(frame: pl.DataFrame, column: str, drop: pl.DataFrame) -> pl.Series:
    # One hash anti-join over the exploded lists: a set difference against a literal list per row
    # (list.set_difference) costs the whole drop list for every row, 15 s at 160,000 records.
    rows = frame.select(pl.col(column)).with_row_index("_row")
    kept = (rows.explode(column).join(drop, on=column, how="anti")
            .group_by("_row").agg(pl.col(column).drop_nulls().sort()))
    return (rows.select("_row").join(kept, on="_row", how="left", maintain_order="left")[column]
            .fill_null(pl.lit([], dtype=frame.schema[column])))


_KIND_OF = {"emails": "email", "phones": "phone", "devices": "device"}


def train_on(store: Store, mapping: Mapping, frame: pl.DataFrame, settings: MatchSettings,
             members: pl.DataFrame | None = None, features: FeatureTable | None = None) -> Model:
    """A model trained on ``frame`` (the customers frame) less the identifiers the guard's wide net
    catches (``guard.suspect_identifiers``), and on the store's pairs of co-holders. ``members``: every
    identifier's holders (``Store.identifier_members()``) when the caller has read them. ``features``:
    the caller's feature table over ``frame`` (the link job goes on to block and compare on it): the
    features of the columns the guard's net leaves unchanged are built once, for both."""
    if members is None:
        members = store.identifier_members(None)
    clean = without(frame, suspect_identifiers(members, mapping.guard.max_customers))
    labels = labels_for(store, clean["uid"]) if settings.training.labels else None
    trained_on = FeatureTable(clean, max_slots=settings.max_slots, like=features)
    model = train(trained_on, settings, labels=labels)
    a, b = co_holder_positions(members, clean, mapping.guard.max_customers)
    lists = identifier_columns(clean)
    holders = FeatureTable(without_identifiers(clean), max_slots=settings.max_slots, like=trained_on)
    model.co_holder = estimate_co_holders(model, holders, a, b, lists, set(settings.training.household_comparisons))
    return model


def without_identifiers(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with every identifier list emptied: what the guard weighs holders on (who they are, not
    what they hold; and what the lists hold depends on the guard's own verdicts)."""
    return frame.with_columns([pl.lit([], dtype=frame.schema[c]).alias(c) for c in identifier_columns(frame)])


def labels_for(store: Store, uids: pl.Series) -> Labels:
    """The live judgements as labels: record positions in ``uids`` (the frame's uid column) and same or
    not. A judgement about a record no longer in the frame is left out; a pair judged twice counts once."""
    rows = store.judgements(None)
    position = {u: i for i, u in enumerate(uids.to_list())}
    pairs: dict[tuple[int, int], bool] = {}
    ignored = 0
    for r in rows:
        a, b = position.get(r["a_uid"]), position.get(r["b_uid"])
        if a is None or b is None:
            ignored += 1
            continue
        pairs[(min(a, b), max(a, b))] = r["kind"] == "same"
    return Labels.of([(a, b, same) for (a, b), same in sorted(pairs.items())], judgements=len(rows), ignored=ignored)


def judgement_count(store: Store, settings: MatchSettings) -> int | None:
    """The live judgements, or None when the settings do not learn from them."""
    return len(store.judgements(None)) if settings.training.labels else None


def learned_from(model: Model) -> int:
    """How many live judgements there were when ``model`` was trained (0 for a model without labels)."""
    return int((model.training.get("labels") or {}).get("judgements", 0))


def why_train(model: Model | None, records: int, judgements: int | None = None) -> str | None:
    """Why the model should be (re)trained now, or None: no model yet, the data outgrew it, or (with
    ``judgements``, the live judgements now) enough were recorded or withdrawn since it was trained."""
    if records < MIN_RECORDS:
        return None
    if model is None:
        return "no model yet"
    if model.co_holder is None:
        return "the model has no weights for the guard (trained by an older version)"
    if records > RETRAIN_GROWTH * max(model.prior.records, 1):
        return f"the data grew from {model.prior.records:,} to {records:,} records"
    if judgements is not None:
        before = learned_from(model)
        change = judgements - before
        if abs(change) >= max(LABELS_MIN_CHANGE, LABELS_GROWTH * before):
            what = f"{change:,} new judgements" if change > 0 else f"{-change:,} judgements withdrawn"
            return f"{what} since the model was trained (it learned from {before:,}, there are {judgements:,})"
    return None


def needs_training(model: Model | None, records: int, judgements: int | None = None) -> bool:
    return why_train(model, records, judgements) is not None


def load(path: Path) -> Model | None:
    return Model.load(path) if path.exists() else None


def ensure_model(store: Store, mapping: Mapping, *, model_path: Path | None = None,
                 frame: pl.DataFrame | None = None, records: int | None = None) -> tuple[Model | None, bool]:
    """The project's model, trained (and saved) first when there is none or the data outgrew it.
    Returns (model or None when the data is too small to train one, whether it was trained now)."""
    settings = settings_for(mapping)
    path = model_path_for(mapping, settings, model_path)
    model = load(path)
    if records is None:  # the caller's count when it has one: a count is a scan of an index
        records = store.customer_count() if frame is None else frame.height
    if not needs_training(model, records):
        return model, False
    if frame is None:
        frame = store.customers_frame(**mapping.frame_columns())
    model = train_on(store, mapping, frame, settings)
    model.save(path)
    return model, True
