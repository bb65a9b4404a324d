"""Readers: a broken row costs that row only, with its exact text and line; nothing is read wrong silently."""

from __future__ import annotations

import base64
import json

import pytest

from idgraph.graph.errors import SourceError
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import Source, load_mapping
from idgraph.ingest.readers import BadRow, RawRow, read_source
from tests.helpers import person, small_project


@pytest.fixture
def store(tmp_path):
    """The embedded store only: what is tested here is reading, the same for either store."""
    s = SQLiteStore(tmp_path / "store.db")
    s.init()
    yield s
    s.close()


def csv_source(**extra) -> Source:
    return Source(name="crm", path="crm.csv", id="id", fields={"first_name": "first", "email": "email"}, **extra)


def jsonl_source() -> Source:
    return Source(name="news", path="n.jsonl", format="jsonl", id={"role": "email"}, fields={"email": "email"})


def read(path, source) -> list[RawRow | BadRow]:
    return list(read_source(path, source))


def good(rows) -> list[tuple[int, dict]]:
    return [(r.line, r.values) for r in rows if isinstance(r, RawRow)]


def bad(rows) -> list[tuple[int, str, str]]:
    return [(r.line, r.raw, r.reason) for r in rows if isinstance(r, BadRow)]


# -- finding 6: one stray quote must cost one row, not the rest of the file ------------------------
def test_a_stray_quote_costs_its_own_line_only(tmp_path):
    lines = ["id,first,email"] + [f"{n},Name{n},p{n}@mail.co.uk" for n in range(1, 1302)]
    lines[20] = '20,"Broken,p20@mail.co.uk'  # an opening quote that never closes (physical line 21)
    path = tmp_path / "crm.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = read(path, csv_source())
    assert len(rows) == 1301  # every data line is a row: 1,300 good and the broken one
    assert bad(rows) == [(21, '20,"Broken,p20@mail.co.uk', "unterminated quote")]
    assert [line for line, _ in good(rows)] == [n for n in range(2, 1303) if n != 21]
    assert good(rows)[-1] == (1302, {"id": "1301", "first": "Name1301", "email": "p1301@mail.co.uk"})


def test_a_stray_quote_through_ingest_is_one_quarantined_row_with_its_text(tmp_path, store):
    crm = [person(str(n), f"Name{n}", "Lee", f"p{n}@mail.co.uk") for n in range(1, 1302)]
    path = small_project(tmp_path, crm)
    lines = (tmp_path / "crm.csv").read_text(encoding="utf-8").split("\n")
    lines[300] = lines[300].replace("Name300", '"Name300')
    (tmp_path / "crm.csv").write_text("\n".join(lines), encoding="utf-8")
    s = ingest(store, load_mapping(path)).sources[0]
    assert (s.rows_read, s.stored, s.quarantined) == (1301, 1300, 1) and s.balanced
    (entry,) = [json.loads(x) for x in (tmp_path / "quarantine" / "crm.jsonl").read_text().splitlines()]
    assert (entry["line"], entry["reason"], entry["raw"]) == (301, "unterminated quote", lines[300])


