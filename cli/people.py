"""Commands for people in the loop: merge, split, judgements, undo, history, explain, forget.

merge, split and undo record (or withdraw) a judgement and then resolve, so the steward sees the result
at once (`--no-resolve` leaves it for the next resolve); forget resolves what is left of a profile.
"""

from __future__ import annotations

import getpass
import os
from typing import Annotated, Optional

import typer

from idgraph.cli.context import emit_json, guarded, out, progress, state
from idgraph.cli.render import render_resolve
from idgraph.ingest.jobs import people as lib
from idgraph.graph.errors import IdgraphError
from idgraph.ingest.jobs.forget import ONE_OF, ForgetSummary, forget as forget_person
from idgraph.ingest.lookup import parse_identifier
from idgraph.ingest.jobs.resolve import ResolveSummary, resolve as resolve_job
from idgraph.queries.explain import Explanation, explain as explain_pair

JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")]
REASON = Annotated[Optional[str], typer.Option("--reason", help="Why: kept with the judgement and in the audit.")]
BY = Annotated[Optional[str], typer.Option("--by", envvar="IDGRAPH_USER", help="Who decides (default: your login).")]
NO_RESOLVE = Annotated[bool, typer.Option("--no-resolve", help="Only record it; the next resolve applies it.")]


def register(app: typer.Typer) -> None:
    for command in (merge, split, judgements, undo, history, explain, forget):
        app.command()(command)


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container): say so rather than invent one
        return os.environ.get("USER") or "unknown"


def _then_resolve(ctx: typer.Context, by: str, no_resolve: bool, as_json: bool) -> ResolveSummary | None:
    if no_resolve:
        return None
    st = state(ctx)
    return resolve_job(st.store(), st.mapping(), progress=progress(as_json), by=by)


def _print_judgements(rows: list[lib.Judgement]) -> None:
    for j in rows:
        sign = "=" if j.kind == "same" else "≠"
        withdrawn = f"  [yellow]withdrawn {j.deleted_at}[/]" if j.deleted_at else ""
        out.print(f"{j.judgement_id}  {j.a_uid} {sign} {j.b_uid}  by {j.by} on {j.at}"
                  + (f"  ({j.reason})" if j.reason else "") + withdrawn)


@guarded
def merge(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="A profile id or a record SOURCE:ID.")],
    b: Annotated[str, typer.Argument(help="A profile id or a record SOURCE:ID.")],
    reason: REASON = None, by: BY = None, no_resolve: NO_RESOLVE = False, as_json: JSON = False,
) -> None:
    """Judge A and B the same person; it holds through every later ingest and relink."""
    who = _who(by)
    judgement = lib.merge(state(ctx).store(), a, b, who, reason)
    summary = _then_resolve(ctx, who, no_resolve, as_json)
    if as_json:
        emit_json({"judgements": [judgement.model_dump()], "resolve": summary and summary.model_dump()})
        return
    out.print(f"recorded {judgement.judgement_id}: {judgement.a_uid} = {judgement.b_uid}")
    if summary:
        render_resolve(summary)


@guarded
def split(
    ctx: typer.Context,
    profile: Annotated[str, typer.Argument(help="The profile to split.")],
    keep_apart: Annotated[Optional[tuple[str, str]], typer.Option(
        "--keep-apart", help="Two records SOURCE:ID of the profile that are different people.")] = None,
    record: Annotated[Optional[str], typer.Option("--record", help="Take this record out on its own.")] = None,
    reason: REASON = None, by: BY = None, no_resolve: NO_RESOLVE = False, as_json: JSON = False,
) -> None:
    """Judge records of a profile different people: resolve cuts the weakest links between them."""
    if (keep_apart is None) == (record is None):
        raise typer.BadParameter("give either --keep-apart A B or --record SOURCE:ID")
    who = _who(by)
    store = state(ctx).store()
    if keep_apart is not None:
        made = [lib.split_apart(store, profile, keep_apart[0], keep_apart[1], who, reason)]
    else:
        made = lib.split_record(store, profile, record, who, reason)
    summary = _then_resolve(ctx, who, no_resolve, as_json)
    if as_json:
        emit_json({"judgements": [j.model_dump() for j in made], "resolve": summary and summary.model_dump()})
        return
    out.print(f"recorded {len(made)} judgement(s):")
    _print_judgements(made)
    if summary:
        render_resolve(summary)


@guarded
def judgements(
    ctx: typer.Context,
    profile: Annotated[Optional[str], typer.Option("--profile", help="Only those touching this profile or record.")] = None,
    include_withdrawn: Annotated[bool, typer.Option("--all", help="Withdrawn ones too.")] = False,
    as_json: JSON = False,
) -> None:
    """List the judgements (merges and splits) people have made."""
    rows = lib.list_judgements(state(ctx).store(), profile, include_withdrawn)
    if as_json:
        emit_json([j.model_dump() for j in rows])
    elif not rows:
        out.print("no judgements")
    else:
        _print_judgements(rows)


