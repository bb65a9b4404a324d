"""Which identifiers resolve's guard judges: those of the records no guard has judged yet.

The link job guards what it links before it advances its watermark, resolve guards before it reads past
its own, and every write that changes who holds an identifier stamps the records' link sequence; so a
resolve right after a link run judges nothing again, one after an ingest that no link run saw judges the
new records, and the next one (still no link run, as in a service) only those that came since. Both stores.
"""

from __future__ import annotations

import pytest

from idgraph.ingest.jobs import resolve as resolve_job
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from tests.helpers import person, small_project

# Two strangers on one landline among people of their own, then two more strangers on a second line.
FIRST = [person("1", "tom", "evans", phone="01632 960001", dob="1950-01-02"),
         person("2", "lucy", "evans", phone="01632 960001", dob="1990-07-08"),
         *(person(str(i), name, "smith", email=f"{name}@example.org") for i, name in
           enumerate(["ann", "bea", "cal", "dan", "eve", "fay", "gus"], start=3))]
LATER = [person("10", "amir", "khan", phone="01632 960002", dob="1961-03-04"),
         person("11", "zoe", "lee", phone="01632 960002", dob="2001-11-12")]


def _shared(store) -> dict[str, bool]:
    members = store.identifier_members(None)
    return dict(zip(members["value"], members["shared"]))


@pytest.fixture
def guard_calls(monkeypatch) -> list:
    calls = []
    real = resolve_job.run_guard

    def recording(store, mapping, scope, model):
        calls.append(None if scope is None else sorted(scope))
        return real(store, mapping, scope, model)

    monkeypatch.setattr(resolve_job, "run_guard", recording)
    return calls


def test_resolve_right_after_a_link_run_does_not_judge_again(store, tmp_path, guard_calls):
    mapping = load_mapping(small_project(tmp_path, FIRST))
    ingest(store, mapping)
    link(store, mapping)
    assert _shared(store) == {"+441632960001": True}
    resolve(store, mapping)
    assert guard_calls == []
    assert _shared(store) == {"+441632960001": True}


def test_resolve_judges_what_no_link_run_has_seen(store, tmp_path, guard_calls):
    mapping = load_mapping(small_project(tmp_path, FIRST))
    ingest(store, mapping)
    link(store, mapping)
    resolve(store, mapping)
    mapping = load_mapping(small_project(tmp_path, FIRST + LATER))
    ingest(store, mapping)
    resolve(store, mapping)
    assert guard_calls == [["crm:10", "crm:11"]]
    assert _shared(store) == {"+441632960001": True, "+441632960002": True}
    assert len(set(store.record_profiles(["crm:10", "crm:11"]).values())) == 2


def test_resolves_without_a_link_run_judge_only_what_came_since_the_last(store, tmp_path, guard_calls):
    mapping = load_mapping(small_project(tmp_path, FIRST))
    ingest(store, mapping)
    link(store, mapping)
    resolve(store, mapping)
    mapping = load_mapping(small_project(tmp_path, FIRST + LATER[:1]))
    ingest(store, mapping)
    resolve(store, mapping)
    mapping = load_mapping(small_project(tmp_path, FIRST + LATER))
    ingest(store, mapping)
    resolve(store, mapping)
    assert guard_calls == [["crm:10"], ["crm:11"]]  # not crm:10 again at the second
    assert _shared(store) == {"+441632960001": True, "+441632960002": True}
    assert len(set(store.record_profiles(["crm:10", "crm:11"]).values())) == 2


def test_resolve_full_judges_everything(store, tmp_path, guard_calls):
    mapping = load_mapping(small_project(tmp_path, FIRST))
    ingest(store, mapping)
    link(store, mapping)
    resolve(store, mapping, full=True)
    assert guard_calls == [None]


def test_a_link_run_that_trains_reads_the_holders_of_identifiers_once_for_training_and_guard(
        store, tmp_path, monkeypatch):
    mapping = load_mapping(small_project(tmp_path, FIRST + LATER))
    ingest(store, mapping)
    asked = []
    real = store.identifier_members

    def counting(uids=None):
        asked.append(uids)
        return real(uids)

    monkeypatch.setattr(store, "identifier_members", counting)
    summary = link(store, mapping)
    assert summary.model_trained
    assert asked == [None]  # read once, every identifier, and weighed by both
    assert _shared(store) == {"+441632960001": True, "+441632960002": True}
