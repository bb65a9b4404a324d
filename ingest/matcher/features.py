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

import re
import threading
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import jellyfish
import numpy as np
import polars as pl

from idgraph.ingest.nicknames import nickname_groups

from .arrays import unique
from .derived import VIRTUAL_COLUMNS, VIRTUAL_READS

LIST_COLUMNS = ("emails", "phones", "devices")
VIRTUAL_SLOTS = 12  # list columns derived here keep more values than identifiers
_DIGITS = re.compile(r"\D")


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

    def value(self, code: int) -> str:
        if code < 0:
            return ""
        return str(code) if self.vocab is None else str(self.vocab[code])


# ---------------------------------------------------------------- transforms (per distinct value)

def _initial(v: str) -> str | None:
    return v[:1] or None


def _postcode_outward(v: str) -> str | None:
    v = v.strip().upper()
    if " " in v:
        return v.split()[0]
    if v.isdigit():  # a zip code: its first three digits are the sectional centre
        return v[:3]
    return v[:-3] if len(v) > 4 else v


def _postcode_sector(v: str) -> str | None:
    v = v.strip().upper()
    if " " in v:
        out, inward = v.split(None, 1)
        return f"{out} {inward[:1]}"
    if v.isdigit():
        return v[:4]
    return v[:-2] if len(v) > 4 else v


def _postcode_area(v: str) -> str | None:
    v = v.strip().upper()
    if v[:1].isdigit():
        return v[:2]
    m = re.match(r"[A-Z]+", v)
    return m.group(0) if m else None


def _local(v: str) -> str | None:
    return v.split("@", 1)[0] or None


def _domain(v: str) -> str | None:
    return v.rsplit("@", 1)[1] if "@" in v else None


def _digits(v: str) -> str | None:
    return _DIGITS.sub("", v) or None


def _last_digits(n: int) -> Callable[[str], str | None]:
    def f(v: str) -> str | None:
        d = _DIGITS.sub("", v)
        return d[-n:] if len(d) >= n else None

    return f


def _sorted_digits(v: str) -> str | None:
    d = _DIGITS.sub("", v)[-9:]
    return "".join(sorted(d)) or None


def _years_in(v: str) -> str | None:
    """A year in a date ("1985-03-04" -> "85") or in an email local part ("jo.smith85@", "jo1985@")."""
    if len(v) == 10 and v[4] == "-" and v[:4].isdigit():
        return v[2:4]
    local = v.split("@", 1)[0]
    for number in reversed(re.findall(r"\d+", local)):
        if len(number) == 2:
            return number
        if len(number) == 4 and number[:2] in ("19", "20"):
            return number[2:]
    return None


def _first_token(v: str) -> str | None:
    parts = v.split()
    return parts[0] if parts else None


def _last_token(v: str) -> str | None:
    parts = v.split()
    return parts[-1] if parts else None


def _safe(fn: Callable[[str], str]) -> Callable[[str], str | None]:
    def f(v: str) -> str | None:
        try:
            return fn(v) or None
        except Exception:  # jellyfish refuses some inputs (digits only); no code is the honest answer
            return None

    return f


STRING_TRANSFORMS: dict[str, Callable[[str], str | None]] = {
    "initial": _initial,
    "metaphone": _safe(jellyfish.metaphone),
    "nysiis": _safe(jellyfish.nysiis),
    "soundex": _safe(jellyfish.soundex),
    "district": _postcode_outward,
    "sector": _postcode_sector,
    "area": _postcode_area,
    "local": _local,
    "letters": lambda v: (re.sub(r"[^a-z]", "", v.split("@", 1)[0]) or None),
    "domain": _domain,
    "digits": _digits,
    "last4": _last_digits(4),
    "last6": _last_digits(6),
    "last7": _last_digits(7),
    "last8": _last_digits(8),
    "sorted_digits": _sorted_digits,
    "yy": _years_in,
    "numbers": lambda v: " ".join(re.findall(r"\d+", v)) or None,
    "first_token": _first_token,
    "last_token": _last_token,
}
# The same transforms over a column of ASCII values, in polars: Python's per value cost a second per feature
# table at 160,000 records. Only for ASCII, where Python's notions (white space, digits, upper case) are
# spelt out here exactly; other values go through the functions above. A value the function maps to None
# is null here, one it maps to "" is "".
_SPACE = r"[ \t\n\r\x0b\x0c\x1c-\x1f]"  # what str.split() and str.strip() take for white space in ASCII
_STRIPPED = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _ascii_outward(v: pl.Expr) -> pl.Expr:
    v = v.str.strip_chars(_STRIPPED).str.to_uppercase()
    return (pl.when(v.str.contains(" ", literal=True)).then(v.str.extract(f"^([^{_SPACE[1:-1]}]+)"))
            .when(v.str.contains("^[0-9]+$")).then(v.str.slice(0, 3))
            .when(v.str.len_chars() > 4).then(v.str.slice(0, v.str.len_chars() - 3))
            .otherwise(v))


