"""People in the loop on every store: merge, split, conflicts, undo, lineage, history, explain.

Small hand-made sources go through the real jobs (ingest, resolve); probable links are written with
`replace_links`, as the link job writes them, so each case knows exactly which links exist.
"""

from __future__ import annotations

import json

import pytest

from idgraph.ingest.jobs import people
from idgraph.graph.errors import JudgementConflict, NotFoundError
from idgraph.graph.records import LinkRow
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.queries.explain import explain
from idgraph.queries.profile import show_profile
from tests.helpers import person, small_project

EVIDENCE = json.dumps({"first_name": {"level": "nickname", "weight": 3.1}, "last_name": {"level": "exact", "weight": 4.2},
                       "dob": {"level": "exact", "weight": 6.0}, "postcode": {"level": "district", "weight": 1.5},
                       "email": {"level": "else", "weight": -1.0}, "probability": 0.98})

# Four people nothing links: distinct names, emails, phones.
CRM = [
    person("1", "Robert", "Smith", "bob@post.co.uk", "07700 900001", "1980-02-03", "SW1A 1AA"),
    person("2", "Alice", "Jones", "alice@mail.co.uk", "07700 900002", "1990-05-06", "E1 6AN"),
    person("3", "Carol", "White", "carol@mail.co.uk", "07700 900003", "1970-01-01", "N1 9GU"),
    person("4", "Dan", "Brown", "dan@mail.co.uk", "07700 900004", "1965-07-08", "M1 1AA"),
]


def run(store, path):
    mapping = load_mapping(path)
    return ingest(store, mapping), resolve(store, mapping), mapping


def ids(store) -> dict[str, str]:
    return {f"{s}:{r}": p for k, s, r, p in store.bulk("records") if k == "customer"}


def groups(store) -> set[frozenset[str]]:
    found: dict[str, set[str]] = {}
    for uid, pid in ids(store).items():
        found.setdefault(pid, set()).add(uid)
    return {frozenset(g) for g in found.values()}


def link(a: str, b: str, score: float, kind: str = "probable") -> LinkRow:
    a, b = sorted((a, b))
    return LinkRow(a, b, score, EVIDENCE, kind)


# -- merge -------------------------------------------------------------------------------------------
def test_merge_survives_reingest_and_relink(store, tmp_path):
    path = small_project(tmp_path, CRM)
    _, _, mapping = run(store, path)
    before = ids(store)
    judgement = people.merge(store, "crm:1", before["crm:3"], "steward", "same person on the phone")
    assert judgement.kind == "same" and {judgement.a_uid, judgement.b_uid} == {"crm:1", "crm:3"}
    resolve(store, mapping)
    assert frozenset({"crm:1", "crm:3"}) in groups(store)
    # re-ingest with a changed record, then a relink that drops every scored link and writes new ones
    changed = [dict(r) for r in CRM]
    changed[2]["email"] = "carol.white@elsewhere.org"
    run(store, small_project(tmp_path, changed))
    assert frozenset({"crm:1", "crm:3"}) in groups(store)
    store.replace_links([link("crm:2", "crm:4", 0.2, "review")], None)
    resolve(store, mapping)
    store.replace_links([], None)
    resolve(store, mapping, full=True)
    assert frozenset({"crm:1", "crm:3"}) in groups(store)
    assert len(groups(store)) == 3


def test_merge_of_profiles_keeps_the_older_id_and_the_old_id_leads_to_it(store, tmp_path):
    _, _, mapping = run(store, small_project(tmp_path, CRM))
    before = ids(store)
    older, newer = sorted([before["crm:2"], before["crm:4"]], key=lambda p: store.profile(p)["seq"])
    people.merge(store, newer, older, "steward")
    summary = resolve(store, mapping)
    assert summary.profiles_merged == 1
    after = ids(store)
    assert after["crm:2"] == after["crm:4"] == older
    retired = store.profile(newer)
    assert retired["status"] == "merged" and retired["merged_into"] == older
    view = show_profile(store, newer)
    assert view.profile_id == older and any(f"{newer} was merged into {older}" in line for line in view.lineage)


