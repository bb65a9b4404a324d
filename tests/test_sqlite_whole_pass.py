"""A whole resolve's reads of the embedded store (graph/sqlite_whole_pass.py, joins on uids in polars)
answer what the same reads over a scope holding every record answer."""

from __future__ import annotations

import polars as pl
import pytest

from idgraph.graph.records import InteractionRow
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate


@pytest.fixture(scope="module")
def resolved(tmp_path_factory):
    gen = generate(tmp_path_factory.mktemp("gen"), people=250, seed=37, malformed=False)
    mapping = load_mapping(gen.mapping_path)
    store = SQLiteStore(tmp_path_factory.mktemp("store") / "store.db")
    store.init()
    ingest(store, mapping)
    link(store, mapping, full=True)
    uids = store.customers_frame(None)["uid"].sort().to_list()
    email = store.identifier_members(None).filter(pl.col("kind") == "email").row(0, named=True)
    # what the reads must leave out or keep: a shared identifier, an event naming a record that is not in
    # the store (its identifier ties join nobody) and carrying an identifier a record holds, a merge
    # judgement and a withdrawn one
    store.set_shared([("phone", store.identifier_members(None).filter(pl.col("kind") == "phone")["value"][0],
                       True, "test")])
    store.write_interactions([InteractionRow(uid="web:x1", source="web", source_id="x1", at="2026-01-02T10:00:00Z",
                                             customer_ref="crm:not-ingested",
                                             identifiers=[("email", email["value"]), ("device", "dev-only-here")])],
                             "t")
    store.add_judgements([{"judgement_id": j, "kind": "same", "a_uid": uids[i], "b_uid": uids[i + 7], "by": "test",
                           "at": "2026-01-03T00:00:00Z"} for j, i in (("j1", 0), ("j2", 3))])
    store.withdraw_judgement("j2", "2026-01-04T00:00:00Z")
    resolve(store, mapping)
    yield store, uids
    store.close()


def _rows(frame: pl.DataFrame) -> list[tuple]:
    return sorted(frame.iter_rows(), key=lambda r: tuple("" if v is None else str(v) for v in r))


def test_the_whole_graph_s_edges_are_those_of_a_scope_of_every_record(resolved):
    store, uids = resolved
    whole, scoped = store.link_edges(None), store.link_edges(uids)
    assert whole.schema == scoped.schema
    assert _rows(whole) == _rows(scoped)
    kinds = whole["kind"].to_list()
    assert {"identifier", "probable", "same"} <= set(kinds)
    # identifiers first, then links, then judgements (the graphs judgements.separate cuts are built in
    # that order)
    assert kinds == sorted(kinds, key=["identifier", "probable", "same"].index)
    assert not whole.filter(pl.col("a") == "crm:not-ingested").height


def test_every_interaction_s_attribution_facts_are_those_of_a_scope_of_every_record(resolved):
    store, uids = resolved
    whole, scoped = store.attribution_facts(None, 0), store.attribution_facts(uids, 0)
    for part in ("events", "carried"):
        assert whole[part].schema == scoped[part].schema
        assert _rows(whole[part]) == _rows(scoped[part]) and whole[part].height
    event = whole["events"].filter(pl.col("uid") == "web:x1").row(0, named=True)
    assert event["customer_ref"] == "crm:not-ingested" and event["named"] is None
    assert whole["carried"].filter(pl.col("uid") == "web:x1").height >= 1
