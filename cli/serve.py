"""`idgraph serve` (the profile service, service/) and `idgraph token` (a bearer token for it)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Optional

import typer

from idgraph.cli.context import guarded, out, state
from idgraph.service.auth import ROLES, digest, new_token
from idgraph.service.config import DEFAULT_HOST, DEFAULT_PORT, ServeConfig


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(token)


@guarded
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; loopback by default (see docs/serve.md for a "
                                           "reverse proxy).")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
    tokens_file: Annotated[Optional[Path], typer.Option(
        "--tokens-file", envvar="IDGRAPH_SERVE_TOKENS_FILE",
        help="File of hashed tokens, 'name role sha256hex' a line (see `idgraph token`); or set "
             "IDGRAPH_SERVE_TOKENS=name:role:token,...")] = None,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="No tokens: for trying it on your own machine only.")] = False,
    batch_ms: Annotated[float, typer.Option(help="How long the writer gathers rows into one batch (ms).")] = 5.0,
    max_batch_rows: Annotated[int, typer.Option(help="A batch closes early at this many rows.")] = 5000,
    link_interval: Annotated[float, typer.Option(
        help="Seconds between runs of the link job (0: with every batch). At a million records a link run "
             "reads every record: rows are then answered on their identifiers and linked soon after.")] = 0.0,
    max_body: Annotated[int, typer.Option(help="Largest request body in bytes.")] = 8 * 1024 * 1024,
    read_threads: Annotated[int, typer.Option(help="Reads answered at once (each thread has its own connection "
                                                   "to the embedded store).")] = 16,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve profiles over HTTP: lookups in milliseconds, rows in and resolved as they arrive."""
    import uvicorn

    from idgraph.service import create_app

    st = state(ctx)
    config = ServeConfig(mapping_path=st.mapping_path, store_kind=st.store_kind, host=host, port=port,
                         tokens_file=tokens_file, no_auth=no_auth, batch_ms=batch_ms, max_batch_rows=max_batch_rows,
                         link_interval_s=link_interval, max_body_bytes=max_body, read_threads=read_threads,
                         log_level=log_level)
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(config)
    # access_log off: uvicorn's would print query strings (an email); the service logs route templates
    uvicorn.run(app, host=host, port=port, access_log=False, log_level=log_level, workers=1)


def token(
    name: Annotated[str, typer.Argument(help="Who uses it: recorded as `by` on their merges, splits and erasures.")],
    role: Annotated[str, typer.Option(help="read or write.")] = "read",
) -> None:
    """Make a bearer token for `idgraph serve`: the token to hand over, and the line for the tokens file."""
    if role not in ROLES or not name.strip() or any(c.isspace() for c in name):
        raise typer.BadParameter(f"a name without spaces and a role of {', '.join(ROLES)}")
    secret = new_token()
    out.print(f"token (give it to {name}; it is shown once): {secret}")
    out.print(f"line for the tokens file: {name} {role} {digest(secret)}")
