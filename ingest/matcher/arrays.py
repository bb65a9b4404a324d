"""Array steps numpy makes slow.

``np.unique`` of a 1-D integer array hashes its values before it sorts them (numpy 2.3 and later): at
400,000 int64 codes that is half a second, a plain sort and a compare of neighbours 10 ms. The matcher
deduplicates codes of pairs and blocks everywhere, so it does it this way.
"""

from __future__ import annotations

import numpy as np


def unique(values: np.ndarray) -> np.ndarray:
    """The distinct values of a 1-D array, sorted (``np.unique(values)``)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]
