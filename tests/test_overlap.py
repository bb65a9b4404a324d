"""Jobs that overlap give the same result as the same jobs run one after the other (issue 15, findings
1 to 5), on both stores.

Each case forces one interleaving deterministically: a store method the job calls between its read and
its write is wrapped so that, right there, a second connection to the same store (another
SQLiteStore on the file, another driver to Neo4j) writes what a concurrent job would. Then the outcome
is compared with the same operations run one after the other on a fresh store of the same kind.
"""

from __future__ import annotations

import csv
import functools
import json
import shutil
import threading
import time

import pytest

from idgraph.graph import hooks
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from tests.helpers import person, small_project, to_link, to_resolve


# -- stores ---------------------------------------------------------------------------------------------
@pytest.fixture
def stores(store, request, tmp_path):
    """(open another connection to `store`, make a fresh empty store of the same kind)."""
    opened = []

    def other():
        if store.name == "embedded":
            found = SQLiteStore(store.path)
        else:
            from idgraph.graph.neo4j_store import Neo4jStore

            server = request.getfixturevalue("neo4j_server")
            found = Neo4jStore(server.uri, server.user, server.password, server.database)
        found.init()
        opened.append(found)
        return found

    def fresh():
        if store.name == "embedded":
            found = SQLiteStore(tmp_path / f"fresh-{len(opened)}.db")
            found.init()
            opened.append(found)
            return found
        request.getfixturevalue("neo4j_server").wipe()
        return other()

    yield other, fresh
    for s in opened:
        s.close()


def during(store, method: str, action, *, before: bool = False) -> None:
    """Run `action` the first time the job calls store.<method>: after the call returns (what it read is
    then read), or before it when `before`."""
    original = getattr(store, method)
    done = []

    @functools.wraps(original)
    def wrapped(*args, **kwargs):
        if before and not done:
            done.append(1)
            action()
        result = original(*args, **kwargs)
        if not before and not done:
            done.append(1)
            action()
        return result

    setattr(store, method, wrapped)


def undo_during(store, method: str) -> None:
    if method in vars(store):
        delattr(store, method)


def _once(action):
    done = []

    def run() -> None:
        if not done:
            done.append(1)
            action()

    return run


def project(folder, crm):
    folder.mkdir(parents=True, exist_ok=True)
    return load_mapping(small_project(folder, crm))


def partition(store) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for kind, source, record_id, pid in store.bulk("records"):
        if kind == "customer":
            groups.setdefault(pid or f"none:{source}:{record_id}", set()).add(f"{source}:{record_id}")
    return {frozenset(g) for g in groups.values()}


def links_of(store) -> set[tuple]:
    return {(r.a_uid, r.b_uid, r.kind, round(r.score, 6)) for kind in ("probable", "review") for r in store.links(kind)}


# -- finding 1: a whole-pass resolve cleared the mark of records it never read ----------------------------
PEOPLE = [person(str(i), f"First{i}", f"Family{i}", f"p{i}@mail.co.uk", "", "1980-01-01") for i in range(8)]
LATE = [person(str(i), f"First{i}", f"Family{i}", f"p{i - 8}@mail.co.uk" if i < 12 else f"q{i}@mail.co.uk", "",
               "1980-01-01") for i in range(8, 16)]


def test_a_whole_pass_resolve_leaves_what_was_ingested_meanwhile_to_do(store, stores, tmp_path):
    other, fresh = stores
    first, both = project(tmp_path / "a", PEOPLE), project(tmp_path / "b", PEOPLE + LATE)
    ingest(store, first)
    concurrent = other()
    # The ingest of the late records commits while the resolve reads (after its read of the records).
    during(store, "customers_frame", lambda: ingest(concurrent, both))
    resolve(store, first, full=True)
    undo_during(store, "customers_frame")
    late = sorted(f"crm:{i}" for i in range(8, 16))
    assert late == [u for u in to_resolve(store) if u in late]
    assert store.stats()["customers_to_resolve"] == len(LATE)
    again = resolve(store, both)
    assert again.scope != "none" and store.stats()["customers_to_resolve"] == 0
    assert all(pid for kind, _, _, pid in store.bulk("records") if kind == "customer")
    overlapped = partition(store)

    sequential = fresh()
    ingest(sequential, first)
    resolve(sequential, first, full=True)
    ingest(sequential, both)
    resolve(sequential, both)
    assert overlapped == partition(sequential)


