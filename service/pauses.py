"""Garbage-collector pauses kept out of answers.

CPython's full collection walks every tracked object the process holds. The serving process holds about
170,000 of them once FastAPI, pydantic, polars and the mapping are loaded, and a 500-row request keeps
thousands alive while it waits for the writer, so full collections came every few seconds during batched
writes and each stopped the event loop for 80-90 ms: every lookup in flight waited (docs/serve.md,
"Measured"). Objects made while starting live as long as the process; `gc.freeze` moves them to a
generation the collector never walks, so a full collection only walks what requests made since.
"""

from __future__ import annotations

import gc


def freeze_what_start_made() -> int:
    """Collect once, then exclude every object alive now from later collections. Returns how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
