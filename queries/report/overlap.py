"""Section 2, Overlap: where the single customer view comes from.

From each record's source and profile: how many profiles each pair of sources shares (the diagonal is the
profiles a source appears in at all), how many profiles only one source knows, and how many profiles hold
records of one, two, three... sources. Records not resolved into a profile yet are counted apart.
"""

from __future__ import annotations

import polars as pl
from pydantic import BaseModel

from .blocks import ChartBlock, Figure, Figures, Note, Section, num, pct, table
from .charts import chart

INTRO = "Where the single customer view comes from: which sources meet in the same profiles."


class PairCount(BaseModel):
    a: str
    b: str
    profiles: int


class SingleSource(BaseModel):
    source: str
    profiles: int  # profiles with a record of this source
    only_here: int  # ...and of no other source


class OverlapSection(BaseModel):
    profiles: int
    unresolved_records: int
    pairs: list[PairCount]  # every ordered pair of customer sources, a == b included
    single_source: list[SingleSource]
    by_sources: dict[int, int]  # number of sources -> profiles


def build(customers: pl.DataFrame) -> OverlapSection:
    held = customers.filter(pl.col("profile_id").is_not_null()).select("profile_id", "source").unique()
    sources = sorted(customers["source"].unique().to_list())
    width = held.group_by("profile_id").agg(pl.len().alias("n"))
    pairs = (held.join(held, on="profile_id", suffix="_b")
             .group_by("source", "source_b").agg(pl.len().alias("profiles")))
    found = {(a, b): n for a, b, n in pairs.iter_rows()}
    only = (held.join(width.filter(pl.col("n") == 1), on="profile_id")
            .group_by("source").agg(pl.len().alias("only")))
    only_map = dict(only.iter_rows())
    return OverlapSection(
        profiles=width.height,
        unresolved_records=customers.filter(pl.col("profile_id").is_null()).height,
        pairs=[PairCount(a=a, b=b, profiles=found.get((a, b), 0)) for a in sources for b in sources],
        single_source=[SingleSource(source=s, profiles=found.get((s, s), 0), only_here=only_map.get(s, 0))
                       for s in sources],
        by_sources={int(n): int(c) for n, c in width.group_by("n").agg(pl.len()).sort("n").iter_rows()},
    )


def view(s: OverlapSection) -> Section:
    blocks: list = []
    several = sum(c for n, c in s.by_sources.items() if n > 1)
    blocks.append(Figures(items=[
        Figure(label="profiles", value=num(s.profiles)),
        Figure(label="in two sources or more", value=num(several), note=pct(several / s.profiles) if s.profiles else ""),
        Figure(label="in one source only", value=num(s.by_sources.get(1, 0))),
        Figure(label="records not in a profile yet", value=num(s.unresolved_records),
               note="run idgraph resolve" if s.unresolved_records else ""),
    ]))
    if not s.profiles:
        blocks.append(Note(text="No profile yet: run `idgraph resolve`."))
        return Section(key="overlap", title="Overlap", intro=INTRO, blocks=blocks)
    blocks.append(ChartBlock(title="Profiles two sources share", chart=chart(
        "source_overlap", "Profiles holding records of both sources; on the diagonal, the profiles a source "
                          "appears in. Read a row: of the profiles source A appears in, how many B knows too.",
        pairs=[{"a": p.a, "b": p.b, "profiles": p.profiles,
                "share": round(p.profiles / max(next(x.profiles for x in s.single_source if x.source == p.a), 1), 4)}
               for p in s.pairs])))
    blocks.append(ChartBlock(title="Profiles by number of sources", chart=chart(
        "sources_per_profile", "How many sources each profile's records come from.",
        counts=[{"sources": n, "profiles": c} for n, c in s.by_sources.items()])))
    blocks.append(table("Profiles seen in one source only", [
        ("source", False), ("profiles with the source", True), ("only in this source", True), ("share", True)],
        [[x.source, x.profiles, x.only_here, pct(x.only_here / x.profiles) if x.profiles else ""]
         for x in s.single_source]))
    return Section(key="overlap", title="Overlap", intro=INTRO, blocks=blocks)
