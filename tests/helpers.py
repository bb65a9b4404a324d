"""Small hand-made projects for tests: a mapping and its sources written into a folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

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


def small_project(folder: Path, crm: list[dict], web: list[dict] | None = None, **mapping_extra) -> Path:
    """A two-source project: a CRM (customers) and a clickstream (interactions naming CRM customers)."""
    write_csv(folder / "crm.csv", CRM_COLUMNS, crm)
    write_csv(folder / "web.csv", ["event_id", "ts", "cookie", "event", "user_id"], web or [])
    mapping = {
        "project": "test",
        "phone_region": "GB",
        "sources": {
            "crm": {"path": "crm.csv", "kind": "customer", "id": "id", "fields": {
                "first_name": "first", "last_name": "last", "email": "email", "phone": "phone",
                "dob": {"column": "dob", "format": "%Y-%m-%d"}, "postcode": "postcode",
                "updated_at": {"column": "updated", "format": "iso"}}},
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
