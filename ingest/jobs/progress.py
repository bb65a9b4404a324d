"""Progress reporting for long jobs, kept out of the library's logic.

Jobs call `progress.step(name, total)` and `advance(n)` on what it yields; the CLI passes a rich
progress bar, tests and library callers the silent default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class Step(Protocol):
    def advance(self, n: int = 1) -> None: ...


class Progress(Protocol):
    def step(self, name: str, total: int | None = None): ...  # a context manager yielding a Step


class _NoStep:
    def advance(self, n: int = 1) -> None:
        pass


class _Silent:
    @contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Step]:
        yield _NoStep()


silent: Progress = _Silent()
