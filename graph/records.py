"""Plain rows that flow through the hot loops: ingest batches, identifier edges, links.

Slotted dataclasses, not pydantic models: hundreds of thousands of them are built per run, and they are
validated where they come from (the normalisers). Pydantic models sit at the boundaries (`model.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

IDENTIFIER_KINDS = ("email", "phone", "device")  # built in; a mapping declares further kinds (ingest/declared.py)


def record_uid(source: str, source_id: str) -> str:
    """The key of a customer or interaction record across the whole graph."""
    return f"{source}:{source_id}"


@dataclass(slots=True)
class CustomerRow:
    uid: str
    source: str
    source_id: str
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None
    dob: str | None = None
    address: str | None = None
    city: str | None = None
    postcode: str | None = None
    country: str | None = None
    updated_at: str | None = None
    row_hash: str = ""
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (kind, value), any kind
    attributes: dict[str, str] = field(default_factory=dict)  # further columns the mapping keeps (name -> value)


@dataclass(slots=True)
class InteractionRow:
    uid: str
    source: str
    source_id: str
    at: str | None
    channel: str | None = None
    type: str | None = None
    customer_ref: str | None = None  # uid of the customer the event names (a login)
    attributes: str | None = None  # JSON of the columns the mapping keeps
    row_hash: str = ""
    identifiers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class LinkRow:
    """A scored customer-customer link; kind 'probable' (PROBABLY_SAME) or 'review' (MAYBE_SAME)."""

    a_uid: str
    b_uid: str
    score: float
    evidence: str
    kind: str = "probable"


@dataclass(slots=True)
class WriteCounts:
    """What one batch did to the store."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: "WriteCounts") -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged
