"""The mapping file: valid files load, and every mistake is one message naming file, source and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from idgraph.graph.errors import MappingError, SourceError
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from tests.helpers import person, small_project


def write(tmp_path: Path, mapping: dict) -> Path:
    path = tmp_path / "idgraph.yaml"
    path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    return path


BASE = {"sources": {"crm": {"path": "crm.csv", "id": "id", "fields": {"email": "email"}}}}


def test_template_shipped_with_init_is_valid(tmp_path):
    from importlib.resources import files

    path = tmp_path / "idgraph.yaml"
    path.write_text(files("idgraph.ingest").joinpath("data/mapping_template.yaml").read_text(), encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.source("crm").columns("phone")[1].column == "home_phone"


@pytest.mark.parametrize("change, expected", [
    ({"fields": {"emial": "email"}}, "source 'crm'"),
    ({"fields": {"emial": "email"}}, "unknown role"),
    ({"format": "xlsx"}, "field format"),
    ({"id": None}, "needs an id"),
    ({"kind": "interaction", "fields": {"email": "e"}}, "needs a timestamp"),
    ({"fields": {"first_name": ["a", "b"]}}, "take several columns"),
    ({"kind": "interaction", "fields": {"timestamp": "ts", "customer_ref": "crm_id"}}, "name the source"),
    ({"fields": {"dob": {"column": "d", "fromat": "%Y"}}}, "fromat"),
])
def test_mistakes_name_source_and_field(tmp_path, change, expected):
    mapping = {"sources": {"crm": {**BASE["sources"]["crm"], **change}}}
    with pytest.raises(MappingError) as err:
        load_mapping(write(tmp_path, mapping))
    assert str(tmp_path / "idgraph.yaml") in str(err.value) and expected in str(err.value)


def test_reference_to_unknown_source(tmp_path):
    mapping = {"sources": {"web": {"path": "w.csv", "kind": "interaction", "fields": {
        "timestamp": "ts", "customer_ref": {"column": "u", "source": "crn"}}}}}
    with pytest.raises(MappingError, match="unknown source 'crn'"):
        load_mapping(write(tmp_path, mapping))


def test_missing_and_unreadable_mapping(tmp_path):
    with pytest.raises(MappingError, match="not found"):
        load_mapping(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: [unclosed", encoding="utf-8")
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(bad)


def test_missing_column_names_file_source_and_field(tmp_path, store):
    path = small_project(tmp_path, [person("1", "A", "B")])
    raw = yaml.safe_load(path.read_text())
    raw["sources"]["crm"]["fields"]["city"] = "Town"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(SourceError) as err:
        ingest(store, load_mapping(path))
    assert "crm.csv" in str(err.value) and "'crm'" in str(err.value) and "'city'" in str(err.value)


def test_missing_source_file(tmp_path, store):
    path = small_project(tmp_path, [person("1", "A", "B")])
    (tmp_path / "crm.csv").unlink()
    with pytest.raises(SourceError, match="no file matches"):
        ingest(store, load_mapping(path))
