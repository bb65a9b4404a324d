"""`idgraph query`: the named Cypher queries of cypher/queries/ (list them, run one on the Neo4j store)."""

from __future__ import annotations

import json
import os
from typing import Annotated, Optional

import typer
from rich.table import Table

from idgraph.cli.context import State, emit_json, guarded, out, state
from idgraph.queries import named

JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")]


def register(app: typer.Typer) -> None:
    app.command()(query)


@guarded
def query(
    ctx: typer.Context,
    name: Annotated[Optional[str], typer.Argument(help="The query to run (see --list).")] = None,
    param: Annotated[Optional[list[str]], typer.Option(
        "--param", "-p", help="A parameter as key=value, typed as the query declares it; repeat for more.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the queries with their parameters.")] = False,
    as_json: JSON = False,
) -> None:
    """Run a named Cypher query on the Neo4j store (--list: what each answers and takes)."""
    if list_ or name is None:
        queries = named.catalogue()
        if as_json:
            emit_json([q.model_dump(exclude={"cypher"}) for q in queries])
        else:
            _render_list(queries)
        return
    st = state(ctx)
    store, opened = _neo4j(st)
    try:
        result = named.run(store, name, param or [])
    finally:
        if opened is not None:
            opened.close()
    if as_json:
        emit_json(result)
    else:
        _render_rows(result)


def _neo4j(st: State):
    """The Neo4j store of this invocation (a mapping file is not needed for queries); the embedded one
    is refused with what to use instead. Returns (store, the store to close here or None)."""
    kind = (st.store_kind or os.environ.get("IDGRAPH_STORE") or "embedded").lower()
    if kind != "neo4j":
        raise named.NeedsNeo4j(named.needs_neo4j_message())
    if st.mapping_path.exists():
        return st.store(), None  # closed by `guarded`
    from idgraph.graph.neo4j_store import Neo4jStore

    store = Neo4jStore.from_env()
    return store, store


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


WIDE = 6  # more columns than this: one block of "column: value" lines per row, a table would not fit


def _render_rows(result: named.QueryResult) -> None:
    title = f"{result.name} ({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})"
    if len(result.columns) > WIDE:
        out.print(f"[bold]{title}[/]")
        width = max(len(c) for c in result.columns)
        for n, row in enumerate(result.rows, 1):
            out.print(f"[dim]-- row {n}[/]")
            for column in result.columns:
                out.print(f"{column:<{width}}  {_cell(row.get(column))}", markup=False, highlight=False)
        return
    table = Table(title=title, title_justify="left")
    for column in result.columns:
        table.add_column(column)
    for row in result.rows:
        table.add_row(*(_cell(row.get(c)) for c in result.columns))
    out.print(table)


def _render_list(queries: list[named.NamedQuery]) -> None:
    table = Table(title=f"named queries ({len(queries)}): idgraph query NAME --param key=value",
                  title_justify="left")
    for column in ("name", "answers", "parameters"):
        table.add_column(column)
    for q in queries:
        params = "\n".join(p.label() + (f" e.g. {p.example}" if p.example else "") for p in q.parameters) or "none"
        table.add_row(q.name, q.description, params)
    out.print(table)
