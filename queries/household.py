"""A household as people look at it: its members with their golden records, the evidence, its lineage.

`show_household(store, id)` follows a merged household to the one it was merged into, as a profile is
followed. Returns a pydantic model: the CLI prints it, `--json` dumps it, a program uses it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from idgraph.graph.errors import NotFoundError
from idgraph.queries.lineage import follow_merges


class HouseholdView(BaseModel):
    household_id: str
    asked_for: str
    lineage: list[str] = Field(default_factory=list)
    status: str
    size: int
    evidence: list[str]
    members: list[dict]  # profile_id, first_name, last_name, city, postcode
    created_at: str | None = None
    updated_at: str | None = None
    split_from: str | None = None


def show_household(store, household_id: str) -> HouseholdView:
    row = store.household(household_id)
    if row is None:
        raise NotFoundError(f"no household {household_id!r} (`idgraph show PROFILE` names a profile's households)")
    return household_view(store, row, household_id)


def household_view(store, row: dict, asked_for: str) -> HouseholdView:
    """A household row as `store.household` gives it, followed to where it went if it was merged."""
    row, lineage = follow_merges(store.household, row, "household_id")
    if row["status"] == "empty":
        raise NotFoundError(f"household {asked_for!r} no longer has members (emptied {row['updated_at']})")
    return HouseholdView(household_id=row["household_id"], asked_for=asked_for, lineage=lineage,
                         status=row["status"], size=row["size"], evidence=row["evidence"], members=row["members"],
                         created_at=row.get("created_at"), updated_at=row.get("updated_at"),
                         split_from=row.get("split_from"))


def profile_households(store, profile_id: str) -> list[HouseholdView]:
    """The households a profile is in, each with its members."""
    return [show_household(store, h) for h in store.profile_households(profile_id)]
