"""Section 3, Profiles: how big they are, the largest, the identifiers kept out of linking, households,
and the events that found their person.

Sizes come from each record's profile (the customers frame); the identifiers marked shared from
`identifier_members` with their reasons from `customer_identifiers`; events from every interaction's
attribution (`bulk("records")`). Households are read through `inputs.read_households`, the one place to
change when the store keeps them.
"""

from __future__ import annotations

import re

import polars as pl
from pydantic import BaseModel

from .blocks import ChartBlock, Figure, Figures, Note, Section, num, pct, table
from .charts import chart

INTRO = "How big the profiles are, which are the largest, and what was kept from gluing people together."
TOP = 10
TOP_SHARED = 20
# Sizes 1..10 one by one, then these ranges (inclusive): each a bar of the size distribution.
SIZE_RANGES = ((11, 20), (21, 50), (51, 100), (101, None))
TOO_MANY = re.compile(r"^held by \d+ customer records")


class SizeCount(BaseModel):
    size: str  # "3", "11-20", "101+"
    order: int
    profiles: int
    records: int


class LargeProfile(BaseModel):
    profile_id: str
    records: int
    sources: list[str]
    first_names: int  # distinct first names among its records
    dates_of_birth: int  # distinct dates of birth
    events: int


class SharedIdentifier(BaseModel):
    kind: str
    value: str
    holders: int
    reason: str
    why: str  # "too many holders" | "different people"


class EventCount(BaseModel):
    source: str
    attributed: int
    not_attributed: int


class ProfilesSection(BaseModel):
    profiles: int
    records_in_profiles: int
    sizes: list[SizeCount]
    largest: list[LargeProfile]
    shared_count: int
    shared_by_kind: dict[str, dict[str, int]]  # kind -> why -> identifiers
    shared: list[SharedIdentifier]  # the TOP_SHARED held by most records
    households: list[dict]
    events: list[EventCount]


def size_label(size: int) -> tuple[str, int]:
    """The bar a profile of `size` records falls in: its label and its place on the axis."""
    if size <= 10:
        return str(size), size
    for i, (low, high) in enumerate(SIZE_RANGES):
        if high is None or size <= high:
            return (f"{low}+" if high is None else f"{low}-{high}"), 11 + i
    raise AssertionError("unreachable")


def build(customers: pl.DataFrame, held: pl.DataFrame, reasons: pl.DataFrame, records: pl.DataFrame,
          households: list[dict]) -> ProfilesSection:
    """reasons: kind, value, reason of the identifiers marked shared."""
    members = customers.filter(pl.col("profile_id").is_not_null())
    sizes = members.group_by("profile_id").agg(
        pl.len().alias("records"), pl.col("source").unique().sort().alias("sources"),
        pl.col("first_name").drop_nulls().n_unique().alias("first_names"),
        pl.col("dob").drop_nulls().n_unique().alias("dobs"))
    events = records.filter(pl.col("kind") == "interaction")
    per_profile = events.filter(pl.col("profile_id").is_not_null()).group_by("profile_id").agg(pl.len().alias("events"))
    histogram: dict[tuple[str, int], list[int]] = {}
    for size, count in sizes.group_by("records").agg(pl.len()).iter_rows():
        key = size_label(size)
        cell = histogram.setdefault(key, [0, 0])
        cell[0] += count
        cell[1] += count * size
    largest = (sizes.sort(["records", "profile_id"], descending=[True, False]).head(TOP)
               .join(per_profile, on="profile_id", how="left").sort(["records", "profile_id"], descending=[True, False]))
    shared = (held.filter(pl.col("shared")).group_by("kind", "value").agg(pl.col("uid").n_unique().alias("holders"))
              .join(reasons.unique(["kind", "value"]), on=["kind", "value"], how="left")
              .with_columns(pl.col("reason").fill_null(""))
              .sort(["holders", "kind", "value"], descending=[True, False, False]))
    shared_rows = [SharedIdentifier(kind=k, value=v, holders=n, reason=r, why=_why(r))
                   for k, v, n, r in shared.iter_rows()]
    by_kind: dict[str, dict[str, int]] = {}
    for row in shared_rows:
        by_kind.setdefault(row.kind, {}).setdefault(row.why, 0)
        by_kind[row.kind][row.why] += 1
    attributed = (events.group_by("source").agg(pl.col("profile_id").is_not_null().sum().alias("yes"),
                                                pl.col("profile_id").is_null().sum().alias("no")).sort("source"))
    return ProfilesSection(
        profiles=sizes.height,
        records_in_profiles=members.height,
        sizes=[SizeCount(size=label, order=order, profiles=c[0], records=c[1])
               for (label, order), c in sorted(histogram.items(), key=lambda kv: kv[0][1])],
        largest=[LargeProfile(profile_id=p, records=n, sources=s, first_names=f, dates_of_birth=d, events=e or 0)
                 for p, n, s, f, d, e in largest.select("profile_id", "records", "sources", "first_names", "dobs",
                                                          "events").iter_rows()],
        shared_count=len(shared_rows),
        shared_by_kind=dict(sorted(by_kind.items())),
        shared=shared_rows[:TOP_SHARED],
        households=households,
        events=[EventCount(source=s, attributed=y, not_attributed=n) for s, y, n in attributed.iter_rows()],
    )


