"""A lower bound of edit distances that numpy computes for millions of pairs at once.

An insertion, a deletion, a substitution or a swap of neighbours takes at most one character out of a
string's multiset of characters and puts at most one in. So the Levenshtein (and OSA) distance of two
strings is at least the larger of "characters of x that y lacks" and "characters of y that x lacks": the
bag distance (Bartolini, Ciaccia and Patella, 2002). Counting the characters in ``CLASSES`` classes (the
code point modulo ``CLASSES``) merges some of them, which can only make both counts smaller: still a
lower bound, and eight small counts per value are cheap to compare.

A distance level ("levenshtein <= 2") then measures only the pairs whose bound is within its limit. Of
2,000,000 random pairs of records (what training samples for u) about 0.6 % of the e-mail pairs and 1 %
of the phone pairs are left: the measure is the same where it runs, and the pairs it skips could not be
within the limit.
"""

from __future__ import annotations

import numpy as np

CLASSES = 8
# Values are counted from a (values x longest) matrix of code points: a value longer than this is not
# counted (its bound is 0, so it is always measured), which keeps that matrix small whatever the data.
LONGEST = 64
_CHUNK = 65_536  # values per block of that matrix (16 MiB of code points at most)


def char_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per value (an object array of str): its characters counted in ``CLASSES`` classes (uint8), and
    whether it was counted (not longer than ``LONGEST``)."""
    texts = values.tolist()
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    counted = lengths <= LONGEST
    counts = np.zeros((len(texts), CLASSES), dtype=np.uint8)
    for start in range(0, len(texts), _CHUNK):
        block = [t if ok else "" for t, ok in zip(texts[start:start + _CHUNK], counted[start:start + _CHUNK])]
        width = max(1, max(map(len, block), default=1))
        # numpy's fixed-width text pads with U+0000; a U+0000 inside a value is dropped with the padding,
        # which leaves out one character from one side: the bound only gets smaller
        points = np.array(block, dtype=f"<U{width}").view(np.uint32).reshape(len(block), width)
        held = points != 0
        classes = (points % CLASSES).astype(np.uint8)
        for k in range(CLASSES):
            counts[start:start + len(block), k] = ((classes == k) & held).sum(axis=1, dtype=np.uint8)
    return counts, counted


def bag_gap(counts: np.ndarray, counted: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """A lower bound of the edit distance of each pair of values (ia[i], ib[i]) (int16; 0 where either
    value was not counted)."""
    diff = counts[ia].astype(np.int16) - counts[ib]
    a_only = np.clip(diff, 0, None).sum(axis=1, dtype=np.int16)
    # what b lacks minus what a lacks is the difference of the counted lengths
    b_only = a_only - diff.sum(axis=1, dtype=np.int16)
    gap = np.maximum(a_only, b_only)
    gap[~(counted[ia] & counted[ib])] = 0
    return gap
