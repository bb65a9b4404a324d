"""What a reference names: a profile id (merged ids followed to the survivor) or a record uid.

Read-side helpers shared by the jobs (merge, split, forget) and the answers (explain, show).
"""

from __future__ import annotations

from idgraph.graph.errors import NotFoundError
from idgraph.graph.store import Store


def current_profile(store: Store, profile_id: str) -> tuple[dict, list[str]]:
    """The profile an id leads to (merged ids followed) and the lineage in words."""
    row = store.profile(profile_id)
    if row is None:
        raise NotFoundError(f"no profile {profile_id!r}")
    lineage, hops = [], 0
    while row["status"] == "merged" and row.get("merged_into") and hops < 100:
        lineage.append(f"{row['profile_id']} was merged into {row['merged_into']} on {row['updated_at']}")
        row = store.profile(row["merged_into"])
        if row is None:
            raise NotFoundError(f"profile {profile_id!r} leads to a profile that no longer exists")
        hops += 1
    return row, lineage


def records_of(store: Store, ref: str) -> tuple[list[str], str | None]:
    """(record uids, profile id) named by `ref`: a record uid (its profile's id, if resolved) or a
    profile id (all its current records)."""
    ref = ref.strip()
    if ":" in ref:
        found = store.find_customers("record", ref)
        if not found:
            raise NotFoundError(f"no record {ref!r} (records are named source:id)")
        return [ref], found[0]["profile_id"]
    row, _ = current_profile(store, ref)
    uids = sorted(m["uid"] for m in store.profile_members(row["profile_id"]))
    if not uids:
        raise NotFoundError(f"profile {ref!r} has no records (status {row['status']})")
    return uids, row["profile_id"]


def representative(store: Store, ref: str) -> str:
    """One record uid for `ref`: itself, or a profile's smallest record uid."""
    return records_of(store, ref)[0][0]
