"""The whole product on generated multi-source data with ground truth and hard cases."""

from __future__ import annotations

import pytest

from idgraph.ingest.jobs.resolve import resolve
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from idgraph.queries.truth import evaluate


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    generated = generate(folder, people=1500, seed=2024)
    mapping = load_mapping(generated.mapping_path)
    store = SQLiteStore(mapping.store_path())
    store.init()
    ingested = ingest(store, mapping)
    resolved = resolve(store, mapping)
    yield generated, mapping, store, ingested, resolved
    store.close()


def test_every_row_is_accounted_for(demo):
    generated, _, store, ingested, _ = demo
    assert ingested.balanced
    assert ingested.total("quarantined") > 0  # the generator writes malformed rows; none may vanish
    assert store.stats()["customers"] == sum(s.stored for s in ingested.sources if s.kind == "customer")


def test_deterministic_linking_is_precise(demo):
    generated, _, store, _, _ = demo
    ev = evaluate(store, generated.truth_path)
    assert ev.pairwise_precision >= 0.98
    assert ev.pairwise_recall > 0.5  # deterministic links alone join most records of a person
    assert ev.profiles_joining_more_than_3_people == 0
    assert ev.attribution_precision >= 0.97


def test_the_kiosk_and_junk_do_not_glue_strangers(demo):
    _, _, store, _, _ = demo
    members = store.identifier_members(None)
    busiest = members.group_by("kind", "value").len().sort("len", descending=True).row(0)
    kind, value, held = busiest
    assert held > 100 and kind == "device"
    assert store.find_customers("email", "test@test.com") == []


def test_a_second_run_changes_nothing(demo):
    generated, mapping, store, _, _ = demo
    before = store.stats(), sorted(store.bulk("records"))
    again = ingest(store, mapping)
    assert again.total("new") == 0 and again.total("updated") == 0
    assert resolve(store, mapping).scope == "none"
    assert (store.stats(), sorted(store.bulk("records"))) == before


def test_incremental_batch_keeps_untouched_ids(tmp_path):
    first = generate(tmp_path / "a", people=400, seed=5)
    mapping = load_mapping(first.mapping_path)
    store = SQLiteStore(tmp_path / "s.db")
    store.init()
    crm = mapping.source("crm")
    lines = crm.files(mapping.base_dir)[0].read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    cut = len(lines) * 9 // 10  # a batch of 10%: under the whole-pass threshold
    head, tail = lines[:cut], lines[cut:]
    path = crm.files(mapping.base_dir)[0]
    path.write_text("".join(head), encoding="utf-8")
    ingest(store, mapping, ["crm"])
    resolve(store, mapping)
    before = {(s, r): p for k, s, r, p in store.bulk("records") if k == "customer"}
    path.write_text("".join(head + tail), encoding="utf-8")
    ingest(store, mapping, ["crm"])
    summary = resolve(store, mapping)
    assert summary.scope == "incremental" and summary.customers_in_scope < store.customer_count()
    after = {(s, r): p for k, s, r, p in store.bulk("records") if k == "customer"}
    kept = sum(after[k] == v for k, v in before.items())
    assert kept >= 0.95 * len(before)  # only profiles the new half joined may change id
    store.close()
