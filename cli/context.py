"""What every command shares: the mapping and store it works on, error handling, output, progress."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from idgraph.graph.errors import IdgraphError
from idgraph.graph.store import Store
from idgraph.graph.stores import open_store
from idgraph.ingest.mapping import Mapping, load_mapping

out = Console(highlight=False, soft_wrap=True)
if not out.is_terminal:  # piped or captured: no terminal width to fit, so don't truncate tables at 80
    out = Console(highlight=False, soft_wrap=True, width=160)
err = Console(stderr=True, highlight=False)


@dataclass
class State:
    mapping_path: Path
    store_kind: str | None
    _mapping: Mapping | None = field(default=None, repr=False)
    _store: Store | None = field(default=None, repr=False)

    def mapping(self) -> Mapping:
        if self._mapping is None:
            self._mapping = load_mapping(self.mapping_path)
        return self._mapping

    def store(self) -> Store:
        if self._store is None:
            self._store = open_store(self.mapping(), self.store_kind)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def state(ctx: typer.Context) -> State:
    if ctx.obj is None:  # a command invoked without the app's callback (tests of one command)
        ctx.obj = State(Path(os.environ.get("IDGRAPH_MAPPING", "idgraph.yaml")), os.environ.get("IDGRAPH_STORE"))
    return ctx.obj


def guarded(fn: Callable) -> Callable:
    """Turn the library's typed errors into one line on stderr and the error's exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except IdgraphError as exc:
            err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False)
            raise typer.Exit(exc.exit_code) from None
        finally:
            for a in (*args, *kwargs.values()):
                if isinstance(a, typer.Context) and isinstance(a.obj, State):
                    a.obj.close()

    return wrapper


def emit_json(value: BaseModel | dict | list) -> None:
    if isinstance(value, BaseModel):
        out.print(value.model_dump_json(indent=2), markup=False, highlight=False)
    else:
        out.print(json.dumps(value, indent=2, default=str), markup=False, highlight=False)


class RichProgress:
    """The library's Progress protocol on a rich progress bar (stderr, so stdout stays parseable)."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled

    @contextmanager
    def step(self, name: str, total: int | None = None) -> Iterator[Any]:
        if not self.enabled:
            yield _Null()
            return
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=False) as bar:
            task = bar.add_task(name, total=total)
            yield _Advance(bar, task)
            bar.update(task, total=bar.tasks[0].completed or 1, completed=bar.tasks[0].completed or 1)


class _Null:
    def advance(self, n: int = 1) -> None:
        pass


class _Advance:
    def __init__(self, bar: Progress, task: Any):
        self.bar, self.task = bar, task

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)


def progress(as_json: bool) -> RichProgress:
    return RichProgress(enabled=not as_json and not os.environ.get("IDGRAPH_NO_PROGRESS"))
