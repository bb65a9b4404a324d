"""Stable profile ids: a rerun keeps every id whose profile did not change, merges keep the older id,
splits keep the id on the side with the most records.

A pure function of (new components, the profile each customer was in, the age of each profile): the
store is read before and written after, never here. Ids are minted from the smallest member uid, so the
same input gives the same ids on any machine and on either store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import polars as pl


def mint(seed: str, attempt: int = 0, prefix: str = "P") -> str:
    text = seed if attempt == 0 else f"{seed}#{attempt}"
    return prefix + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def assign(
    comp: pl.DataFrame,
    before: pl.DataFrame,
    profiles_before: pl.DataFrame,
    next_seq: int,
    taken: Callable[[list[str]], set[str]],
    *,
    prefix: str = "P",
    seeds: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Give every component a profile id.

    comp: uid, component. before: uid, seq (customer arrival order), profile_id (old, may be null).
    profiles_before: profile_id, seq (profile age), status. taken: which of these ids exist already.
    Returns (members: uid, profile_id, old_profile_id), (profiles: component, profile_id, is_new, seq,
    split_from, merged_from: list), (retired: profile_id, merged_into).
    Households use the same rules (graph/households.py): ids with their own prefix, a member in several
    components, and `seeds` (component, seed) to mint from instead of the smallest member.
    """
    m = comp.join(before, on="uid", how="left")
    claims = (
        m.filter(pl.col("profile_id").is_not_null())
        .group_by("profile_id", "component")
        .agg(pl.len().alias("n"), pl.col("seq").min().alias("first_seq"))
    )
    # An old id goes to the component holding most of its records; ties go to the oldest record.
    winners = claims.sort(["profile_id", "n", "first_seq"], descending=[False, True, False]).unique(
        "profile_id", keep="first", maintain_order=True)
    winners = winners.join(profiles_before.select("profile_id", pl.col("seq").alias("pseq")), on="profile_id",
                           how="left").with_columns(pl.col("pseq").fill_null(0))
    # A component that won several old ids keeps the oldest; the others are merged into it.
    ranked = winners.sort(["component", "pseq", "profile_id"])
    kept = ranked.unique("component", keep="first", maintain_order=True).select(
        "component", "profile_id", pl.col("pseq").alias("seq"))
    merged = ranked.join(kept.select("component", pl.col("profile_id").alias("merged_into")), on="component").filter(
        pl.col("profile_id") != pl.col("merged_into"))
    merged_from = merged.group_by("component").agg(pl.col("profile_id").sort().alias("merged_from"))

    # Components that won nothing get a new id, minted from their smallest uid.
    firsts = m.group_by("component").agg(pl.col("uid").min().alias("min_uid"))
    if seeds is not None:
        firsts = firsts.drop("min_uid").join(seeds.select("component", pl.col("seed").alias("min_uid")), on="component")
    fresh = firsts.join(kept, on="component", how="anti").sort("min_uid")
    biggest_claim = claims.sort(["component", "n", "profile_id"], descending=[False, True, False]).unique(
        "component", keep="first").select("component", pl.col("profile_id").alias("split_from"))
    fresh_ids = _mint_all(fresh["min_uid"].to_list(), taken, prefix)
    fresh = fresh.with_columns(
        pl.Series("profile_id", fresh_ids, dtype=pl.Utf8),
        pl.Series("seq", range(next_seq, next_seq + len(fresh_ids)), dtype=pl.Int64),
    ).join(biggest_claim, on="component", how="left")

    profiles = pl.concat([
        kept.with_columns(pl.lit(False).alias("is_new"), pl.lit(None, dtype=pl.Utf8).alias("split_from")),
        fresh.select("component", "profile_id", "seq", pl.lit(True).alias("is_new"), "split_from"),
    ], how="diagonal_relaxed").join(merged_from, on="component", how="left").with_columns(
        pl.col("merged_from").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))))

    members = m.select("uid", "component", pl.col("profile_id").alias("old_profile_id")).join(
        profiles.select("component", "profile_id"), on="component")
    lost = profiles_before.join(winners.select("profile_id"), on="profile_id", how="anti")
    retired = pl.concat([
        merged.select("profile_id", "merged_into"),
        lost.filter(pl.col("status") == "active").select("profile_id", pl.lit(None, dtype=pl.Utf8).alias("merged_into")),
    ])
    return members.select("uid", "profile_id", "old_profile_id"), profiles, retired


def _mint_all(seeds: list[str], taken: Callable[[list[str]], set[str]], prefix: str = "P") -> list[str]:
    """Mint an id per seed; an id already used (say by the side of a split that kept it) is minted again
    with an attempt number, still deterministically."""
    ids = [mint(s, 0, prefix) for s in seeds]
    for attempt in range(1, 100):
        clash = taken(ids)
        if not clash:
            return ids
        ids = [mint(s, attempt, prefix) if i in clash else i for s, i in zip(seeds, ids)]
    raise RuntimeError("could not mint unique profile ids")
