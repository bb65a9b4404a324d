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


# -- finding 7: a source name is the first part of every record id -----------------------------------
@pytest.mark.parametrize("name", ["a:x", "crm web", "1crm", "crm.v2", "../etc", "", "x" * 65, "café"])
def test_source_names_that_could_collide_or_escape_are_refused(tmp_path, name):
    mapping = {"sources": {name: BASE["sources"]["crm"]}}
    with pytest.raises(MappingError) as err:
        load_mapping(write(tmp_path, mapping))
    assert str(tmp_path / "idgraph.yaml") in str(err.value) and f"source {name!r}" in str(err.value)
    assert "field name" in str(err.value) and "letter" in str(err.value)


def test_record_ids_may_hold_colons_and_never_collide(tmp_path, store):
    """`a` + `x:1` is the record a:x:1; a source `a:x` (which would make `a:x` + `1` the same uid) is refused,
    so a uid splits at its first colon into source and id."""
    path = small_project(tmp_path, [person("x:1", "Ann", "Lee", "ann@mail.co.uk")])
    raw = yaml.safe_load(path.read_text())
    raw["sources"] = {"a": raw["sources"]["crm"], "a-x": {**raw["sources"]["crm"], "path": "crm2.csv"}}
    path.write_text(yaml.safe_dump(raw))
    (tmp_path / "crm2.csv").write_text((tmp_path / "crm.csv").read_text().replace("x:1", "1"))
    summary = ingest(store, load_mapping(path))
    assert summary.balanced and [s.stored for s in summary.sources] == [1, 1]
    assert [c["uid"] for c in store.find_customers("record", "a:x:1")] == ["a:x:1"]
    assert {(source, sid) for _, source, sid, _ in store.bulk("records")} == {("a", "x:1"), ("a-x", "1")}
    assert {c["uid"] for c in store.find_customers("email", "ann@mail.co.uk")} == {"a:x:1", "a-x:1"}


def test_a_source_name_with_a_colon_is_exit_2_through_the_cli(tmp_path):
    from typer.testing import CliRunner

    from idgraph.cli.app import app

    path = write(tmp_path, {"sources": {"a:x": BASE["sources"]["crm"]}})
    result = CliRunner().invoke(app, ["-m", str(path), "ingest"])
    assert result.exit_code == 2 and "source 'a:x', field name" in " ".join(result.output.split())


# -- finding 8: settings that used to stop an ingest with a traceback --------------------------------
@pytest.mark.parametrize("change, field, expected", [
    ({"fields": {"email": "email", "dob": {"column": "d", "format": "%Q"}}}, "'dob'", "bad date/time format '%Q'"),
    ({"fields": {"email": "email", "updated_at": {"column": "u", "format": "epoc"}}}, "'updated_at'",
     "unknown date/time format 'epoc'"),
    ({"kind": "interaction", "id": None, "fields": {"timestamp": {"column": "t", "format": "%Y-%m-%d %"}}},
     "'timestamp'", "bad date/time format"),
    ({"encoding": "utf-9"}, "field encoding", "unknown encoding 'utf-9'"),
    ({"encoding": "utf-16"}, "field encoding", "line by line"),
    ({"encoding": "base64"}, "field encoding", "unknown encoding 'base64'"),
    ({"phone_region": "XX"}, "field phone_region", "unknown phone region 'XX'"),
    ({"phone_region": "usa"}, "field phone_region", "unknown phone region 'usa'"),
    ({"delimiter": ""}, "field delimiter", "one character"),
    ({"delimiter": ";;"}, "field delimiter", "one character"),
    ({"delimiter": '"'}, "field delimiter", "one character"),
])
def test_bad_settings_are_one_message_naming_file_source_and_field(tmp_path, change, field, expected):
    mapping = {"sources": {"crm": {**BASE["sources"]["crm"], **change}}}
    with pytest.raises(MappingError) as err:
        load_mapping(write(tmp_path, mapping))
    message = str(err.value)
    assert str(tmp_path / "idgraph.yaml") in message and "source 'crm'" in message
    assert field in message and expected in message


@pytest.mark.parametrize("top, expected", [
    ({"phone_region": "usa"}, "field phone_region: unknown phone region 'usa'"),
    ({"quarantine_dir": "crm.csv"}, "quarantine_dir: "),
    ({"quarantine_dir": "crm.csv/rows"}, "is a file, not a folder"),
])
def test_bad_project_settings_name_the_field(tmp_path, top, expected):
    (tmp_path / "crm.csv").write_text("id,email\n")
    with pytest.raises(MappingError) as err:
        load_mapping(write(tmp_path, {**top, **BASE}))
    assert str(tmp_path / "idgraph.yaml") in str(err.value) and expected in str(err.value)


def test_good_settings_still_load(tmp_path):
    crm = {**BASE["sources"]["crm"], "encoding": "latin-1", "delimiter": "\t", "phone_region": "uk",
           "fields": {"email": "email", "dob": {"column": "d", "format": "%d/%m/%Y"},
                      "updated_at": {"column": "u", "format": "epoch_ms"}}}
    mapping = load_mapping(write(tmp_path, {"phone_region": "gb", "quarantine_dir": "q/rows", "sources": {"crm": crm}}))
    assert mapping.region(mapping.source("crm")) == "UK" and mapping.source("crm").delimiter == "\t"


@pytest.mark.parametrize("change", [{"encoding": "utf-9"}, {"phone_region": "XX"}, {"delimiter": ""},
                                    {"fields": {"email": "email", "dob": {"column": "d", "format": "%Q"}}}])
def test_bad_settings_are_exit_2_not_a_traceback(tmp_path, change):
    from typer.testing import CliRunner

    from idgraph.cli.app import app

    (tmp_path / "crm.csv").write_text("id,email,d\n1,a@x.co,01/02/1990\n")
    path = write(tmp_path, {"sources": {"crm": {**BASE["sources"]["crm"], **change}}})
    result = CliRunner().invoke(app, ["-m", str(path), "ingest"])
    assert result.exit_code == 2 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output and "source 'crm'" in " ".join(result.output.split())