# -- split -------------------------------------------------------------------------------------------
def test_minimum_cut_cuts_the_weakest_links(store, tmp_path):
    # A - email - D - 0.97 - B  and  A - 0.99 - C - 0.95 - B: the cut is {D-B, C-B}, weight 1.92;
    # cutting at A would cost 0.99 + 10 (an identifier edge), so B goes alone and C, D stay with A.
    crm = [person("A", "Anna", "Abbot", "shared@mail.co.uk"), person("B", "Bert", "Boyd"),
           person("C", "Cora", "Cole"), person("D", "Anna", "Abbot", "shared@mail.co.uk")]
    _, _, mapping = run(store, small_project(tmp_path, crm))
    store.replace_links([link("crm:A", "crm:C", 0.99), link("crm:C", "crm:B", 0.95), link("crm:D", "crm:B", 0.97)], None)
    resolve(store, mapping)
    assert groups(store) == {frozenset({"crm:A", "crm:B", "crm:C", "crm:D"})}
    pid = ids(store)["crm:A"]
    people.split_apart(store, pid, "crm:A", "crm:B", "steward", "different people")
    summary = resolve(store, mapping)
    assert groups(store) == {frozenset({"crm:A", "crm:C", "crm:D"}), frozenset({"crm:B"})}
    (cut,) = summary.links_cut
    assert {(frozenset((c["from"], c["to"])), c["kind"]) for c in cut["links"]} == {
        (frozenset(("crm:B", "crm:C")), "probable"), (frozenset(("crm:B", "crm:D")), "probable")}
    # the side with the most records keeps the id; the other is new and marked split from it
    after = ids(store)
    assert after["crm:A"] == pid and after["crm:B"] != pid
    assert store.profile(after["crm:B"])["split_from"] == pid
    assert any(e["action"] == "links_cut" for e in store.audit(pid))


def test_split_survives_new_linking_evidence(store, tmp_path):
    crm = [person("1", "Sam", "Lee", "family@mail.co.uk", "07700 900011"),
           person("2", "Sam", "Lee", "family@mail.co.uk", "07700 900022")]
    _, _, mapping = run(store, small_project(tmp_path, crm))
    pid = ids(store)["crm:1"]
    people.split_apart(store, pid, "crm:1", "crm:2", "steward", "father and son")
    resolve(store, mapping)
    assert ids(store)["crm:1"] != ids(store)["crm:2"]
    # a new record carries both phones; a probable link joins it to both sides as well
    bridge = person("3", "Sam", "Lee", "", "07700 900011")
    bridge2 = person("4", "Sam", "Lee", "", "07700 900022")
    run(store, small_project(tmp_path, crm + [bridge, bridge2]))
    store.replace_links([link("crm:3", "crm:4", 0.99), link("crm:1", "crm:4", 0.9)], ["crm:3", "crm:4"])
    summary = resolve(store, mapping)
    after = ids(store)
    assert after["crm:1"] != after["crm:2"]
    assert summary.links_cut and summary.links_cut[0]["judgement_id"]
    # the cut took the weakest links: the email the two share (unavoidable), and the probable links,
    # never the phones that tie each new record to its side
    assert after["crm:3"] == after["crm:1"] and after["crm:4"] == after["crm:2"]
    cut = {(frozenset((c["from"], c["to"])), c["kind"]) for c in summary.links_cut[0]["links"]}
    assert {c for c in cut if c[1] == "probable"} == {(frozenset(("crm:3", "crm:4")), "probable"),
                                                      (frozenset(("crm:1", "crm:4")), "probable")}
    assert [next(iter(c[0] - {"crm:1", "crm:2"})) for c in cut if c[1] == "identifier"] == ["email:family@mail.co.uk"]


def test_split_record_takes_one_record_out_for_good(store, tmp_path):
    crm = [person(str(i), "Kim", "Park", "kim@mail.co.uk") for i in (1, 2, 3)]
    _, _, mapping = run(store, small_project(tmp_path, crm))
    pid = ids(store)["crm:1"]
    made = people.split_record(store, pid, "crm:2", "steward", "a different Kim")
    assert {(j.a_uid, j.b_uid) for j in made} == {("crm:1", "crm:2"), ("crm:2", "crm:3")}
    resolve(store, mapping)
    assert groups(store) == {frozenset({"crm:1", "crm:3"}), frozenset({"crm:2"})}
    assert ids(store)["crm:1"] == pid
    # new evidence joining crm:2 to the others again changes nothing
    store.replace_links([link("crm:2", "crm:3", 0.999)], ["crm:2"])
    run(store, small_project(tmp_path, crm + [person("4", "Kim", "Park", "kim@mail.co.uk")]))
    assert frozenset({"crm:2"}) in groups(store)


