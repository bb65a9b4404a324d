"""kill -9: every job killed at several points recovers, on both stores, to what a clean run gives.

Each case runs the job in a subprocess (`python -c JOB`) that SIGKILLs itself at a named point: a hook of
the job (graph/hooks.py, through IDGRAPH_TEST_HOOKS), `store.commit@N` (inside its N-th write
transaction, before the commit), or a store method that the job calls (`IDGRAPH_TEST_KILL_IN`, the
method name: the process dies as that method is called). Then the job runs again, to the end, and the
store is compared with a store where it ran once, cleanly.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs import people
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from tests.helpers import person, small_project
from tests.world import World, state_of, train_model

# The child: open the store (the embedded file, or Neo4j from NEO4J_*), then run one job given as JSON.
CHILD = """
import json, os, signal, sys
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.mapping import load_mapping
target, mapping_path, job = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if target == "neo4j":
    from idgraph.graph.neo4j_store import Neo4jStore
    store = Neo4jStore.from_env()
else:
    store = SQLiteStore(target)
store.init()
dying = os.environ.get("IDGRAPH_TEST_KILL_IN")
if dying:
    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)
    setattr(store, dying, die)
mapping = load_mapping(mapping_path)
name, kwargs = job["job"], job.get("kwargs", {})
if name == "forget":
    from idgraph.ingest.jobs.forget import forget
    forget(store, **kwargs)
elif name == "resolve":
    from idgraph.ingest.jobs.resolve import resolve
    resolve(store, mapping, **kwargs)
elif name == "ingest":
    from idgraph.ingest.jobs.ingest import ingest
    ingest(store, mapping, **kwargs)
elif name == "link":
    from idgraph.ingest.jobs.link import link
    link(store, mapping, **kwargs)
elif name == "merge":
    from idgraph.ingest.jobs import people
    people.merge(store, **kwargs)
elif name == "split_record":
    from idgraph.ingest.jobs import people
    people.split_record(store, **kwargs)
elif name == "undo":
    from idgraph.ingest.jobs import people
    people.undo(store, **kwargs)
elif name == "decide":
    from idgraph.ingest.jobs import review
    review.decide(store, **kwargs)
elif name == "replay":
    from idgraph.ingest.jobs.replay import replay
    replay(store, mapping, **kwargs)
elif name == "train":
    from idgraph.ingest.jobs.link import train_model
    train_model(store, mapping)
store.close()
"""


def run_child(store, request, mapping_path: Path, job: dict, *, hooks: str | None = None,
              kill_in: str | None = None) -> int:
    """Run one job in a subprocess against `store`'s database; its return code (-9 when it was killed)."""
    env = {k: v for k, v in os.environ.items() if k not in ("IDGRAPH_TEST_HOOKS", "IDGRAPH_TEST_KILL_IN")}
    if store.name == "neo4j":
        server = request.getfixturevalue("neo4j_server")
        env.update(NEO4J_URI=server.uri, NEO4J_USERNAME=server.user, NEO4J_PASSWORD=server.password,
                   NEO4J_DATABASE=server.database)
        target = "neo4j"
    else:
        target = str(store.path)
    if hooks:
        env["IDGRAPH_TEST_HOOKS"] = hooks
    if kill_in:
        env["IDGRAPH_TEST_KILL_IN"] = kill_in
    done = subprocess.run([sys.executable, "-c", CHILD, target, str(mapping_path), json.dumps(job)], env=env,
                          timeout=600, capture_output=True, text=True)
    assert done.returncode in (0, -9), done.stderr[-3000:]
    return done.returncode


# -- forget (issue 15, finding 4) ------------------------------------------------------------------------
ZEB = [person("ZQ-881", "Zebediah", "Quisling", "zeb.q@hidden.org", "07700 900881", "1955-03-04"),
       person("ZQ-882", "Zeb", "Quisling", "zeb.q@hidden.org", "", "1955-03-04"),
       person("1", "Robert", "Smith", "bob@post.co.uk", "07700 900001", "1980-02-03")]
FORGET = {"job": "forget", "kwargs": {"email": "zeb.q@hidden.org", "suppress": True, "by": "dpo", "region": "GB"}}


