"""The settings of traits: which traits a profile carries (the mapping's `traits:` section, read by
ingest/profile_settings.py), and the names they may not take. graph/traits.py computes them.

```yaml
traits:
  as_of: today                         # or a date (YYYY-MM-DD): windows and recency are measured to it
  define:
    purchases_90d: {count: {event_type: purchase}, window: 90d}
    revenue_365d: {sum: amount, where: {event_type: purchase}, window: 365d}
    first_store_visit: {first: at, where: {channel: store}}
```
A declared trait is one aggregate (count, sum, min, max, first, last) over the events of a profile that
pass a filter (`where`, or count's own value: field -> a value or a list of values), optionally within
a window of days before `as_of`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# Fields of an event a declared trait may filter on or aggregate.
FILTER_FIELDS = ("event_type", "channel", "source", "currency")
NUMERIC_FIELDS = ("amount",)
VALUE_FIELDS = ("at", "amount", "channel", "event_type", "source", "currency", "order_id")
# Traits every profile gets (graph/traits.py): a declared trait may not take their names, nor the
# names of the profile's own properties (its golden record and bookkeeping).
BUILT_IN_TRAITS = (
    "first_seen", "last_seen", "channels", "last_channel", "channel_counts", "event_types", "type_counts",
    "orders", "revenue", "currencies", "last_purchase", "recency_days", "frequency", "monetary", "traits_as_of",
)
PROFILE_PROPERTIES = (
    "profile_id", "seq", "status", "merged_into", "split_from", "created_at", "updated_at", "first_name",
    "last_name", "dob", "email", "phone", "address", "city", "postcode", "country", "customer_count",
    "interaction_count", "sources", "trait_keys", "household_ids",
)
_WINDOW = re.compile(r"^([1-9][0-9]{0,4})([dwy])$")
_DAYS = {"d": 1, "w": 7, "y": 365}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}$")


def _filter(v: object, where: str) -> dict[str, list[str]]:
    if v is None or v is True:
        return {}
    if not isinstance(v, dict):
        raise ValueError(f"{where}: expected a mapping of field -> value (fields: {', '.join(FILTER_FIELDS)})")
    out = {}
    for key, value in v.items():
        if key not in FILTER_FIELDS:
            raise ValueError(f"{where}: cannot filter on {key!r}; fields: {', '.join(FILTER_FIELDS)}")
        values = value if isinstance(value, list) else [value]
        if not values or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in values):
            raise ValueError(f"{where}: {key} takes a value or a list of values")
        out[key] = [str(x) for x in values]
    return out


class TraitSpec(BaseModel):
    """One declared trait: an aggregate over a profile's filtered events, within a window."""

    model_config = ConfigDict(extra="forbid")

    op: Literal["count", "sum", "min", "max", "first", "last"]
    field: str | None = None  # None for count
    where: dict[str, list[str]] = Field(default_factory=dict)
    window_days: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: object) -> object:
        if not isinstance(data, dict) or "op" in data:
            if not isinstance(data, dict):
                raise ValueError("expected a mapping such as {count: {event_type: purchase}, window: 90d}")
            return data
        ops = [k for k in ("count", "sum", "min", "max", "first", "last") if k in data]
        if len(ops) != 1:
            raise ValueError("give exactly one of count, sum, min, max, first, last")
        unknown = set(data) - {ops[0], "where", "window"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}: a trait has one aggregate, `where` and `window`")
        op, arg = ops[0], data[ops[0]]
        where = _filter(data.get("where"), "where")
        if op == "count":
            if isinstance(arg, str):
                raise ValueError("count takes a filter ({event_type: purchase}) or true, not a field")
            where = {**_filter(arg, "count"), **where}
            field = None
        else:
            field = arg
            allowed = NUMERIC_FIELDS if op == "sum" else VALUE_FIELDS
            if field not in allowed:
                raise ValueError(f"{op} takes one of the fields {', '.join(allowed)}, not {field!r}")
        window = data.get("window")
        days = None
        if window is not None:
            found = _WINDOW.match(str(window))
            if not found:
                raise ValueError(f"window {window!r}: give a number of days, weeks or years (90d, 12w, 1y)")
            days = int(found.group(1)) * _DAYS[found.group(2)]
        return {"op": op, "field": field, "where": where, "window_days": days}


# Measured at 100,000 profiles (embedded) and 20,000 people (Neo4j): 2,000 profiles 69 ms embedded and
# 305-370 ms on Neo4j, 500 about 100 ms there (docs/mapping.md).
REFRESH_CHUNK = {"embedded": 2000, "neo4j": 500}


class Traits(BaseModel):
    """The date traits are measured to, and the declared traits."""

    model_config = ConfigDict(extra="forbid")

    as_of: str = "today"
    define: dict[str, TraitSpec] = Field(default_factory=dict)
    # When the stamp changes (a new day, new definitions) every profile's traits are stale: they are
    # computed again this many profiles at a time, one transaction each, so no write waits for all of
    # them (ingest/jobs/traits.py refresh_traits). None: the store's own (REFRESH_CHUNK), about 100 ms a
    # chunk on either: a write that arrives during one waits about that long.
    refresh_chunk: int | None = Field(default=None, ge=1)

    def chunk_for(self, store_name: str) -> int:
        """The refresh chunk on this store: the mapping's, else the store's default."""
        return self.refresh_chunk or REFRESH_CHUNK.get(store_name, min(REFRESH_CHUNK.values()))

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_of(cls, v: object) -> str:
        if isinstance(v, date):
            return v.isoformat()
        text = str(v)
        if text != "today":
            try:
                date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"traits.as_of {text!r}: give `today` or a date YYYY-MM-DD") from None
        return text

    @field_validator("define", mode="before")
    @classmethod
    def _names(cls, v: object) -> object:
        if v is None:
            return {}
        if isinstance(v, dict):
            for name in v:
                if not isinstance(name, str) or not _NAME.match(name):
                    raise ValueError(f"trait {name!r}: a name of lower-case letters, digits and _, starting "
                                     "with a letter")
                if name in BUILT_IN_TRAITS or name in PROFILE_PROPERTIES:
                    raise ValueError(f"trait {name!r}: a built-in trait or profile property has that name")
        return v

    def as_of_date(self, today: date) -> date:
        return today if self.as_of == "today" else date.fromisoformat(self.as_of)
