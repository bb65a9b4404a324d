"""Commands that read the graph: show, household, stats, export, evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from idgraph.cli.context import emit_json, guarded, out, state
from idgraph.cli.render import render_evaluation, render_household, render_profile, render_stats
from idgraph.ingest.lookup import parse_identifier
from idgraph.queries.truth import evaluate as evaluate_truth
from idgraph.queries.truth import evaluate_households
from idgraph.queries.export import export as export_store
from idgraph.queries.neo4j_import import write_neo4j_import
from idgraph.queries.household import show_household
from idgraph.queries.profile import find_profile_id, show_profile

JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")]


def register(app: typer.Typer) -> None:
    app.command()(show)
    app.command()(household)
    app.command()(stats)
    app.command()(export)
    app.command()(evaluate)


@guarded
def show(
    ctx: typer.Context,
    profile_id: Annotated[Optional[str], typer.Argument(help="A profile id (an old one is followed).")] = None,
    email: Annotated[Optional[str], typer.Option(help="Find the profile by email.")] = None,
    phone: Annotated[Optional[str], typer.Option(help="Find the profile by phone (any format).")] = None,
    device: Annotated[Optional[str], typer.Option(help="Find the profile by device or cookie id.")] = None,
    identifier: Annotated[Optional[str], typer.Option(
        metavar="KIND=VALUE", help="Find the profile by any identifier, e.g. national_id=123-45-6789 (a kind "
                                   "the mapping declares, or email, phone, device), normalised as ingest does.")] = None,
    record: Annotated[Optional[str], typer.Option(help="Find the profile by record SOURCE:ID.")] = None,
    limit: Annotated[int, typer.Option(help="Interactions shown in the timeline.")] = 200,
    as_json: JSON = False,
) -> None:
    """Show one single customer view: golden record, records with their attributes, identifiers, timeline."""
    st = state(ctx)
    store = st.store()
    asked = None
    if profile_id is None:
        found = parse_identifier(st.mapping(), identifier) if identifier else None
        profile_id, asked = find_profile_id(store, email=email, phone=phone, device=device, record=record,
                                            region=st.mapping().phone_region, identifier=found)
    view = show_profile(store, profile_id, asked, limit)
    if as_json:
        emit_json(view)
    else:
        render_profile(view)


@guarded
def household(
    ctx: typer.Context,
    household_id: Annotated[str, typer.Argument(help="A household id (a merged one is followed).")],
    as_json: JSON = False,
) -> None:
    """Show one household: its members, the evidence that makes it (dwelling, landline, family email)."""
    view = show_household(state(ctx).store(), household_id)
    if as_json:
        emit_json(view)
    else:
        render_household(view)


@guarded
def stats(ctx: typer.Context, as_json: JSON = False) -> None:
    """Counts of records, identifiers, interactions, profiles, links and pending work."""
    result = state(ctx).store().stats()
    if as_json:
        emit_json(result)
    else:
        render_stats(result)


@guarded
def export(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for records and profiles files.")] = Path("export"),
    fmt: Annotated[str, typer.Option("--format", help="csv or jsonl.")] = "csv",
    neo4j_import: Annotated[Optional[Path], typer.Option(
        "--neo4j-import", metavar="DIR",
        help="Instead: the whole graph as neo4j-admin import files in DIR, with import.sh.")] = None,
    as_json: JSON = False,
) -> None:
    """Write source,record_id,profile_id for every record and interaction, and a profiles file."""
    if neo4j_import is not None:
        written = write_neo4j_import(state(ctx).store(), neo4j_import)
        if as_json:
            emit_json(written)
        else:
            out.print(f"wrote {sum(written.nodes.values()):,} nodes and {sum(written.relationships.values()):,} "
                      f"relationships to {written.directory}; stop Neo4j, then run {written.script} or:")
            out.print(written.command_line, markup=False)
        return
    if fmt not in ("csv", "jsonl"):
        raise typer.BadParameter("--format must be csv or jsonl")
    summary = export_store(state(ctx).store(), out_dir, fmt)
    if as_json:
        emit_json(summary)
    else:
        out.print(f"wrote {summary.records:,} records to {summary.records_file} and "
                  f"{summary.profiles:,} profiles to {summary.profiles_file}")


@guarded
def evaluate(
    ctx: typer.Context,
    truth: Annotated[Path, typer.Argument(help="CSV with source,record_id,person_id.")],
    households: Annotated[Optional[Path], typer.Option(
        help="Also households against this CSV with person_id,household_id (the generators write one).")] = None,
    as_json: JSON = False,
) -> None:
    """Pairwise and B-cubed precision, recall, F1 of profiles against a truth file (and of households)."""
    result = evaluate_truth(state(ctx).store(), truth)
    homes = (evaluate_households(state(ctx).store(), truth, households, state(ctx).mapping().households.evidence)
             if households else None)
    if as_json:
        emit_json({**result.model_dump(), "households": homes.model_dump()} if homes else result)
    else:
        render_evaluation(result)
        if homes:
            render_evaluation(homes, "households against the household truth")
