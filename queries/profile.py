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
from idgraph.graph.profile_view import PROFILE
from idgraph.graph.store import Store
from idgraph.ingest import normalise as norm
from idgraph.ingest.lookup import parse_identifier
from idgraph.ingest.mapping import Mapping
from idgraph.queries.household import HouseholdView, household_view
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
    return _follow_row(store, row, profile_id)


def _follow_row(store: Store, row: dict, asked: str) -> tuple[dict, list[str]]:
    """The profile `row` went to (itself unless merged) and how, in words; an emptied one is not found."""
    row, lineage = follow_merges(store.profile, row, "profile_id")
    if row["status"] == "empty":
        raise NotFoundError(f"profile {asked!r} no longer has any record (emptied {row['updated_at']})")
    if row.get("split_from"):
        lineage.append(f"{row['profile_id']} was split from {row['split_from']}")
    return row, lineage


def _asked(identifier: tuple[str, str] | None = None, email: str | None = None, phone: str | None = None,
           device: str | None = None, record: str | None = None, region: str = "US") -> tuple[str, str]:
    """(kind, normalised value) of what was asked."""
    if identifier:
        return identifier
    if email:
        return "email", norm.email(email)
    if phone:
        return "phone", norm.phone(phone, region)
    if device:
        return "device", device.strip()
    if record:
        return "record", record.strip()
    raise NotFoundError("name a profile id, --email, --phone, --device, --identifier KIND=VALUE or --record SOURCE:ID")


def _one_profile(found: list[dict], kind: str, value: str) -> tuple[str, str]:
    """The one profile the customers found are in, or why there is none."""
    ids = sorted({c["profile_id"] for c in found if c["profile_id"]})
    if not found:
        raise NotFoundError(f"no customer with {kind} {value!r}")
    if not ids:
        raise NotFoundError(f"{kind} {value!r} is known but not resolved yet: run `idgraph resolve`")
    if len(ids) > 1:
        raise NotFoundError(f"{kind} {value!r} is held by {len(ids)} profiles ({', '.join(ids)}); "
                            "it is probably marked shared: show one of them by id")
    return ids[0], f"{kind} {value}"


def find_profile_id(store: Store, *, email: str | None = None, phone: str | None = None,
                    device: str | None = None, record: str | None = None, region: str = "US",
                    identifier: tuple[str, str] | None = None) -> tuple[str, str]:
    """The profile id behind an identifier or a record 'source:id'; (profile_id, what was asked).
    `identifier` is (kind, value) with the value normalised already (ingest/lookup.py)."""
    kind, value = _asked(identifier, email, phone, device, record, region)
    return _one_profile(store.find_customers(kind, value), kind, value)


def _held(rows: list[dict]) -> list[dict]:
    """customer_identifiers rows as one entry per identifier, the profile's records holding it named."""
    held: dict[tuple[str, str], dict] = {}
    for row in rows:
        entry = held.setdefault((row["kind"], row["value"]), {
            "kind": row["kind"], "value": row["value"], "shared": bool(row["shared"]),
            "shared_reason": row["shared_reason"], "customers": []})
        entry["customers"].append(row["uid"])
    return [{**e, "customers": " ".join(sorted(e["customers"]))} for _, e in sorted(held.items())]


def profile_identifiers(store: Store, profile_id: str, members: list[dict] | None = None) -> list[dict]:
    """Every identifier (any kind) a record of the profile holds: kind, value, shared, shared_reason,
    customers (the profile's records holding it, uids space-separated), by kind and value."""
    uids = sorted(m["uid"] for m in (store.profile_members(profile_id) if members is None else members))
    return _held(store.customer_identifiers(uids) if uids else [])


def _view(store: Store, read: dict, asked_for: str, lineage: list[str]) -> ProfileView:
    """The answer from one `profile_view` read of an active (or split) profile."""
    row = read["profile"]
    golden = {k: row.get(k) for k in ("first_name", "last_name", "dob", "email", "phone", "address", "city",
                                       "postcode", "country")}
    golden["sources"] = json.loads(row["sources"]) if row.get("sources") else []
    households = [household_view(store, h, h["household_id"]) for h in read["households"]]
    return ProfileView(
        profile_id=row["profile_id"], asked_for=asked_for, lineage=lineage, status=row["status"],
        golden=golden, customers=read["members"], identifiers=_held(read["identifiers"]),
        interactions=read["interactions"], interaction_count=row.get("interaction_count") or 0,
        created_at=row.get("created_at"), updated_at=row.get("updated_at"),
        traits=read["traits"], households=households,
    )


def _followed(store: Store, read: dict, asked: str, limit: int) -> tuple[dict, list[str]]:
    """A `profile_view` read of the profile an old id went to (read again only when it moved), and how."""
    row, lineage = _follow_row(store, read["profile"], asked)
    if row["profile_id"] != read["profile"]["profile_id"]:
        read = store.profile_view(PROFILE, row["profile_id"], limit)
    return read, lineage


def show_profile(store: Store, profile_id: str, asked_for: str | None = None,
                 limit: int = TIMELINE_LIMIT) -> ProfileView:
    read = store.profile_view(PROFILE, profile_id, limit)
    if read["profile"] is None:
        raise NotFoundError(f"no profile {profile_id!r}")
    read, lineage = _followed(store, read, profile_id, limit)
    return _view(store, read, asked_for or profile_id, lineage)


def find_profile(store: Store, mapping: Mapping, kind: str, value: str, limit: int = TIMELINE_LIMIT) -> ProfileView:
    """The profile behind `value` of any kind: 'record' (a uid 'source:id') or an identifier kind, built
    in or declared by the mapping, normalised as ingest normalises it. One `profile_view` read (on Neo4j
    one query) unless the profile was merged away meanwhile."""
    kind, value = ("record", value.strip()) if kind == "record" else parse_identifier(mapping, f"{kind}={value}", kind)
    read = store.profile_view(kind, value, limit)
    pid, what = _one_profile(read["found"], kind, value)
    if read["profile"] is None:  # the profile its customers name is gone (a store mid-erasure): as show does
        return show_profile(store, pid, what, limit)
    read, lineage = _followed(store, read, pid, limit)
    return _view(store, read, what, lineage)


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
