"""Traits of a profile, computed from its events: behaviour and value, and the traits a mapping declares.

A pure function of (the events attributed to some profiles, the mapping's `traits:` section, the date
traits are measured to). Built in, for every profile:

- first_seen, last_seen: its earliest and latest event (ISO time);
- channels, last_channel, channel_counts: the channels it used, the channel of its latest event that
  has one, events per channel (JSON text {channel: n}); event_types, type_counts the same by type;
- orders, revenue, currencies, last_purchase: an order is an event with an amount (mapping roles
  amount, currency, order_id); events with one order_id are one order (a purchase that arrives from
  the shop and again from the order system), its amount that of its first event; amounts are added as
  given, without converting currencies, and the currencies are listed;
- recency_days, frequency, monetary: days from the last purchase to as_of, orders and revenue in the
  365 days up to as_of (RFM);
- traits_as_of: the date the windows and recency are measured to.

Declared traits (ingest/profile_settings.py): count, sum, min, max, first or last over the events that
pass a filter, within a window of days up to as_of (the event's day in (as_of - window, as_of]).
count and sum are 0 without events, the others null. Vectorised: polars group-bys, no loop per event.
"""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from idgraph.graph.trait_settings import BUILT_IN_TRAITS, Traits, TraitSpec

EVENT_SCHEMA = {"profile_id": pl.Utf8, "uid": pl.Utf8, "source": pl.Utf8, "at": pl.Utf8, "channel": pl.Utf8,
                "type": pl.Utf8, "attributes": pl.Utf8}
RFM_DAYS = 365
# The stamp of traits known to be out of date (store.expire_traits): it sorts before every real stamp
# (an ISO date first), so they are stale under any.
EXPIRED_STAMP = ""
_COLUMN = {"event_type": "type", "channel": "channel", "source": "source", "currency": "currency",
           "at": "at", "amount": "amount", "order_id": "order_id"}


def trait_names(settings: Traits) -> list[str]:
    """Every trait a profile carries under these settings, in order: built in, then declared by name."""
    return [*BUILT_IN_TRAITS, *sorted(settings.define)]


def prepare(events: pl.DataFrame) -> pl.DataFrame:
    """The events with their money (amount, currency, order_id from the attributes) and their day."""
    attrs = pl.col("attributes")
    return events.with_columns(
        attrs.str.json_path_match("$.amount").cast(pl.Float64, strict=False).alias("amount"),
        attrs.str.json_path_match("$.currency").alias("currency"),
        attrs.str.json_path_match("$.order_id").alias("order_id"),
        pl.col("at").str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False).alias("day"),
    )


def compute(events: pl.DataFrame, profile_ids: list[str], settings: Traits, as_of: date) -> pl.DataFrame:
    """One row per profile id (those without events too): profile_id, then trait_names(settings)."""
    ev = prepare(events.select(list(EVENT_SCHEMA)).cast(EVENT_SCHEMA)).with_columns(
        (pl.lit(as_of) - pl.col("day")).dt.total_days().alias("days_before"))
    ev = ev.sort("profile_id", "at", "uid")
    out = pl.DataFrame({"profile_id": sorted(set(profile_ids))}, schema={"profile_id": pl.Utf8})

    seen = ev.group_by("profile_id").agg(pl.col("at").min().alias("first_seen"), pl.col("at").max().alias("last_seen"),
                                          pl.col("channel").drop_nulls().last().alias("last_channel"))
    out = out.join(seen, on="profile_id", how="left")
    for col, listed, counted in (("channel", "channels", "channel_counts"), ("type", "event_types", "type_counts")):
        out = out.join(_counts(ev, col, listed, counted), on="profile_id", how="left")

    orders = (ev.filter(pl.col("amount").is_not_null())
              .with_columns(pl.coalesce("order_id", "uid").alias("order_key"))
              .unique(["profile_id", "order_key"], keep="first", maintain_order=True))
    recent = pl.col("days_before").is_between(0, RFM_DAYS - 1)
    money = orders.group_by("profile_id").agg(
        pl.len().alias("orders"), pl.col("amount").sum().alias("revenue"),
        pl.col("currency").drop_nulls().unique().sort().alias("currencies"), pl.col("at").max().alias("last_purchase"),
        recent.sum().alias("frequency"), pl.col("amount").filter(recent).sum().alias("monetary"))
    out = out.join(money, on="profile_id", how="left").with_columns(
        pl.col("orders").fill_null(0).cast(pl.Int64), pl.col("revenue").fill_null(0.0).round(4),
        pl.col("frequency").fill_null(0).cast(pl.Int64), pl.col("monetary").fill_null(0.0).round(4),
        (pl.lit(as_of) - pl.col("last_purchase").str.slice(0, 10).str.to_date("%Y-%m-%d"))
        .dt.total_days().alias("recency_days"),
        pl.lit(as_of.isoformat()).alias("traits_as_of"))
    for name in sorted(settings.define):
        out = out.join(_declared(ev, name, settings.define[name], out["profile_id"]), on="profile_id", how="left")
    return out.select("profile_id", *trait_names(settings))


def _counts(ev: pl.DataFrame, col: str, listed: str, counted: str) -> pl.DataFrame:
    """The distinct values of one column per profile (sorted list) and their counts as JSON text
    (``json.dumps(..., sort_keys=True)``'s form, built in polars: a Python dict per profile cost most of
    the traits' time)."""
    per = (ev.filter(pl.col(col).is_not_null()).group_by("profile_id", col).agg(pl.len().alias("n"))
           .sort("profile_id", col))
    values = per[col].unique()
    quoted = dict(zip(values.to_list(), (json.dumps(v) for v in values.to_list())))
    return (per.with_columns(pl.format("{}: {}", pl.col(col).replace_strict(quoted, return_dtype=pl.Utf8),
                                       pl.col("n")).alias("_pair"))
            .group_by("profile_id", maintain_order=True)
            .agg(pl.col(col).alias(listed), pl.concat_str(pl.lit("{"), pl.col("_pair").str.join(", "), pl.lit("}"))
                 .alias(counted)))


def _declared(ev: pl.DataFrame, name: str, spec: TraitSpec, profiles: pl.Series) -> pl.DataFrame:
    chosen = ev
    for field, values in spec.where.items():
        chosen = chosen.filter(pl.col(_COLUMN[field]).is_in(values))
    if spec.window_days is not None:
        chosen = chosen.filter(pl.col("days_before").is_between(0, spec.window_days - 1))
    if spec.op == "count":
        agg = pl.len().alias(name)
    else:
        column = _COLUMN[spec.field]
        chosen = chosen.filter(pl.col(column).is_not_null())
        value = pl.col(column)
        agg = {"sum": value.sum(), "min": value.min(), "max": value.max(), "first": value.first(),
               "last": value.last()}[spec.op].alias(name)
    found = chosen.group_by("profile_id").agg(agg)
    base = pl.DataFrame({"profile_id": profiles})
    joined = base.join(found, on="profile_id", how="left")
    if spec.op == "count":
        joined = joined.with_columns(pl.col(name).fill_null(0).cast(pl.Int64))
    elif spec.op == "sum":
        joined = joined.with_columns(pl.col(name).fill_null(0.0).round(4))
    return joined


def as_properties(frame: pl.DataFrame) -> list[dict]:
    """The traits as one dict per profile, values JSON-able: what a store writes by profile id."""
    return frame.to_dicts()
