"""`idgraph quarantine`: the rows ingest set aside, counted per source and reason, and read again."""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.table import Table

from idgraph.cli.context import emit_json, err, guarded, out, progress, state
from idgraph.cli.render import render_ingest
from idgraph.ingest.jobs.ingest import quarantine_dir
from idgraph.ingest.jobs.replay import replay as replay_job
from idgraph.ingest.quarantine import counts

JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")]

quarantine_app = typer.Typer(help="Rows set aside by ingest: count them per reason, read them again after a fix.",
                             no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(quarantine_app, name="quarantine")


@quarantine_app.command("list")
@guarded
def list_(
    ctx: typer.Context,
    source: Annotated[Optional[str], typer.Argument(help="Only this source (default: all).")] = None,
    as_json: JSON = False,
) -> None:
    """Quarantined rows per source and reason (the files are <quarantine_dir>/<source>.jsonl)."""
    mapping = state(ctx).mapping()
    names = [mapping.source(source).name] if source else [s.name for s in mapping.sources]
    found = counts(quarantine_dir(mapping), names)
    if as_json:
        emit_json([c.model_dump() for c in found])
        return
    if not found:
        out.print("no rows in quarantine")
        return
    table = Table(title="quarantined rows", title_justify="left")
    for col in ("source", "reason", "rows"):
        table.add_column(col, justify="right" if col == "rows" else "left")
    for c in found:
        for reason, n in c.reasons.items():
            table.add_row(c.source, reason, f"{n:,}")
    out.print(table)
    for c in found:
        out.print(f"  {c.source}: {c.file}")


@quarantine_app.command("replay")
@guarded
def replay(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The source whose quarantined rows to read again.")],
    batch_size: Annotated[int, typer.Option(help="Records per transaction.")] = 5000,
    as_json: JSON = False,
) -> None:
    """Read a source's quarantined rows again, after a fix to the mapping or to `raw` in the file.

    Rows that now make records are stored and leave the quarantine file; the others stay, with their new reason.
    """
    st = state(ctx)
    summary = replay_job(st.store(), st.mapping(), source, progress=progress(as_json), batch_size=batch_size)
    if as_json:
        emit_json(summary)
    else:
        render_ingest(summary, job="quarantine replay")
        if summary.total("stored"):
            out.print("next: idgraph resolve")
    if not summary.balanced:
        err.print("error: rows read != stored + duplicates + quarantined + suppressed")
        raise typer.Exit(1)
