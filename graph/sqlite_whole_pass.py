"""What a whole resolve reads of the embedded store, with the joins on customer uids done by polars.

A join in SQLite probes an index once per row. Probes in the order of the index they probe are cheap
(an identifier's entries, read in the order of the (kind, value) index, find their neighbours on the
pages just read); probes by customer uid, in no order, are not: at a million records the edges' read
took 11-12 s and the attribution facts' 21 s, mostly in those probes. Here SQLite joins what it reads
in index order, scans the customer table once, and polars joins the uids (5.8 s and about 10 s).

The frames are those of the queries they replace (``SQLiteStore.link_edges`` and
``attribution_facts`` on a scope), rows in the same order for the edges (``judgements.separate``
builds its graphs in that order); the attribution facts' order carries no meaning
(``attribution.decide`` groups them).
"""

from __future__ import annotations

import sqlite3

import polars as pl

from idgraph.graph.attribution import CARRIED, EVENTS
from idgraph.graph.sqlite_frames import read_frame

EDGES = {"a": pl.Utf8, "b": pl.Utf8, "kind": pl.Utf8, "weight": pl.Float64}


def link_edges(db: sqlite3.Connection) -> pl.DataFrame:
    """Every edge of the customer graph: a record to each identifier it holds that is not shared, then
    the probable links, then the merge judgements (``Store.link_edges(None)``)."""
    held = read_frame(
        db, "SELECT ci.customer_uid, ci.kind || ':' || ci.value, 'identifier', 1.0 FROM customer_identifier ci "
        "JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value WHERE i.shared = 0", (), EDGES)
    # an event may name a customer not (or no longer) in the store: its identifiers join nobody
    held = held.join(_customers(db).select(pl.col("uid").alias("a")), on="a", how="semi", maintain_order="left")
    rest = read_frame(
        db, "SELECT a_uid, b_uid, 'probable', score FROM link WHERE kind = 'probable' "
        "UNION ALL SELECT a_uid, b_uid, 'same', 1.0 FROM judgement WHERE kind = 'same' AND deleted_at IS NULL",
        (), EDGES)
    return pl.concat([held, rest])


def attribution_facts(db: sqlite3.Connection) -> dict[str, pl.DataFrame]:
    """Every interaction's named customer and the holders of the identifiers it carries, with their
    profiles as stored (``Store.attribution_facts(None, ...)``)."""
    customers = _customers(db)
    events = read_frame(db, "SELECT uid, customer_ref, profile_id FROM interaction", (),
                        {"uid": pl.Utf8, "customer_ref": pl.Utf8, "profile_id": pl.Utf8})
    named = customers.select(pl.col("uid").alias("customer_ref"), pl.col("uid").alias("named"),
                             pl.col("profile_id").alias("named_profile"))
    events = events.join(named, on="customer_ref", how="left", maintain_order="left").select(*EVENTS)
    # CROSS JOIN: the customers' identifiers in index order, each probing the events' index in that order
    carried = read_frame(
        db, "SELECT ii.interaction_uid, ci.customer_uid FROM customer_identifier ci "
        "JOIN identifier d ON d.kind = ci.kind AND d.value = ci.value AND d.shared = 0 "
        "CROSS JOIN interaction_identifier ii ON ii.kind = ci.kind AND ii.value = ci.value", (),
        {"uid": pl.Utf8, "holder": pl.Utf8})
    holders = customers.select(pl.col("uid").alias("holder"), pl.col("profile_id").alias("holder_profile"))
    carried = carried.join(holders, on="holder", maintain_order="left").select(*CARRIED)
    return {"events": events, "carried": carried}


def _customers(db: sqlite3.Connection) -> pl.DataFrame:
    return read_frame(db, "SELECT uid, profile_id FROM customer", (), {"uid": pl.Utf8, "profile_id": pl.Utf8})
