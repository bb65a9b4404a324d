"""Per-record derived columns, computed once per run and shared by blocking, comparisons and training.

A feature is named ``column`` or ``column.transform`` (``last_name.metaphone``, ``emails.local``,
``dob.year``). Each becomes an integer matrix ``codes`` of shape (records, slots): one slot for a
scalar column, up to ``max_slots`` for a list column (emails, phones, devices), ``-1`` where there is
no value. Codes index ``vocab`` (the distinct values), so equality is an integer compare and a fuzzy
measure only ever runs on distinct value pairs. Transforms run once per distinct value, never per pair.
Date parts (``dob.year``, ``dob.month``, ``dob.day``) are their integer value, so they compare across
features (day/month swaps).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl

from idgraph.ingest.nicknames import nickname_groups

from .arrays import unique
from .edit_bounds import char_counts
from .derived import VIRTUAL_COLUMNS, VIRTUAL_READS
from .transforms import DATE_PARTS, STRING_TRANSFORMS, TRANSFORMS, transform_values

LIST_COLUMNS = ("emails", "phones", "devices")
VIRTUAL_SLOTS = 12  # list columns derived here keep more values than identifiers


@dataclass(frozen=True)
class Feature:
    """One derived column: codes (records x slots, -1 = none), the values they index and their counts."""

    name: str
    codes: np.ndarray  # int32 (n, slots)
    vocab: np.ndarray | None  # object array of str; None for integer features (codes are the values)
    counts: np.ndarray | None  # int64 per code: how many records hold the value (term frequencies)

    @property
    def slots(self) -> int:
        return self.codes.shape[1]

    def present(self) -> np.ndarray:
        """Records that hold at least one value (read-only: kept for the feature's life, since every
        comparison's null level asks again, over every record, for each set of pairs)."""
        return self._present

    @cached_property
    def _present(self) -> np.ndarray:
        held = (self.codes >= 0).any(axis=1)
        held.flags.writeable = False
        return held

    @cached_property
    def char_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Each value's characters counted by class, and whether it was (``edit_bounds.char_counts``):
        kept for the feature's life, as the u sample, the sessions and the candidates each ask."""
        if self.vocab is None:
            raise ValueError(f"feature {self.name!r} holds numbers; an edit distance needs text")
        return char_counts(self.vocab)

    def value(self, code: int) -> str:
        if code < 0:
            return ""
        return str(code) if self.vocab is None else str(self.vocab[code])


# ---------------------------------------------------------------- encoding

def _encode(slots: list[pl.Series], vocab: pl.Series) -> np.ndarray:
    """Codes of each slot's values in ``vocab`` (-1 for null or unknown), as an (n, slots) int32 matrix."""
    lookup = pl.DataFrame({"v": vocab, "code": pl.arange(0, vocab.len(), eager=True, dtype=pl.Int32)})
    cols = []
    for s in slots:
        joined = pl.DataFrame({"v": s.cast(pl.String)}).join(lookup, on="v", how="left", maintain_order="left")
        cols.append(joined["code"].fill_null(-1).to_numpy())
    return np.ascontiguousarray(np.stack(cols, axis=1).astype(np.int32))


def _counts(codes: np.ndarray, size: int) -> np.ndarray:
    """Records holding each code (a record holding a value in two slots counts once)."""
    if codes.shape[1] == 1 or not _repeats(codes):
        c = codes[codes >= 0]
        return np.bincount(c, minlength=size).astype(np.int64)
    rec = np.repeat(np.arange(codes.shape[0], dtype=np.int64), codes.shape[1])
    flat = codes.reshape(-1).astype(np.int64)
    keep = flat >= 0
    pairs = unique(flat[keep] * codes.shape[0] + rec[keep])
    return np.bincount(pairs // codes.shape[0], minlength=size).astype(np.int64)


class FeatureTable:
    """Lazily derived features over one customers frame (see the module doc for names).

    ``like``: a table over another version of the same records (the link job's frame, and the same frame
    less the suspect identifiers that training reads): a feature whose record columns hold the same
    values in both frames is taken from it, built once for both. A feature depends on nothing else.
    """

    def __init__(self, frame: pl.DataFrame, *, max_slots: int = 3, like: FeatureTable | None = None) -> None:
        self.frame = frame
        self.n = frame.height
        self.max_slots = max_slots
        self._cache: dict[str, Feature] = {}
        self._building: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        same_shape = like is not None and like.n == self.n and like.max_slots == max_slots
        self._like = like if same_shape else None
        self._same_column: dict[str, bool] = {}

    def __contains__(self, name: str) -> bool:
        column = name.split(".", 1)[0]
        return column in self.frame.columns or column in VIRTUAL_COLUMNS

    def get(self, name: str) -> Feature:
        feat = self._cache.get(name)
        if feat is None:
            # The matcher's threads ask for features side by side: each is built once, by the first.
            with self._guard:
                lock = self._building.setdefault(name, threading.Lock())
            with lock:
                feat = self._cache.get(name)
                if feat is None:
                    feat = self._cache[name] = (self._like.get(name) if self._shares(name) else self._build(name))
        return feat

    def _shares(self, name: str) -> bool:
        """The ``like`` table holds this feature's values: every column it reads is equal in both frames."""
        if self._like is None:
            return False
        column = name.split(".", 1)[0]
        reads = {column} if column in self.frame.columns else VIRTUAL_READS.get(column, {column})
        return all(self._same(c) for c in reads)

    def _same(self, column: str) -> bool:
        same = self._same_column.get(column)
        if same is None:
            ours, theirs = self.frame, self._like.frame
            same = self._same_column[column] = (
                column in ours.columns and column in theirs.columns
                and ours.get_column(column).equals(theirs.get_column(column)))
        return same

    def drop(self, name: str) -> None:
        self._cache.pop(name, None)

    # -- building
    def _base_slots(self, column: str) -> list[pl.Series]:
        if column in VIRTUAL_COLUMNS and column not in self.frame.columns:
            s = VIRTUAL_COLUMNS[column](self.frame).alias(column)
        elif column not in self.frame.columns:
            raise KeyError(f"the customers frame has no column {column!r}")
        else:
            s = self.frame.get_column(column)
        if isinstance(s.dtype, pl.List):
            cap = self.max_slots if column in LIST_COLUMNS else VIRTUAL_SLOTS
            width = max(1, min(cap, int(s.list.len().max() or 1)))
            slots = [s.list.get(i, null_on_oob=True) for i in range(width)]
        else:
            slots = [s]
        out = []
        for x in slots:
            x = x.cast(pl.String)
            out.append(x.set(x == "", None) if (x == "").any() else x)
        return out

    def _build(self, name: str) -> Feature:
        column, _, transform = name.partition(".")
        if transform in STRING_TRANSFORMS:
            return self._transformed(name, self.get(column), transform)
        slots = self._base_slots(column)
        if transform in DATE_PARTS:
            part = DATE_PARTS[transform]
            cols = [
                s.str.slice(part.start, part.stop - part.start).cast(pl.Int32, strict=False).fill_null(-1).to_numpy()
                for s in slots
            ]
            codes = np.ascontiguousarray(np.stack(cols, axis=1).astype(np.int32))
            codes[codes == 0] = -1
            return Feature(name, codes, None, None)
        if transform == "nickname":
            return self._nickname(name, slots[0])
        if transform:
            raise KeyError(f"unknown transform {transform!r} in feature {name!r}; known: {', '.join(TRANSFORMS)}")
        vocab = pl.concat(slots).drop_nulls().unique().sort()
        codes = _encode(slots, vocab)
        codes = _dedupe_slots(codes)
        return Feature(name, codes, vocab.to_numpy().astype(object), _counts(codes, vocab.len()))

    @staticmethod
    def _transformed(name: str, base: Feature, transform: str) -> Feature:
        """A transform of a text feature (``emails.local``, ``phones.last7``), from the feature's values:
        each transformed once, and the records' codes mapped through; no pass over the records' text (per
        slot, through the text, it took 14 s of a million records' features). A value first in a record
        at some slot keeps that slot, so the slots are those the transformed text would give."""
        derived = transform_values(transform, pl.Series(base.vocab, dtype=pl.String))
        vocab = derived.drop_nulls().unique().sort()
        coded = _encode([derived], vocab)[:, 0]
        codes = np.append(coded, np.int32(-1))[base.codes]  # a base code of -1 (no value) takes the last
        codes = _dedupe_slots(np.ascontiguousarray(codes))
        return Feature(name, codes, vocab.to_numpy().astype(object), _counts(codes, vocab.len()))

    def _nickname(self, name: str, s: pl.Series) -> Feature:
        """Slots = the nickname groups a given name belongs to, plus the name itself."""
        groups = nickname_groups()
        distinct = s.drop_nulls().unique().to_list()
        width = 1 + max((len(groups.get(v, ())) for v in distinct), default=0)
        width = min(width, 6)
        per_slot: list[list[str | None]] = [[] for _ in range(width)]
        for v in distinct:
            g = [v, *[x for x in groups.get(v, ()) if x != v]][:width]
            g += [None] * (width - len(g))
            for i in range(width):
                per_slot[i].append(g[i])
        src = pl.Series(distinct, dtype=pl.String)
        slots = [s.replace_strict(src, pl.Series(col, dtype=pl.String), default=None) for col in per_slot]
        vocab = pl.concat(slots).drop_nulls().unique().sort()
        codes = _encode(slots, vocab)
        return Feature(name, codes, vocab.to_numpy().astype(object), _counts(codes, vocab.len()))


def _repeats(codes: np.ndarray) -> bool:
    """Some record holds one value in two slots."""
    return any(bool(((codes[:, j : j + 1] == codes[:, :j]).any(axis=1) & (codes[:, j] >= 0)).any())
               for j in range(1, codes.shape[1]))


def _dedupe_slots(codes: np.ndarray) -> np.ndarray:
    """A list that holds the same derived value twice (two emails, one local part) keeps it once."""
    if codes.shape[1] == 1:
        return codes
    codes = codes.copy()
    for j in range(1, codes.shape[1]):
        dup = (codes[:, j : j + 1] == codes[:, :j]).any(axis=1) & (codes[:, j] >= 0)
        codes[dup, j] = -1
    return codes


FRAME_SCHEMA: dict[str, pl.DataType] = {
    "uid": pl.String, "source": pl.String, "source_id": pl.String, "first_name": pl.String,
    "last_name": pl.String, "dob": pl.String, "address": pl.String, "city": pl.String, "postcode": pl.String,
    "country": pl.String, "updated_at": pl.String, "emails": pl.List(pl.String), "phones": pl.List(pl.String),
    "devices": pl.List(pl.String), "profile_id": pl.String,
}


def records_frame(rows: list[dict]) -> pl.DataFrame:
    """A customers frame (the store's ``customers_frame`` schema) from dicts; missing fields are empty.

    For tests, notebooks and benchmarks that have no store. ``uid`` defaults to ``test:<position>``.
    """
    full = []
    for i, r in enumerate(rows):
        row = {k: r.get(k) for k in FRAME_SCHEMA}
        row["uid"] = row["uid"] or f"test:{i:06d}"
        row["source"], _, sid = row["uid"].partition(":")
        row["source_id"] = row["source_id"] or sid
        for k in LIST_COLUMNS:
            row[k] = list(row[k] or [])
        full.append(row)
    return pl.DataFrame(full, schema=FRAME_SCHEMA, orient="row")
