"""The synthetic data generator: determinism, volumes, mapping, ground truth and the hard cases."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path

import phonenumbers
import pytest

from idgraph.ingest.mapping import Kind, load_mapping
from idgraph.lab.synthetic import JUNK_EMAILS, JUNK_PHONES, NICKNAMES, SOURCES, generate

PEOPLE = 2000


# ----------------------------------------------------------------------------------------- helpers


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="surrogateescape")


def _csv(path: Path, delimiter: str = ",") -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(_text(path), newline=""), delimiter=delimiter))
    return rows[0], rows[1:]


def _jsonl(path: Path) -> tuple[list[dict], list[str]]:
    good, bad = [], []
    for line in _text(path).splitlines():
        try:
            good.append(json.loads(line))
        except json.JSONDecodeError:
            bad.append(line)
    return good, bad


def _records(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    """Well-formed CSV rows as dicts (rows with the wrong number of columns left out)."""
    header, rows = _csv(path, delimiter)
    return [dict(zip(header, r)) for r in rows if len(r) == len(header)]


class Data:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.truth: dict[str, dict[str, set[str]]] = {s: defaultdict(set) for s in SOURCES}
        with open(out / "truth.csv", encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            assert next(reader) == ["source", "record_id", "person_id"]
            for source, rid, pid in reader:
                self.truth[source][rid].add(pid)
        # well-formed records that have an id (the malformed ones are checked on their own)
        self.crm = [r for r in _records(out / "crm.csv") if r["CustomerID"]]
        self.loyalty = [r for r in _records(out / "loyalty.csv", ";") if r["card_no"]]
        self.newsletter = [r for r in _jsonl(out / "newsletter.jsonl")[0] if r["email_address"].strip()]
        self.tickets = [r for r in _jsonl(out / "tickets.jsonl")[0] if r["ticket_id"]]
        self.web = [r for r in _records(out / "web.csv") if r["event_id"]]

    def person(self, source: str, rid: str) -> str:
        (pid,) = self.truth[source][rid]
        return pid

    def crm_by_person(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = defaultdict(list)
        for r in self.crm:
            if r["CustomerID"]:
                out[self.person("crm", r["CustomerID"])].append(r)
        return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic")
    return generate(out, people=PEOPLE, seed=7)


@pytest.fixture(scope="module")
def data(generated) -> Data:
    return Data(generated.mapping_path.parent)


# ------------------------------------------------------------------------------------------ basics


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = generate(tmp_path / "a", people=300, seed=11)
    b = generate(tmp_path / "b", people=300, seed=11)
    c = generate(tmp_path / "c", people=300, seed=12)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert {"idgraph.yaml", "truth.csv", "crm.csv", "loyalty.csv", "newsletter.jsonl", "tickets.jsonl",
            "web.csv"} <= set(names)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert a.counts == b.counts
    assert (tmp_path / "a" / "crm.csv").read_bytes() != (tmp_path / "c" / "crm.csv").read_bytes()
    assert c.people == 300


def test_same_bytes_whatever_the_hash_seed(tmp_path):
    """No iteration over sets of strings leaks into the output: another process, another hash seed."""
    script = "import sys; from pathlib import Path; from idgraph.lab.synthetic import generate; " \
             "generate(Path(sys.argv[1]), people=300, seed=5)"
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / hash_seed)], check=True, env=env)
    for path in sorted((tmp_path / "1").iterdir()):
        assert path.read_bytes() == (tmp_path / "2" / path.name).read_bytes(), path.name


def test_counts_roughly_as_specified(generated):
    n = generated.people
    c = generated.counts
    assert n == PEOPLE
    assert set(c) == set(SOURCES) == set(generated.files)
    assert 0.66 * n <= c["crm"] <= 0.82 * n  # ~70% of people, a few twice
    assert 0.38 * n <= c["loyalty"] <= 0.52 * n  # ~45%
    assert 0.42 * n <= c["newsletter"] <= 0.58 * n  # ~50%
    assert generated.customer_records == c["crm"] + c["loyalty"] + c["newsletter"]
    assert generated.interactions == c["tickets"] + c["web"]
    assert 1.45 <= generated.customer_records / n <= 1.8
    assert 3.3 <= generated.interactions / n <= 4.8
    # the counts are the data lines actually written
    for name, path in generated.files.items():
        lines = path.read_bytes().count(b"\n")
        assert lines == c[name] + (0 if path.suffix == ".jsonl" else 1), name


def test_mapping_loads_and_points_at_the_files(generated):
    mapping = load_mapping(generated.mapping_path)
    assert mapping.project == "demo"
    assert mapping.phone_region == "GB"
    assert mapping.survivorship.source_priority == ["crm", "loyalty", "newsletter"]
    assert [s.name for s in mapping.sources] == list(SOURCES)
    for source in mapping.sources:
        assert source.files(mapping.base_dir) == [generated.files[source.name].resolve()]
    assert mapping.source("loyalty").delimiter == ";"
    assert mapping.source("loyalty").columns("dob")[0].format == "%d/%m/%Y"
    assert mapping.source("crm").columns("dob")[0].format == "%Y-%m-%d"
    assert mapping.source("newsletter").id.role == "email"
    assert mapping.source("web").columns("timestamp")[0].format == "epoch_ms"
    assert mapping.source("web").columns("customer_ref")[0].source == "crm"
    assert mapping.source("tickets").columns("customer_ref")[0].source == "crm"
    assert {s.name for s in mapping.sources if s.kind is Kind.interaction} == {"tickets", "web"}
    # every mapped column exists in its file
    headers = {
        "crm": _csv(generated.files["crm"])[0],
        "loyalty": _csv(generated.files["loyalty"], ";")[0],
        "web": _csv(generated.files["web"])[0],
        "newsletter": list(_jsonl(generated.files["newsletter"])[0][0]),
        "tickets": list(set().union(*(_jsonl(generated.files["tickets"])[0]))),
    }
    for source in mapping.sources:
        assert source.referenced_columns() <= set(headers[source.name]), source.name


def test_truth_covers_every_record_of_every_file(generated, data):
    ids: dict[str, set[str]] = {}
    for name, delimiter in (("crm", ","), ("loyalty", ";"), ("web", ",")):
        _, rows = _csv(generated.files[name], delimiter)
        ids[name] = {r[0] for r in rows if r and r[0]}  # malformed rows still have their id first
    ids["newsletter"] = {r["email_address"].strip().lower() for r in _jsonl(generated.files["newsletter"])[0]
                         if r["email_address"].strip()}
    ids["tickets"] = {r["ticket_id"] for r in _jsonl(generated.files["tickets"])[0] if r["ticket_id"]}
    for name in SOURCES:
        missing = ids[name] - set(data.truth[name])
        assert not missing, (name, sorted(missing)[:5])
        # and the truth names nothing that is not in the file (ids of non-JSON lines are in the text)
        text = _text(generated.files[name]).lower()
        assert all(rid.lower() in text for rid in set(data.truth[name]) - ids[name]), name
    # every record has exactly one person, except a junk newsletter address typed by several
    for name in SOURCES:
        for rid, pids in data.truth[name].items():
            assert len(pids) == 1 or (name == "newsletter" and rid in JUNK_EMAILS), (name, rid, pids)
    people = set().union(*(p for s in SOURCES for p in data.truth[s].values()))
    assert len(people) > 0.95 * PEOPLE


def test_phone_numbers_are_plausible_and_mobiles_unique(data):
    owners: dict[str, set[str]] = defaultdict(set)
    for r in data.crm:
        for column in ("MobilePhone", "HomePhone"):
            if r[column]:
                number = phonenumbers.parse(r[column], "GB")
                assert phonenumbers.is_possible_number(number), r[column]
                assert phonenumbers.is_valid_number(number), r[column]
                if column == "MobilePhone":
                    owners[phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)].add(
                        data.person("crm", r["CustomerID"]))
    assert owners and all(len(p) == 1 for p in owners.values())
    formats = set()
    for r in data.loyalty:
        tel = r["tel"]
        if tel and tel.replace(" ", "").strip("0") and tel not in JUNK_PHONES and tel != "07000000000":
            assert phonenumbers.is_possible_number(phonenumbers.parse(tel, "GB")), tel
            formats.add(tel[:2] if not tel[0].isdigit() or tel.startswith("44") else tel[0])
    assert {"07", "+4", "(0", "44", "00"} & formats or len(formats) >= 3


# --------------------------------------------------------------------------------------- hard cases


def test_households_share_address_and_landline(data):
    by_landline: dict[str, set[str]] = defaultdict(set)
    addresses: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in data.crm:
        if r["HomePhone"]:
            by_landline[r["HomePhone"]].add(data.person("crm", r["CustomerID"]))
            addresses[r["HomePhone"]].add((r["Address1"], r["PostCode"]))
    shared = [phone for phone, persons in by_landline.items() if len(persons) >= 2]
    assert len(shared) >= 20
    assert max(len(by_landline[p]) for p in shared) >= 3
    assert sum(len(addresses[p]) == 1 for p in shared) >= 15  # same address too
    # spouses with the same surname at the same address
    same_surname = 0
    for phone in shared:
        rows = [r for r in data.crm if r["HomePhone"] == phone]
        lasts = [r["LastName"] for r in rows]
        same_surname += len(set(lasts)) < len(rows)
    assert same_surname >= 10


def test_family_email_used_by_different_members_in_different_systems(data):
    crm_owner = {r["Email"].lower(): data.person("crm", r["CustomerID"]) for r in data.crm
                 if r["Email"]}
    shared = 0
    for r in data.loyalty:
        email = r["email"].lower()
        if email in crm_owner and email not in JUNK_EMAILS and crm_owner[email] != data.person("loyalty", r["card_no"]):
            shared += 1
    assert shared >= 1


def test_twins(data):
    groups: dict[tuple, list[dict[str, str]]] = defaultdict(list)
    for r in data.crm:
        if r["DateOfBirth"]:
            groups[(r["LastName"], r["Address1"], r["PostCode"], r["DateOfBirth"])].append(r)
    twins = [g for g in groups.values()
             if len({data.person("crm", r["CustomerID"]) for r in g}) >= 2 and len({r["FirstName"] for r in g}) >= 2]
    assert len(twins) >= 3


def test_common_names_in_different_towns(data):
    johns = [r for r in data.crm if (r["FirstName"], r["LastName"]) == ("John", "Smith")]
    assert len({data.person("crm", r["CustomerID"]) for r in johns}) >= 3
    assert len({r["City"] for r in johns}) >= 2
    by_name_year: dict[tuple, set[str]] = defaultdict(set)
    for r in data.crm:
        if r["DateOfBirth"]:
            by_name_year[(r["FirstName"], r["LastName"], r["DateOfBirth"][:4])].add(data.person("crm", r["CustomerID"]))
    assert any(len(p) >= 2 for (first, last, _), p in by_name_year.items()
               if (first, last) in {("John", "Smith"), ("Mary", "Jones"), ("David", "Jones"), ("Sarah", "Williams"),
                                    ("James", "Smith"), ("Margaret", "Taylor"), ("Michael", "Brown"), ("Susan", "Smith")})
    surnames = Counter(r["LastName"] for r in data.crm)  # Zipf-like: a few surnames are very common
    top = [name for name, _ in surnames.most_common(3)]
    assert "Smith" in top and surnames[top[0]] >= 0.02 * len(data.crm)


def test_kiosk_and_shared_family_laptop(data):
    logins: dict[str, set[str]] = defaultdict(set)
    dangling = n_logins = 0
    for r in data.web:
        if r["event"] == "login":
            assert r["user_id"]
            n_logins += 1
            dangling += r["user_id"] not in data.truth["crm"]  # a CRM row whose id got lost
            logins[r["cookie_id"]].add(data.person("web", r["event_id"]))
        else:
            assert not r["user_id"]  # user_id only on logins
    assert dangling <= max(5, 0.002 * n_logins)
    kiosks = [c for c, persons in logins.items() if len(persons) > 100]
    assert kiosks
    # a laptop on which two members of one household log in
    homes = {pid: {(r["Address1"], r["PostCode"]) for r in rows} for pid, rows in data.crm_by_person().items()}
    shared = [c for c, persons in logins.items()
              if len(persons) == 2 and set.intersection(*(homes.get(p, set()) for p in persons))]
    assert shared
    # anonymous page views before and after logins on a person's device
    by_cookie: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in data.web:
        by_cookie[r["cookie_id"]].append(r)
    journeys = 0
    for rows in by_cookie.values():
        kinds = [r["event"] == "login" for r in rows]
        if True in kinds and not kinds[0] and not kinds[-1]:
            journeys += 1
    assert journeys >= 50
    # a person with several devices
    devices: dict[str, set[str]] = defaultdict(set)
    for r in data.web:
        devices[data.person("web", r["event_id"])].add(r["cookie_id"])
    assert sum(len(d) >= 2 for d in devices.values()) >= 100


def test_junk_placeholders(data):
    by_email: dict[str, set[str]] = {rid: pids for rid, pids in data.truth["newsletter"].items() if rid in JUNK_EMAILS}
    assert sum(len(p) >= 3 for p in by_email.values()) >= 2  # several different people each
    phones = {r.get("caller_phone") for r in data.tickets}
    assert phones & set(JUNK_PHONES)
    assert any(r["tel"].strip("0 ") == "" and r["tel"] for r in data.loyalty)


def test_nicknames_typos_and_case(data):
    crm = data.crm_by_person()
    nick = 0
    for r in data.newsletter:
        rid = r["email_address"].strip().lower()
        if not r["first"] or rid in JUNK_EMAILS or rid not in data.truth["newsletter"]:
            continue
        for row in crm.get(data.person("newsletter", rid), []):
            if r["first"].capitalize() in NICKNAMES.get(row["FirstName"], ()):
                nick += 1
    loyalty_nick = 0
    for r in data.loyalty:
        words = {w.strip(",.").capitalize() for w in r["member_name"].split()}
        for row in crm.get(data.person("loyalty", r["card_no"]), []):
            if words & set(NICKNAMES.get(row["FirstName"], ())):
                loyalty_nick += 1
    assert nick >= 10 and loyalty_nick >= 10
    styles = {"upper_comma": 0, "initial": 0, "lower": 0}
    for r in data.loyalty:
        name = r["member_name"]
        styles["upper_comma"] += name.isupper() and "," in name
        styles["initial"] += len(name) > 2 and name[1] == "." and name[0].isupper()
        styles["lower"] += name.islower()
    assert all(v >= 10 for v in styles.values()), styles
    assert any(r["email_address"] != r["email_address"].strip() for r in data.newsletter)
    assert any(r["email_address"].isupper() for r in data.newsletter)


def test_swapped_unparseable_and_missing_dates_of_birth(data):
    crm = data.crm_by_person()
    swapped = unparseable = missing = 0
    for r in data.loyalty:
        text = r["birth_date"]
        if not text:
            missing += 1
            continue
        try:
            day_first = datetime.strptime(text, "%d/%m/%Y").date().isoformat()
        except ValueError:
            unparseable += 1
            day_first = None
        truth = {row["DateOfBirth"] for row in crm.get(data.person("loyalty", r["card_no"]), []) if row["DateOfBirth"]}
        try:
            month_first = datetime.strptime(text, "%m/%d/%Y").date().isoformat()
        except ValueError:
            continue
        if truth and day_first not in truth and month_first in truth:
            swapped += 1
    assert swapped >= 3 and unparseable >= 5 and missing >= 10


def test_married_surname_in_one_system_maiden_name_in_another(data):
    crm = data.crm_by_person()
    changed = 0
    for r in data.loyalty:
        words = r["member_name"].replace(",", " ").split()
        loyalty_last = words[0] if "," in r["member_name"] else words[-1]
        rows = crm.get(data.person("loyalty", r["card_no"]), [])
        if rows and all(SequenceMatcher(None, loyalty_last.lower(), row["LastName"].lower()).ratio() < 0.5
                        for row in rows):
            changed += 1
    assert changed >= 3


def test_old_postcodes_and_duplicate_crm_records(data):
    crm = data.crm_by_person()
    assert sum(len(rows) >= 2 for rows in crm.values()) >= 10  # re-registered with another e-mail
    assert any(len({r["Email"] for r in rows}) == 2 for rows in crm.values() if len(rows) == 2)
    norm = lambda pc: pc.replace(" ", "").upper()  # noqa: E731
    old = 0
    for r in data.loyalty:
        if r["postcode"]:
            rows = crm.get(data.person("loyalty", r["card_no"]), [])
            if rows and norm(r["postcode"]) not in {norm(x["PostCode"]) for x in rows}:
                old += 1
    assert old >= 20


# ---------------------------------------------------------------------------------------- malformed


def _malformed(out: Path) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    for name, delimiter in (("crm", ","), ("loyalty", ";"), ("web", ",")):
        header, rows = _csv(out / f"{name}.csv", delimiter)
        raw = (out / f"{name}.csv").read_bytes().splitlines()
        found[name] = {
            "columns": sum(len(r) != len(header) for r in rows),
            "encoding": sum(not _decodes(line) for line in raw),
            "empty_id": sum(bool(r) and r[0] == "" for r in rows),
        }
    for name, key in (("newsletter", "email_address"), ("tickets", "ticket_id")):
        good, bad = _jsonl(out / f"{name}.jsonl")
        raw = (out / f"{name}.jsonl").read_bytes().splitlines()
        found[name] = {
            "json": len(bad),
            "encoding": sum(not _decodes(line) for line in raw),
            "empty_id": sum(r[key] == "" for r in good),
        }
    return found


def _decodes(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_malformed_rows_only_when_asked(generated, tmp_path):
    found = _malformed(generated.mapping_path.parent)
    for name, kinds in found.items():
        assert all(n >= 1 for n in kinds.values()), (name, kinds)
        total = sum(kinds.values())
        assert total == generated.malformed[name]
        assert total <= max(6, 0.004 * generated.counts[name]), (name, total)
    clean = generate(tmp_path / "clean", people=500, seed=3, malformed=False)
    assert all(n == 0 for kinds in _malformed(tmp_path / "clean").values() for n in kinds.values())
    assert all(n == 0 for n in clean.malformed.values())


def test_tiny_population_still_works(tmp_path):
    result = generate(tmp_path, people=5, seed=1)
    assert result.people == 5
    load_mapping(result.mapping_path)
    with pytest.raises(ValueError):
        generate(tmp_path / "none", people=0)
