"""The `idgraph` command: a thin typer shell over the library. Each command calls one library function.

Exit codes: 0 done; 1 nothing found or a check failed; 2 bad input, bad mapping, missing file or an
unreachable store; 3 a refused operation (conflicting judgements).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from idgraph import __version__
from idgraph.cli import flags  # noqa: F401 - flags show no value placeholder in --help
from idgraph.cli import inspect, link, people, pipeline, quarantine, query, report, serve
from idgraph.cli.context import State

app = typer.Typer(
    name="idgraph",
    help="Identity graph: a single customer view out of scattered source records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"idgraph {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    mapping: Annotated[Path, typer.Option("--mapping", "-m", envvar="IDGRAPH_MAPPING",
                                          help="The project's mapping file.")] = Path("idgraph.yaml"),
    store: Annotated[Optional[str], typer.Option("--store", envvar="IDGRAPH_STORE",
                                                 help="embedded (default) or neo4j.")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    ctx.obj = State(mapping, store)


pipeline.register(app)
inspect.register(app)
people.register(app)
link.register(app)
query.register(app)
quarantine.register(app)
report.register(app)
serve.register(app)


def main() -> None:
    os.environ.setdefault("POLARS_MAX_THREADS", "2")
    app()
