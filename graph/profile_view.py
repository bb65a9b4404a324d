"""What one profile answer reads, as the contract's `profile_view` gives it.

The embedded store answers from its own small reads (each an index lookup in the same file, so there is
nothing to gain by joining them); Neo4j answers in one Cypher query (cypher/read/profile_view.cypher),
since there each read is a round trip to the server and a lookup was seven of them. The contract suite
pins both to the answers of these reads.
"""

from __future__ import annotations

PROFILE = "profile"  # the kind that names a profile by id


def empty(found: list[dict]) -> dict:
    return {"found": found, "profile": None, "members": [], "identifiers": [], "interactions": [],
            "traits": {}, "households": []}


def asked_profile(kind: str, value: str, found: list[dict]) -> str | None:
    """The profile the answer is about: the one named, or the one profile the customers found are in."""
    if kind == PROFILE:
        return value
    held = {c["profile_id"] for c in found if c["profile_id"]}
    return held.pop() if len(held) == 1 else None


def assemble(store, kind: str, value: str, limit: int | None) -> dict:
    """`profile_view` from the store's own reads (call it inside one read of the store)."""
    found = [] if kind == PROFILE else store.find_customers(kind, value)
    pid = asked_profile(kind, value, found)
    row = store.profile(pid) if pid else None
    if row is None:
        return empty(found)
    members = store.profile_members(pid)
    uids = sorted(m["uid"] for m in members)
    return {"found": found, "profile": row, "members": members,
            "identifiers": store.customer_identifiers(uids) if uids else [],
            "interactions": store.profile_interactions(pid, limit), "traits": store.profile_traits(pid),
            "households": [store.household(h) for h in store.profile_households(pid)]}
