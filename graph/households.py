"""Households: the second level above profiles, from evidence that different people share.

Evidence is a key a profile's records hold: a dwelling (`dwelling:` + postcode + `|` + the normalised
address line as stores give it, which the job puts in one form for its spellings: `canonical`), a surname at a postcode (`surname_postcode:`, for records with a postcode but no
address line, as a loyalty card often has) or an identifier of a kind the mapping names (`phone:...`, `email:...`): the household
landline and the family email, which the guard keeps out of person linking because different people
hold them. A key held by one profile says nothing; a key held by more than `max_size` profiles (a care
home, a block of flats without flat numbers, a shop's phone) never makes a household.

Keys are grouped, not profiles: two keys are one household when two or more profiles hold both (the
couple's address and their landline). So a person with two homes is a member of two households rather
than gluing both into one, and a grown-up child who moved out sits in the old and the new one. A group
whose members would exceed `max_size` falls back to one household per key. Households with the same
members are one.

A dwelling is one home unless its holders say otherwise: where they fall into two families, or three
parties, that nothing but the address line ties, it is a block of flats whose lines carry no flat
(`buildings`), and the line joins only within each. Measured on both generators (docs/mapping.md).

Ids are stable with the rules of profiles (graph/stable_ids.py): an old id goes to the new household
holding most of its members, a merge keeps the older id, a household that won no id gets a new one
minted from its members (`H` + sha1), and records the household it split from. Pure functions; the job
(ingest/jobs/households.py) reads and writes the store.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from idgraph.graph import stable_ids
from idgraph.graph.components import components

# Evidence a record holds in its fields rather than as an identifier: a postcode with a second field.
RECORD_EVIDENCE = {"dwelling": "address", "surname_postcode": "last_name"}
EVIDENCE_SCHEMA = {"profile_id": pl.Utf8, "key": pl.Utf8}
MEMBER_SCHEMA = {"household_id": pl.Utf8, "profile_id": pl.Utf8, "seq": pl.Int64, "status": pl.Utf8}


def record_key(kind: str, postcode: str, value: str) -> str:
    """The key of record evidence: `dwelling:` + postcode + `|` + address line (or `surname_postcode:`
    + postcode + `|` + last name)."""
    return f"{kind}:{postcode}|{value}"


def split_key(key: str) -> tuple[str, str, str | None]:
    """(kind, value, None) for an identifier key; (kind, postcode, second value) for record evidence."""
    kind, _, rest = key.partition(":")
    if kind in RECORD_EVIDENCE:
        postcode, _, value = rest.partition("|")
        return kind, postcode, value
    return kind, rest, None


def dwelling_probe(value: str) -> tuple[str, str]:
    """What every line of a dwelling contains, from its canonical value (`numbers|street`, `canonical`):
    its first number as a word (`" 56 "`, to look for in `" " + line + " "`) and its street's first three
    letters. Stores keep to the lines containing both, so a dwelling does not read every line of its
    postcode (a German postcode holds thousands); `""` (no number, no street) holds everywhere."""
    numbers, bar, street = value.partition("|")
    if not bar:
        return "", ""
    first = numbers.split(" ")[0]
    return (f" {first} " if first else ""), street


def canonical(evidence: pl.DataFrame) -> pl.DataFrame:
    """The evidence (profile_id, key) with each dwelling key in one form for the ways one address line is
    written: its numbers (house number, a letter with it, flat numbers) sorted, and the first three
    letters of its longest word, the street's name ("kastanienallee 56", "56 kastanienallee"; "feldstr
    16", "feldstrasse 16"; "19 r de la gare", "19 rue de la gare" are one dwelling at one postcode).
    Stores give the line as written; the job keys by this form, and asks the stores for the holders at
    the postcode (graph/store.py household_holders)."""
    is_dwelling = pl.col("key").str.starts_with("dwelling:")
    if evidence.is_empty() or not evidence.select(is_dwelling.any()).item():
        return evidence
    # One row per word of each line (a long frame and group-bys: list.eval per line cost 0.4 s at 100,000
    # people).
    lines = evidence.filter(is_dwelling).with_row_index("line").with_columns(
        pl.col("key").str.extract_groups(r"^dwelling:([^|]*)\|(.*)$").alias("parts"))
    words = lines.select("line", pl.col("parts").struct.field("2").str.split(" ").alias("word")).explode("word")
    numbers = words.filter(pl.col("word").str.contains(r"^[0-9]+[a-z]?$")).group_by("line").agg(
        pl.col("word").sort().str.join(" ").alias("numbers"))
    street = words.filter(pl.col("word").str.contains(r"^[a-z]{3,}$")).group_by("line", maintain_order=True).agg(
        pl.col("word").get(pl.col("word").str.len_chars().arg_max()).str.slice(0, 3).alias("street"))
    dwellings = lines.join(numbers, on="line", how="left").join(street, on="line", how="left").select(
        "profile_id", pl.format("dwelling:{}|{}|{}", pl.col("parts").struct.field("1"), pl.col("numbers").fill_null(""),
                                pl.col("street").fill_null("")).alias("key"))
    return pl.concat([evidence.filter(~is_dwelling).select("profile_id", "key"), dwellings]).unique()


def usable(evidence: pl.DataFrame, max_size: int) -> pl.DataFrame:
    """The evidence rows (profile_id, key, distinct) whose key two to max_size profiles hold."""
    ev = evidence.select("profile_id", "key").unique()
    sizes = ev.group_by("key").agg(pl.len().alias("n")).filter(pl.col("n").is_between(2, max_size))
    return ev.join(sizes.select("key"), on="key").sort("key", "profile_id")


def vaguer_lines(evidence: pl.DataFrame) -> pl.DataFrame:
    """(profile_id, key): the canonical dwelling keys a profile holds next to a more precise line of the
    same building, its numbers and more ("35 rue de la paix" beside "apt 14, 35 rue de la paix"). The
    profile lives in the flat; the bare line is the building, where its neighbours are."""
    lines = evidence.filter(pl.col("key").str.starts_with("dwelling:")).select(
        "profile_id", "key", pl.col("key").str.extract_groups(r"^dwelling:([^|]*)\|([^|]*)\|(.*)$").alias("p"))
    lines = lines.select("profile_id", "key", pl.col("p").struct.field("1").alias("postcode"),
                         pl.col("p").struct.field("3").alias("street"),
                         pl.col("p").struct.field("2").str.split(" ").list.set_difference([""]).alias("numbers"))
    pairs = lines.join(lines, on=["profile_id", "postcode", "street"], suffix="_b").filter(
        pl.col("numbers_b").list.len() > pl.col("numbers").list.len(),
        pl.col("numbers").list.set_difference(pl.col("numbers_b")).list.len() == 0)
    return pairs.select("profile_id", "key").unique()


def buildings(ev: pl.DataFrame) -> pl.DataFrame:
    """The usable evidence (usable's rows) with each building's dwelling key split by household.

    The holders of a dwelling fall into groups by their other evidence (a surname at the postcode, a
    landline, an e-mail). Two groups of two or more, or three groups of any size, sharing nothing but
    the address line are a block of flats whose lines carry no flat, not one home: its key becomes one
    key per group (`dwelling:...#` + the group's first profile), so the flats stay apart and a holder
    alone in its group is placed by nothing ambiguous. Two people alone at a line stay a couple: the
    data cannot tell them from two neighbours, and a couple is the commoner (docs/mapping.md)."""
    dwelling = pl.col("key").str.starts_with("dwelling:")
    other = ev.filter(~dwelling)
    groups = components(ev["profile_id"].unique().sort(), other.select(pl.col("profile_id").alias("a"),
                                                                       pl.col("key").alias("b")))
    groups = groups.with_columns(pl.col("uid").min().over("component").alias("group")).select(
        pl.col("uid").alias("profile_id"), "group")
    held = ev.filter(dwelling).join(groups, on="profile_id")
    per_group = held.group_by("key", "group").agg(pl.len().alias("n"))
    split = (per_group.group_by("key").agg(pl.len().alias("groups"), (pl.col("n") >= 2).sum().alias("families"))
             .filter((pl.col("families") >= 2) | (pl.col("groups") >= 3))["key"])
    if split.is_empty():
        return ev
    parted = held.filter(pl.col("key").is_in(split.implode())).select(
        "profile_id", pl.format("{}#{}", "key", "group").alias("key"))
    # A part held by one profile says nothing (usable's lower bound; a part is never above the cap).
    parted = parted.filter(pl.len().over("key") >= 2)
    return pl.concat([ev.filter(~pl.col("key").is_in(split.implode())), parted]).sort("key", "profile_id")


def find(evidence: pl.DataFrame, max_size: int) -> pl.DataFrame:
    """Households from evidence (profile_id, key): household (a number), profile_id, evidence (the kinds
    of its keys, sorted), seed (its members joined, for minting). Deterministic, one row per membership."""
    # The cap is judged on every holder, the vaguer lines included, so that a key's fate does not hang
    # on its holders' other keys (an incremental run reads those only for the keys within the cap).
    ev = usable(evidence, max_size).join(vaguer_lines(evidence), on=["profile_id", "key"], how="anti")
    ev = buildings(ev.filter(pl.len().over("key") >= 2))
    schema = {"household": pl.Int64, "profile_id": pl.Utf8, "evidence": pl.List(pl.Utf8), "seed": pl.Utf8}
    if ev.is_empty():
        return pl.DataFrame(schema=schema)
    pairs = (ev.join(ev, on="profile_id", suffix="_b").filter(pl.col("key") < pl.col("key_b"))
             .group_by("key", "key_b").agg(pl.len().alias("both")).filter(pl.col("both") >= 2))
    keys = ev["key"].unique().sort()
    grouped = components(keys, pairs.select(pl.col("key").alias("a"), pl.col("key_b").alias("b"))).rename(
        {"uid": "key", "component": "group"})
    members = ev.join(grouped, on="key")
    sizes = members.group_by("group").agg(pl.col("profile_id").n_unique().alias("n"))
    too_big = sizes.filter(pl.col("n") > max_size)["group"]
    # A group that would exceed the cap: each of its keys is its own household (each is within it).
    members = members.with_columns(
        pl.when(pl.col("group").is_in(too_big.implode())).then(pl.col("key"))
        .otherwise(pl.col("group").cast(pl.Utf8)).alias("unit"))
    per_unit = members.group_by("unit").agg(
        pl.col("profile_id").unique().sort().alias("members"),
        pl.col("key").str.split(":").list.first().unique().sort().alias("evidence"))
    per_unit = per_unit.with_columns(pl.col("members").list.join(" ").alias("seed"))
    # Units with the same members are one household; evidence is the union of their kinds.
    households = (per_unit.group_by("seed").agg(pl.col("members").first(),
                                                pl.col("evidence").list.explode(keep_nulls=False, empty_as_null=False).unique().sort())
                  .sort("seed").with_row_index("household").with_columns(pl.col("household").cast(pl.Int64)))
    return (households.explode("members").rename({"members": "profile_id"})
            .select("household", "profile_id", "evidence", "seed"))


def assign(found: pl.DataFrame, before: pl.DataFrame, next_seq: int,
           taken: Callable[[list[str]], set[str]]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Stable ids for the households `find` returned, given the memberships before (MEMBER_SCHEMA: the
    old households of the profiles in scope, every member of them).

    A household whose members are exactly those of an old one keeps its id first: a profile in two
    households would otherwise let an old id go to the other household it shares members with. The rest
    follow the lineage rules of profiles (graph/stable_ids.py).
    Returns (members: household_id, profile_id), (households: household_id, seq, is_new, split_from,
    merged_from, size, evidence), (retired: household_id, merged_into)."""
    old_sets = before.group_by("household_id").agg(pl.col("profile_id").sort().str.join(" ").alias("seed"),
                                                   pl.col("seq").first())
    exact = (found.select("household", "seed").unique().join(old_sets, on="seed")
             .sort("seq", "household_id").unique("household", keep="first", maintain_order=True)
             .unique("household_id", keep="first", maintain_order=True))
    rest = found.filter(~pl.col("household").is_in(exact["household"].implode()))
    rest_before = before.filter(~pl.col("household_id").is_in(exact["household_id"].implode()))
    comp = rest.select(pl.col("profile_id").alias("uid"), pl.col("household").alias("component"))
    old = rest_before.select(pl.col("profile_id").alias("uid"), "seq", pl.col("household_id").alias("profile_id"))
    # A profile in no old household still takes part (a null old id), as a new record does for profiles.
    old = pl.concat([old, comp.select("uid").unique().join(old.select("uid"), on="uid", how="anti").with_columns(
        pl.lit(None, dtype=pl.Int64).alias("seq"), pl.lit(None, dtype=pl.Utf8).alias("profile_id"))])
    old_households = rest_before.select(pl.col("household_id").alias("profile_id"), "seq", "status").unique("profile_id")
    seeds = rest.select(pl.col("household").alias("component"), "seed").unique("component")
    _, rows, retired = stable_ids.assign(comp, old.with_columns(pl.col("seq").fill_null(0)), old_households,
                                         next_seq, taken, prefix="H", seeds=seeds)
    kept = exact.select(pl.col("household").alias("component"), pl.col("household_id").alias("profile_id"), "seq",
                        pl.lit(False).alias("is_new"), pl.lit(None, dtype=pl.Utf8).alias("split_from"),
                        pl.lit([], dtype=pl.List(pl.Utf8)).alias("merged_from"))
    rows = pl.concat([kept, rows.select(kept.columns)], how="vertical_relaxed")
    info = found.group_by("household").agg(pl.len().alias("size"), pl.col("evidence").first())
    households = rows.join(info, left_on="component", right_on="household").select(
        pl.col("profile_id").alias("household_id"), "seq", "is_new", "split_from", "merged_from", "size", "evidence")
    members = found.join(rows.select(pl.col("component").alias("household"), pl.col("profile_id").alias("household_id")),
                         on="household").select("household_id", "profile_id").sort("household_id", "profile_id")
    return (members, households.sort("household_id"),
            retired.select(pl.col("profile_id").alias("household_id"), "merged_into"))