def _why(reason: str) -> str:
    return "too many holders" if TOO_MANY.match(reason) else "different people"


def view(s: ProfilesSection) -> Section:
    blocks: list = []
    events = sum(e.attributed + e.not_attributed for e in s.events)
    attributed = sum(e.attributed for e in s.events)
    blocks.append(Figures(items=[
        Figure(label="profiles", value=num(s.profiles)),
        Figure(label="records per profile", value=num(s.records_in_profiles / s.profiles, 2) if s.profiles else ""),
        Figure(label="largest profile", value=num(s.largest[0].records) if s.largest else "", note="records"),
        Figure(label="identifiers marked shared", value=num(s.shared_count)),
        Figure(label="events attributed", value=num(attributed), note=pct(attributed / events) if events else ""),
        Figure(label="households", value=num(len(s.households)) if s.households else "none"),
    ]))
    if not s.profiles:
        blocks.append(Note(text="No profile yet: run `idgraph resolve`."))
    else:
        blocks.append(ChartBlock(title="Profile sizes", chart=chart(
            "profile_sizes", "Profiles by how many customer records they hold (log scale: most hold one or two).",
            sizes=[x.model_dump() for x in s.sizes])))
        blocks.append(table(f"The {len(s.largest)} largest profiles", [
            ("profile", False), ("records", True), ("sources", False), ("first names", True),
            ("dates of birth", True), ("events", True)],
            [[p.profile_id, p.records, ", ".join(p.sources), p.first_names, p.dates_of_birth, p.events]
             for p in s.largest],
            caption="Many first names or dates of birth in one profile is how an over-merge shows: "
                    "`idgraph show PROFILE` to look, `idgraph split` to correct."))
    if s.shared:
        blocks.append(ChartBlock(title="Identifiers kept out of linking", chart=chart(
            "shared_identifiers", "Identifiers the guard marked shared, by kind and why: held by more records than "
                                  "guard.max_customers, or by records that look like different people.",
            counts=[{"kind": k, "why": w, "identifiers": n} for k, by in s.shared_by_kind.items() for w, n in by.items()])))
        blocks.append(table(f"Shared identifiers held by most records (of {s.shared_count:,})", [
            ("kind", False), ("value", False), ("records", True), ("reason", False)],
            [[x.kind, x.value, x.holders, x.reason] for x in s.shared]))
    else:
        blocks.append(Note(text="No identifier is marked shared."))
    if s.households:
        blocks.append(table(f"Households ({len(s.households):,})", [("household", False), ("profiles", True)],
                            [[h.get("household_id", ""), len(h.get("members", []))] for h in s.households[:TOP]]))
    else:
        blocks.append(Note(text="Households: no households in this graph."))
    if s.events:
        blocks.append(ChartBlock(title="Events attributed to a profile", chart=chart(
            "events_attributed", "An event is attributed when it names its customer or its identifiers lead to "
                                 "exactly one profile; the others name no one or lead to several.",
            counts=[{"source": e.source, "attributed": label, "events": n}
                    for e in s.events for label, n in (("yes", e.attributed), ("no", e.not_attributed))])))
    else:
        blocks.append(Note(text="No events (interaction sources) in the store."))
    return Section(key="profiles", title="Profiles", intro=INTRO, blocks=blocks)