@guarded
def undo(
    ctx: typer.Context,
    judgement_ids: Annotated[list[str], typer.Argument(help="Judgement id(s) to withdraw.")],
    reason: REASON = None, by: BY = None, no_resolve: NO_RESOLVE = False, as_json: JSON = False,
) -> None:
    """Withdraw judgements; the next resolve (run now unless --no-resolve) reflects it."""
    who = _who(by)
    store = state(ctx).store()
    withdrawn = [lib.undo(store, jid, who, reason) for jid in judgement_ids]
    summary = _then_resolve(ctx, who, no_resolve, as_json)
    if as_json:
        emit_json({"judgements": [j.model_dump() for j in withdrawn], "resolve": summary and summary.model_dump()})
        return
    out.print("withdrawn:")
    _print_judgements(withdrawn)
    if summary:
        render_resolve(summary)


@guarded
def history(
    ctx: typer.Context,
    profile_id: Annotated[str, typer.Argument(help="A profile id (an old one is followed).")],
    as_json: JSON = False,
) -> None:
    """Every change of a profile and of the profiles merged into it: what, when, who, why."""
    result = lib.history(state(ctx).store(), profile_id)
    if as_json:
        emit_json(result)
        return
    out.print(f"[bold]{', '.join(result.profile_ids)}[/] (asked for {result.asked_for})")
    for line in result.lineage:
        out.print(f"[yellow]{line}[/]")
    for e in result.entries:
        details = ", ".join(f"{k}: {v}" for k, v in e.details.items())
        out.print(f"{e.at}  {e.profile_id or '-'}  {e.action}  by {e.by or '-'}"
                  + (f"  why: {e.reason}" if e.reason else "") + (f"  ({details})" if details else ""))


@guarded
def explain(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(help="A record SOURCE:ID or a profile id.")],
    b: Annotated[str, typer.Argument(help="A record SOURCE:ID or a profile id.")],
    as_json: JSON = False,
) -> None:
    """Why A and B are together (the chain of links), or why they are apart."""
    result = explain_pair(state(ctx).store(), a, b)
    if as_json:
        emit_json(result)
    else:
        render_explanation(result)


def render_explanation(e: Explanation) -> None:
    where = lambda p: p or "no profile yet"  # noqa: E731
    if e.together:
        out.print(f"[green]together[/] in {e.a_profile}: {e.a_uid} and {e.b_uid}, joined by {len(e.steps)} step(s):")
    else:
        out.print(f"[red]apart[/]: {e.a_uid} ({where(e.a_profile)}) and {e.b_uid} ({where(e.b_profile)})")
        if e.steps:
            out.print(f"the links would join them in {len(e.steps)} step(s):")
    for s in e.steps:
        out.print(f"  {s.from_uid} -> {s.to_uid}: {s.evidence}")
    for r in e.apart:
        out.print(f"  why apart: {r.text}")


@guarded
def forget(
    ctx: typer.Context,
    email: Annotated[Optional[str], typer.Option(help="The person holding this email.")] = None,
    phone: Annotated[Optional[str], typer.Option(help="The person holding this phone (any format).")] = None,
    identifier: Annotated[Optional[str], typer.Option(
        metavar="KIND=VALUE", help="The person holding this identifier, e.g. national_id=123-45-6789 (normalised "
                                   "as ingest does).")] = None,
    record: Annotated[Optional[str], typer.Option(help="The person behind this record SOURCE:ID.")] = None,
    profile: Annotated[Optional[str], typer.Option(help="The person of this profile id.")] = None,
    suppress: Annotated[bool, typer.Option("--suppress", help="Keep them from coming back on the next ingest.")] = False,
    by: BY = None, as_json: JSON = False,
) -> None:
    """Erase a person: their records, the identifiers only they used, their interactions (right to erasure)."""
    st = state(ctx)
    mapping = st.mapping()
    who = _who(by)
    if sum(v is not None for v in (email, phone, identifier, record, profile)) != 1:
        raise IdgraphError(ONE_OF)
    found = parse_identifier(mapping, identifier) if identifier is not None else None
    summary: ForgetSummary = forget_person(st.store(), email=email, phone=phone, record=record, profile=profile,
                                           identifier=found, suppress=suppress, by=who,
                                           region=mapping.phone_region, gmail_rules=mapping.gmail_rules)
    resolved = _then_resolve(ctx, who, False, as_json)
    if as_json:
        emit_json({"forget": summary.model_dump(), "resolve": resolved and resolved.model_dump()})
        return
    out.print(f"forgotten ({summary.asked_kind} {summary.asked[:16]}…): {summary.customers} records, "
              f"{summary.interactions} interactions, {summary.identifiers} identifiers, {summary.links} links, "
              f"{summary.judgements} judgements, {summary.profiles} profiles; "
              f"{summary.suppression_entries} suppression entries")
    if resolved:
        render_resolve(resolved)
