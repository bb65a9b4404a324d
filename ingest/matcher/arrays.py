"""Array steps numpy makes slow, done by one plain sort.

The matcher deduplicates integer codes of pairs, blocks and value pairs everywhere. ``np.unique`` of a
1-D integer array hashes its values before it sorts them (numpy 2.3 and later): at 400,000 int64 codes
that is half a second, a plain sort and a compare of neighbours 10 ms (``unique``). Its inverse takes an
argsort (``distinct`` packs positions into the keys instead).
"""

from __future__ import annotations

import numpy as np


def unique(values: np.ndarray) -> np.ndarray:
    """The distinct values of a 1-D array, sorted (``np.unique(values)``)."""
    ordered = np.sort(values)
    return ordered[firsts(ordered)]


def firsts(ordered: np.ndarray) -> np.ndarray:
    """Of a sorted 1-D array, where each run of equal values starts."""
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (sorted) and, for each key, the index of its own among them
    (``np.unique(keys, return_inverse=True)``) for non-negative int64 keys.

    np.unique's inverse takes an argsort, the largest cost of training (u from 2,000,000 random pairs,
    over every slot combination). Packing each pair's position into the low bits of its key lets a plain
    sort, several times faster, carry the order instead. Keys too wide to pack go through np.unique."""
    n = len(keys)
    low = max(int(n - 1).bit_length(), 1)
    if n == 0 or int(keys.max()).bit_length() + low > 62:
        return np.unique(keys, return_inverse=True)
    packed = np.sort((keys << low) | np.arange(n, dtype=np.int64))
    ordered = packed >> low
    first = firsts(ordered)
    inverse = np.empty(n, dtype=np.int64)
    inverse[packed & ((1 << low) - 1)] = np.cumsum(first) - 1
    return ordered[first], inverse