def forgotten(store) -> list[dict]:
    return [a for a in store.audit() if a["action"] == "forgotten"]


@pytest.mark.parametrize("kill", [
    {"kill_in": "add_suppression"},  # between the erasure and the suppression
    {"kill_in": "add_audit"},  # between the suppression and the audit entry
    {"hooks": "forget.planned=kill"}, {"hooks": "forget.erased=kill"}, {"hooks": "store.commit@1=kill"},
], ids=["before-suppression", "before-audit", "planned", "erased", "commit"])
def test_forget_killed_anywhere_erases_all_with_its_suppression_and_audit_or_nothing(store, request, tmp_path, kill):
    path = small_project(tmp_path, ZEB)
    mapping = load_mapping(path)
    ingest(store, mapping)
    resolve(store, mapping)
    assert run_child(store, request, path, FORGET, **kill) == -9
    if store.find_customers("record", "crm:ZQ-881"):  # killed before its commit: nothing happened
        assert store.find_customers("record", "crm:ZQ-882") and not forgotten(store)
        assert run_child(store, request, path, FORGET) == 0
    # erased, with its suppression and its one audit entry, as after a clean run
    assert store.find_customers("record", "crm:ZQ-881") == store.find_customers("record", "crm:ZQ-882") == []
    assert len(forgotten(store)) == 1
    again = ingest(store, mapping)
    assert {s.source: s.suppressed for s in again.sources}["crm"] == 2  # they do not come back
    assert store.find_customers("email", "zeb.q@hidden.org") == []
    assert [c["uid"] for c in store.find_customers("record", "crm:1")] == ["crm:1"]


# -- every other job (issue 15): ingest, link, resolve, merge, split, undo ------------------------------------
# A CRM of 14 people (26 records: nicknames, household e-mails) and a clickstream (logins naming a record,
# anonymous views on their devices). The store holds the first 20 records ingested, linked and resolved;
# then the CRM gets 6 more records and 2 updates. Each case runs one job in a child that kills itself,
# runs the job again to the end, then settles (link, resolve), and compares with a fresh embedded store
# where the same happened without a kill (the stores agree: tests/test_differential.py).
@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return train_model(tmp_path_factory.mktemp("model"))


def crm_and_web() -> tuple[list[dict], list[dict], list[dict]]:
    """(the first CRM export, the next one, the clickstream)."""
    world = World(random.Random(3))
    world.add(14)
    first = list(world.records.values())[:20]
    later = World(world.rng, dict(world.records), world.persons)
    later.update()
    later.update()
    uids = sorted(world.records)
    web = [{"event_id": f"e{i}", "ts": f"2024-03-0{1 + i % 9}T10:00:00Z", "cookie": f"dev-{i % 5}",
            "event": "login" if i % 3 == 0 else "page_view", "user_id": uids[i * 2] if i % 3 == 0 else ""}
           for i in range(12)]
    return first, list(later.records.values()), web


def settle(store, mapping) -> None:
    link(store, mapping)
    resolve(store, mapping)


class Case:
    """A job on a store that holds the first export resolved: `ready` brings it to the point the job starts
    from; `job` is what the child runs (a function of the store, for the uids and profile ids it names)."""

    def __init__(self, name: str, ready: Callable, job: Callable[[object], dict]):
        self.name, self.ready, self.job = name, ready, job


def _ingest_later(store, mapping, later) -> None:
    ingest(store, later)


def _profile_of(store, uid: str) -> str:
    return store.find_customers("record", uid)[0]["profile_id"]


def _two_profiles(store) -> tuple[str, str]:
    """The first records (by uid) of two different profiles."""
    firsts: dict[str, str] = {}
    for kind, source, rid, pid in store.bulk("records"):
        if kind == "customer" and pid and pid not in firsts:
            firsts[pid] = f"{source}:{rid}"
    a, b = sorted(firsts.values())[:2]
    return a, b


def _a_profile_of_two(store) -> tuple[str, str]:
    """A profile with two records or more, and its last record."""
    groups: dict[str, list[str]] = {}
    for kind, source, rid, pid in store.bulk("records"):
        if kind == "customer" and pid:
            groups.setdefault(pid, []).append(f"{source}:{rid}")
    pid, uids = min((p, sorted(u)) for p, u in groups.items() if len(u) >= 2)
    return pid, uids[-1]