def test_split_names_records_of_the_profile(store, tmp_path):
    _, _, _ = run(store, small_project(tmp_path, CRM))
    with pytest.raises(NotFoundError, match="not a record of profile"):
        people.split_apart(store, ids(store)["crm:1"], "crm:1", "crm:2", "steward")
    with pytest.raises(NotFoundError):
        people.merge(store, "crm:1", "crm:404", "steward")


# -- conflicts, undo ---------------------------------------------------------------------------------
def test_conflicting_judgements_are_refused_naming_them(store, tmp_path):
    _, _, mapping = run(store, small_project(tmp_path, CRM))
    ab = people.merge(store, "crm:1", "crm:2", "steward")
    bc = people.merge(store, "crm:2", "crm:3", "steward")
    resolve(store, mapping)
    pid = ids(store)["crm:1"]
    with pytest.raises(JudgementConflict) as refused:
        people.split_apart(store, pid, "crm:1", "crm:3", "steward")
    assert ab.judgement_id in str(refused.value) and bc.judgement_id in str(refused.value)
    with pytest.raises(JudgementConflict):
        people.split_record(store, pid, "crm:2", "steward")
    assert len(people.list_judgements(store)) == 2  # all or nothing: no split judgement was recorded


def test_a_not_b_b_c_then_a_c_refused(store, tmp_path):
    crm = [person("1", "Kim", "Park", "kim@mail.co.uk"), person("2", "Kim", "Park", "kim@mail.co.uk"),
           person("3", "Lee", "Park", "lee@mail.co.uk")]
    _, _, mapping = run(store, small_project(tmp_path, crm))
    apart = people.split_apart(store, ids(store)["crm:1"], "crm:1", "crm:2", "steward")
    resolve(store, mapping)
    people.merge(store, "crm:2", "crm:3", "steward")
    with pytest.raises(JudgementConflict) as refused:
        people.merge(store, "crm:3", "crm:1", "steward")
    assert apart.judgement_id in str(refused.value)


def test_undo_withdraws_and_the_next_resolve_reflects_it(store, tmp_path):
    _, _, mapping = run(store, small_project(tmp_path, CRM))
    before = ids(store)
    judgement = people.merge(store, "crm:1", "crm:2", "steward")
    resolve(store, mapping)
    assert ids(store)["crm:1"] == ids(store)["crm:2"]
    withdrawn = people.undo(store, judgement.judgement_id, "steward", "wrong call")
    assert withdrawn.deleted_at
    resolve(store, mapping)
    after = ids(store)
    assert after["crm:1"] != after["crm:2"] and after["crm:1"] in (before["crm:1"], before["crm:2"])
    assert people.list_judgements(store) == []
    listed = people.list_judgements(store, include_withdrawn=True)
    assert [j.judgement_id for j in listed] == [judgement.judgement_id] and listed[0].deleted_at
    with pytest.raises(people.AlreadyWithdrawn):
        people.undo(store, judgement.judgement_id, "steward")
    with pytest.raises(NotFoundError):
        people.undo(store, "Jnope", "steward")


def test_undo_of_a_split_joins_them_again(store, tmp_path):
    crm = [person("1", "Kim", "Park", "kim@mail.co.uk"), person("2", "Kim", "Park", "kim@mail.co.uk")]
    _, _, mapping = run(store, small_project(tmp_path, crm))
    pid = ids(store)["crm:1"]
    judgement = people.split_apart(store, pid, "crm:1", "crm:2", "steward")
    resolve(store, mapping)
    assert ids(store)["crm:1"] != ids(store)["crm:2"]
    people.undo(store, judgement.judgement_id, "steward")
    resolve(store, mapping)
    assert ids(store)["crm:1"] == ids(store)["crm:2"] == pid


def test_judgements_by_profile(store, tmp_path):
    _, _, mapping = run(store, small_project(tmp_path, CRM))
    j = people.merge(store, "crm:1", "crm:2", "steward", "why not")
    resolve(store, mapping)
    assert [x.judgement_id for x in people.list_judgements(store, ids(store)["crm:1"])] == [j.judgement_id]
    assert people.list_judgements(store, ids(store)["crm:3"]) == []
    assert [x.reason for x in people.list_judgements(store, "crm:2")] == ["why not"]


