"""Forget (erasure): remove every record of a person, the identifiers only they used and their
interactions, leaving no personal data behind; optionally keep them from coming back.

The person is the profile behind what was asked (an email, a phone, any identifier of a kind the mapping
declares, a record or a profile id): all its records go, not just the one named. An identifier held by several profiles (a family email) does not
name one person, and the request is refused: forget each profile by id instead.

One transaction (`store.atomic`) does it all or nothing: whom (read inside it, so nobody is added to the
person meanwhile), what goes (graph/erasure.py decides from what the store reads by key), the erasure,
the redaction of the text that stays, the suppression entries when asked (`--suppress`: salted hashes of
the erased record uids and identifiers, which the ingest job skips) and one audit entry without personal
data: a salted hash of what was asked and the counts removed. Killed at any point, the person is either
still all there or erased with their suppression and audit entry. What the erasure leaves for resolve (a
profile that keeps records not yet resolved into it, a shared identifier to judge afresh) is done by the
next resolve, which the CLI runs straight after; a resolve or guard that read the store before the
erasure writes nothing of what it computed (graph/errors.py ErasedMeanwhile) and reads again.
"""

from __future__ import annotations

from pydantic import BaseModel

from idgraph.graph import erasure, hooks
from idgraph.graph.errors import IdgraphError, NotFoundError
from idgraph.graph.refs import current_profile
from idgraph.ingest.jobs.people import now
from idgraph.graph.store import Store
from idgraph.graph.suppression import digest
from idgraph.ingest import normalise as norm


ONE_OF = "name exactly one of --email, --phone, --identifier KIND=VALUE, --record SOURCE:ID or --profile P"


class ForgetRefused(IdgraphError):
    """The request does not name one person."""

    exit_code = 3


class ForgetSummary(BaseModel):
    asked: str  # the salted hash of what was asked, as written to the audit
    asked_kind: str  # email | phone | record | profile | the kind of --identifier
    customers: int = 0
    interactions: int = 0
    identifiers: int = 0
    links: int = 0
    judgements: int = 0
    profiles: int = 0
    profiles_to_resolve: int = 0
    texts_redacted: int = 0
    identifiers_rejudged: int = 0
    suppression_entries: int = 0


def forget(store: Store, *, email: str | None = None, phone: str | None = None, record: str | None = None,
           profile: str | None = None, identifier: tuple[str, str] | None = None, suppress: bool = False,
           by: str, region: str = "US", gmail_rules: bool = False) -> ForgetSummary:
    """Erase the person behind exactly one of email, phone, identifier ((kind, value), the value normalised
    already: ingest/lookup.py), record ('source:id') or profile id."""
    asked = [(k, v) for k, v in (("email", email), ("phone", phone), ("record", record), ("profile", profile)) if v]
    if identifier:
        asked.append(identifier)
    if len(asked) != 1:
        raise IdgraphError(ONE_OF)
    kind, raw = asked[0]
    value = raw if identifier else _normalised(kind, raw.strip(), region, gmail_rules)

    def work() -> ForgetSummary:
        uids = _person(store, kind, value)
        salt = store.salt()
        mask = lambda token: "forgotten:" + digest(salt, "token", token)[:16]  # noqa: E731
        plan = erasure.people_plan(store.erasure_facts(uids))
        plan = erasure.households_plan(plan, store.household_members(plan.whole))
        plan = erasure.events_plan(plan, store.erasure_events(plan.customers, plan.whole, plan.own))
        plan = erasure.texts_plan(plan, store.erasure_texts(plan.tokens()), mask)
        hooks.at("forget.planned")
        counts = erasure.counts(plan, store.erase(plan.store_plan()))
        hooks.at("forget.erased")
        entries = 0
        if suppress:
            rows = [(digest(salt, "record", u), "record") for u in [*plan.customers, *plan.interactions]]
            rows += [(digest(salt, k, v), k) for k, v in plan.identifiers]
            entries = store.add_suppression(rows, now())
        hooks.at("forget.suppressed")
        summary = ForgetSummary(asked=digest(salt, kind, value), asked_kind=kind, suppression_entries=entries,
                                **{k: counts[k] for k in ForgetSummary.model_fields if k in counts})
        store.add_audit([{"at": now(), "action": "forgotten", "profile_id": None, "by": by, "reason": None,
                          "details": summary.model_dump()}])
        return summary

    return store.atomic(work)


def _normalised(kind: str, value: str, region: str, gmail_rules: bool) -> str:
    try:
        if kind == "email":
            found = norm.email(value, gmail_rules=gmail_rules)
        elif kind == "phone":
            found = norm.phone(value, region)
        else:
            found = value
    except norm.InvalidValue as exc:
        raise IdgraphError(f"--{kind}: not a usable {kind} ({exc.reason})") from None
    if not found:
        raise IdgraphError(f"--{kind}: not a usable {kind}")
    return found


def _person(store: Store, kind: str, value: str) -> list[str]:
    """Every record of the person: the members of the one profile behind the value (or, for records not
    resolved yet, the records themselves)."""
    if kind == "profile":
        row, _ = current_profile(store, value)
        uids = [m["uid"] for m in store.profile_members(row["profile_id"])]
        if not uids:
            raise NotFoundError(f"profile {value!r} has no records left")
        return sorted(uids)
    found = store.find_customers(kind, value)
    if not found:
        raise NotFoundError(f"no customer with that {kind}" if kind != "record" else f"no record {value!r}")
    profiles = sorted({c["profile_id"] for c in found if c["profile_id"]})
    if len(profiles) > 1:
        raise ForgetRefused(f"that {kind} is held by {len(profiles)} profiles ({', '.join(profiles)}): it does not "
                            "name one person; forget each with --profile")
    uids = {c["uid"] for c in found}
    for pid in profiles:
        uids.update(m["uid"] for m in store.profile_members(pid))
    return sorted(uids)