def _ascii_sector(v: pl.Expr) -> pl.Expr:
    v = v.str.strip_chars(_STRIPPED).str.to_uppercase()
    out_inward = v.str.extract_groups(f"^([^{_SPACE[1:-1]}]+){_SPACE}+(.)")
    return (pl.when(v.str.contains(" ", literal=True))
            .then(pl.concat_str([out_inward.struct.field("1"), out_inward.struct.field("2")], separator=" "))
            .when(v.str.contains("^[0-9]+$")).then(v.str.slice(0, 4))
            .when(v.str.len_chars() > 4).then(v.str.slice(0, v.str.len_chars() - 2))
            .otherwise(v))


def _ascii_area(v: pl.Expr) -> pl.Expr:
    v = v.str.strip_chars(_STRIPPED).str.to_uppercase()
    return pl.when(v.str.contains("^[0-9]")).then(v.str.slice(0, 2)).otherwise(v.str.extract("^([A-Z]+)"))


def _ascii_digits(v: pl.Expr) -> pl.Expr:
    d = v.str.replace_all("[^0-9]", "")
    return pl.when(d != "").then(d)


def _ascii_last_digits(n: int) -> Callable[[pl.Expr], pl.Expr]:
    def f(v: pl.Expr) -> pl.Expr:
        d = v.str.replace_all("[^0-9]", "")
        return pl.when(d.str.len_chars() >= n).then(d.str.slice(-n))

    return f


def _ascii_local(v: pl.Expr) -> pl.Expr:
    local = v.str.split("@").list.first()
    return pl.when(local != "").then(local)


def _ascii_domain(v: pl.Expr) -> pl.Expr:
    return pl.when(v.str.contains("@", literal=True)).then(v.str.split("@").list.last())


def _ascii_numbers(v: pl.Expr) -> pl.Expr:
    joined = v.str.extract_all("[0-9]+").list.join(" ")
    return pl.when(joined != "").then(joined)


ASCII_TRANSFORMS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "district": _ascii_outward,
    "sector": _ascii_sector,
    "area": _ascii_area,
    "local": _ascii_local,
    "domain": _ascii_domain,
    "digits": _ascii_digits,
    "last4": _ascii_last_digits(4),
    "last6": _ascii_last_digits(6),
    "last7": _ascii_last_digits(7),
    "last8": _ascii_last_digits(8),
    "numbers": _ascii_numbers,
}


def transform_values(transform: str, values: pl.Series) -> pl.Series:
    """``STRING_TRANSFORMS[transform]`` of each value: in polars for the ASCII ones when it can, in
    Python for the rest."""
    fn = STRING_TRANSFORMS[transform]
    vector = ASCII_TRANSFORMS.get(transform)
    if vector is None:
        return pl.Series([fn(v) for v in values.to_list()], dtype=pl.String)
    frame = pl.DataFrame({"v": values}).with_columns(pl.col("v").str.contains(r"^[\x00-\x7f]*$").alias("ascii"))
    out = frame.select(pl.when(pl.col("ascii")).then(vector(pl.col("v"))).alias("out"))["out"]
    other = frame["ascii"].not_()
    if other.any():
        rest = [fn(v) for v in values.filter(other).to_list()]
        out = out.scatter(other.arg_true(), pl.Series(rest, dtype=pl.String))
    return out


DATE_PARTS = {"year": slice(0, 4), "month": slice(5, 7), "day": slice(8, 10)}
TRANSFORMS = sorted([*STRING_TRANSFORMS, *DATE_PARTS, "nickname"])


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
        if transform and transform not in STRING_TRANSFORMS:
            raise KeyError(f"unknown transform {transform!r} in feature {name!r}; known: {', '.join(TRANSFORMS)}")
        if transform:
            distinct = pl.concat(slots).drop_nulls().unique()
            derived = transform_values(transform, distinct)
            slots = [s.replace_strict(distinct, derived, default=None, return_dtype=pl.String) for s in slots]
        vocab = pl.concat(slots).drop_nulls().unique().sort()
        codes = _encode(slots, vocab)
        codes = _dedupe_slots(codes)
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
