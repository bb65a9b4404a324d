"""Blocking: candidate pairs from records that agree on a rule's keys, near-linear in the data.

Each rule turns every record into zero or more block keys (a list feature such as ``emails.local``
gives one key per value), groups the records by key and pairs the records within a block, all in
numpy: sort by key, find the block boundaries, and expand each block's pairs with ``repeat``/``arange``.
A block with more than ``max_block_size`` records is skipped and reported: it would cost quadratic
pairs for little evidence ("smith, 1970").

Incremental runs pass ``new``: within each block the new records sort first and only pairs with at
least one new record are made. Rules are applied in order; a pair is credited to the first rule that
found it, so the per-rule counts add up to the deduplicated total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from .arrays import firsts, unique
from .features import Feature, FeatureTable
from .settings import BlockingRule
from .threads import map_ordered

# Rules run side by side on a table this large; below it a thread costs more than it saves.
PARALLEL_RECORDS = 20_000


@dataclass
class SkippedBlock:
    size: int
    example: str


@dataclass
class RuleStats:
    name: str
    keys: list[str]
    blocks: int = 0
    pairs: int = 0  # pairs this rule made
    new_pairs: int = 0  # pairs no earlier rule made (these add up to the total)
    skipped_blocks: int = 0
    skipped_records: int = 0
    largest_skipped: list[SkippedBlock] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "keys": self.keys,
            "blocks": self.blocks,
            "pairs": self.pairs,
            "new_pairs": self.new_pairs,
            "skipped_blocks": self.skipped_blocks,
            "skipped_records": self.skipped_records,
            "largest_skipped": [{"size": s.size, "example": s.example} for s in self.largest_skipped],
        }


@dataclass
class Candidates:
    a: np.ndarray  # int32 record positions, a < b
    b: np.ndarray
    rule: np.ndarray  # int8: index of the first rule that found the pair
    stats: list[RuleStats]

    def __len__(self) -> int:
        return len(self.a)


def block_keys(features: FeatureTable, keys: list[str]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Rows (record, key) for one rule, deduplicated; also each key feature's code per row (for reports)."""
    rec = np.arange(features.n, dtype=np.int64)
    key = np.zeros(features.n, dtype=np.int64)
    parts: list[np.ndarray] = []
    multi = False
    for name in keys:
        codes = features.get(name).codes
        base = np.int64(max(int(codes.max(initial=-1)), 0) + 1)
        multi |= codes.shape[1] > 1
        if len(key) and int(key.max()) >= (1 << 62) // int(base):
            key = np.unique(key, return_inverse=True)[1].astype(np.int64).reshape(-1)
        recs, ks, rows, vals = [], [], [], []
        for s in range(codes.shape[1]):
            c = codes[rec, s]
            ok = np.flatnonzero(c >= 0)
            recs.append(rec[ok])
            ks.append(key[ok] * base + c[ok])
            rows.append(ok)
            vals.append(c[ok])
        sel = np.concatenate(rows)
        parts = [p[sel] for p in parts] + [np.concatenate(vals)]
        rec = np.concatenate(recs)
        key = np.concatenate(ks)
    if multi and len(rec):
        order = np.lexsort((rec, key))
        rec, key = rec[order], key[order]
        parts = [p[order] for p in parts]
        first = np.ones(len(rec), dtype=bool)
        first[1:] = (rec[1:] != rec[:-1]) | (key[1:] != key[:-1])
        rec, key = rec[first], key[first]
        parts = [p[first] for p in parts]
    return rec.astype(np.int32), key, parts