# -- finding 2: link --full (or an incremental link) during an ingest lost "to link" marks ----------------
@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generated sources, and a copy of them a day later: one CRM record with another e-mail, one
    newsletter sign-up with another first name."""
    gen = generate(tmp_path_factory.mktemp("gen"), people=260, seed=21, malformed=False)
    later = tmp_path_factory.mktemp("later")
    for path in gen.mapping_path.parent.iterdir():
        if path.is_file() and path.suffix in (".csv", ".jsonl", ".yaml"):
            shutil.copy(path, later / path.name)
    rows = list(csv.DictReader((later / "crm.csv").open(newline="", encoding="utf-8")))
    rows[0]["Email"] = "changed.address@example.org"
    with (later / "crm.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    lines = (later / "newsletter.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    lines[0] = json.dumps({**first, "first": first["first"] + "ine"})
    (later / "newsletter.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # The model, trained once beforehand, so that no run below trains one on what it happens to read.
    with SQLiteStore(later / "scratch.db") as scratch:
        scratch.init()
        mapping = load_mapping(gen.mapping_path)
        ingest(scratch, mapping, ["crm", "loyalty"])
        link(scratch, mapping, full=True)
    return gen, later / gen.mapping_path.name


@pytest.mark.parametrize("full", [True, False], ids=["full", "incremental"])
def test_a_link_run_leaves_what_was_ingested_meanwhile_to_link(store, stores, generated, full):
    other, fresh = stores
    gen, later_path = generated
    mapping, later = load_mapping(gen.mapping_path), load_mapping(later_path)

    def scenario(target, overlap: bool) -> set[tuple]:
        ingest(target, mapping, ["crm", "loyalty"])
        if not full:  # an incremental run has records to link: the newsletter's
            link(target, mapping, full=True)
            ingest(target, mapping, ["newsletter"])

        def meanwhile() -> None:  # the next export arrives: new sign-ups, changed records
            ingest(other() if overlap else target, later, ["crm", "newsletter"])

        if overlap:  # after the link run read the records, before it writes its links
            once = _once(meanwhile)
            hooks.install("link.scored", once)  # before its write transaction opens
            during(target, "replace_links", once, before=True)  # where there is no such point
        link(target, mapping, full=full)
        hooks.clear()
        undo_during(target, "replace_links")
        if not overlap:
            meanwhile()
        assert to_link(target), "what was written meanwhile is still to link"
        link(target, mapping)
        assert to_link(target) == []
        return links_of(target)

    overlapped = scenario(store, True)
    assert overlapped == scenario(fresh(), False)


# -- finding 3: resolve read several states; the guard and the components disagreed -----------------------
MARY = person("1", "Mary", "Smith", "home@post.co.uk", "", "1980-02-03", "SW1A 1AA")
MARY2 = person("2", "Mary", "Smith", "home@post.co.uk", "", "1980-02-03", "SW1A 1AA")
MARY2_MOVED = person("2", "Mary", "Smith", "home@post.co.uk", "", "1980-02-03", "E1 6AN")
TERRI = person("2", "Terri", "Smith", "home@post.co.uk", "", "1995-11-30", "E1 6AN")  # crm:2, now someone else


def test_resolve_judges_and_groups_one_state_of_the_records(store, stores, tmp_path):
    other, fresh = stores
    paths = {name: project(tmp_path / name, [MARY, crm2])
             for name, crm2 in (("same", MARY2), ("moved", MARY2_MOVED), ("terri", TERRI))}

    def scenario(target, overlap: bool):
        ingest(target, paths["same"])
        resolve(target, paths["same"])
        ingest(target, paths["moved"])  # crm:2 moved house: resolve has work
        if overlap:
            concurrent = other()
            # crm:2 becomes another person after the guard read the records, before the components
            during(target, "identifier_members", lambda: ingest(concurrent, paths["terri"]))
        resolve(target, paths["moved"])
        undo_during(target, "identifier_members")
        if not overlap:
            ingest(target, paths["terri"])
        final = resolve(target, paths["terri"])
        assert final.scope != "none", "the record changed during the last resolve is resolved again"
        assert resolve(target, paths["terri"]).scope == "none"
        pid = {f"{s}:{r}": p for k, s, r, p in target.bulk("records") if k == "customer"}["crm:1"]
        return partition(target), target.profile(pid)["first_name"]

    overlapped = scenario(store, True)
    assert overlapped == scenario(fresh(), False)
    assert overlapped[0] == {frozenset({"crm:1"}), frozenset({"crm:2"})}  # a family email, two people
    assert overlapped[1] == "mary"


# -- finding 5: concurrent merges lost audit entries (Neo4j) or wrote duplicates (embedded) --------------
def test_merges_at_once_record_each_judgement_and_audit_entry_once(store, stores, tmp_path):
    from idgraph.ingest.jobs import people

    other, _ = stores
    crm = [person(str(i), f"First{i}", f"Family{i}", f"p{i}@mail.co.uk") for i in range(20)]
    mapping = project(tmp_path, crm)
    ingest(store, mapping)
    resolve(store, mapping)
    pairs = [(f"crm:{2 * i}", f"crm:{2 * i + 1}") for i in range(10)]
    barrier = threading.Barrier(2, timeout=60)
    failures: list[BaseException] = []

    def steward(name: str) -> None:
        mine = other()
        # A slowed writer: each merge reads the judgements there are, waits, then writes. Two stewards
        # merge the same ten pairs at the same moment, pair by pair.
        original = mine.judgements

        def slow(*args, **kwargs):
            found = original(*args, **kwargs)
            time.sleep(0.15)
            return found

        mine.judgements = slow
        try:
            for a, b in pairs:
                barrier.wait()
                people.merge(mine, a, b, name, "same customer")
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=steward, args=(n,)) for n in ("ann", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures
    judged = store.judgements(None)
    assert sorted((j["a_uid"], j["b_uid"]) for j in judged) == sorted(pairs)  # each pair judged once
    entries = [a for a in store.audit() if a["action"] == "judged_same"]
    assert len(entries) == 2 * len(pairs)  # one per profile of each merge: none lost, none twice
    seqs = [a["seq"] for a in store.audit()]
    assert len(set(seqs)) == len(seqs) and seqs == sorted(seqs)
    assert {a["details"] if isinstance(a["details"], str) else json.dumps(a["details"]) for a in entries} and \
        all(json.loads(a["details"])["judgement_id"] in {j["judgement_id"] for j in judged} for a in entries)
