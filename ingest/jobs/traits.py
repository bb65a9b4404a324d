"""Traits as a job: run by resolve after the profiles are written, on the profiles whose events changed.

Traits are measured to a date (`traits.as_of`, today by default) under the mapping's definitions; the
store keeps that stamp with them. When the day or the definitions change, every profile is computed
again (once), so an incremental run always equals a whole one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, datetime, timezone

from pydantic import BaseModel

from idgraph.graph import traits
from idgraph.ingest.mapping import Mapping


class TraitSummary(BaseModel):
    profiles: int = 0
    whole: bool = False


def stamp_of(mapping: Mapping, as_of: date) -> str:
    """as_of and a digest of the definitions: traits computed under another stamp are out of date."""
    defs = json.dumps({k: v.model_dump() for k, v in sorted(mapping.traits.define.items())}, sort_keys=True)
    return f"{as_of.isoformat()}#{hashlib.sha1(defs.encode()).hexdigest()[:10]}"


def update_traits(store, mapping: Mapping, touched: Sequence[str] | None, retired: Sequence[str] = (),
                  today: date | None = None) -> TraitSummary:
    """Compute the traits of the touched active profiles (every active profile when None, or when the
    stamp changed: a new day, new definitions) and write them; clear those of `retired` profiles."""
    as_of = mapping.traits.as_of_date(today or datetime.now(timezone.utc).date())
    stamp = stamp_of(mapping, as_of)
    # No traits yet (a first run, a store made before traits), another day or other definitions: all.
    whole = touched is None or store.traits_stale(stamp)
    if whole:
        profile_ids = store.active_profiles()
        events = store.profile_events(None)
    else:
        profile_ids = sorted(set(touched) - set(retired))
        if not profile_ids and not retired:
            return TraitSummary()
        events = store.profile_events(profile_ids)
    computed = traits.compute(events, profile_ids, mapping.traits, as_of)
    store.write_traits(computed, stamp, list(retired))
    return TraitSummary(profiles=computed.height, whole=whole)
