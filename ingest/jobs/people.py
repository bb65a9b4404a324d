"""People in the loop: a data steward merges, splits, lists and withdraws judgements, and reads a
profile's history.

Each function only records judgements (append-only, see `judgements.py`) and audit entries; the next
resolve applies them, as it applies every judgement on every run, so they persist through re-ingest and
relink. A/B arguments are a record uid ("source:id") or a profile id (an old id is followed to the
current profile, whose smallest record uid stands for it: one SAME_AS edge to any member joins two
components).

`split_record` takes one record out as NOT_SAME_AS judgements from it to every other record of its
profile: "this record is none of these people". It needs no new judgement kind, so both stores and the
minimum cut apply it as any split; it survives new evidence (any later path between the record and a
former co-member is cut again); and each judgement can be listed and withdrawn on its own. A record that
arrives later is free to join either side: it was never judged.

Each use case is one transaction (`store.atomic`): what the references name is read, the conflicts are
checked and the judgements and their audit entries are written together, so two stewards at once cannot
record contradicting judgements, a killed command leaves all of it or none, and the audit numbers come
from the store inside that write. Judging again what is judged already (the same kind, the same two
records, not withdrawn) records nothing and returns the judgement there is.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from pydantic import BaseModel, Field

from idgraph.graph import hooks
from idgraph.graph.errors import IdgraphError, NotFoundError
from idgraph.graph.judgements import _check_conflict, record_judgement
from idgraph.graph.refs import current_profile, records_of, representative
from idgraph.graph.store import Store


class Judgement(BaseModel):
    judgement_id: str
    kind: str  # same | not_same
    a_uid: str
    b_uid: str
    by: str
    at: str
    reason: str | None = None
    deleted_at: str | None = None


class HistoryEntry(BaseModel):
    seq: int
    at: str
    action: str
    profile_id: str | None
    by: str | None = None
    reason: str | None = None
    details: dict = Field(default_factory=dict)


class History(BaseModel):
    asked_for: str
    profile_ids: list[str]  # the current profile(s) the asked id leads to
    lineage: list[str]  # in words: merged into, split from, absorbed
    entries: list[HistoryEntry]


class AlreadyWithdrawn(IdgraphError):
    """The judgement was withdrawn before."""

    exit_code = 1


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _profile_of(store: Store, uid: str) -> str | None:
    found = store.find_customers("record", uid)
    return found[0]["profile_id"] if found else None


def _audit(store: Store, action: str, judgement: dict, by: str, reason: str | None, extra: dict | None = None) -> None:
    details = {"judgement_id": judgement["judgement_id"], "kind": judgement["kind"],
               "a": judgement["a_uid"], "b": judgement["b_uid"], **(extra or {})}
    profiles = sorted({p for p in (_profile_of(store, judgement["a_uid"]), _profile_of(store, judgement["b_uid"])) if p})
    stamp = now()
    store.add_audit([{"at": stamp, "action": action, "profile_id": p, "by": by, "reason": reason, "details": details}
                     for p in profiles or [None]])


# -- judgements --------------------------------------------------------------------------------------
def _live(store: Store, a: str, b: str, kind: str) -> dict | None:
    """The judgement of `kind` between records a and b that is not withdrawn, if there is one."""
    lo, hi = sorted((a, b))
    for j in store.judgements([lo]):
        if j["kind"] == kind and (j["a_uid"], j["b_uid"]) == (lo, hi):
            return j
    return None


def merge(store: Store, a: str, b: str, by: str, reason: str | None = None) -> Judgement:
    """Judge A and B (records or profiles) the same person: a SAME_AS edge the next resolve follows."""
    def work() -> dict:
        ua, ub = representative(store, a), representative(store, b)
        if ua == ub:
            raise IdgraphError(f"{a} and {b} are the same record ({ua})")
        there = _live(store, ua, ub, "same")
        if there is not None:
            return there
        row = record_judgement(store, ua, ub, True, by, reason)
        _audit(store, "judged_same", row, by, reason, {"asked": [a, b]})
        hooks.at("people.write")
        return row

    return Judgement(**store.atomic(work))


def split_apart(store: Store, profile: str, a: str, b: str, by: str, reason: str | None = None) -> Judgement:
    """Judge records A and B of PROFILE different people: the next resolve cuts the weakest links
    between them (a minimum cut) and every other record goes with the side it is most tied to."""
    def work() -> dict:
        members, pid = records_of(store, profile)
        for ref in (a, b):
            if ref not in members:
                raise NotFoundError(f"{ref} is not a record of profile {pid} (its records: {', '.join(members)})")
        there = _live(store, a, b, "not_same")
        if there is not None:
            return there
        row = record_judgement(store, a, b, False, by, reason)
        _audit(store, "judged_not_same", row, by, reason)
        hooks.at("people.write")
        return row

    return Judgement(**store.atomic(work))


def split_record(store: Store, profile: str, record: str, by: str, reason: str | None = None) -> list[Judgement]:
    """Take one record out of PROFILE into a profile of its own (see the module's docstring)."""
    def work() -> list[dict]:
        members, pid = records_of(store, profile)
        if record not in members:
            raise NotFoundError(f"{record} is not a record of profile {pid} (its records: {', '.join(members)})")
        others = [m for m in members if m != record]
        if not others:
            raise IdgraphError(f"{record} is already the only record of profile {pid}")
        for other in others:  # refuse before recording any: all or nothing
            _check_conflict(store, record, other, False)
        rows, made = [], []
        for other in others:
            there = _live(store, record, other, "not_same")
            if there is None:
                there = record_judgement(store, record, other, False, by, reason)
                made.append(there)
            rows.append(there)
        if made:
            store.add_audit([{"at": now(), "action": "judged_not_same", "profile_id": pid, "by": by, "reason": reason,
                              "details": {"split_record": record, "judgement_ids": [r["judgement_id"] for r in made]}}])
        hooks.at("people.write")
        return rows

    return [Judgement(**r) for r in store.atomic(work)]


def list_judgements(store: Store, profile: str | None = None, include_withdrawn: bool = False) -> list[Judgement]:
    """Every judgement, or those touching a profile's records (or a record's)."""
    uids = None if profile is None else records_of(store, profile)[0]
    return [Judgement(**j) for j in store.judgements(uids, include_deleted=include_withdrawn)]


def undo(store: Store, judgement_id: str, by: str, reason: str | None = None) -> Judgement:
    """Withdraw a judgement (soft delete: it stays listed with `deleted_at`); the next resolve reflects it."""
    def work() -> dict:
        stamp = now()
        row = store.withdraw_judgement(judgement_id, stamp)
        if row is None:
            raise NotFoundError(f"no judgement {judgement_id!r} (list them with `idgraph judgements`)")
        if row["deleted_at"] != stamp:
            raise AlreadyWithdrawn(f"judgement {judgement_id} was already withdrawn on {row['deleted_at']}")
        _audit(store, "judgement_withdrawn", row, by, reason)
        hooks.at("people.write")
        return row

    return Judgement(**store.atomic(work))


# -- history -----------------------------------------------------------------------------------------
def history(store: Store, profile_id: str) -> History:
    """The audit entries of a profile and of every profile merged into it (recursively), oldest first;
    an old id is followed to its current profile first."""
    row, lineage = current_profile(store, profile_id)
    current = row["profile_id"]
    chain = [profile_id]
    while chain[-1] != current and len(chain) < 100:  # the ids passed on the way, each with its own entries
        chain.append(store.profile(chain[-1])["merged_into"])
    seen: set[str] = set()
    entries: list[dict] = []
    todo = list(dict.fromkeys([*chain, current]))
    while todo:
        pid = todo.pop(0)
        if pid in seen:
            continue
        seen.add(pid)
        for entry in store.audit(pid):
            details = entry.get("details")
            entry["details"] = json.loads(details) if isinstance(details, str) and details else (details or {})
            entries.append(entry)
            if entry["action"] == "absorbed":
                todo.extend(p for p in entry["details"].get("merged_from", []) if p not in seen)
                lineage.append(f"{pid} absorbed {', '.join(entry['details'].get('merged_from', []))} on {entry['at']}")
            elif entry["action"] == "split" and entry["details"].get("split_from"):
                lineage.append(f"{pid} was split from {entry['details']['split_from']} on {entry['at']} "
                               f"(its earlier history: idgraph history {entry['details']['split_from']})")
            elif entry["action"] == "split_off":
                lineage.append(f"{entry['details'].get('new_profile')} was split off {pid} on {entry['at']}")
    entries.sort(key=lambda e: e["seq"])
    return History(asked_for=profile_id, profile_ids=[current], lineage=list(dict.fromkeys(lineage)),
                   entries=[HistoryEntry(**e) for e in entries])