# -- history -----------------------------------------------------------------------------------------
def test_history_follows_lineage_with_who_and_why(store, tmp_path):
    _, _, mapping = run(store, small_project(tmp_path, CRM))
    before = ids(store)
    older, newer = sorted([before["crm:1"], before["crm:2"]], key=lambda p: store.profile(p)["seq"])
    people.merge(store, "crm:1", "crm:2", "ann", "same customer number")
    resolve(store, mapping, by="ann")
    found = people.history(store, newer)
    assert found.profile_ids == [older]
    actions = [(e.profile_id, e.action) for e in found.entries]
    assert (older, "created") in actions and (newer, "created") in actions
    assert (newer, "merged") in actions and (older, "absorbed") in actions
    judged = [e for e in found.entries if e.action == "judged_same"]
    assert judged and judged[0].by == "ann" and judged[0].reason == "same customer number"
    assert any(f"{newer} was merged into {older}" in line for line in found.lineage)
    seqs = [e.seq for e in found.entries]
    assert seqs == sorted(seqs)


# -- explain -----------------------------------------------------------------------------------------
def test_explain_together_gives_the_chain_with_evidence(store, tmp_path):
    crm = [person("1", "Robert", "Smith", "bob@post.co.uk"), person("2", "Bob", "Smith", "bob@post.co.uk"),
           person("3", "Rob", "Smith", "", "07700 900003"), person("4", "Carol", "White", "carol@mail.co.uk")]
    _, _, mapping = run(store, small_project(tmp_path, crm))
    store.replace_links([link("crm:2", "crm:3", 0.98)], None)
    people.merge(store, "crm:3", "crm:4", "ann", "she told us")
    resolve(store, mapping)
    result = explain(store, "crm:1", "crm:4")
    assert result.together and result.a_profile == result.b_profile
    assert [(s.from_uid, s.to_uid, s.kind) for s in result.steps] == [
        ("crm:1", "crm:2", "identifier"), ("crm:2", "crm:3", "probable"), ("crm:3", "crm:4", "same")]
    assert result.steps[0].evidence == "shared email bob@post.co.uk"
    assert result.steps[1].evidence.startswith("probable match 0.98: dob exact, last name exact, first name nickname")
    assert "ann" in result.steps[2].evidence and "she told us" in result.steps[2].evidence
    # a profile id stands for its records
    assert explain(store, result.a_profile, "crm:3").together


def test_explain_apart_says_why(store, tmp_path):
    crm = [person("1", "Robert", "Smith", "home@post.co.uk", "", "1980-02-03"),
           person("2", "Alice", "Smith", "home@post.co.uk", "", "1990-05-06"),  # a family email: shared
           person("3", "Carol", "White", "carol@mail.co.uk"), person("4", "Carole", "White", "cw@mail.co.uk"),
           person("5", "Dan", "Brown", "dan@mail.co.uk"), person("6", "Dan", "Brown", "dan@mail.co.uk")]
    _, _, mapping = run(store, small_project(tmp_path, crm))
    store.replace_links([link("crm:3", "crm:4", 0.6, "review")], None)
    people.split_apart(store, ids(store)["crm:5"], "crm:5", "crm:6", "ann", "twins")
    resolve(store, mapping)
    shared = explain(store, "crm:1", "crm:2")
    assert not shared.together
    assert {r.kind for r in shared.apart} == {"no_link", "shared_identifier"}
    assert "home@post.co.uk" in next(r.text for r in shared.apart if r.kind == "shared_identifier")
    review = explain(store, "crm:3", "crm:4")
    assert {r.kind for r in review.apart} == {"no_link", "below_threshold"}
    assert "0.6" in next(r.text for r in review.apart if r.kind == "below_threshold")
    judged = explain(store, "crm:5", "crm:6")
    assert not judged.together and {"not_same", "links_cut"} <= {r.kind for r in judged.apart}
    assert "twins" in next(r.text for r in judged.apart if r.kind == "not_same")
    assert [s.kind for s in judged.steps] == ["identifier"]  # the chain the judgement cut
    nothing = explain(store, "crm:1", "crm:3")
    assert [r.kind for r in nothing.apart] == ["no_link"]
    assert json.loads(nothing.model_dump_json())["together"] is False
