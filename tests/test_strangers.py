"""No chains of strangers: records one component joins although their fields say two people are cut apart.

Unit cases on the pieces, then the whole of resolve on both stores: a model file written by hand (so the
figures are known) beside a small project.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from idgraph.graph.judgements import separate
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.ingest.matcher import MatchSettings, Model, Prior, records_frame, settings_for
from idgraph.ingest.matcher import comparisons as lib
from idgraph.ingest.matcher.model import CoHolderParams
from idgraph.ingest.jobs.model import model_path_for
from idgraph.ingest.strangers import component_pairs, conflicts
from tests.helpers import person, small_project


def model() -> Model:
    """Given name, surname, date of birth: round m and u, and a co-holder share of 0.9."""
    comps = [lib.first_name(), lib.last_name(), lib.dob()]
    m, u = [], []
    for c in comps:
        k = len(c.levels)
        m.append(np.array([0.0, 0.9, *[0.09 / (k - 3)] * (k - 3), 0.01]))
        u.append(np.array([0.0, 0.01, *[0.01 / (k - 3)] * (k - 3), 0.98]))
    built = Model.build(comps, m, u, [[""] * len(c.levels) for c in comps],
                        Prior(probability=1e-4, records=10_000, matches_per_record=1.0), MatchSettings().thresholds, {})
    built.co_holder = CoHolderParams(probability=0.9, pairs=1000, comparisons=["first_name", "last_name", "dob"],
                                     weight={c.name: [lv.weight for lv in c.levels] for c in built.comparisons})
    return built


def test_component_pairs_and_what_is_too_large():
    comp = pl.DataFrame({"uid": [f"r{i}" for i in range(8)], "component": [0, 0, 0, 1, 2, 2, 2, 2]})
    pairs, unchecked = component_pairs(comp, max_size=3)
    assert pairs.rows() == [("r0", "r1"), ("r0", "r2"), ("r1", "r2")]
    assert unchecked == 1


def test_a_chain_through_a_bare_record_is_a_conflict_between_its_ends():
    frame = records_frame([
        {"uid": "crm:a", "first_name": "mary", "last_name": "smith", "dob": "1970-01-01"},
        {"uid": "newsletter:b"},  # only an email and a phone, in the real graph
        {"uid": "loyalty:c", "first_name": "john", "last_name": "jones", "dob": "1950-06-06"},
    ])
    comp = pl.DataFrame({"uid": ["crm:a", "newsletter:b", "loyalty:c"], "component": [0, 0, 0]})
    found, _ = conflicts(comp, frame, model(), min_probability=0.05)
    assert [(c["a_uid"], c["b_uid"]) for c in found] == [("crm:a", "loyalty:c")]
    assert found[0]["against"] == ["first_name else", "last_name else", "dob else"]
    assert conflicts(comp, frame, model(), min_probability=0.0)[0] == []
    assert conflicts(comp, frame, None, min_probability=0.05)[0] == []  # no model: nothing to weigh


def test_evidence_is_cut_at_the_weakest_link_but_never_through_a_merge():
    comp = pl.DataFrame({"uid": ["a", "b", "c"], "component": [0, 0, 0]})
    edges = pl.DataFrame({"a": ["a", "b"], "b": ["email:x", "c"], "kind": ["identifier", "probable"],
                          "weight": [1.0, 0.85]}).vstack(
        pl.DataFrame({"a": ["b"], "b": ["email:x"], "kind": ["identifier"], "weight": [1.0]}))
    evidence = [{"kind": "not_same", "judgement_id": "evidence", "a_uid": "a", "b_uid": "c", "probability": 0.01,
                 "against": ["first_name else"]}]
    split, cuts = separate(comp, edges, [], evidence)
    groups = {frozenset(g) for g in split.group_by("component").agg("uid")["uid"].to_list()}
    assert groups == {frozenset({"a", "b"}), frozenset({"c"})}  # the 0.85 link, not the email
    assert cuts[0]["evidence"][0]["against"] == ["first_name else"]
    merged = edges.vstack(pl.DataFrame({"a": ["a"], "b": ["c"], "kind": ["same"], "weight": [1.0]}))
    kept, none = separate(comp, merged, [], evidence)
    assert kept["component"].n_unique() == 1 and none == []


CRM = [
    person("1", "Mary", "Smith", "home@post.co.uk", "", "1970-01-01"),
    person("2", "", "", "home@post.co.uk", "07700 900001", ""),
    person("3", "John", "Jones", "", "07700900001", "1950-06-06"),
    person("4", "Anna", "Brown", "anna@post.co.uk", "", "1990-03-03"),
    person("5", "Anna", "Brown", "anna@post.co.uk", "", "1990-03-03"),
]


def test_resolve_cuts_a_chain_of_strangers_and_says_so(store, tmp_path):
    path = small_project(tmp_path, CRM)
    mapping = load_mapping(path)
    model().save(model_path_for(mapping, settings_for(mapping)))
    ingest(store, mapping)
    summary = resolve(store, mapping)
    groups: dict[str, set[str]] = {}
    for kind, source, record_id, pid in store.bulk("records"):
        if kind == "customer":
            groups.setdefault(pid, set()).add(f"{source}:{record_id}")
    parts = {frozenset(g) for g in groups.values()}
    assert frozenset({"crm:4", "crm:5"}) in parts
    assert not any({"crm:1", "crm:3"} <= g for g in parts)  # Mary and John apart
    assert summary.strangers_cut == 1
    entries = [e for e in store.audit() if e["action"] == "links_cut"]
    assert entries and "evidence" in entries[0]["details"]
    # a second resolve changes nothing: the cut is made again from the same evidence
    assert resolve(store, mapping).scope == "none"
    again = {frozenset(g) for g in _groups(store).values()}
    assert again == parts


def _groups(store) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for kind, source, record_id, pid in store.bulk("records"):
        if kind == "customer":
            groups.setdefault(pid, set()).add(f"{source}:{record_id}")
    return groups