def pairs_in_blocks(
    rec: np.ndarray,
    key: np.ndarray,
    max_block_size: int,
    new: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """All pairs within each block of at most ``max_block_size`` records (with a new record, if ``new``)."""
    if not len(rec):
        e = np.empty(0, dtype=np.int32)
        return e, e, {"blocks": 0, "skipped": np.empty(0, dtype=np.int64), "skipped_start": np.empty(0, dtype=np.int64), "rows": rec, "order": np.empty(0, dtype=np.int64)}
    if new is None:
        order = np.argsort(key, kind="stable")
    else:
        order = np.lexsort((~new[rec], key))  # new records first within a block
    k = key[order]
    r = rec[order]
    starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
    sizes = np.diff(np.r_[starts, len(k)])
    too_big = sizes > max_block_size
    if new is not None:
        has_new = np.add.reduceat(new[r].astype(np.int64), starts) > 0
        live = ~too_big & has_new & (sizes > 1)
        skipped = too_big & has_new
    else:
        live = ~too_big & (sizes > 1)
        skipped = too_big
    block_size = np.repeat(np.where(live, sizes, 0), sizes)
    pos_in_block = np.arange(len(k)) - np.repeat(starts, sizes)
    counts = np.maximum(block_size - 1 - pos_in_block, 0)
    if new is not None:
        counts = np.where(new[r], counts, 0)
    total = int(counts.sum())
    a_pos = np.repeat(np.arange(len(k), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    b_pos = a_pos + 1 + (np.arange(total, dtype=np.int64) - np.repeat(first, counts))
    a, b = r[a_pos], r[b_pos]
    del a_pos, b_pos
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    info = {
        "blocks": int(live.sum()),
        "skipped": sizes[skipped],
        "skipped_start": starts[skipped],
        "rows": r,
        "order": order,
    }
    return lo.astype(np.int32), hi.astype(np.int32), info


def _example(features: FeatureTable, keys: list[str], parts: list[np.ndarray], row: int) -> str:
    values = []
    for name, p in zip(keys, parts):
        values.append(features.get(name).value(int(p[row])))
    return " + ".join(values)


def cross_pairs(
    features: FeatureTable,
    left: str,
    right: str,
    max_block_size: int,
    new: np.ndarray | None = None,
    left_only: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Pairs (x, y) where a value of ``left`` on x equals a value of ``right`` on y, x != y
    (x among the ``left_only`` records when given)."""
    fl, fr = features.get(left), features.get(right)
    if fl.vocab is None or fr.vocab is None:
        raise ValueError(f"blocking on {left} ~ {right}: both must be text features")
    # right's codes in left's vocabulary (both vocabularies are sorted)
    if len(fl.vocab):
        pos = np.searchsorted(fl.vocab, fr.vocab).clip(0, len(fl.vocab) - 1)
        r_in_l = np.where(fl.vocab[pos] == fr.vocab, pos, -1)
    else:
        r_in_l = np.full(len(fr.vocab), -1)
    r_in_l = np.append(r_in_l, -1).astype(np.int64)
    rows = []
    left_codes = fl.codes.astype(np.int64)
    if left_only is not None:
        left_codes = np.where(left_only[:, None], left_codes, -1)
    for side, codes in ((0, left_codes), (1, r_in_l[fr.codes])):
        for s in range(codes.shape[1]):
            c = codes[:, s]
            ok = np.flatnonzero(c >= 0)
            rows.append(np.stack([c[ok], np.full(len(ok), side), ok.astype(np.int64)], axis=1))
    table = np.concatenate(rows) if rows else np.empty((0, 3), dtype=np.int64)
    key, side, rec = _unique_rows(table)  # sorted by key, side, record; duplicates gone
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else np.empty(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, len(key)])
    n_left = np.add.reduceat((side == 0).astype(np.int64), starts) if len(starts) else np.empty(0, dtype=np.int64)
    n_right = sizes - n_left
    too_big = (n_left > max_block_size) | (n_right > max_block_size)
    live = ~too_big & (n_left > 0) & (n_right > 0)
    block_of_row = np.repeat(np.arange(len(starts)), sizes)
    is_left = (side == 0) & live[block_of_row]
    counts = np.where(is_left, n_right[block_of_row], 0)
    total = int(counts.sum())
    a_pos = np.repeat(np.arange(len(key), dtype=np.int64), counts)
    first = np.cumsum(counts) - counts
    right_start = (starts + n_left)[block_of_row]
    b_pos = np.repeat(right_start, counts) + (np.arange(total, dtype=np.int64) - np.repeat(first, counts))
    a, b = rec[a_pos], rec[b_pos]
    keep = a != b
    if new is not None:
        keep &= new[a] | new[b]
    a, b = a[keep], b[keep]
    info = {
        "blocks": int(live.sum()),
        "skipped": sizes[too_big],
        "skipped_start": starts[too_big],
        "parts": [key],
        "rows": rec,
    }
    return np.minimum(a, b).astype(np.int32), np.maximum(a, b).astype(np.int32), info


def _unique_rows(table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (key, side, record) rows of a table of non-negative int64, sorted. Packed into one
    int64 when they fit: a row-wise np.unique (axis=0) sorts them as opaque bytes, several times slower."""
    if not len(table):
        return table[:, 0], table[:, 1], table[:, 2]
    n_rec = int(table[:, 2].max()) + 1
    if (int(table[:, 0].max()) + 1) * 2 * n_rec >= (1 << 62):
        table = np.unique(table, axis=0)
        return table[:, 0], table[:, 1], table[:, 2]
    packed = unique((table[:, 0] * 2 + table[:, 1]) * n_rec + table[:, 2])
    rec = packed % n_rec
    key_side = packed // n_rec
    return key_side // 2, key_side % 2, rec


class _Joined:
    """A feature table with one more feature: several keys joined into one text key (for cross rules)."""

    def __init__(self, base: FeatureTable, name: str, feature: Feature) -> None:
        self._base, self._name, self._feature = base, name, feature
        self.n = base.n

    def get(self, name: str) -> Feature:
        return self._feature if name == self._name else self._base.get(name)


def _joined(features: FeatureTable, keys: list[str]) -> _Joined:
    """One text feature whose values are the rule's keys joined ("robert + smith"), sorted."""
    rec, key, parts = block_keys(features, keys)
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    # the texts, joined and sorted by polars: one Python string per key and a sort of Python strings,
    # the way they were made before, took a second for names_only at 160,000 records
    texts = pl.DataFrame([_values(features.get(k), p[first]).alias(f"k{i}") for i, (k, p) in enumerate(zip(keys, parts))])
    text_frame = texts.select(pl.concat_str(pl.all(), separator=" + ").alias("text")).with_row_index("i")
    order = text_frame.sort("text", maintain_order=True)["i"].to_numpy().astype(np.int64)
    text = text_frame["text"].to_numpy().astype(object)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    vocab = text[order]
    inverse = rank[inverse.reshape(-1)]
    width = int(np.bincount(rec, minlength=features.n).max(initial=1)) if len(rec) else 1
    codes = np.full((features.n, max(width, 1)), -1, dtype=np.int32)
    sort = np.lexsort((inverse, rec))
    rec_s, inv_s = rec[sort], inverse[sort]
    slot = np.arange(len(rec_s)) - np.searchsorted(rec_s, rec_s)
    codes[rec_s, slot] = inv_s
    name = "+".join(keys)
    return _Joined(features, name, Feature(name, codes, vocab, np.bincount(inverse, minlength=len(vocab))))


def _values(feature: Feature, codes: np.ndarray) -> pl.Series:
    """The values these codes (every one >= 0) stand for, as text (``Feature.value`` of each)."""
    if feature.vocab is None:
        return pl.Series(codes.astype(np.int64)).cast(pl.String)
    return pl.Series(feature.vocab[codes], dtype=pl.String)


def rule_pairs(
    features: FeatureTable,
    rule: BlockingRule,
    max_block_size: int,
    new: np.ndarray | None = None,
    report_largest: int = 5,
) -> tuple[np.ndarray, np.ndarray, RuleStats]:
    max_block_size = rule.max_block_size or max_block_size
    if rule.match or rule.one_side_lacks:
        left_only = None
        if rule.one_side_lacks:
            left_only = np.ones(features.n, dtype=bool)
            for col in rule.one_side_lacks:
                left_only &= ~features.get(col).present()
        if len(rule.keys) > 1:
            features = _joined(features, rule.keys)
            key = "+".join(rule.keys)
        else:
            key = rule.keys[0]
        other = rule.match[0] if rule.match else key
        a, b, info = cross_pairs(features, key, other, max_block_size, new, left_only)
        if rule.one_side_lacks:  # both ends may lack the columns: each such pair came twice
            code = unique(a.astype(np.int64) * max(features.n, 1) + b)
            a, b = (code // max(features.n, 1)).astype(np.int32), (code % max(features.n, 1)).astype(np.int32)
        stats = RuleStats(rule.name, [*rule.keys, *(rule.match or [])], blocks=info["blocks"], pairs=len(a))
        skipped = info["skipped"]
        stats.skipped_blocks, stats.skipped_records = int(len(skipped)), int(skipped.sum())
        vocab = features.get(key).vocab
        for t in np.argsort(-skipped, kind="stable")[:report_largest]:
            code = int(info["parts"][0][info["skipped_start"][t]])
            stats.largest_skipped.append(SkippedBlock(int(skipped[t]), str(vocab[code])))
        return a, b, stats
    rec, key, parts = block_keys(features, rule.keys)
    a, b, info = pairs_in_blocks(rec, key, max_block_size, new)
    stats = RuleStats(rule.name, list(rule.keys), blocks=info["blocks"], pairs=len(a))
    skipped = info["skipped"]
    stats.skipped_blocks = int(len(skipped))
    stats.skipped_records = int(skipped.sum())
    if len(skipped):
        top = np.argsort(-skipped, kind="stable")[:report_largest]
        order = info["order"]
        for t in top:
            row = int(order[info["skipped_start"][t]])
            stats.largest_skipped.append(SkippedBlock(int(skipped[t]), _example(features, rule.keys, parts, row)))
    return a, b, stats


def candidate_pairs(
    features: FeatureTable,
    rules: list[BlockingRule],
    max_block_size: int,
    new: np.ndarray | None = None,
) -> Candidates:
    """The deduplicated union of every rule's pairs, each credited to the first rule that found it."""
    n = np.int64(max(features.n, 1))

    # A pair is one code, a * n + b, with the rule's index in its low bits: one plain sort of all the
    # rules' codes then puts each pair's first rule first (no argsort, no unique per rule).
    n_rules = np.int64(1 << max(len(rules) - 1, 0).bit_length())

    def pairs_of(index_rule: tuple[int, BlockingRule]) -> tuple[np.ndarray, RuleStats]:
        i, rule = index_rule
        a, b, st = rule_pairs(features, rule, max_block_size, new)
        return (a.astype(np.int64) * n + b) * n_rules + i, st

    if int(n) * int(n) * int(n_rules) >= (1 << 62):
        raise ValueError(f"{int(n)} records are too many to pair in one table")
    found = map_ordered(pairs_of, list(enumerate(rules)), parallel=features.n >= PARALLEL_RECORDS)
    codes = [c for c, _ in found]
    stats = [st for _, st in found]
    del found
    if not codes:
        e = np.empty(0, dtype=np.int32)
        return Candidates(e, e, np.empty(0, dtype=np.int8), stats)
    tagged = np.concatenate(codes)
    del codes
    tagged.sort()
    pair = tagged // n_rules
    first = firsts(pair)
    uniq = pair[first]
    rule = (tagged[first] % n_rules).astype(np.int8)
    del tagged, pair, first
    counts = np.bincount(rule, minlength=len(rules))
    for st, c in zip(stats, counts):
        st.new_pairs = int(c)
    return Candidates((uniq // n).astype(np.int32), (uniq % n).astype(np.int32), rule, stats)


def random_pairs(n: int, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``k`` uniformly random pairs of distinct records (for u probabilities)."""
    if n < 2:
        e = np.empty(0, dtype=np.int32)
        return e, e
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, k, dtype=np.int64)
    b = rng.integers(0, n - 1, k, dtype=np.int64)
    b += b >= a
    return a.astype(np.int32), b.astype(np.int32)


def sample(a: np.ndarray, b: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``k`` of the pairs, uniformly."""
    if len(a) <= k:
        return a, b
    idx = np.sort(np.random.default_rng(seed).choice(len(a), size=k, replace=False))
    return a[idx], b[idx]
