"""Differential test: random sequences of operations, on the embedded store, on Neo4j, and replayed one
after the other; the partitions, the profile ids and the audit must agree (issue 15).

A seeded generator writes a small CRM (people with one to three records, household e-mails, typos) and a
sequence of operations: ingest a batch, update records, link (incremental or full), resolve (incremental
or full), merge, split (keep apart, take a record out), undo, forget (with or without suppression).
Some link and resolve runs have an ingest, an update or a merge happen while they run (at the point
between their read and their write: graph/hooks.py `link.scored`, `resolve.read`), through a second
connection. Then:

* the embedded store and Neo4j, given the same operations and the same overlaps, end with the same
  partition of records into profiles, the same profile ids, the same audit trail (in order), and the
  same households (ids and members) and traits;
* the embedded store with the overlaps ends as the same operations run one after the other (each
  overlapping operation after the job it overlapped, which read before it): same partition, same ids,
  the same audit entries, households and traits.

A final link and resolve settle what each run left to do. The model is trained once beforehand.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from idgraph.graph import hooks
from idgraph.graph.errors import IdgraphError
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs import people
from idgraph.ingest.jobs.forget import forget
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from tests.helpers import small_project
from tests.world import World, state_of, train_model

SEEDS = [11, 23, 37]


@dataclass
class Op:
    kind: str
    args: dict = field(default_factory=dict)
    during: "Op | None" = None  # an operation that happens while this one runs


def operations(seed: int) -> tuple[World, list[Op]]:
    rng = random.Random(seed)
    world = World(rng)
    ops = [Op("ingest", {"add": 12}), Op("link", {"full": True}), Op("resolve")]
    for _ in range(14):
        kind = rng.choice(["ingest", "update", "link", "resolve", "resolve", "merge", "split", "undo", "forget"])
        op = Op(kind)
        if kind == "ingest":
            op.args = {"add": rng.randint(1, 4)}
        elif kind in ("link", "resolve"):
            op.args = {"full": rng.random() < 0.25}
            if rng.random() < 0.5:
                op.during = Op(rng.choice(["ingest", "update", "merge"]), {"add": rng.randint(1, 3)})
        elif kind == "split":
            op.args = {"record": rng.random() < 0.4}
        elif kind == "forget":
            op.args = {"suppress": rng.random() < 0.5}
        op.args["pick"] = rng.random()
        if op.during:
            op.during.args["pick"] = rng.random()
        ops.append(op)
    ops += [Op("link", {"pick": 0.0}), Op("resolve", {"pick": 0.0})]
    return world, ops


# -- running them -------------------------------------------------------------------------------------------
def pick(items: list, at: float):
    return items[min(int(at * len(items)), len(items) - 1)]


class Run:
    """One store, the operations applied in order; `serial`: an overlapping operation runs after its job."""

    def __init__(self, store, other: Callable[[], object], folder: Path, model: Path, seed: int, serial: bool):
        self.store, self.other, self.folder, self.serial = store, other, folder, serial
        self.model = model
        self.world, self.ops = operations(seed)
        self.log: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)

    def mapping(self):
        path = small_project(self.folder, list(self.world.records.values()), matching={"model_path": str(self.model)})
        return load_mapping(path)

    def run(self) -> None:
        for op in self.ops:
            self.apply(op, self.store)

    def apply(self, op: Op, store) -> None:
        if op.kind in ("ingest", "update"):
            if op.kind == "ingest":
                self.world.add(op.args["add"])
            else:
                self.world.update()
            ingest(store, self.mapping())
            return
        if op.kind in ("link", "resolve"):
            job = (lambda: link(store, self.mapping(), full=op.args.get("full", False))) if op.kind == "link" else \
                (lambda: resolve(store, self.mapping(), full=op.args.get("full", False), by="steward"))
            if op.during is None:
                job()
            elif self.serial:
                job()
                self.apply(op.during, store)
            else:
                done: list[int] = []
                concurrent = self.other()

                def meanwhile() -> None:
                    if not done:
                        done.append(1)
                        self.apply(op.during, concurrent)

                hooks.install("link.scored" if op.kind == "link" else "resolve.read", meanwhile)
                try:
                    job()
                    meanwhile()  # a job with nothing to do stops before that point: then it comes after
                finally:
                    hooks.clear()
                    concurrent.close()
            return
        try:
            self.steward(op, store)
        except IdgraphError as refused:  # both stores refuse alike (a conflicting judgement, nothing to do)
            self.log.append(f"{op.kind} refused: {type(refused).__name__}")

    def steward(self, op: Op, store) -> None:
        customers = sorted(uid for kind, source, rid, _ in store.bulk("records") if kind == "customer"
                           for uid in [f"{source}:{rid}"])
        if op.kind == "merge":
            a = pick(customers, op.args["pick"])
            b = pick(customers, (op.args["pick"] * 7.31) % 1)
            if a != b:
                people.merge(store, a, b, "steward", f"{a} and {b} are one person")
                self.log.append(f"merge {a} {b}")
        elif op.kind == "split":
            groups: dict[str, list[str]] = {}
            for kind, source, rid, pid in store.bulk("records"):
                if kind == "customer" and pid:
                    groups.setdefault(pid, []).append(f"{source}:{rid}")
            big = sorted((pid, sorted(uids)) for pid, uids in groups.items() if len(uids) >= 2)
            if not big:
                return
            pid, uids = pick(big, op.args["pick"])
            if op.args["record"]:
                people.split_record(store, pid, uids[-1], "steward", "not the same person")
            else:
                people.split_apart(store, pid, uids[0], uids[-1], "steward", "twins")
            self.log.append(f"split {pid}")
        elif op.kind == "undo":
            live = sorted(store.judgements(None), key=lambda j: (j["a_uid"], j["b_uid"], j["kind"]))
            if live:
                chosen = pick(live, op.args["pick"])
                people.undo(store, chosen["judgement_id"], "steward", "changed my mind")
                self.log.append(f"undo {chosen['a_uid']} {chosen['b_uid']} {chosen['kind']}")
        elif op.kind == "forget" and customers:
            uid = pick(customers, op.args["pick"])
            forget(store, record=uid, suppress=op.args["suppress"], by="dpo", region="GB")
            self.log.append(f"forget {uid}")

    # -- what is compared
    def outcome(self) -> dict:
        return {**state_of(self.store), "log": self.log}


# -- the test -----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    """A model trained once, for every run."""
    return train_model(tmp_path_factory.mktemp("model"))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_operations_agree_on_both_stores_and_with_a_serial_replay(seed, model, tmp_path, neo4j_clean):
    from idgraph.graph.neo4j_store import Neo4jStore

    def embedded(name: str):
        def open_() -> SQLiteStore:
            s = SQLiteStore(tmp_path / f"{name}.db")
            s.init()
            return s
        return open_

    def graph() -> Neo4jStore:
        s = Neo4jStore(neo4j_clean.uri, neo4j_clean.user, neo4j_clean.password, neo4j_clean.database, gds=False)
        s.init()
        return s

    outcomes = {}
    for name, opener, serial in (("embedded", embedded("embedded"), False), ("neo4j", graph, False),
                                 ("replay", embedded("replay"), True)):
        store = opener()
        try:
            run = Run(store, opener, tmp_path / name, model, seed, serial)
            run.run()
            outcomes[name] = run.outcome()
        finally:
            store.close()
    embedded_, neo4j_, replay = outcomes["embedded"], outcomes["neo4j"], outcomes["replay"]
    assert embedded_["to_do"] == neo4j_["to_do"] == replay["to_do"] == 0
    assert embedded_["log"] == neo4j_["log"] == replay["log"]
    assert len(embedded_["partition"]) > 5
    assert embedded_["households"] and embedded_["traits"]
    for key in ("partition", "ids", "audit", "households", "traits"):
        assert embedded_[key] == neo4j_[key], f"{key}: the embedded store and Neo4j differ"
    assert embedded_["partition"] == replay["partition"]
    assert embedded_["ids"] == replay["ids"]
    assert embedded_["households"] == replay["households"] and embedded_["traits"] == replay["traits"]
    assert sorted(embedded_["audit"]) == sorted(replay["audit"])
