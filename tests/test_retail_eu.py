"""The retail_eu generator (lab/retail_eu): same seed, same bytes; the truth names every row of every
file; every file reads with the format, encoding and delimiter its mapping declares; households hold
everyone in the truth."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml

from idgraph.lab.retail_eu import generate

PEOPLE = 300


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("retail_eu"), people=PEOPLE, seed=7)


@pytest.fixture(scope="module")
def larger(tmp_path_factory):
    """Big enough to hold deliberately malformed rows of most kinds (about a second to write)."""
    return generate(tmp_path_factory.mktemp("retail_eu_2000"), people=2000, seed=3)


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def _malformed(out: Path) -> dict[tuple[str, int], dict]:
    with open(out / "malformed.csv", encoding="utf-8", newline="") as f:
        return {(r["source"], int(r["line"])): r for r in csv.DictReader(f)}


def _truth(out: Path) -> dict[tuple[str, str], str]:
    with open(out / "truth.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["source", "record_id", "person_id"]
    truth = {(r["source"], r["record_id"]): r["person_id"] for r in rows}
    assert len(truth) == len(rows), "a (source, record_id) appears twice in truth.csv"
    return truth


def _read_source(out: Path, name: str, spec: dict, malformed: dict) -> list[tuple[int, str | None]]:
    """(line, id) of every row as the mapping declares the source; None for a row that cannot be read.
    Unreadable rows must be the deliberately malformed ones."""
    path = out / spec["path"]
    encoding = spec.get("encoding", "utf-8")
    data = path.read_bytes()
    rows: list[tuple[int, str | None]] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):   # every physical line decodes, or is listed
        try:
            raw.decode(encoding)
        except UnicodeDecodeError:
            assert (name, number) in malformed, f"{name} line {number} does not decode as {encoding}"
    text = data.decode(encoding, errors="replace")
    if spec.get("format", "csv") == "jsonl":
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                assert (name, number) in malformed, f"{name} line {number} is not JSON"
                rows.append((number, None))
                continue
            rows.append((number, str(obj[spec["id"]]).strip()))
        return rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=spec.get("delimiter", ","))
    header = next(reader)
    assert header[0] and not header[0].startswith("\ufeff"), f"{name}: byte-order mark left in the header"
    for column in [spec["id"], *[c for c in _columns(spec) if c]]:
        assert column in header, f"{name}: the mapping names {column!r}, not in the header"
    id_at = header.index(spec["id"])
    last = reader.line_num
    for row in reader:
        start, last = last + 1, reader.line_num
        if len(row) != len(header):
            assert (name, start) in malformed, f"{name} line {start}: {len(row)} columns, not {len(header)}"
            rows.append((start, None))
            continue
        rows.append((start, row[id_at].strip()))
    return rows


def _columns(spec: dict) -> list[str]:
    out = []
    for value in (spec.get("fields") or {}).values():
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out.extend(value)
        elif isinstance(value, dict) and "column" in value:
            out.append(value["column"])
    return out + list(spec.get("keep") or [])


def test_same_seed_gives_the_same_bytes(generated, tmp_path):
    again = generate(tmp_path / "again", people=PEOPLE, seed=7)
    first, second = _files(generated.out_dir), _files(again.out_dir)
    assert list(first) == list(second)
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs with one seed"
    assert again.counts == generated.counts


def test_another_seed_gives_other_data(generated, tmp_path):
    other = generate(tmp_path / "other", people=PEOPLE, seed=8)
    assert (other.out_dir / "truth.csv").read_bytes() != (generated.out_dir / "truth.csv").read_bytes()


def test_result_names_its_files(generated):
    assert generated.mapping_path == generated.out_dir / "idgraph.yaml"
    assert generated.truth_path.name == "truth.csv" and generated.households_path.name == "households.csv"
    assert set(generated.files) == set(generated.counts)
    assert len(generated.files) >= 6
    for name, path in generated.files.items():
        assert path.exists() and path.parent == generated.out_dir
        assert generated.counts[name] > 0, f"{name} is empty at {PEOPLE} people"


@pytest.mark.parametrize("mapping", ["idgraph-basic.yaml", "idgraph.yaml"])
def test_mappings_have_no_matching_or_guard_section(generated, mapping):
    spec = yaml.safe_load((generated.out_dir / mapping).read_text(encoding="utf-8"))
    assert "matching" not in spec and "guard" not in spec
    assert set(spec["sources"]) == set(generated.files)
    if mapping == "idgraph-basic.yaml":
        assert "identifiers" not in spec
    else:
        assert "card_number" in spec["identifiers"]


@pytest.mark.parametrize("which", ["generated", "larger"])
def test_every_file_reads_as_declared_and_truth_covers_every_row(which, request):
    generated = request.getfixturevalue(which)
    out = generated.out_dir
    spec = yaml.safe_load(generated.basic_mapping_path.read_text(encoding="utf-8"))
    malformed = _malformed(out)
    truth = _truth(out)
    for name, source in spec["sources"].items():
        assert (out / source["path"]).resolve() == generated.files[name].resolve()
        rows = _read_source(out, name, source, malformed)
        assert len(rows) == generated.counts[name], f"{name}: rows read differ from rows written"
        ids = set()
        for line, record_id in rows:
            if record_id is None:
                listed = malformed[(name, line)]["record_id"]
                if listed:
                    ids.add(listed)
                continue
            assert (name, record_id) in truth, f"{name} line {line}: id {record_id!r} has no truth row"
            ids.add(record_id)
        in_truth = {rid for (src, rid) in truth if src == name}
        assert in_truth == ids, f"{name}: truth rows without a row in the file: {sorted(in_truth - ids)[:5]}"
    for (source, line) in malformed:
        assert source in spec["sources"]


def test_households_hold_everyone_once(generated):
    with open(generated.households_path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    people = [r["person_id"] for r in rows]
    assert len(people) == PEOPLE == len(set(people))
    household = {r["person_id"]: r["household_id"] for r in rows}
    assert all(household.values())
    truth = _truth(generated.out_dir)
    assert set(truth.values()) <= set(household)
    assert len(set(household.values())) < PEOPLE             # some people live together


def test_deliberately_malformed_rows_are_few_and_of_several_kinds(larger):
    malformed = _malformed(larger.out_dir)
    total = sum(larger.counts.values())
    assert 0 < len(malformed) <= 0.01 * total
    assert len({source for source, _ in malformed}) >= 3
