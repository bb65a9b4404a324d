"""The embedded store's read methods: each sees one state of the file (graph/sqlite_store.py and its
households block, graph/sqlite_households.py, share it)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def reads(method: Callable[..., T]) -> Callable[..., T]:
    """A read method: its queries see one state of the store (one read transaction, or the transaction
    the caller has open), and no other thread of this process uses the connection meanwhile."""
    @functools.wraps(method)
    def read(self, *args, **kwargs):
        with self._snap():
            return method(self, *args, **kwargs)

    return read
