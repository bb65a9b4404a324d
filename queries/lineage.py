"""Following a retired id along `merged_into` to the one that absorbed it: profiles and households alike."""

from __future__ import annotations

from collections.abc import Callable

MAX_HOPS = 100  # a cycle would be a bug; stop rather than loop


def follow_merges(read: Callable[[str], dict | None], row: dict, key: str) -> tuple[dict, list[str]]:
    """(the row `row` was merged into, at any depth; how it got there, in words). `read` reads a row by id,
    `key` names its id column."""
    lineage: list[str] = []
    hops = 0
    while row["status"] == "merged" and row["merged_into"] and hops < MAX_HOPS:
        lineage.append(f"{row[key]} was merged into {row['merged_into']} on {row['updated_at']}")
        row = read(row["merged_into"])
        hops += 1
    return row, lineage
