"""Writing the generated sources: CSV and JSON Lines with malformed rows, the mapping YAML and truth.csv."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

from .data import _CSV_BAD, _JSON_BAD, _MALFORMED_RATE, CRM_COLUMNS, LOYALTY_COLUMNS, SOURCES, WEB_COLUMNS, _Rows

_FILE_NAMES = {"crm": "crm.csv", "loyalty": "loyalty.csv", "newsletter": "newsletter.jsonl",
               "tickets": "tickets.jsonl", "web": "web.csv"}


# ------------------------------------------------------------------------------------- malformed


def _pick_bad(rows: _Rows, kinds: tuple[str, ...], rng: random.Random) -> dict[int, str]:
    n = len(rows.rows)
    per_kind = max(1, round(n * _MALFORMED_RATE / len(kinds)))
    if n < len(kinds) * per_kind * 4:
        return {}
    picked = rng.sample(range(n), per_kind * len(kinds))
    return {i: kinds[j // per_kind] for j, i in enumerate(picked)}


def _undecodable(text: str | None, rng: random.Random) -> str:
    """Insert a Latin-1 byte (é as 0xE9) that is not valid UTF-8; written with surrogateescape."""
    text = text or "Rene"
    i = rng.randrange(1, len(text)) if len(text) > 1 else 1
    return text[:i] + "\udce9" + text[i:]


def _csv_bytes(header: list[str], rows: _Rows, delimiter: str, bad: dict[int, str], text_col: int,
               rng: random.Random) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    write = writer.writerow
    for i, row in enumerate(rows.rows):
        kind = bad.get(i)
        if kind is None:
            write(row)
        elif kind == "columns":  # unquoted, one column short or one too many
            clean = [f.replace(delimiter, " ").replace('"', "") for f in row]
            clean = clean[:-1] if i % 2 else clean + ["?"]
            buf.write(delimiter.join(clean) + "\n")
        elif kind == "encoding":
            row[text_col] = _undecodable(row[text_col], rng)
            write(row)
        else:  # empty_id
            row[0] = ""
            rows.ids[i] = None
            write(row)
    return buf.getvalue().encode("utf-8", "surrogateescape")


def _jsonl_bytes(rows: _Rows, bad: dict[int, str], id_key: str, text_key: str, rng: random.Random) -> bytes:
    lines = []
    for i, row in enumerate(rows.rows):
        kind = bad.get(i)
        if kind == "json":  # a Python repr or a truncated line, the id still readable in it
            line = json.dumps(row, ensure_ascii=False)
            lines.append(str(row) if i % 2 else line[: line.rfind(",")])
            continue
        if kind == "encoding":
            row[text_key] = _undecodable(row.get(text_key), rng)
        elif kind == "empty_id":
            row[id_key] = ""
            rows.ids[i] = None
        lines.append(json.dumps(row, ensure_ascii=False))
    return ("\n".join(lines) + "\n" if lines else "").encode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------------------- mapping


_MAPPING = """\
# Mapping of the synthetic demo data written by idgraph.lab.synthetic
# ({people} people, seed {seed}). Paths are relative to this file; truth.csv holds the answers.
project: demo
phone_region: GB
gmail_rules: false
guard:
  max_customers: 10
  check_conflicts: true
survivorship:
  source_priority: [crm, loyalty, newsletter]
households:
  evidence: [dwelling, surname_postcode, phone, email]
  max_size: 8
traits:
  as_of: "2025-01-01"  # the generated events end in 2024
  define:
    purchases_90d: {{count: {{event_type: purchase}}, window: 90d}}
    revenue_365d: {{sum: amount, where: {{event_type: purchase}}, window: 365d}}
    calls_30d: {{count: {{channel: phone}}, window: 30d}}
    largest_order: {{max: amount}}
    first_contact_channel: {{first: channel}}
sources:
  crm:
    path: crm.csv
    format: csv
    kind: customer
    id: CustomerID
    fields:
      first_name: FirstName
      last_name: LastName
      email: Email
      phone: [MobilePhone, HomePhone]
      dob: {{column: DateOfBirth, format: "%Y-%m-%d"}}
      address: Address1
      city: City
      postcode: PostCode
      country: Country
      updated_at: {{column: LastModified, format: iso}}
  loyalty:
    path: loyalty.csv
    format: csv
    kind: customer
    delimiter: ";"
    id: card_no
    name_format: auto  # "SMITH, BOB", "Bob Smith", "R. Smith", "robert smith"
    fields:
      full_name: member_name
      phone: tel
      dob: {{column: birth_date, format: "%d/%m/%Y"}}
      postcode: postcode
      email: email
  newsletter:
    path: newsletter.jsonl
    format: jsonl
    kind: customer
    id: {{role: email}}
    fields:
      email: email_address
      first_name: first
      updated_at: {{column: signup_ts, format: epoch}}
  tickets:
    path: tickets.jsonl
    format: jsonl
    kind: interaction
    id: ticket_id
    fields:
      timestamp: {{column: opened_at, format: iso}}
      channel: channel
      event_type: category
      phone: caller_phone
      email: contact_email
      customer_ref: {{column: crm_ref, source: crm}}
  web:
    path: web.csv
    format: csv
    kind: interaction
    id: event_id
    fields:
      timestamp: {{column: ts, format: epoch_ms}}
      device: cookie_id
      event_type: event
      customer_ref: {{column: user_id, source: crm}}
      channel: {{value: web}}
      order_id: order_id
      amount: amount
      currency: currency
    keep: [page]
"""


# ----------------------------------------------------------------------------------------- writing


def _write(out_dir: Path, sources: dict[str, _Rows], people: int, seed: int, malformed: bool,
           rng: random.Random) -> tuple[dict[str, Path], Path, Path, dict[str, dict[int, str]]]:
    """Write the five source files, ``truth.csv`` and ``idgraph.yaml``; returns the paths and the malformed rows."""
    names = _FILE_NAMES
    bad: dict[str, dict[int, str]] = {}
    for name in SOURCES:
        kinds = _JSON_BAD if names[name].endswith(".jsonl") else _CSV_BAD
        bad[name] = _pick_bad(sources[name], kinds, rng) if malformed else {}
    payload = {
        "crm": _csv_bytes(CRM_COLUMNS, sources["crm"], ",", bad["crm"], 2, rng),
        "loyalty": _csv_bytes(LOYALTY_COLUMNS, sources["loyalty"], ";", bad["loyalty"], 1, rng),
        "newsletter": _jsonl_bytes(sources["newsletter"], bad["newsletter"], "email_address", "first", rng),
        "tickets": _jsonl_bytes(sources["tickets"], bad["tickets"], "ticket_id", "category", rng),
        "web": _csv_bytes(WEB_COLUMNS, sources["web"], ",", bad["web"], 5, rng),
    }
    files = {}
    for name in SOURCES:
        files[name] = out_dir / names[name]
        files[name].write_bytes(payload[name])

    truth = io.StringIO()
    truth.write("source,record_id,person_id\n")
    for name in SOURCES:
        rows = sources[name]
        seen: set[tuple[str, str]] = set()
        for rid, pid in zip(rows.ids, rows.persons):
            if rid is None or (rid, pid) in seen:
                continue
            seen.add((rid, pid))
            truth.write(f"{name},{rid},{pid}\n")
    truth_path = out_dir / "truth.csv"
    truth_path.write_bytes(truth.getvalue().encode("utf-8"))
    mapping_path = out_dir / "idgraph.yaml"
    mapping_path.write_bytes(_MAPPING.format(people=people, seed=seed).encode("utf-8"))
    return files, truth_path, mapping_path, bad
