"""Commands that build the graph: init, ingest, resolve, demo."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated, Optional

import typer

from idgraph.cli.context import emit_json, err, guarded, out, progress, state
from idgraph.cli.link import render_link
from idgraph.cli.render import render_ingest, render_profile, render_resolve, render_stats
from idgraph.ingest.jobs.resolve import resolve as resolve_job
from idgraph.ingest.jobs.ingest import ingest as ingest_job
from idgraph.lab.demo import run_demo

JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")]


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(ingest)
    app.command()(resolve)
    app.command()(demo)


@guarded
def init(ctx: typer.Context) -> None:
    """Create a mapping file to edit (if there is none) and the store's schema."""
    st = state(ctx)
    if not st.mapping_path.exists():
        template = files("idgraph.ingest").joinpath("data/mapping_template.yaml").read_text(encoding="utf-8")
        st.mapping_path.write_text(template, encoding="utf-8")
        out.print(f"wrote {st.mapping_path}: declare your sources in it, then run `idgraph ingest`")
    store = st.store()
    out.print(f"store ready: {store.name} ({getattr(store, 'path', '') or getattr(store, 'uri', '')})")


@guarded
def ingest(
    ctx: typer.Context,
    sources: Annotated[Optional[list[str]], typer.Argument(help="Sources to ingest (default: all).")] = None,
    batch_size: Annotated[Optional[int], typer.Option(
        min=1, help="Records per transaction (default: 50,000 on the embedded store, 5,000 on Neo4j).")] = None,
    as_json: JSON = False,
) -> None:
    """Read the sources, normalise them and write records and identifiers to the store."""
    st = state(ctx)
    summary = ingest_job(st.store(), st.mapping(), sources or None, progress=progress(as_json),
                         batch_size=batch_size)
    if as_json:
        emit_json(summary)
    else:
        render_ingest(summary)
    if not summary.balanced:
        err.print("error: rows read != stored + duplicates + quarantined + suppressed")
        raise typer.Exit(1)


@guarded
def resolve(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="Recompute every profile, not just what changed.")] = False,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another resolve to finish.")] = 0.0,
    as_json: JSON = False,
) -> None:
    """Compute profiles: components over the links, judgements applied, stable ids, golden records."""
    st = state(ctx)
    summary = resolve_job(st.store(), st.mapping(), full=full, progress=progress(as_json), wait=wait)
    if as_json:
        emit_json(summary)
    else:
        render_resolve(summary)


@guarded
def demo(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Option("--dir", help="Where to write the demo project.")] = Path("demo"),
    people: Annotated[int, typer.Option(help="How many synthetic people.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed of the generator.")] = 42,
    as_json: JSON = False,
) -> None:
    """Generate five sample sources, ingest, link and resolve them, and show one profile."""
    result = run_demo(folder, people=people, seed=seed, progress=progress(as_json),
                      store_kind=state(ctx).store_kind)
    if as_json:
        emit_json(result)
        return
    out.print(f"[bold]demo project[/] {result.mapping_path} ({result.people} people, seed {result.seed})")
    render_ingest(result.ingest)
    render_link(result.link)
    render_resolve(result.resolve)
    render_stats(result.stats)
    if result.profile is not None:
        out.print("\n[bold]one profile[/] (idgraph -m {} show {}):".format(result.mapping_path, result.profile.profile_id))
        render_profile(result.profile)
    out.print(f"\nnext: idgraph -m {result.mapping_path} evaluate {result.truth_path}")
