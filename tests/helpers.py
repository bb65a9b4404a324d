"""Small hand-made projects for tests: a mapping and its sources written into a folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import yaml

CRM_COLUMNS = ["id", "first", "last", "email", "phone", "dob", "postcode", "updated"]


def write_csv(path: Path, columns: list[str], rows: list[dict], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter=delimiter)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
    return path


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def small_project(folder: Path, crm: list[dict], web: list[dict] | None = None, *, crm_fields: dict | None = None,
                  crm_attributes: dict | None = None, **mapping_extra) -> Path:
    """A two-source project: a CRM (customers) and a clickstream (interactions naming CRM customers).
    crm_fields and crm_attributes add roles (a declared identifier kind) and attributes to the CRM, each
    a column of its own name in crm.csv."""
    extra = [*(crm_fields or {}).values(), *(crm_attributes or {}).values()]
    write_csv(folder / "crm.csv", CRM_COLUMNS + [c for c in extra if c not in CRM_COLUMNS], crm)
    write_csv(folder / "web.csv", ["event_id", "ts", "cookie", "event", "user_id"], web or [])
    mapping = {
        "project": "test",
        "phone_region": "GB",
        "sources": {
            "crm": {"path": "crm.csv", "kind": "customer", "id": "id", "fields": {
                "first_name": "first", "last_name": "last", "email": "email", "phone": "phone",
                "dob": {"column": "dob", "format": "%Y-%m-%d"}, "postcode": "postcode",
                "updated_at": {"column": "updated", "format": "iso"}, **(crm_fields or {})},
                **({"attributes": crm_attributes} if crm_attributes else {})},
            "web": {"path": "web.csv", "kind": "interaction", "id": "event_id", "fields": {
                "timestamp": {"column": "ts", "format": "iso"}, "device": "cookie", "event_type": "event",
                "customer_ref": {"column": "user_id", "source": "crm"}, "channel": {"value": "web"}}},
        },
        **mapping_extra,
    }
    path = folder / "idgraph.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
    return path


def person(id: str, first: str, last: str, email: str = "", phone: str = "", dob: str = "", postcode: str = "",
           updated: str = "2024-01-01T00:00:00Z") -> dict:
    return {"id": id, "first": first, "last": last, "email": email, "phone": phone, "dob": dob,
            "postcode": postcode, "updated": updated}


# -- a project with declared identifier kinds and attributes (ingest/declared.py) -----------------------
DECLARED_CRM_COLUMNS = ["id", "first", "last", "email", "ssn", "sex", "title", "street_no", "street", "line2"]
BANK_COLUMNS = ["acct", "first", "last", "national_id", "loyalty"]
CALL_COLUMNS = ["call_id", "at", "ssn", "account"]
DECLARED_KINDS = {
    "national_id": {"normalise": ["digits"], "min_length": 6, "junk": ["123456789"]},
    "loyalty_number": {"normalise": ["strip", "upper", "no_space"]},
}


def declared_project(folder: Path, crm: list[dict], bank: list[dict] | None = None,
                     calls: list[dict] | None = None, **mapping_extra) -> Path:
    """Three sources sharing declared identifier kinds: a CRM (national_id from `ssn`, an address from
    three columns, attributes gender and title), a bank (national_id, loyalty_number) and phone calls
    (interactions carrying a national_id and a loyalty_number)."""
    write_csv(folder / "crm.csv", DECLARED_CRM_COLUMNS, crm)
    write_csv(folder / "bank.csv", BANK_COLUMNS, bank or [])
    write_csv(folder / "calls.csv", CALL_COLUMNS, calls or [])
    names = {"first_name": "first", "last_name": "last"}
    mapping = {
        "project": "declared",
        "phone_region": "GB",
        "identifiers": DECLARED_KINDS,
        "guard": {"max_customers": 3},
        "sources": {
            "crm": {"path": "crm.csv", "kind": "customer", "id": "id",
                    "fields": {**names, "email": "email", "national_id": "ssn",
                               "address": ["street_no", "street", "line2"]},
                    "attributes": {"gender": "sex", "title": "title"}},
            "bank": {"path": "bank.csv", "kind": "customer", "id": "acct",
                     "fields": {**names, "national_id": "national_id", "loyalty_number": "loyalty"}},
            "calls": {"path": "calls.csv", "kind": "interaction", "id": "call_id",
                      "fields": {"timestamp": {"column": "at", "format": "iso"}, "national_id": "ssn",
                                 "loyalty_number": "account", "channel": {"value": "phone"}}},
        },
        **mapping_extra,
    }
    path = folder / "idgraph.yaml"
    path.write_text(yaml.safe_dump(mapping, sort_keys=False), encoding="utf-8")
    return path


# -- work marks (graph/work.py) --------------------------------------------------------------------------
def to_link(store) -> list[str]:
    """The customers the link job has still to look at (stamped after its watermark)."""
    return store.changed("link", store.marks()["watermarks"].get("link", 0))


def to_resolve(store) -> list[str]:
    """The customers resolve has still to look at (stamped after its watermark)."""
    return store.changed("resolve", store.marks()["watermarks"].get("resolve", 0))


def linked_up_to_now(store) -> None:
    """Advance the link job's watermark to the store's sequence, as a link run that read everything does."""
    store.advance_watermark("link", store.marks()["sequence"])


def matcher_people(people: int = 600, seed: int = 5) -> list[dict]:
    """Records for matcher tests: a CRM record per person, a loyalty card for every other one with a
    nickname or a swapped date now and then."""
    rng = np.random.default_rng(seed)
    firsts = ["james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "susan"]
    lasts = ["smith", "jones", "taylor", "brown", "wilson", "evans", "thomas", "roberts", "khan", "lewis",
             "walker", "wright", "hughes", "green", "hall", "wood", "harris", "clarke", "cooper", "king"]
    rows = []
    for i in range(people):
        first, last = rng.choice(firsts), rng.choice(lasts)
        dob = f"{rng.integers(1940, 2005)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}"
        person = {
            "first_name": first, "last_name": last, "dob": dob, "postcode": f"AB{i % 90} {i % 9}XY",
            "address": f"{i} high st", "emails": [f"{first}.{last}{i}@mail.com"], "phones": [f"+4477009{i:05d}"],
        }
        rows.append({**person, "uid": f"crm:{i}"})
        if i % 2 == 0:  # a loyalty card for every other person, with a nickname or typo now and then
            card = {**person, "uid": f"loyalty:{i}", "address": None, "emails": []}
            if i % 6 == 0:
                card["first_name"] = {"robert": "bob", "james": "jim", "susan": "sue"}.get(first, first)
            if i % 10 == 0:
                card["dob"] = f"{dob[:4]}-{dob[8:10]}-{dob[5:7]}"
            rows.append(card)
    return rows