def test_quoted_fields_may_span_lines(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(b'id,first,email\n1,"Ann\nMarie",a@x.co\r\n2,"Bob ""B""\r\nJr",b@x.co\n3,Cy,c@x.co')
    rows = read(path, csv_source())
    assert good(rows) == [(2, {"id": "1", "first": "Ann\nMarie", "email": "a@x.co"}),
                          (4, {"id": "2", "first": 'Bob "B"\r\nJr', "email": "b@x.co"}),
                          (6, {"id": "3", "first": "Cy", "email": "c@x.co"})]
    assert [r.raw for r in rows] == ['1,"Ann\nMarie",a@x.co', '2,"Bob ""B""\r\nJr",b@x.co', "3,Cy,c@x.co"]


def test_a_continuation_is_taken_only_when_it_makes_a_whole_row(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text('id,first,email\n1,"Ann,a@x.co\n2,"Bob",b@x.co\n3,"x\ny",c@x.co,extra,more\n4,Di,d@x.co\n',
                    encoding="utf-8")
    rows = read(path, csv_source())
    # line 2's quote would close on line 3 at "Bob (a closing quote followed by B): not a row, so line 2
    # alone is set aside; lines 4-5 close the quote but make 5 columns, not 3: line 4 alone is set aside
    # and line 5 is read as a line of its own
    assert bad(rows) == [(2, '1,"Ann,a@x.co', "unterminated quote"), (4, '3,"x', "unterminated quote"),
                         (5, 'y",c@x.co,extra,more', "expected 3 columns, got 4")]
    assert good(rows) == [(3, {"id": "2", "first": "Bob", "email": "b@x.co"}),
                          (6, {"id": "4", "first": "Di", "email": "d@x.co"})]


def test_a_quote_open_at_the_end_of_the_file(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text('id,first,email\n1,Ann,a@x.co\n2,"Bob,b@x.co', encoding="utf-8")
    rows = read(path, csv_source())
    assert bad(rows) == [(3, '2,"Bob,b@x.co', "unterminated quote")] and len(good(rows)) == 1


def test_a_continuation_is_looked_for_within_twenty_lines(tmp_path):
    long_field = "\n".join(f"part {n}" for n in range(25))
    path = tmp_path / "crm.csv"
    path.write_text(f'id,first,email\n1,"{long_field}",a@x.co\n2,Bo,b@x.co\n', encoding="utf-8")
    rows = read(path, csv_source())
    assert bad(rows)[0] == (2, '1,"part 0', "unterminated quote")
    assert (27, {"id": "2", "first": "Bo", "email": "b@x.co"}) in good(rows)


def test_undecodable_bytes_keep_the_row_text_and_its_bytes(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(b'id,first,email\n1,Ren\xe9,r@x.co\r\n2,"Zo\xe9\nSmith",z@x.co\n3,Al,a@x.co\n')
    rows = read(path, csv_source())
    (one, two) = [r for r in rows if isinstance(r, BadRow)]
    assert (one.line, one.raw, base64.b64decode(one.raw_base64)) == (2, "1,Ren\ufffd,r@x.co", b"1,Ren\xe9,r@x.co")
    assert (two.line, base64.b64decode(two.raw_base64)) == (3, b'2,"Zo\xe9\nSmith",z@x.co')
    assert "undecodable" in one.reason and good(rows) == [(5, {"id": "3", "first": "Al", "email": "a@x.co"})]


# -- finding 9: silent wrong values ---------------------------------------------------------------
def test_duplicate_column_names_refuse_the_file(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text("id,first,email,Email ,email\n1,Ann,a@x.co,b@x.co,c@x.co\n", encoding="utf-8")
    with pytest.raises(SourceError) as err:
        read(path, csv_source())
    message = str(err.value)
    assert "crm.csv" in message and "'crm'" in message and "'email' (columns 3 and 5)" in message
    assert "Email" not in message  # names differ by case: not the same column


def test_duplicate_column_names_are_exit_2_through_the_cli(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from idgraph.cli.app import app

    monkeypatch.setenv("IDGRAPH_NO_PROGRESS", "1")
    path = small_project(tmp_path, [person("1", "Ann", "Lee")])
    (tmp_path / "crm.csv").write_text("id,first,last,email,phone,dob,postcode,updated,first\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["-m", str(path), "ingest", "crm"])
    assert result.exit_code == 2 and "'first' (columns 2 and 9)" in " ".join(result.output.split())


def test_a_bom_at_the_start_of_a_json_lines_file_is_not_data(tmp_path):
    path = tmp_path / "n.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"email": "a@x.co"}\n{"email": "b@x.co"}\n')
    rows = read(path, jsonl_source())
    assert good(rows) == [(1, {"email": "a@x.co"}), (2, {"email": "b@x.co"})] and not bad(rows)


def test_a_bom_at_the_start_of_a_csv_file_is_not_data(tmp_path):
    path = tmp_path / "crm.csv"
    path.write_bytes(b"\xef\xbb\xbfid,first,email\n1,Ann,a@x.co\n")
    assert good(read(path, csv_source())) == [(2, {"id": "1", "first": "Ann", "email": "a@x.co"})]


@pytest.mark.parametrize("value, reason", [
    ('{"a": 1}', "id: expected text or a number, got object"),
    ("[1, 2]", "id: expected text or a number, got array"),
    ("1e400", "id: expected text or a number, got a number too large (infinity)"),
    ("NaN", "id: expected text or a number, got NaN"),
    ("true", "id: expected text or a number, got true/false"),
])
def test_a_json_id_that_is_not_text_or_a_number_is_quarantined(tmp_path, store, value, reason):
    (tmp_path / "n.jsonl").write_text(f'{{"id": {value}, "email": "a@x.co"}}\n{{"id": 7, "email": "b@x.co"}}\n')
    (tmp_path / "idgraph.yaml").write_text(
        "sources:\n  news:\n    path: n.jsonl\n    format: jsonl\n    id: id\n    fields: {email: email}\n")
    s = ingest(store, load_mapping(tmp_path / "idgraph.yaml")).sources[0]
    assert (s.rows_read, s.stored, s.quarantined) == (2, 1, 1) and s.balanced
    entry = json.loads((tmp_path / "quarantine" / "news.jsonl").read_text())
    assert entry["reason"] == f"{reason} (column 'id')" and entry["line"] == 1
    assert entry["raw"] == f'{{"id": {value}, "email": "a@x.co"}}'
    assert [c["uid"] for c in store.find_customers("email", "b@x.co")] == ["news:7"]


@pytest.mark.parametrize("value", ["1e400", "-1e400", "NaN", "Infinity"])
def test_a_json_number_out_of_range_in_a_mapped_field_is_refused(tmp_path, store, value):
    (tmp_path / "n.jsonl").write_text(f'{{"id": 1, "email": "a@x.co", "first": {value}}}\n')
    (tmp_path / "idgraph.yaml").write_text(
        "sources:\n  news:\n    path: n.jsonl\n    format: jsonl\n    id: id\n"
        "    fields: {email: email, first_name: first}\n")
    s = ingest(store, load_mapping(tmp_path / "idgraph.yaml")).sources[0]
    assert (s.stored, s.quarantined) == (0, 1)
    reason = json.loads((tmp_path / "quarantine" / "news.jsonl").read_text())["reason"]
    assert reason.startswith("field 'first_name' (column 'first'): expected text or a number, got ")