def _merged(store, mapping, later) -> None:
    a, b = _two_profiles(store)
    people.merge(store, a, b, "steward", "one person")
    resolve(store, mapping)


CASES = {
    "ingest": Case("ingest", lambda store, mapping, later: None,
                   lambda store: {"job": "ingest", "kwargs": {"batch_size": 4}}),
    "link": Case("link", _ingest_later, lambda store: {"job": "link"}),
    "link-full": Case("link-full", _ingest_later, lambda store: {"job": "link", "kwargs": {"full": True}}),
    "resolve": Case("resolve", lambda store, mapping, later: (ingest(store, later), link(store, later)),
                    lambda store: {"job": "resolve"}),
    "merge": Case("merge", lambda store, mapping, later: None, lambda store: {"job": "merge", "kwargs": dict(
        zip(("a", "b"), _two_profiles(store)), by="steward", reason="one person")}),
    "split": Case("split", lambda store, mapping, later: None, lambda store: {"job": "split_record", "kwargs": dict(
        zip(("profile", "record"), _a_profile_of_two(store)), by="steward", reason="not them")}),
    "undo": Case("undo", _merged, lambda store: {"job": "undo", "kwargs": {
        "judgement_id": store.judgements(None)[0]["judgement_id"], "by": "steward", "reason": "changed my mind"}}),
}
KILLS = [
    ("ingest", {"hooks": "store.commit@1=kill"}), ("ingest", {"hooks": "store.commit@3=kill"}),
    ("ingest", {"kill_in": "write_interaction_frame"}),
    ("link", {"hooks": "link.scored=kill"}), ("link", {"hooks": "store.commit@1=kill"}),
    ("link-full", {"kill_in": "replace_links"}),
    ("resolve", {"hooks": "resolve.guarded=kill"}), ("resolve", {"hooks": "resolve.read=kill"}),
    ("resolve", {"hooks": "store.commit@1=kill"}), ("resolve", {"kill_in": "write_resolution"}),
    # households and traits are written inside the transaction that writes the profiles: a kill there
    # leaves the profiles as they were too
    ("resolve", {"kill_in": "write_households"}), ("resolve", {"kill_in": "write_traits"}),
    ("merge", {"hooks": "people.write=kill"}), ("merge", {"hooks": "store.commit@1=kill"}),
    ("split", {"hooks": "people.write=kill"}), ("split", {"kill_in": "add_audit"}),
    ("undo", {"hooks": "store.commit@1=kill"}),
]


@pytest.mark.parametrize(("case", "kill"), KILLS, ids=[f"{c}-{next(iter(k.values()))}" for c, k in KILLS])
def test_every_job_killed_anywhere_recovers_to_what_a_clean_run_gives(store, request, tmp_path, model, case, kill):
    first, later_rows, web = crm_and_web()
    chosen = CASES[case]
    outcomes = []
    for name, target in (("killed", store), ("clean", None)):
        folder = tmp_path / name
        folder.mkdir()
        first_path = small_project(folder, first, web, matching={"model_path": str(model)})
        mapping = load_mapping(first_path)
        (folder / "later").mkdir()
        later_path = small_project(folder / "later", later_rows, web, matching={"model_path": str(model)})
        later = load_mapping(later_path)
        opened = target if target is not None else SQLiteStore(folder / "clean.db")
        if target is None:
            opened.init()
        try:
            ingest(opened, mapping)
            settle(opened, mapping)
            chosen.ready(opened, mapping, later)
            job = chosen.job(opened)
            job_mapping = later_path if case == "ingest" else first_path
            if target is not None:
                assert run_child(opened, request, job_mapping, job, **kill) == -9, f"{case} was not killed"
            assert run_child(opened, request, job_mapping, job) == 0
            settle(opened, later)
            outcomes.append(state_of(opened))
        finally:
            if target is None:
                opened.close()
    killed, clean = outcomes
    assert killed["to_do"] == clean["to_do"] == 0
    for key in ("partition", "ids", "attributed", "audit", "households", "traits"):
        assert killed[key] == clean[key], f"{key}: killed and run again differs from a clean run"
