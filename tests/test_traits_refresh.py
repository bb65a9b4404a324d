"""Stale traits refreshed in chunks (ingest/jobs/traits.py), on both stores: after the day changes, a
resolve computes the profiles it touched and at most one chunk of the others; chunks on their own converge
to what a whole recompute gives; the CLI's resolve finishes every chunk."""

from __future__ import annotations

import math
from contextlib import contextmanager
from datetime import date

import pytest

from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.jobs.traits import TraitSummary, refresh_traits, stamp_of
from idgraph.ingest.mapping import Mapping, load_mapping
from idgraph.lab.synthetic import generate
from tests.test_households_traits import _first_half_mapping

CHUNK = 40
DAY1, DAY2 = date(2026, 3, 1), date(2026, 3, 2)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("stale") / "data", people=300, seed=5, malformed=False)


def _on(mapping: Mapping, day: date) -> Mapping:
    """The mapping with traits measured to `day`, refreshed CHUNK profiles at a time."""
    return mapping.model_copy(update={"traits": mapping.traits.model_copy(
        update={"as_of": day.isoformat(), "refresh_chunk": CHUNK})})


def _stamps(store) -> dict[str, str]:
    return {pid: stamp for pid, stamp, _ in store.bulk("traits")}


class _Recorded:
    """A Progress that keeps each step's advances."""

    def __init__(self):
        self.advances: dict[str, list[int]] = {}

    @contextmanager
    def step(self, name: str, total: int | None = None):
        steps = self.advances.setdefault(name, [])

        class Step:
            def advance(self, n: int = 1) -> None:
                steps.append(n)

        yield Step()


def test_a_resolve_after_the_day_changed_computes_its_profiles_and_one_chunk(store, generated, tmp_path):
    day1 = _on(load_mapping(_first_half_mapping(generated, tmp_path)), DAY1)
    ingest(store, day1)
    link(store, day1)
    resolve(store, day1)
    assert set(_stamps(store).values()) == {stamp_of(day1, DAY1)}
    day2 = _on(load_mapping(generated.mapping_path), DAY2)
    new = stamp_of(day2, DAY2)
    ingest(store, day2)
    link(store, day2)
    summary = resolve(store, day2, stale_traits="chunk")
    assert summary.scope == "incremental" and summary.profile_changes
    stamps, active = _stamps(store), store.active_profiles()
    assert sorted(stamps) == active  # retired profiles' traits went with them
    assert all(stamps[p] == new for p in summary.profile_changes)  # the touched ones, under the new stamp
    t = summary.traits
    assert 0 < t.refreshed <= CHUNK and t.profiles == sum(s == new for s in stamps.values())
    assert t.stale == len(active) - t.profiles == store.stale_trait_count(new) > CHUNK

    left, calls = t.stale, 0
    while left:
        one = refresh_traits(store, day2)
        assert 0 < one.refreshed <= CHUNK and one.stale == left - one.refreshed == store.stale_trait_count(new)
        left, calls = one.stale, calls + 1
    assert calls == math.ceil(t.stale / CHUNK) and refresh_traits(store, day2) == TraitSummary()
    refreshed = sorted(store.bulk("traits"))
    assert {s for _, s, _ in refreshed} == {new}
    again = resolve(store, day2, full=True)  # a whole recompute of every profile gives the same traits
    assert again.traits.whole and sorted(store.bulk("traits")) == refreshed


def test_the_cli_resolve_finishes_every_chunk(store, generated, tmp_path):
    day1 = _on(load_mapping(generated.mapping_path), DAY1)
    ingest(store, day1)
    link(store, day1)
    resolve(store, day1)
    active = store.active_profiles()
    day2 = _on(day1, DAY2)
    progress = _Recorded()
    summary = resolve(store, day2, progress=progress)  # nothing new to resolve: the traits went stale only
    assert summary.scope == "none" and summary.traits.refreshed == len(active) and summary.traits.stale == 0
    chunks = progress.advances["refresh stale traits"]
    assert len(chunks) == math.ceil(len(active) / CHUNK) and max(chunks) == CHUNK and sum(chunks) == len(active)
    assert set(_stamps(store).values()) == {stamp_of(day2, DAY2)}
    sequence = store.marks()["sequence"]
    assert resolve(store, day2).traits == TraitSummary() and store.marks()["sequence"] == sequence  # no write
    refreshed = sorted(store.bulk("traits"))
    resolve(store, day2, full=True)
    assert sorted(store.bulk("traits")) == refreshed


def test_the_chunk_is_the_mappings_else_the_stores_own():
    """A chunk takes about 100 ms on either store at its default: 2,000 profiles embedded, 500 on Neo4j
    (measured, docs/mapping.md); a mapping's `refresh_chunk` holds on both."""
    from idgraph.graph.trait_settings import Traits

    assert (Traits().chunk_for("embedded"), Traits().chunk_for("neo4j")) == (2000, 500)
    assert Traits().chunk_for("another") == 500  # a store we have not measured: the shorter
    assert {Traits(refresh_chunk=40).chunk_for(name) for name in ("embedded", "neo4j")} == {40}
