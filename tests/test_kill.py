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
import subprocess
import sys
from pathlib import Path

import pytest

from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from tests.helpers import person, small_project

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
