"""Synthetic multi-source customer data with ground truth, for demos, tests and benchmarks.

``generate(out_dir, people=2000, seed=42)`` invents ``people`` persons living in UK-style households
and writes what five systems of one company would know about them, each in its own shape:

* ``crm.csv``          CRM export, one row per account (a few persons registered twice);
* ``loyalty.csv``      ``;``-delimited loyalty cards, names and phones typed by shop staff, day-first dates;
* ``newsletter.jsonl`` sign-ups keyed by e-mail address;
* ``tickets.jsonl``    contact-centre tickets (interactions), sometimes naming the CRM account;
* ``web.csv``          clickstream (interactions): cookies, anonymous page views, logins naming the CRM account;

plus ``idgraph.yaml`` (the mapping of those columns, see :mod:`idgraph.ingest.mapping`) and
``truth.csv`` (``source,record_id,person_id`` for every customer record and every interaction) and
``households.csv`` (``person_id,household_id``: who lives with whom, as lab/retail_eu writes it). Web
purchases carry an order id, an amount and a currency (mapping roles order_id, amount, currency).

The data carries the hard cases of entity resolution on purpose: households sharing an address,
a landline and sometimes a family e-mail; twins; many people called John Smith; nicknames, typos,
swapped day and month, a married surname in one system and the maiden name in an older one, old
e-mails and postcodes, junk placeholders (``test@test.com``, ``withheld``), a store kiosk on which
hundreds of customers log in, a family laptop shared by two members, and (``malformed=True``) about
0.1% malformed rows: wrong column count, undecodable bytes, lines that are not JSON, empty ids.

Ground truth notes: ``record_id`` is the id the mapping derives (the id column, or for the newsletter
the e-mail trimmed and lower-cased). A malformed row that still has an id keeps its truth row; a row
with an empty id has none. A junk newsletter address (``test@test.com``) is typed by several
persons, so its record id appears in ``truth.csv`` once per person: such a record has no single true
owner and an evaluation should leave it out (or count it as unresolvable).

Everything comes from one seeded ``random.Random``, sets are only used for membership, and no clock
is read: the same seed writes byte-identical files.
"""

from __future__ import annotations

import random
from pathlib import Path

from pydantic import BaseModel

from .customers import _crm, _loyalty, _newsletter
from .data import CUSTOMER_SOURCES, INTERACTION_SOURCES, JUNK_EMAILS, JUNK_PHONES, NICKNAMES, SOURCES, _Rows, _tables
from .files import _write
from .interactions import _tickets, _web
from .people import _force_hard_cases, _identities, _people

__all__ = ["Generated", "generate", "NICKNAMES", "JUNK_EMAILS", "JUNK_PHONES", "SOURCES"]


class Generated(BaseModel):
    """What :func:`generate` wrote."""

    mapping_path: Path
    truth_path: Path
    households_path: Path
    files: dict[str, Path]  # source name -> file
    people: int
    customer_records: int
    interactions: int
    counts: dict[str, int]  # data rows per source (malformed ones included)
    malformed: dict[str, int]  # malformed rows per source


def generate(out_dir: Path, people: int = 2000, seed: int = 42, *, malformed: bool = True) -> Generated:
    """Write five source files, ``idgraph.yaml`` and ``truth.csv`` for ``people`` persons into ``out_dir``."""
    if people < 1:
        raise ValueError("people must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    tables = _tables()

    persons = _people(people, rng, tables)
    _force_hard_cases(persons, rng)
    emails = _identities(persons, rng)
    for p in persons:
        p.in_crm = rng.random() < 0.70 or p.twin or p.common_name or p.name_changed
        p.crm_dupe = p.in_crm and rng.random() < 0.025
        p.in_loyalty = rng.random() < (0.7 if p.family_email else 0.43) or p.name_changed
        p.in_newsletter = rng.random() < 0.47
        p.in_web = rng.random() < 0.60
    subscribers = [p for p in persons if p.in_newsletter and not p.name_changed]
    for i, p in enumerate(rng.sample(subscribers, min(len(subscribers), max(6, people // 250)))):
        p.junk_newsletter = ("test@test.com", "noemail@example.com")[i % 2]

    sources: dict[str, _Rows] = {}
    sources["crm"] = _crm(persons, rng, emails)
    sources["loyalty"] = _loyalty(persons, rng)
    sources["newsletter"] = _newsletter(persons, rng)
    sources["tickets"] = _tickets(persons, rng)
    sources["web"] = _web(persons, rng)

    files, truth_path, mapping_path, bad = _write(out_dir, sources, people, seed, malformed, rng)
    households_path = out_dir / "households.csv"
    households_path.write_bytes(("person_id,household_id\n" + "".join(
        f"{p.pid},H{p.household:06d}\n" for p in persons)).encode("utf-8"))

    counts = {name: len(sources[name].rows) for name in SOURCES}
    return Generated(
        mapping_path=mapping_path,
        truth_path=truth_path,
        households_path=households_path,
        files=files,
        people=people,
        customer_records=sum(counts[s] for s in CUSTOMER_SOURCES),
        interactions=sum(counts[s] for s in INTERACTION_SOURCES),
        counts=counts,
        malformed={name: len(bad[name]) for name in SOURCES},
    )
