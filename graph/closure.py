"""The scope of an incremental resolve: every customer that shares a component, old or new, with a
changed one. Breadth-first over the store's one-hop read (`Resolution.neighbours`: non-shared
identifiers, probable links, live judgements, the profile a record is in now), one batched read per hop:
components are shallow, so a handful of reads. Once, for both stores.
"""

from __future__ import annotations

from collections.abc import Sequence

from idgraph.graph.store import Resolution


def closure(store: Resolution, seeds: Sequence[str]) -> list[str]:
    """The seeds that are in the store and every customer reachable from them, sorted."""
    reached: set[str] = set()
    frontier = sorted(set(seeds))
    while frontier:
        found = set(store.neighbours(frontier))
        frontier = sorted(found - reached)
        reached |= found
    return sorted(reached)
