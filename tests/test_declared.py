"""What a mapping declares beyond the built-in roles (ingest/declared.py): further identifier kinds with
their normalisation steps, attributes, and an address of several columns.

Cases are data: good and bad declarations (each bad one with the words its message must hold), values
and what each kind's steps make of them, and rows and what ingest counts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from idgraph.graph.errors import MappingError, SourceError
from idgraph.ingest.jobs.ingest import ingest, junk_rules
from idgraph.ingest.mapping import load_mapping
from idgraph.ingest.normalise import InvalidValue
from idgraph.ingest.rows import RowBuilder
from tests.helpers import declared_project


def write(tmp_path: Path, mapping: dict) -> Path:
    path = tmp_path / "idgraph.yaml"
    path.write_text(yaml.safe_dump(mapping), encoding="utf-8")
    return path


def crm(fields=None, **source) -> dict:
    return {"path": "crm.csv", "id": "id", "fields": {"email": "email", **(fields or {})}, **source}


def mapping_of(identifiers=None, source=None, **extra) -> dict:
    return {**({"identifiers": identifiers} if identifiers is not None else {}),
            "sources": {"crm": source or crm()}, **extra}


# -- the mapping: good declarations -------------------------------------------------------------------
GOOD = [
    ("kinds as roles, several columns, attributes",
     mapping_of({"national_id": {"normalise": ["digits"], "min_length": 6, "junk": ["123456789"]},
                 "loyalty_number": {"normalise": ["strip", "upper"]},
                 "handle": {"normalise": ["casefold", {"regex": "^@?([a-z0-9_.]{2,30})$"}]}},
                crm({"national_id": "ssn", "handle": ["twitter", "instagram"],
                     "address": ["street_number", "address_1", "address_2"]},
                    attributes={"gender": "sex", "title": {"column": "title"}, "segment": {"value": "retail"}})),
     {"kinds": ("handle", "loyalty_number", "national_id"), "attributes": ("gender", "segment", "title"),
      "columns": {"ssn", "twitter", "instagram", "street_number", "address_1", "address_2", "sex", "title"}}),
    ("a kind on an interaction source",
     {"identifiers": {"account": {"normalise": "digits"}},
      "sources": {"crm": crm({"account": "acct"}),
                  "calls": {"path": "c.csv", "kind": "interaction", "fields": {"timestamp": "at", "account": "acct"}}}},
     {"kinds": ("account",), "attributes": (), "columns": {"acct", "email"}}),
    ("a kind with no settings normalises with strip",
     mapping_of({"member_no": None}, crm({"member_no": "m"})),
     {"kinds": ("member_no",), "attributes": (), "columns": {"m"}}),
]


@pytest.mark.parametrize("mapping, expected", [g[1:] for g in GOOD], ids=[g[0] for g in GOOD])
def test_good_declarations_load(tmp_path, mapping, expected):
    loaded = load_mapping(write(tmp_path, mapping))
    assert loaded.identifier_kinds() == expected["kinds"]
    assert loaded.attribute_names() == expected["attributes"]
    assert expected["columns"] <= loaded.source("crm").referenced_columns()
    for kind in loaded.identifier_kinds():  # a kind is a role of the sources that map it
        assert all(c.column for s in loaded.sources for c in s.columns(kind))


def test_no_declaration_changes_nothing(tmp_path):
    loaded = load_mapping(write(tmp_path, mapping_of()))
    assert loaded.identifier_kinds() == () and loaded.attribute_names() == ()
    assert "declared_kinds" not in loaded.model_dump()["sources"][0]


# -- the mapping: every mistake is one MappingError naming file, source and field ----------------------
BAD = [
    ("unknown step", mapping_of({"national_id": {"normalise": ["digit"]}}, crm({"national_id": "ssn"})),
     ["field identifiers.national_id.normalise", "unknown normalisation step 'digit'", "digits"]),
    ("invalid regex", mapping_of({"handle": {"normalise": [{"regex": "([a-z"}]}}),
     ["field identifiers.handle.normalise", "invalid regex '([a-z'"]),
    ("step with another setting", mapping_of({"handle": {"normalise": [{"pattern": "x"}]}}),
     ["identifiers.handle.normalise", "{regex: PATTERN}"]),
    ("empty steps", mapping_of({"handle": {"normalise": []}}), ["identifiers.handle.normalise", "a list of steps"]),
    ("min_length below 1", mapping_of({"national_id": {"min_length": 0}}),
     ["identifiers.national_id.min_length", "greater than or equal to 1"]),
    ("unknown setting", mapping_of({"national_id": {"normalize": ["digits"]}}),
     ["identifiers.national_id.normalize", "Extra inputs"]),
    ("junk that can never match", mapping_of({"national_id": {"normalise": ["digits"], "junk": ["n/a"]}}),
     ["identifiers.national_id", "junk value 'n/a'", "empty after normalisation"]),
    ("kind named like a built-in role", mapping_of({"email": {}}),
     ["field identifiers", "identifier kind 'email'", "built-in role"]),
    ("kind named like a role of events", mapping_of({"timestamp": {}}), ["identifier kind 'timestamp'", "built-in role"]),
    ("kind named a reserved word", mapping_of({"identifier": {}}), ["identifier kind 'identifier'", "reserved"]),
    ("kind named a column of the customers frame", mapping_of({"seq": {}}),
     ["identifier kind 'seq'", "column of the customer record"]),
    ("kind named like the devices column", mapping_of({"devices": {}}), ["identifier kind 'devices'", "column"]),
    ("kind name in capitals", mapping_of({"NationalId": {}}), ["identifier kind 'NationalId'", "lower-case"]),
    ("kind name too long", mapping_of({"k" * 41: {}}), ["identifier kind 'kkkk", "at most 39"]),
    ("an undeclared kind as a role", mapping_of({}, crm({"national_id": "ssn"})),
     ["source 'crm'", "field 'national_id'", "unknown role", "identifiers:"]),
    ("several columns for a role that takes one", mapping_of(None, crm({"city": ["a", "b"]})),
     ["source 'crm'", "field 'city'", "take several columns", "address"]),
    ("attribute named like a role", mapping_of(None, crm(attributes={"city": "town"})),
     ["source 'crm'", "field attributes", "attribute 'city'", "built-in role"]),
    ("attribute named a record column", mapping_of(None, crm(attributes={"profile_id": "p"})),
     ["source 'crm'", "attribute 'profile_id'", "column of the customer record"]),
    ("attribute named the attributes column", mapping_of(None, crm(attributes={"attributes": "a"})),
     ["attribute 'attributes'", "column of the customer record"]),
    ("attribute named a reserved word", mapping_of(None, crm(attributes={"customer": "c"})),
     ["attribute 'customer'", "reserved"]),
    ("attribute named like a kind", mapping_of({"national_id": {}}, crm(attributes={"national_id": "ssn"})),
     ["source 'crm'", "attribute 'national_id'", "an identifier kind has that name"]),
    ("attribute of several columns", mapping_of(None, crm(attributes={"gender": ["a", "b"]})),
     ["source 'crm'", "attribute 'gender'", "one column"]),
    ("attribute with a format", mapping_of(None, crm(attributes={"joined": {"column": "j", "format": "iso"}})),
     ["source 'crm'", "attribute 'joined'", "a column or a value"]),
    ("attribute spelt wrong", mapping_of(None, crm(attributes={"gender": {"colum": "sex"}})),
     ["source 'crm'", "field attributes", "attribute 'gender'", "colum", "not a column"]),
    ("attributes on an interaction source",
     {"sources": {"web": {"path": "w.csv", "kind": "interaction", "fields": {"timestamp": "at"},
                          "attributes": {"page": "page"}}}},
     ["source 'web'", "only customer sources keep attributes", "keep"]),
]


@pytest.mark.parametrize("mapping, expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_declarations_fail_naming_file_source_and_field(tmp_path, mapping, expected):
    with pytest.raises(MappingError) as err:
        load_mapping(write(tmp_path, mapping))
    message = str(err.value)
    assert err.value.exit_code == 2 and message.startswith(str(tmp_path / "idgraph.yaml"))
    for words in expected:
        assert words in message, f"{words!r} not in {message!r}"


# -- normalisation steps -----------------------------------------------------------------------------
# (steps and settings, raw value, the value it becomes or the reason it is set aside)
STEPS = [
    ({"normalise": ["digits"]}, "123-45-6789 ", "123456789"),
    ({"normalise": ["digits"]}, "AB-12 ３", "12"),  # ASCII digits only
    ({"normalise": ["digits"]}, "n/a-x", "empty after normalisation"),
    ({"normalise": ["alnum", "upper"]}, "ab-12 ç/z", "AB12ÇZ"),
    ({"normalise": ["strip"]}, "  Gold   Member  1 ", "Gold Member 1"),
    ({"normalise": ["no_space", "lower"]}, "GB 12\t34", "gb1234"),
    ({"normalise": ["casefold"]}, "STRASSE Straße", "strasse strasse"),
    ({"normalise": ["digits", "no_leading_zeros"]}, "000-120", "120"),
    ({"normalise": ["digits", "no_leading_zeros"]}, "0000", "empty after normalisation"),
    ({"normalise": ["casefold", {"regex": "^@?([a-z0-9_.]{2,30})$"}]}, "@Jane.Doe", "jane.doe"),
    ({"normalise": ["casefold", {"regex": "^@?([a-z0-9_.]{2,30})$"}]}, "jane doe", "does not match the pattern"),
    ({"normalise": [{"regex": "[A-Z]{2}\\d{6}[A-D]"}]}, "QQ123456C", "QQ123456C"),  # no group: the whole match
    ({"normalise": [{"regex": "[A-Z]{2}\\d{6}[A-D]"}]}, "QQ123456C extra", "does not match the pattern"),
    ({"normalise": [{"regex": "(\\d+)?-x"}]}, "-x", "empty after normalisation"),  # group 1 took no part
    ({"normalise": ["digits"], "min_length": 6}, "12-34-5", "too short"),
    ({"normalise": ["digits"], "min_length": 6}, "12-34-56", "123456"),
    ({"normalise": ["digits"], "junk": ["123-456-789"]}, "123 456 789", "junk"),  # junk normalised like values
    ({"normalise": ["strip", "upper"], "junk": ["none yet"]}, "None  Yet", "junk"),
]


@pytest.mark.parametrize("declared, raw, expected", STEPS,
                         ids=[f"{'+'.join(str(s) for s in d['normalise'])}:{raw!r}" for d, raw, _ in STEPS])
def test_normalisation_steps(tmp_path, declared, raw, expected):
    kind = load_mapping(write(tmp_path, mapping_of({"some_id": declared}))).identifiers["some_id"]
    reasons = ("empty after normalisation", "does not match the pattern", "too short", "junk")
    if expected in reasons:
        with pytest.raises(InvalidValue) as err:
            kind.normalise_value(raw)
        assert err.value.reason == expected
    else:
        assert kind.normalise_value(raw) == expected


# -- rows: identifiers, attributes and an address of several columns -----------------------------------
ROWS = [  # (crm row, national_id found or None, address, attributes, counted as set aside)
    ({"id": "1", "ssn": "123-45-6780", "street_no": "12", "street": "High Street", "line2": "Flat 3",
      "sex": " F ", "title": "Dr"},
     "123456780", "12 high st apt 3", {"gender": "f", "title": "dr"}, {}),
    ({"id": "2", "ssn": "12-34", "street_no": "", "street": "1 Mill Lane", "line2": "n/a", "sex": "unknown"},
     None, "1 mill ln", {}, {"national_id: too short": 1, "address: junk": 1, "gender: junk": 1}),
    ({"id": "3", "ssn": "123 456 789", "street_no": "7", "sex": "m", "title": "MR  "},
     None, "7", {"gender": "m", "title": "mr"}, {"national_id: junk": 1}),
    ({"id": "4", "ssn": "ab-cd", "title": "n/a"}, None, None, {}, {"national_id: empty after normalisation": 1,
                                                                   "title: junk": 1}),
    ({"id": "5", "ssn": "000000000"}, None, None, {}, {"national_id: junk": 1}),  # the built-in junk rules too
]


@pytest.mark.parametrize("row, national_id, address, attributes, set_aside", ROWS,
                         ids=[r[0]["id"] for r in ROWS])
def test_rows_take_declared_identifiers_attributes_and_joined_address(tmp_path, row, national_id, address,
                                                                      attributes, set_aside):
    mapping = load_mapping(declared_project(tmp_path, []))
    builder = RowBuilder(mapping, mapping.source("crm"), junk_rules(mapping))
    record = builder.customer({c: row.get(c, "") for c in
                               ("id", "first", "last", "email", "ssn", "sex", "title", "street_no", "street", "line2")})
    assert [v for k, v in record.identifiers if k == "national_id"] == ([national_id] if national_id else [])
    assert record.address == address and record.attributes == attributes
    assert {f"{f}: {r}": n for (f, r), n in builder.problems.items()} == set_aside


def test_attributes_enter_the_hash_only_when_there_are_some(tmp_path):
    mapping = load_mapping(declared_project(tmp_path, []))
    builder = RowBuilder(mapping, mapping.source("crm"), junk_rules(mapping))
    bare = builder.customer({"id": "1", "first": "Ann", "ssn": "123-45-6780"})
    dressed = builder.customer({"id": "1", "first": "Ann", "ssn": "123-45-6780", "sex": "f"})
    same = builder.customer({"id": "1", "first": "Ann", "ssn": "123 45 6780", "sex": " F "})
    assert bare.row_hash != dressed.row_hash and dressed.row_hash == same.row_hash
    without = bare.__class__(uid=bare.uid, source=bare.source, source_id=bare.source_id, first_name="ann",
                             identifiers=list(bare.identifiers))
    from idgraph.ingest.rows import customer_hash
    assert customer_hash(without) == bare.row_hash  # a record without attributes keeps its earlier hash


def test_ingest_joins_an_address_of_three_columns_and_counts_what_it_sets_aside(store, tmp_path):
    path = declared_project(tmp_path, [
        {"id": "1", "first": "Ann", "last": "Lee", "street_no": "12", "street": "North Road", "line2": "Flat 3"},
        {"id": "2", "first": "Bob", "last": "Ray", "street_no": "", "street": "5 Mill Lane", "line2": ""},
        {"id": "3", "first": "Cy", "last": "Day", "street_no": "9", "street": "", "line2": "N/A"},
    ])
    summary = ingest(store, load_mapping(path))
    assert summary.balanced and summary.total("stored") == 3
    (crm,) = [s for s in summary.sources if s.source == "crm"]
    assert crm.values_set_aside == {"address: junk": 1}
    frame = store.customers_frame()
    assert dict(frame.select("uid", "address").iter_rows()) == {
        "crm:1": "12 n rd apt 3", "crm:2": "5 mill ln", "crm:3": "9"}


def test_a_missing_attribute_column_is_a_source_error(store, tmp_path):
    path = declared_project(tmp_path, [{"id": "1", "first": "Ann"}])
    raw = yaml.safe_load(path.read_text())
    raw["sources"]["crm"]["attributes"]["segment"] = "tier"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(SourceError) as err:
        ingest(store, load_mapping(path))
    assert "'crm'" in str(err.value) and "attribute 'segment'" in str(err.value) and "'tier'" in str(err.value)


# -- the worked example of docs/mapping.md does what the text says ---------------------------------------
def test_the_worked_example_of_the_mapping_docs(tmp_path):
    import re

    from idgraph.graph.sqlite_store import SQLiteStore
    from idgraph.ingest.jobs.resolve import resolve
    from idgraph.ingest.lookup import parse_identifier
    from idgraph.queries.explain import explain
    from idgraph.queries.profile import find_profile_id

    text = (Path(__file__).resolve().parents[1] / "docs" / "mapping.md").read_text(encoding="utf-8")
    example = text[text.index("## A worked example"):]
    files = dict(re.findall(r"`([\w.]+)`:\n```\w*\n(.*?)```", example, re.S))
    assert set(files) == {"crm.csv", "bank.csv", "calls.csv", "idgraph.yaml"}
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    mapping = load_mapping(tmp_path / "idgraph.yaml")
    with SQLiteStore(tmp_path / "shop.db") as store:
        store.init()
        summary = ingest(store, mapping)
        crm_summary = {s.source: s for s in summary.sources}["crm"]
        assert crm_summary.values_set_aside == {"national_insurance: junk": 1}
        ann = store.customers_frame(["crm:1"], identifier_kinds=["national_insurance"],
                                    attributes=["gender", "title"]).to_dicts()[0]
        assert ann["national_insurance"] == ["QQ123456C"] and ann["address"] == "12 n rd apt 3"
        assert (ann["gender"], ann["title"]) == ("f", "dr")
        bank = store.customers_frame(["bank:B7"], identifier_kinds=["national_insurance", "loyalty_number"])
        assert bank.select("national_insurance", "loyalty_number").rows() == [(["QQ123456C"], ["GOLD77"])]
        resolve(store, mapping)
        pid, _ = find_profile_id(store, identifier=parse_identifier(mapping, "national_insurance=qq 12 34 56 c"))
        assert sorted(m["uid"] for m in store.profile_members(pid)) == ["bank:B7", "crm:1"]
        assert [e["source_id"] for e in store.profile_interactions(pid)] == ["K1"]
        (step,) = explain(store, "crm:1", "bank:B7").steps
        assert step.evidence == "shared national_insurance QQ123456C"


def test_the_commented_declarations_of_the_template_are_valid(tmp_path):
    import re
    from importlib.resources import files

    template = files("idgraph.ingest").joinpath("data/mapping_template.yaml").read_text(encoding="utf-8")
    declared = re.compile(r"^(# identifiers:|#   |      # national_id|    # attributes:|    #   )")
    text = "\n".join(re.sub(r"^(\s*)# ?", r"\1", line, count=1) if declared.match(line) else line
                     for line in template.splitlines())
    path = tmp_path / "idgraph.yaml"
    path.write_text(text, encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.identifier_kinds() == ("handle", "loyalty_number", "national_id")
    assert mapping.attribute_names() == ("gender", "title")
    assert mapping.source("crm").columns("national_id")[0].column == "ssn"


def test_a_one_column_address_gives_up_its_postcode_and_a_placeholder_birth_date_is_junk(tmp_path):
    mapping = load_mapping(declared_project(tmp_path, []))
    builder = RowBuilder(mapping, mapping.source("crm"), junk_rules(mapping))
    record = builder.customer({"id": "1", "first": "Ann", "street": "12 High Street, Leeds LS1 4AB"})
    assert (record.address, record.postcode, record.city) == ("12 high st leeds", "LS1 4AB", None)
    plain = builder.customer({"id": "2", "first": "Ann", "street": "12 High Street"})
    assert (plain.address, plain.postcode) == ("12 high st", None)
