"""How results look in a terminal. Every result is a pydantic model; `--json` prints it instead."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from idgraph.cli.context import out
from idgraph.ingest.jobs.resolve import ResolveSummary
from idgraph.ingest.jobs.ingest import IngestSummary
from idgraph.queries.household import HouseholdView
from idgraph.queries.truth import Evaluation, HouseholdEvaluation
from idgraph.queries.profile import ProfileView


def render_ingest(summary: IngestSummary, job: str = "ingest") -> None:
    table = Table(title=f"{job} {summary.run_tag} ({summary.seconds:.1f} s)", title_justify="left")
    fields = ("rows_read", "stored", "new", "updated", "unchanged", "duplicates", "quarantined", "suppressed")
    for col in ("source", "kind", "read", "stored", "new", "updated", "unchanged", "duplicates", "quarantined",
                "suppressed"):
        table.add_column(col, justify="left" if col in ("source", "kind") else "right")
    for s in summary.sources:
        table.add_row(s.source, s.kind, *(f"{getattr(s, f):,}" for f in fields))
    table.add_row("total", "", *(f"{summary.total(f):,}" for f in fields), style="bold")
    out.print(table)
    verdict = "[green]balanced[/]" if summary.balanced else "[red]NOT balanced[/]"
    out.print(f"rows read {summary.total('rows_read'):,} = stored {summary.total('stored'):,} + duplicates "
              f"{summary.total('duplicates'):,} + quarantined {summary.total('quarantined'):,} + suppressed "
              f"{summary.total('suppressed'):,}: {verdict}")
    for s in summary.sources:
        if s.quarantine_file:
            out.print(f"  {s.source}: {s.quarantined:,} rows set aside in {s.quarantine_file} "
                      f"(idgraph quarantine list; after a fix: idgraph quarantine replay {s.source})")
        if s.values_set_aside:
            detail = ", ".join(f"{k} {v:,}" for k, v in s.values_set_aside.items())
            out.print(f"  {s.source}: values emptied or not used as identifiers: {detail}")


def render_resolve(summary: ResolveSummary) -> None:
    if summary.scope == "none":
        out.print("resolve: nothing changed since the last run" + (
            f"; traits of {summary.traits.refreshed:,} profiles computed again (another day or definitions)"
            if summary.traits.refreshed else ""))
        return
    if summary.scope == "attribution":
        out.print(f"resolve: no profile changed; {summary.interactions_attributed:,} new interactions attributed")
        return
    out.print(
        f"resolve ({summary.scope}, components {summary.components_by}, {summary.customers_in_scope:,} customers, "
        f"{summary.seconds:.1f} s): "
        f"{summary.profiles_written:,} profiles written, {summary.profiles_created:,} new, "
        f"{summary.profiles_merged:,} merged away, {summary.profiles_split:,} split off; "
        f"{summary.identifiers_marked_shared:,} identifiers newly marked shared")
    out.print(f"  households: {summary.households.households_written:,} written, "
              f"{summary.households.households_created:,} new, {summary.households.households_retired:,} retired; "
              f"traits of {summary.traits.profiles:,} profiles" + (" (all)" if summary.traits.whole else "")
              + (f" ({summary.traits.refreshed:,} of them stale since another day or definitions)"
                 if summary.traits.refreshed else "")
              + (f", {summary.traits.stale:,} still stale" if summary.traits.stale else ""))
    for cut in summary.links_cut:
        links = ", ".join(f"{link['from']}-{link['to']} ({link['kind']})" for link in cut["links"])
        out.print(f"  kept {cut['a']} and {cut['b']} apart (judgement {cut['judgement_id']}): cut {links}")


def render_stats(stats: dict) -> None:
    table = Table(title="store", title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    for key, value in stats.items():
        table.add_row(key.replace("_", " "), f"{value:,}" if isinstance(value, int) else str(value))
    out.print(table)


def render_profile(view: ProfileView) -> None:
    for line in view.lineage:
        out.print(f"[yellow]{line}[/]")
    g = view.golden
    name = " ".join(p for p in (g.get("first_name"), g.get("last_name")) if p).title() or "(no name)"
    out.print(f"[bold]{view.profile_id}[/]  {name}  dob {g.get('dob') or '-'}  {g.get('email') or ''}  "
              f"{g.get('phone') or ''}")
    out.print(f"  {', '.join(x for x in (g.get('address'), g.get('city'), g.get('postcode'), g.get('country')) if x)}")
    records = Table(title=f"records ({len(view.customers)})", title_justify="left")
    for col in ("record", "first", "last", "dob", "postcode", "updated", "attributes"):
        records.add_column(col)
    for c in view.customers:
        attributes = ", ".join(f"{k}={v}" for k, v in sorted((c.get("attributes") or {}).items()))
        records.add_row(c["uid"], c["first_name"] or "", c["last_name"] or "", c["dob"] or "", c["postcode"] or "",
                        c["updated_at"] or "", escape(attributes))
    out.print(records)
    idents = Table(title=f"identifiers ({len(view.identifiers)})", title_justify="left")
    for col in ("kind", "value", "records", "shared"):
        idents.add_column(col)
    for i in view.identifiers:
        idents.add_row(i["kind"], i["value"], i["customers"], f"[red]shared: {i['shared_reason']}[/]" if i["shared"] else "")
    out.print(idents)
    timeline = Table(title=f"timeline ({view.interaction_count} interactions"
                     + (f", first {len(view.interactions)}" if len(view.interactions) < view.interaction_count else "")
                     + ")", title_justify="left")
    for col in ("at", "source", "channel", "type", "record"):
        timeline.add_column(col)
    for e in view.interactions:
        timeline.add_row(e["at"] or "", e["source"], e["channel"] or "", e["type"] or "", e["source_id"])
    out.print(timeline)
    render_traits(view.traits)
    for household in view.households:
        render_household(household, of=view.profile_id)


def render_traits(traits: dict) -> None:
    if not traits:
        return
    table = Table(title="traits", title_justify="left")
    table.add_column("trait")
    table.add_column("value")
    for name, value in traits.items():
        if value is not None:
            table.add_row(name, escape(", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    out.print(table)


def render_household(view: HouseholdView, of: str | None = None) -> None:
    for line in view.lineage:
        out.print(f"[yellow]{line}[/]")
    table = Table(title=f"household {view.household_id} ({view.size} profiles; evidence: "
                        f"{', '.join(view.evidence)})", title_justify="left")
    for col in ("profile", "first", "last", "city", "postcode"):
        table.add_column(col)
    for m in view.members:
        mark = " (this profile)" if m["profile_id"] == of else ""
        table.add_row(m["profile_id"] + mark, m.get("first_name") or "", m.get("last_name") or "", m.get("city") or "",
                      m.get("postcode") or "")
    out.print(table)


def render_evaluation(ev: Evaluation | HouseholdEvaluation, title: str = "evaluation against the truth file") -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in ev.model_dump().items():
        table.add_row(key.replace("_", " "), f"{value:.4f}" if isinstance(value, float) else f"{value:,}")
    out.print(table)
