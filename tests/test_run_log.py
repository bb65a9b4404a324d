"""The run log (store.record_run / store.runs) on both stores, and the jobs that write to it."""

from __future__ import annotations

from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.replay import replay
from idgraph.ingest.mapping import load_mapping
from tests.helpers import person, small_project

CASES = [  # (run_tag, job, started_at, summary)
    ("t1", "ingest", "2024-01-01T10:00:00.000001Z", {"sources": [{"source": "crm", "rows_read": 3}]}),
    ("t2", "link", "2024-01-01T10:05:00.000000Z", {"mode": "full", "thresholds": {"upper": 0.8, "lower": 0.3}}),
    ("t3", "ingest", "2024-01-02T09:00:00.000000Z", {"sources": []}),
]


def test_runs_come_back_newest_first_by_job_and_limited(store):
    for case in CASES:
        store.record_run(*case)
    runs = store.runs()
    assert [(r["run_tag"], r["job"], r["started_at"], r["summary"]) for r in runs] == list(reversed(CASES))
    assert [r["run_tag"] for r in store.runs("ingest")] == ["t3", "t1"]
    assert [r["run_tag"] for r in store.runs("ingest", limit=1)] == ["t3"]
    assert store.runs("replay") == []


def test_a_run_written_again_replaces_its_entry(store):
    store.record_run("t1", "ingest", "2024-01-01T10:00:00Z", {"sources": []})
    store.record_run("t1", "ingest", "2024-01-01T10:00:00Z", {"sources": [{"source": "crm"}]})
    (run,) = store.runs()
    assert run["summary"] == {"sources": [{"source": "crm"}]}


def test_ingest_replay_and_link_keep_their_summaries(store, tmp_path):
    crm = [person("1", "Robert", "Smith", "bob@post.co.uk"), person("2", "Bob", "Smith", "bob@post.co.uk"),
           person("", "No", "Id")]
    mapping = load_mapping(small_project(tmp_path, crm))
    ingested = ingest(store, mapping)
    replayed = replay(store, mapping, "crm")
    linked = link(store, mapping)
    runs = {r["job"]: r for r in store.runs()}
    assert set(runs) == {"ingest", "replay", "link"}
    assert runs["ingest"]["run_tag"] == ingested.run_tag and runs["replay"]["run_tag"] == replayed.run_tag
    crm_summary = runs["ingest"]["summary"]["sources"][0]
    assert crm_summary["source"] == "crm" and crm_summary["stored"] == 2 and crm_summary["quarantined"] == 1
    assert crm_summary["quarantined_by_reason"] == {"id: column 'id' is empty": 1}
    assert runs["link"]["summary"]["pairs_compared"] == linked.pairs_compared
    assert runs["link"]["summary"]["thresholds"] == linked.thresholds
    # the run log keeps no example values of the blocks blocking skipped (a surname, a postcode)
    assert all("example" not in b for rule in runs["link"]["summary"]["blocking"] for b in rule["largest_skipped"])
