"""Settings and the model file round-trip; scores classify into links and the review queue with evidence."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from idgraph.graph.errors import MappingError
from idgraph.ingest.matcher import (
    FeatureTable,
    MatchSettings,
    Model,
    PairContext,
    Prior,
    classify,
    compute_gamma,
    evidence,
    records_frame,
    score,
    settings_for,
    train,
)
from idgraph.ingest.matcher.model import ModelError
from tests.helpers import matcher_people


def test_default_settings_round_trip() -> None:
    s = MatchSettings()
    again = MatchSettings.from_dict(s.to_dict())
    assert again == s
    assert again.to_dict() == s.to_dict()


def test_settings_from_the_mapping_section() -> None:
    raw = yaml.safe_load("""
blocking:
  max_block_size: 50
  rules:
    - [last_name.metaphone, dob.year]
    - {name: phone, keys: [phones.last7]}
comparisons: [first_name, last_name, dob, email]
thresholds: {upper: 0.99, lower: 0.5}
""")
    s = MatchSettings.from_dict(raw)
    assert [r.name for r in s.blocking.rules] == ["last_name.metaphone+dob.year", "phone"]
    assert [c.name for c in s.comparisons] == ["first_name", "last_name", "dob", "email"]
    assert s.thresholds.upper == 0.99
    # the household context needs `location`, which this mapping leaves out: dropped, namesake kept
    assert [c.name for c in s.training.contexts] == ["namesake"]
    assert MatchSettings.from_dict(s.to_dict()) == s


def test_settings_for_accepts_a_mapping_like_object() -> None:
    class M:
        matching = {"thresholds": {"upper": 0.9, "lower": 0.6}}

    assert settings_for(M()).thresholds.lower == 0.6
    assert settings_for(None) == MatchSettings()


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"thresholds": {"upper": 0.5, "lower": 0.9}}, "must not exceed"),
        ({"comparisons": ["shoe_size"]}, "unknown comparison"),
        ({"blocking": {"max_block_size": 1}}, "matching.blocking.max_block_size"),
        ({"blocking": {"rules": [{"keys": ["a", "b"], "match": ["c"]}]}}, "one feature with one feature"),
        ({"colour": "blue"}, "matching.colour"),
    ],
)
def test_bad_settings_name_the_field(raw: dict, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        MatchSettings.from_dict(raw)


def test_classify_thresholds() -> None:
    p = np.array([0.1, 0.79, 0.8, 0.9, 0.995, 0.999])
    assert classify(p, upper=0.995, lower=0.8).tolist() == [0, 0, 1, 1, 2, 2]


@pytest.fixture(scope="module")
def trained() -> tuple[FeatureTable, Model]:
    features = FeatureTable(records_frame(matcher_people()))
    settings = MatchSettings.from_dict({"training": {"u_pairs": 20000}})
    return features, train(features, settings)


def test_training_finds_the_duplicates(trained) -> None:
    features, model = trained
    uid = features.frame["uid"].to_list()
    settings = MatchSettings()
    from idgraph.ingest.matcher import candidate_pairs

    cand = candidate_pairs(features, settings.blocking.rules, settings.blocking.max_block_size)
    gamma = compute_gamma(PairContext(features, cand.a, cand.b), model.definitions())
    scores = score(model, features, cand.a, cand.b, gamma)
    verdict = classify(scores.probability, model.thresholds.upper, model.thresholds.lower)
    truth = np.array([uid[x].split(":")[1] == uid[y].split(":")[1] for x, y in zip(cand.a, cand.b)])
    linked = verdict == 2
    assert truth[linked].mean() >= 0.98  # precise
    assert linked[truth].mean() >= 0.9  # and finds them
    weights = {r["label"]: r["weight"] for r in model.table() if r["comparison"] == "first_name"}
    assert min(weights["exact"], weights["nickname"]) > 0 > weights["else"]
    # the evidence of a link: each comparison's level and weight, as JSON
    rows = np.flatnonzero(linked)[:3]
    for text in evidence(model, gamma, scores, rows).to_list():
        ev = json.loads(text)
        assert {"first_name", "last_name", "dob", "prior", "match_weight", "probability"} <= ev.keys()
        assert {"level", "weight"} <= ev["dob"].keys()


def test_model_file_round_trips(trained, tmp_path: Path) -> None:
    _, model = trained
    path = tmp_path / "m.json"
    model.save(path)
    raw = json.loads(path.read_text())
    assert raw["prior"]["probability"] > 0
    level = raw["comparisons"][0]["levels"][1]
    assert {"label", "m", "u", "weight"} <= level.keys()
    again = Model.load(path)
    assert again == model
    assert again.differs_from(MatchSettings().comparisons) == []
    assert [len(t) for t in again.weight_tables()] == [len(c.levels) for c in model.comparisons]


def test_model_load_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="no model file"):
        Model.load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(ModelError, match="format"):
        Model.load(bad)


def test_prior_scales_with_the_number_of_records() -> None:
    prior = Prior(probability=1e-4, records=20001, matches_per_record=2.0)
    assert prior.at(20001) == pytest.approx(1e-4)
    assert prior.at(200001) == pytest.approx(1e-5)


@pytest.mark.parametrize("high", [3, 1_000, 2**40, 2**61])
def test_distinct_value_pairs_are_those_of_numpy_unique(high):
    # 2**61 leaves no room to pack positions: the fallback to np.unique
    from idgraph.ingest.matcher.arrays import distinct

    keys = np.random.default_rng(high % 97).integers(0, high, 5_000, dtype=np.int64)
    got, where = distinct(keys)
    want, inverse = np.unique(keys, return_inverse=True)
    assert np.array_equal(got, want) and np.array_equal(where, inverse)
    assert np.array_equal(got[where], keys)
