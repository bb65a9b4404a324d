"""The single customer view of one profile: golden record, records by source, identifiers, timeline.

Found by profile id (an old id is followed along its lineage to the current profile), by email, phone,
device, any identifier (`kind, value`, a kind the mapping declares included) or record. The records come
with their attributes, the identifiers are of every kind; the traits and the households come along.
Returns a pydantic model: the CLI prints it, `--json` dumps it, the service answers with it, a program
uses it.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from idgraph.graph.errors import NotFoundError
from idgraph.graph.store import Store
from idgraph.ingest import normalise as norm
from idgraph.ingest.lookup import parse_identifier
from idgraph.ingest.mapping import Mapping
from idgraph.queries.household import HouseholdView, profile_households
from idgraph.queries.lineage import follow_merges

TIMELINE_LIMIT = 200


class ProfileView(BaseModel):
    profile_id: str
    asked_for: str
    lineage: list[str] = Field(default_factory=list)  # how an old id led here, in words
    status: str
    golden: dict
    customers: list[dict]
    identifiers: list[dict]
    interactions: list[dict]
    interaction_count: int
    created_at: str | None = None
    updated_at: str | None = None
    traits: dict = Field(default_factory=dict)  # graph/traits.py: behaviour and value
    households: list[HouseholdView] = Field(default_factory=list)


def _follow(store: Store, profile_id: str) -> tuple[dict, list[str]]:
    row = store.profile(profile_id)
    if row is None:
        raise NotFoundError(f"no profile {profile_id!r}")
    row, lineage = follow_merges(store.profile, row, "profile_id")
    if row["status"] == "empty":
        raise NotFoundError(f"profile {profile_id!r} no longer has any record (emptied {row['updated_at']})")
    if row.get("split_from"):
        lineage.append(f"{row['profile_id']} was split from {row['split_from']}")
    return row, lineage


def find_profile_id(store: Store, *, email: str | None = None, phone: str | None = None,
                    device: str | None = None, record: str | None = None, region: str = "US",
                    identifier: tuple[str, str] | None = None) -> tuple[str, str]:
    """The profile id behind an identifier or a record 'source:id'; (profile_id, what was asked).
    `identifier` is (kind, value) with the value normalised already (ingest/lookup.py)."""
    if identifier:
        kind, value = identifier
    elif email:
        kind, value = "email", norm.email(email)
    elif phone:
        kind, value = "phone", norm.phone(phone, region)
    elif device:
        kind, value = "device", device.strip()
    elif record:
        kind, value = "record", record.strip()
    else:
        raise NotFoundError("name a profile id, --email, --phone, --device, --identifier KIND=VALUE or --record SOURCE:ID")
    found = store.find_customers(kind, value)
    ids = sorted({c["profile_id"] for c in found if c["profile_id"]})
    if not found:
        raise NotFoundError(f"no customer with {kind} {value!r}")
    if not ids:
        raise NotFoundError(f"{kind} {value!r} is known but not resolved yet: run `idgraph resolve`")
    if len(ids) > 1:
        raise NotFoundError(f"{kind} {value!r} is held by {len(ids)} profiles ({', '.join(ids)}); "
                            "it is probably marked shared: show one of them by id")
    return ids[0], f"{kind} {value}"


def profile_identifiers(store: Store, profile_id: str, members: list[dict] | None = None) -> list[dict]:
    """Every identifier (any kind) a record of the profile holds: kind, value, shared, shared_reason,
    customers (the profile's records holding it, uids space-separated), by kind and value."""
    uids = sorted(m["uid"] for m in (store.profile_members(profile_id) if members is None else members))
    held: dict[tuple[str, str], dict] = {}
    for row in store.customer_identifiers(uids) if uids else []:
        entry = held.setdefault((row["kind"], row["value"]), {
            "kind": row["kind"], "value": row["value"], "shared": bool(row["shared"]),
            "shared_reason": row["shared_reason"], "customers": []})
        entry["customers"].append(row["uid"])
    return [{**e, "customers": " ".join(sorted(e["customers"]))} for _, e in sorted(held.items())]


def show_profile(store: Store, profile_id: str, asked_for: str | None = None,
                 limit: int = TIMELINE_LIMIT) -> ProfileView:
    row, lineage = _follow(store, profile_id)
    pid = row["profile_id"]
    golden = {k: row.get(k) for k in ("first_name", "last_name", "dob", "email", "phone", "address", "city",
                                       "postcode", "country")}
    golden["sources"] = json.loads(row["sources"]) if row.get("sources") else []
    customers = store.profile_members(pid)
    idents = profile_identifiers(store, pid, customers)
    return ProfileView(
        profile_id=pid, asked_for=asked_for or profile_id, lineage=lineage, status=row["status"],
        golden=golden, customers=customers, identifiers=idents,
        interactions=store.profile_interactions(pid, limit), interaction_count=row.get("interaction_count") or 0,
        created_at=row.get("created_at"), updated_at=row.get("updated_at"),
        traits=store.profile_traits(pid), households=profile_households(store, pid),
    )


def lookup(store: Store, mapping: Mapping, kind: str, value: str) -> tuple[str, str]:
    """The profile id behind `value` of any kind: 'record' (a uid 'source:id') or an identifier kind,
    built in or declared by the mapping, normalised as ingest normalises it; (profile_id, what was asked)."""
    if kind == "record":
        return find_profile_id(store, record=value)
    return find_profile_id(store, identifier=parse_identifier(mapping, f"{kind}={value}", kind))


def profiles_of_records(store: Store, uids: list[str]) -> dict[str, str | None]:
    """The profile of each record (customer or event) by uid, in one read; unknown uids are left out."""
    return store.record_profiles(uids) if uids else {}


class Timeline(BaseModel):
    profile_id: str
    lineage: list[str] = Field(default_factory=list)
    offset: int
    limit: int
    total: int  # interactions attributed to the profile
    interactions: list[dict]


def timeline(store: Store, profile_id: str, offset: int = 0, limit: int = 50) -> Timeline:
    """One page of a profile's timeline, oldest first (an old id is followed). Pages by offset: the store
    reads the first offset + limit events, so deep pages cost more than the first."""
    row, lineage = _follow(store, profile_id)
    pid = row["profile_id"]
    events = store.profile_interactions(pid, offset + limit)[offset:]
    return Timeline(profile_id=pid, lineage=lineage, offset=offset, limit=limit,
                    total=row.get("interaction_count") or 0, interactions=events)
