"""Suppression: a forgotten person is not brought back by the next ingest.

An entry is a salted hash of a record uid or of an identifier ('email', 'bob@x.com'); the salt is the
store's own random one (`store.salt()`), so the table names nobody to whoever reads it without the store,
and the same value hashes alike on every run. The ingest job asks, per batch, which of its rows' hashes
are entries and skips those rows: a customer by its uid or any of its identifiers, an event by its uid,
the customer it names or any of its identifiers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import TypeVar

import polars as pl

from idgraph.graph.records import CustomerRow, InteractionRow
from idgraph.graph.store import Store

Row = TypeVar("Row", CustomerRow, InteractionRow)


def digest(salt: str, kind: str, value: str) -> str:
    """The salted hash of one value: kind 'record' (a uid) or an identifier kind."""
    return hashlib.sha256(f"{salt}\x1f{kind}\x1f{value}".encode("utf-8")).hexdigest()


def row_hashes(salt: str, row: CustomerRow | InteractionRow) -> list[str]:
    hashes = [digest(salt, "record", row.uid)]
    if isinstance(row, InteractionRow) and row.customer_ref:
        hashes.append(digest(salt, "record", row.customer_ref))
    hashes.extend(digest(salt, kind, value) for kind, value in row.identifiers)
    return hashes


class Suppressor:
    """Filters ingest batches against the store's suppression entries (one query per batch)."""

    def __init__(self, store: Store):
        self.store = store
        self._salt: str | None = None

    def _any_entry(self) -> bool:
        # the salt is made here even when nothing is hashed: a store that has ingested has its salt, so an
        # export carries it and a store loaded from that export hashes alike
        if self._salt is None:
            self._salt = self.store.salt()
        return self.store.has_suppression()

    def keep(self, rows: Sequence[Row]) -> tuple[list[Row], int]:
        """(the rows to write, how many were suppressed)."""
        if not rows or not self._any_entry():
            return list(rows), 0
        return self._checked(rows)

    def _checked(self, rows: Sequence[Row]) -> tuple[list[Row], int]:
        """`keep` once the store is known to hold entries: every row's hashes asked in one query."""
        per_row = [row_hashes(self._salt, r) for r in rows]
        hit = self.store.suppressed(sorted({h for hs in per_row for h in hs}))
        if not hit:
            return list(rows), 0
        kept = [r for r, hs in zip(rows, per_row) if hit.isdisjoint(hs)]
        return kept, len(rows) - len(kept)

    def keep_frame(self, frame: pl.DataFrame, rows: Callable[[pl.DataFrame], Sequence[Row]]) -> tuple[pl.DataFrame, int]:
        """`keep` of a frame of records (`rows` makes them records): hashed only when the store has entries."""
        if not frame.height or not self._any_entry():
            return frame, 0
        kept, skipped = self._checked(rows(frame))
        if not skipped:
            return frame, 0
        return frame.filter(pl.col("uid").is_in([r.uid for r in kept])), skipped
