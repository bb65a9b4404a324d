"""Traits as a job: run by resolve after the profiles are written, on the profiles whose events changed.

Traits are measured to a date (`traits.as_of`, today by default) under the mapping's definitions; the
store keeps that stamp with each profile's traits. When the day or the definitions change, every
profile's traits are stale. They are computed again in chunks (`traits.refresh_chunk` profiles, one
transaction each), not all inside the resolve that first notices: that resolve may be the service's
one-row write just after midnight. The profiles a resolve touches are always computed under the current
stamp; a resolve computes one chunk of stale ones besides (`update_traits`), `refresh_traits` one chunk
on its own (the service's writer when idle), `finish_traits` every chunk (the CLI's resolve). Until the
refresh has finished a reader may see profiles under two stamps (each profile's `traits_as_of` says which
day its traits are measured to); once it has, an incremental run equals a whole one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone

from pydantic import BaseModel

from idgraph.graph import traits
from idgraph.ingest.jobs.progress import Progress, silent
from idgraph.ingest.mapping import Mapping


class TraitSummary(BaseModel):
    profiles: int = 0  # profiles whose traits were computed (touched and refreshed)
    whole: bool = False  # every active profile (a whole resolve)
    refreshed: int = 0  # of those, stale profiles computed besides the touched ones
    stale: int = 0  # active profiles left under another stamp (or without traits) afterwards


def stamp_of(mapping: Mapping, as_of: date) -> str:
    """as_of and a digest of the definitions: traits computed under another stamp are out of date."""
    defs = json.dumps({k: v.model_dump() for k, v in sorted(mapping.traits.define.items())}, sort_keys=True)
    return f"{as_of.isoformat()}#{hashlib.sha1(defs.encode()).hexdigest()[:10]}"


def _stamp(mapping: Mapping, today: date | None) -> tuple[date, str]:
    as_of = mapping.traits.as_of_date(today or datetime.now(timezone.utc).date())
    return as_of, stamp_of(mapping, as_of)


def update_traits(store, mapping: Mapping, touched: Sequence[str] | None, retired: Sequence[str] = (),
                  today: date | None = None, chunk: int | None = None) -> TraitSummary:
    """Compute the traits of the touched active profiles (every active profile when None) and write them;
    clear those of `retired` profiles. When other profiles' traits are stale (a new day, new
    definitions), up to `chunk` of them (None: the mapping's `traits.refresh_chunk`, else the store's
    default; 0: none) are computed too. Runs inside resolve's transaction."""
    as_of, stamp = _stamp(mapping, today)
    most = store.traits_per_transaction
    if touched is None:  # a whole resolve wrote every profile: all of them, in its transaction
        profile_ids = store.active_profiles()
        if most is None or len(profile_ids) <= most:
            computed = traits.compute(store.profile_events(None), profile_ids, mapping.traits, as_of)
            store.write_traits(computed, stamp, list(retired))
            return TraitSummary(profiles=computed.height, whole=True)
        return _beyond_one_transaction(store, mapping, profile_ids, most, as_of, stamp, retired, whole=True)
    profile_ids = sorted(set(touched) - set(retired))
    if most is not None and len(profile_ids) > most:
        return _beyond_one_transaction(store, mapping, profile_ids, most, as_of, stamp, retired)
    behind = store.traits_stale(stamp)  # three index seeks: on every resolve
    chunk = _chunk(store, mapping, chunk)
    if most is not None:  # what the touched profiles leave of the transaction
        chunk = min(chunk, most - len(profile_ids))
    extra = sorted(set(store.stale_trait_profiles(stamp, chunk)) - set(profile_ids)) if behind and chunk else []
    if profile_ids or extra or retired:
        _compute_and_write(store, mapping, [*profile_ids, *extra], as_of, stamp, retired)
    return TraitSummary(profiles=len(profile_ids) + len(extra), refreshed=len(extra),
                        stale=store.stale_trait_count(stamp) if behind else 0)


def _beyond_one_transaction(store, mapping: Mapping, profile_ids: list[str], most: int, as_of: date, stamp: str,
                            retired: Sequence[str], whole: bool = False) -> TraitSummary:
    """More profiles than the store's transaction holds the traits of: the first `most` computed here, the
    others' traits expired, so that the refresh (`finish_traits`, the service's writer when idle) computes
    them a chunk per transaction. Until then a reader sees their former traits, marked stale."""
    now, later = profile_ids[:most], profile_ids[most:]
    _compute_and_write(store, mapping, now, as_of, stamp, retired)
    store.expire_traits(later)
    return TraitSummary(profiles=len(now), whole=whole, stale=store.stale_trait_count(stamp))


def _chunk(store, mapping: Mapping, chunk: int | None) -> int:
    size = mapping.traits.chunk_for(store.name) if chunk is None else chunk
    most = store.traits_per_transaction
    return size if most is None else min(size, most)


def _compute_and_write(store, mapping: Mapping, ids: list[str], as_of: date, stamp: str,
                       retired: Sequence[str]) -> None:
    store.write_traits(traits.compute(store.profile_events(ids), ids, mapping.traits, as_of), stamp, list(retired))


def refresh_traits(store, mapping: Mapping, today: date | None = None, chunk: int | None = None) -> TraitSummary:
    """One chunk of stale traits (`chunk` profiles; None: the mapping's `traits.refresh_chunk`, else the
    store's default), computed and written in one transaction of its own; nothing when every profile is
    current."""
    as_of, stamp = _stamp(mapping, today)
    # Looked at before the write transaction, which takes a change sequence: a store whose only stale
    # stamps are on no active profile (an empty one) writes nothing at every resolve.
    if not store.traits_stale(stamp) or not store.stale_trait_profiles(stamp, 1):
        return TraitSummary()

    def work() -> TraitSummary:
        ids = store.stale_trait_profiles(stamp, _chunk(store, mapping, chunk))
        if ids:
            _compute_and_write(store, mapping, ids, as_of, stamp, [])
        return TraitSummary(profiles=len(ids), refreshed=len(ids), stale=store.stale_trait_count(stamp) if ids else 0)

    return store.atomic(work)


def finish_traits(store, mapping: Mapping, progress: Progress = silent, today: date | None = None,
                  chunk: int | None = None, between: Callable[[], None] = lambda: None) -> TraitSummary:
    """Every stale profile's traits, a chunk (one transaction) at a time, until none is left; `between`
    runs before each chunk (resolve renews its lease there)."""
    done = TraitSummary()
    with progress.step("refresh stale traits", total=None) as step:
        while True:
            between()
            one = refresh_traits(store, mapping, today, chunk)
            done = TraitSummary(profiles=done.profiles + one.profiles, refreshed=done.refreshed + one.refreshed,
                                stale=one.stale)
            step.advance(one.refreshed)
            # none found: done (also when the only stale stamps are on profiles no longer active)
            if not one.refreshed or not one.stale:
                return done

