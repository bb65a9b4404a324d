"""Which profile an interaction belongs to: decided here, once, for both stores, with polars.

An event that names its customer (a login, a ticket with the account) belongs to that customer's
profile. Otherwise it belongs to the one profile its non-shared identifiers lead to, and to none when
they lead to several (ambiguous) or to none. Resolve reads the facts (`Resolution.attribution_facts`:
each interaction's named customer and the holders of what it carries, with their profiles as stored),
overrides the profiles of the records it just resolved with their new ones, decides here, and writes
only the interactions whose attribution changed, with the profiles whose interaction count to recount.
"""

from __future__ import annotations

import polars as pl

EVENTS = {"uid": pl.Utf8, "customer_ref": pl.Utf8, "named": pl.Utf8, "named_profile": pl.Utf8,
          "profile_id": pl.Utf8}
CARRIED = {"uid": pl.Utf8, "holder": pl.Utf8, "holder_profile": pl.Utf8}
ROWS = {"uid": pl.Utf8, "profile_id": pl.Utf8}


def decide(facts: dict[str, pl.DataFrame], members: pl.DataFrame | None = None) -> tuple[pl.DataFrame, list[str]]:
    """(the interactions whose attribution changes: uid, profile_id; the profiles to recount).

    members: uid, profile_id of the records resolve just resolved (their new profiles win over the ones
    stored); None or empty when nothing was resolved."""
    events, carried = facts["events"], facts["carried"]
    if events.is_empty():
        return pl.DataFrame(schema=ROWS), []
    if members is not None and not members.is_empty():
        new = members.select("uid", pl.col("profile_id").alias("new"))
        events = events.join(new.rename({"uid": "named"}), on="named", how="left").with_columns(
            pl.when(pl.col("named").is_not_null() & pl.col("new").is_not_null()).then(pl.col("new"))
            .otherwise(pl.col("named_profile")).alias("named_profile")).drop("new")
        carried = carried.join(new.rename({"uid": "holder"}), on="holder", how="left").with_columns(
            pl.coalesce("new", "holder_profile").alias("holder_profile")).drop("new")
    led = (carried.filter(pl.col("holder_profile").is_not_null()).group_by("uid")
           .agg(pl.col("holder_profile").unique().alias("found"))
           .filter(pl.col("found").list.len() == 1)
           .select("uid", pl.col("found").list.first().alias("carried")))
    decided = events.join(led, on="uid", how="left").with_columns(
        pl.coalesce("named_profile", "carried").alias("new"))
    changed = decided.filter(pl.col("new").ne_missing(pl.col("profile_id")))
    recount = sorted({p for p in (*changed["profile_id"].to_list(), *changed["new"].to_list()) if p})
    return changed.select("uid", pl.col("new").alias("profile_id")).sort("uid"), recount
