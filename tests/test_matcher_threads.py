"""The matcher's threads: comparisons and blocking rules side by side give what one thread gives."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from idgraph.ingest.matcher import (
    FeatureTable,
    MatchSettings,
    PairContext,
    candidate_pairs,
    compute_gamma,
    records_frame,
)
from idgraph.ingest.matcher import blocking, blocking_plan, comparisons, threads
from idgraph.ingest.matcher.blocking import random_pairs
from idgraph.ingest.matcher.blocking_plan import plan_blocking, rules_to_run
from tests.helpers import matcher_people


@pytest.fixture()
def two_threads(monkeypatch):
    monkeypatch.setattr(threads, "WORKERS", 2)


def _serial(monkeypatch) -> None:
    monkeypatch.setattr(threads, "WORKERS", 1)


def test_map_ordered_keeps_the_order_and_reports_each_item_in_the_callers_thread(two_threads) -> None:
    seen: list[threading.Thread] = []

    def slow_first(x: int) -> int:
        time.sleep(0.05 if x == 0 else 0)
        return x * x

    out = threads.map_ordered(slow_first, range(6), on_done=lambda: seen.append(threading.current_thread()))
    assert out == [0, 1, 4, 9, 16, 25]
    assert seen == [threading.main_thread()] * 6


def test_map_ordered_raises_what_an_item_raised_and_gives_the_threads_memory_back(two_threads, monkeypatch) -> None:
    trimmed: list[int] = []
    monkeypatch.setattr(threads, "_give_back_freed_memory", lambda: trimmed.append(1))

    def boom(x: int) -> int:
        if x == 3:
            raise ValueError("item 3")
        return x

    with pytest.raises(ValueError, match="item 3"):
        threads.map_ordered(boom, range(5))
    assert trimmed == [1]
    assert threads.map_ordered(abs, [-1, 2]) == [1, 2] and trimmed == [1, 1]


@pytest.mark.parametrize("pairs", ["random", "blocked"])
def test_the_gamma_matrix_in_threads_is_the_one_thread_matrix(monkeypatch, pairs: str) -> None:
    features = FeatureTable(records_frame(matcher_people(1500, 11)))
    settings = MatchSettings()
    if pairs == "random":
        a, b = random_pairs(features.n, 30_000, 3)
    else:
        cand = candidate_pairs(features, rules_to_run(plan_blocking(features, settings)), 500)
        a, b = cand.a, cand.b
    monkeypatch.setattr(comparisons, "PARALLEL_PAIRS", 1)
    _serial(monkeypatch)
    one = compute_gamma(PairContext(features, a, b), settings.comparisons)
    monkeypatch.setattr(threads, "WORKERS", 2)
    done: list[int] = []
    two = compute_gamma(PairContext(FeatureTable(features.frame), a, b), settings.comparisons,
                        on_done=lambda: done.append(1))
    assert len(done) == len(settings.comparisons)
    assert len(np.unique(one, axis=0)) > 5  # the pairs reach many levels, not only "else"
    assert np.array_equal(one, two)


def test_blocking_rules_in_threads_give_the_one_thread_plan_pairs_and_credits(monkeypatch) -> None:
    features = FeatureTable(records_frame(matcher_people(1500, 11)))
    settings = MatchSettings.from_dict({"blocking": {"pairs_per_record": 2, "min_pairs": 0}})  # some tightened
    monkeypatch.setattr(blocking, "PARALLEL_RECORDS", 1)
    monkeypatch.setattr(blocking_plan, "PARALLEL_RECORDS", 1)
    _serial(monkeypatch)
    plan_one = plan_blocking(features, settings)
    rules = rules_to_run(plan_one)
    assert len(rules) >= 2 and {p.decision for p in plan_one} >= {"kept", "tightened"}
    one = candidate_pairs(features, rules, 500)
    monkeypatch.setattr(threads, "WORKERS", 2)
    plan_two = plan_blocking(FeatureTable(features.frame), settings)
    assert [p.as_dict() for p in plan_one] == [p.as_dict() for p in plan_two]
    two = candidate_pairs(FeatureTable(features.frame), rules, 500)
    assert len(one) > 1000
    assert np.array_equal(one.a, two.a) and np.array_equal(one.b, two.b) and np.array_equal(one.rule, two.rule)
    assert [s.as_dict() for s in one.stats] == [s.as_dict() for s in two.stats]


def test_a_feature_asked_for_by_several_threads_at_once_is_built_once(monkeypatch) -> None:
    features = FeatureTable(records_frame(matcher_people(1500, 11)))
    built: list[str] = []
    real = features._build

    def slow_build(name: str):
        built.append(name)
        time.sleep(0.05)  # long enough for every thread to ask before the first has it
        return real(name)

    monkeypatch.setattr(features, "_build", slow_build)
    got: list = []
    workers = [threading.Thread(target=lambda: got.append(features.get("last_name"))) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert built == ["last_name"]
    assert len(got) == 4 and all(g is got[0] for g in got)


def test_the_operator_chooses_the_number_of_threads(monkeypatch) -> None:
    monkeypatch.setenv(threads.THREADS_VARIABLE, "3")
    assert threads.workers() == 3
    monkeypatch.setenv(threads.THREADS_VARIABLE, "0")
    assert threads.workers() == 1
    monkeypatch.delenv(threads.THREADS_VARIABLE)
    assert 1 <= threads.workers() <= 4
    monkeypatch.setenv(threads.THREADS_VARIABLE, "many")
    with pytest.raises(threads.ThreadsSettingError, match="IDGRAPH_MATCHER_THREADS='many': give a whole number"):
        threads.map_ordered(abs, [-1, 2])


def test_beside_runs_on_a_thread_of_its_own_only_when_two_are_allowed(monkeypatch) -> None:
    where: list[threading.Thread] = []

    def note(x: int) -> int:
        where.append(threading.current_thread())
        return x + 1

    monkeypatch.setattr(threads, "WORKERS", 1)
    later = threads.beside(note, 1)
    assert where == []  # nothing ran yet: with one thread it runs when asked
    assert later() == 2 and where == [threading.main_thread()]
    monkeypatch.setattr(threads, "WORKERS", 2)
    assert threads.beside(note, 2)() == 3 and where[1] is not threading.main_thread()
