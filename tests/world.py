"""A small random CRM (people with one to three records, nicknames, household e-mails) and the audit trail
in a form two stores can be compared by: for the differential test and the kill -9 tests."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers import person, small_project

FIRST = ["anna", "ben", "cara", "dan", "eve", "finn", "gina", "hugo", "ivy", "jack", "kim", "liam", "mia", "noah"]
NICK = {"anna": "ann", "ben": "benny", "dan": "danny", "gina": "gigi", "jack": "jacky", "kim": "kimmy"}
LAST = ["smith", "jones", "brown", "taylor", "wilson", "evans", "white", "hall", "clark", "lewis"]


@dataclass
class World:
    """What the CRM export holds, and the random source of every choice."""

    rng: random.Random
    records: dict[str, dict] = field(default_factory=dict)
    persons: int = 0

    def new_person(self) -> list[dict]:
        p, rng = self.persons, self.rng
        self.persons += 1
        first, last = rng.choice(FIRST), rng.choice(LAST)
        dob = f"19{rng.randint(50, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        email = f"{first}.{last}{p}@mail.co.uk" if rng.random() < 0.8 else f"{last}.family@home.co.uk"
        phone = f"07700 9{p:05d}" if rng.random() < 0.6 else ""
        made = []
        for n in range(rng.choice([1, 1, 2, 2, 3])):
            typed = NICK.get(first, first) if n and rng.random() < 0.4 else first
            made.append(person(f"P{p}-{n}", typed.title(), last.title(), email if n == 0 or rng.random() < 0.6 else "",
                               phone if rng.random() < 0.7 else "", dob, f"E{p % 7} 1AA"))
        return made

    def add(self, k: int) -> None:
        for _ in range(k):
            for row in self.new_person():
                self.records[row["id"]] = row

    def update(self) -> None:
        uid = self.rng.choice(sorted(self.records))
        row = dict(self.records[uid])
        what = self.rng.choice(["email", "phone", "postcode", "first"])
        row[what] = {"email": f"new{self.rng.randint(0, 999)}@else.org", "phone": f"07700 8{self.rng.randint(0, 99999):05d}",
                     "postcode": "N1 9GU", "first": row["first"] + "e"}[what]
        self.records[uid] = row


def audit_of(store) -> list[tuple]:
    """The audit entries in order, without times and numbers; judgement ids (random) named by the order in
    which they first appear."""
    names: dict[str, str] = {}

    def canonical(value):
        if isinstance(value, dict):
            return {k: canonical(v) for k, v in value.items()}
        if isinstance(value, list):
            return [canonical(v) for v in value]
        if isinstance(value, str) and value.startswith("J") and len(value) == 13:
            return names.setdefault(value, f"J#{len(names) + 1}")
        return value

    out = []
    for a in store.audit():
        details = json.loads(a["details"]) if isinstance(a["details"], str) and a["details"] else a["details"]
        details = canonical(details or {})
        if a["action"] == "forgotten":
            details = {k: v for k, v in details.items() if k != "asked"}  # a salted hash: the salts differ
        out.append((a["action"], a["profile_id"], a["by"], a["reason"], json.dumps(details, sort_keys=True)))
    return out


def train_model(folder: Path) -> Path:
    """A model trained on 260 people written the way World writes them, so that the tests that use it do
    not each train their own (training is deterministic, but slow for a test)."""
    from idgraph.graph.sqlite_store import SQLiteStore
    from idgraph.ingest.jobs.ingest import ingest
    from idgraph.ingest.jobs.link import link
    from idgraph.ingest.mapping import load_mapping

    world = World(random.Random(5))
    world.add(130)
    path = folder / "test.model.json"
    mapping = load_mapping(small_project(folder, list(world.records.values()), matching={"model_path": str(path)}))
    with SQLiteStore(folder / "train.db") as store:
        store.init()
        ingest(store, mapping)
        link(store, mapping, full=True)
    assert path.exists()
    return path


def state_of(store) -> dict:
    """What two stores that did the same work must agree on: the partition of records into profiles, each
    record's profile id and each interaction's, the audit trail, what is left to resolve, the households
    (each profile's, by id) and the traits of every profile."""
    ids = {f"{s}:{r}": p for k, s, r, p in store.bulk("records") if k == "customer"}
    groups: dict[str, set[str]] = {}
    for uid, pid in ids.items():
        groups.setdefault(pid or f"none:{uid}", set()).add(uid)
    return {"partition": {frozenset(g) for g in groups.values()}, "ids": ids,
            "attributed": {f"{s}:{r}": p for k, s, r, p in store.bulk("records") if k == "interaction"},
            "audit": audit_of(store), "to_do": store.stats()["customers_to_resolve"],
            "households": sorted(store.bulk("household_members")),
            "traits": {pid: traits for pid, _, traits in store.bulk("traits")}}
