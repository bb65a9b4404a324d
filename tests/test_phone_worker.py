"""Phones parsed by ingest's phone worker (ingest/phone_worker.py), a child process, are stored exactly as the
main thread would have stored them, and a worker that fails only hands the phones back to the main thread."""

from __future__ import annotations

import importlib

import pytest

from idgraph.ingest import phone_worker
from idgraph.ingest.jobs import ingest as ingest_job
from idgraph.ingest.normalise import InvalidValue
from idgraph.lab.synthetic import generate
from tests.ingest_compare import run
from tests.test_ingest_columnar import assert_same, corpus

phone_module = importlib.import_module("idgraph.ingest.normalise.phone")


@pytest.fixture
def workers(monkeypatch):
    """Every block's phones go to the worker; the workers that started a child, and the texts whose results
    came back."""
    monkeypatch.setattr(phone_worker, "MIN_TEXTS", 1)
    made, answered = [], []

    class Recorded(phone_worker.PhoneWorker):
        def _started(self):
            if self._child is None:
                made.append(self)
            return super()._started()

    def remember(texts, region, results):
        answered.extend(texts)
        phone_module.remember(texts, region, results)

    monkeypatch.setattr(ingest_job, "PhoneWorker", Recorded)
    monkeypatch.setattr(phone_worker, "remember", remember)
    return made, answered


def test_phones_parsed_by_the_worker_are_stored_as_the_row_path_stores_them(tmp_path, workers):
    made, answered = workers
    folder = corpus(tmp_path / "corpus")
    rows = run(folder, tmp_path / "rows", columnar=False, times=2)
    with_worker = run(folder, tmp_path / "worker", columnar=True, times=2)
    assert_same(rows, with_worker)
    assert len(made) == 2 and all(w._child is None and not w._broken for w in made)  # ended with its job
    assert {"07700 900123", "999"} <= set(answered)
    first = {s["source"]: s for s in with_worker["summaries"][0]}
    assert "phone: phone-invalid" in first["calls"]["values_set_aside"]  # an unusable phone, as the row path


def test_generated_phones_through_the_worker_are_stored_alike(tmp_path, workers):
    _, answered = workers
    generate(tmp_path / "gen", people=600, seed=5)
    assert_same(run(tmp_path / "gen", tmp_path / "rows", columnar=False),
                run(tmp_path / "gen", tmp_path / "worker", columnar=True))
    assert len(answered) > 300


@pytest.mark.parametrize("child", [
    "import sys; sys.exit(3)",  # dies at once
    "import sys\nfor line in sys.stdin:\n    print('[1]', flush=True)",  # answers the wrong number of results
    "import sys\nfor line in sys.stdin:\n    print('not json', flush=True)",
])
def test_a_failing_worker_leaves_the_phones_to_the_main_thread(tmp_path, workers, monkeypatch, child):
    made, answered = workers
    monkeypatch.setattr(phone_worker, "_CHILD", child)
    folder = corpus(tmp_path / "corpus")
    assert_same(run(folder, tmp_path / "rows", columnar=False), run(folder, tmp_path / "worker", columnar=True))
    assert answered == [] and len(made) == 1 and made[0]._broken and made[0]._child is None


def test_a_block_takes_its_own_answer_past_those_of_blocks_that_never_took_theirs(monkeypatch):
    """A block that raised after sending its phones leaves its answer unread: the next block's results
    are its own, never the last block's."""
    monkeypatch.setattr(phone_worker, "MIN_TEXTS", 1)
    worker = phone_worker.PhoneWorker()
    try:
        worker.submit(["020 7946 0958", "0113 496 0000"], "GB")  # never taken
        texts = ["07700 900123", "not a phone"]
        with worker.submit(texts, "GB") as pending:
            assert pending.installed
            assert [phone_module._given[(t, "GB")] for t in texts[:1]] == ["+447700900123"]
            assert isinstance(phone_module._given[("not a phone", "GB")], InvalidValue)
            assert ("020 7946 0958", "GB") not in phone_module._given
        assert phone_module._given == {} and not worker._broken
    finally:
        worker.close()


def test_an_answer_for_another_block_gives_the_worker_up(monkeypatch):
    monkeypatch.setattr(phone_worker, "MIN_TEXTS", 1)
    monkeypatch.setattr(phone_worker, "_CHILD", "import json, sys\nfor line in sys.stdin:\n"
                        "    print(json.dumps({'block': 7, 'results': [None]}), flush=True)")
    worker = phone_worker.PhoneWorker()
    with worker.submit(["07700 900123"], "GB") as pending:
        assert not pending.installed
    assert worker._broken and worker._child is None
    assert not worker.submit(["07700 900123"], "GB").installed


def test_a_small_ingest_starts_no_process(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(phone_worker.PhoneWorker, "_started", lambda self: started.append(1))
    folder = corpus(tmp_path / "corpus")
    run(folder, tmp_path / "small", columnar=True)
    assert started == []


def test_results_given_serve_phone_until_forgotten():
    texts = ["020 7946 0958", "not a phone", " "]
    assert phone_module.parse_many(texts, "gb") == ["+442079460958", False, None]
    phone_module.remember(["0123"], "gb", ["+440000000000"])  # a result only the given table would give
    phone_module.remember(["+44 20 7946 0958"], "GB", [False])
    try:
        assert phone_module.phone("0123", "GB") == "+440000000000"
        with pytest.raises(InvalidValue) as given:
            phone_module.phone("+44 20 7946 0958", "GB")
        assert given.value.reason == "phone-invalid" and given.value.value == "+44 20 7946 0958"
    finally:
        phone_module.forget()
    assert phone_module.phone("+44 20 7946 0958", "GB") == "+442079460958"
    with pytest.raises(InvalidValue):
        phone_module.phone("0123", "GB")
