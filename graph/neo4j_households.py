"""The Neo4j store's households and traits: the same methods as graph/sqlite_households.py.

A mixin of Neo4jStore (it brings `_read`, `_write`, `_run` and `batch_size`). Households are
`(:Household {household_id, seq, status, merged_into, split_from, created_at, updated_at, size,
evidence})` with `(:Profile)-[:IN_HOUSEHOLD]->(:Household)`; traits are Profile properties of their own
names (so `WHERE p.orders > 3` reads as written), their names in `trait_keys`. Cypher in
cypher/households/ and cypher/traits/. The roles `Households` and `Traits` of graph/store.py, and three
streams of `bulk`. Resolve calls the writes inside the transaction that advances its watermark
(`write_resolution(..., then=...)`): `_read` and `_write` join the transaction open on the thread.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import neo4j
import polars as pl

from idgraph.graph.cypher_files import statement
from idgraph.graph.households import EVIDENCE_SCHEMA, MEMBER_SCHEMA, dwelling_probe, split_key
from idgraph.graph.traits import EVENT_SCHEMA, EXPIRED_STAMP


def _batches(items: Sequence, size: int):
    for i in range(0, len(items), size):
        yield list(items[i:i + size])


class Neo4jHouseholds:
    """Households and traits on Neo4j."""

    def _collected(self, name: str, ids: Sequence[str] | None, key: str = "ids", **params) -> list:
        """A read returning one collected list, over `ids` in batches (once when ids is None), in one
        read transaction; the lists of every statement and batch joined."""
        def work(tx: neo4j.ManagedTransaction) -> list:
            rows: list = []
            batches = [None] if ids is None else list(_batches(list(ids), self.batch_size * 4))
            for batch in batches:
                args = params if batch is None else {**params, key: batch}
                for (found,) in self._run(tx, name, **args):
                    rows.extend(found)
            return rows

        return self._read(work)

    # -- households ------------------------------------------------------------------------------
    def household_evidence(self, profile_ids: Sequence[str] | None, kinds: Sequence[str]) -> pl.DataFrame:
        ids = self.active_profiles() if profile_ids is None else list(profile_ids)
        rows = self._collected("households/evidence", ids, kinds=list(kinds)) if ids else []
        return pl.DataFrame(rows, schema=EVIDENCE_SCHEMA, orient="row").unique()

    def household_holders(self, keys: Sequence[str], limit: int | None = None) -> pl.DataFrame:
        parsed = [split_key(k) for k in keys]
        params = {"identifiers": [[k, v] for k, v, second in parsed if second is None],
                  "dwellings": sorted([v, *dwelling_probe(s)] for k, v, s in parsed if k == "dwelling"),
                  "surnames": [[v, s] for k, v, s in parsed if k == "surname_postcode"],
                  "limit": limit if limit is not None else 2**62}
        rows = self._collected("households/holders", None, **params)
        return pl.DataFrame(rows, schema=EVIDENCE_SCHEMA, orient="row").unique()

    def household_members(self, profile_ids: Sequence[str] | None) -> pl.DataFrame:
        if profile_ids is None:
            rows = self._collected("households/members_all", None)
        else:
            rows = self._collected("households/members", list(profile_ids)) if profile_ids else []
        return pl.DataFrame(rows, schema=MEMBER_SCHEMA, orient="row").unique().sort("household_id", "profile_id")

    def household_ids_taken(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        query = statement("households/ids_taken")
        return {r[0] for r in self._read(lambda tx: tx.run(query, ids=list(ids)).values())}

    def max_household_seq(self) -> int:
        query = statement("households/seq_max")
        return self._read(lambda tx: tx.run(query).single()[0])

    def write_households(self, members: pl.DataFrame, households: pl.DataFrame, retired: pl.DataFrame,
                         scope: Sequence[str] | None) -> None:
        rows = [{"household_id": r["household_id"],
                 "created": {"seq": r["seq"], "created_at": r["created_at"], "split_from": r["split_from"]},
                 "props": {"status": r["status"], "updated_at": r["updated_at"], "size": r["size"],
                           "evidence": list(r["evidence"])}}
                for r in households.iter_rows(named=True)]
        retired_rows = retired.select("household_id", "status", "merged_into", "updated_at").to_dicts()
        links = members.select("household_id", "profile_id").to_dicts()

        def work(tx: neo4j.ManagedTransaction) -> None:
            if scope is None:
                self._run(tx, "households/unlink_all")
            else:
                self._run(tx, "households/unlink", list(scope), key="ids")
            self._run(tx, "households/retire", retired_rows)
            self._run(tx, "households/upsert", rows)
            self._run(tx, "households/link", links)

        self._write(work)

    def household(self, household_id: str) -> dict | None:
        query = statement("households/household")
        found = self._read(lambda tx: tx.run(query, household_id=household_id).values())
        if not found:
            return None
        row, members = found[0]
        return household_row({**row, "members": members})

    def profile_households(self, profile_id: str) -> list[str]:
        query = statement("households/of_profile")
        return [r[0] for r in self._read(lambda tx: tx.run(query, profile_id=profile_id).values())]

    # -- bulk streams (BulkExport.bulk: households, household_members, traits) ---------------------
    def _bulk_household_members(self) -> Iterator[tuple[str, str]]:
        for row in self._collected("households/export", None):
            yield tuple(row)

    def _bulk_households(self) -> Iterator[dict]:
        for row in self._collected("households/export_rows", None):
            yield dict(row, evidence=list(row.get("evidence") or []))

    def _bulk_traits(self) -> Iterator[tuple[str, str, dict]]:
        for pid, stamp, pairs in self._collected("traits/export", None):
            yield pid, stamp, {k: _plain_trait(v) for k, v in pairs}

    # -- traits ----------------------------------------------------------------------------------
    def profile_events(self, profile_ids: Sequence[str] | None) -> pl.DataFrame:
        if profile_ids is None:
            rows = self._collected("traits/events_all", None)
        else:
            rows = self._collected("traits/events", list(profile_ids)) if profile_ids else []
        return pl.DataFrame(rows, schema=EVENT_SCHEMA, orient="row")

    def interaction_profiles(self, uids: Sequence[str]) -> list[str]:
        return sorted(set(self._collected("traits/interaction_profiles", list(uids), key="uids"))) if uids else []

    def active_profiles(self) -> list[str]:
        return sorted(self._collected("traits/active_profiles", None))

    def traits_stale(self, stamp: str) -> bool:
        query = statement("traits/stale")
        return self._read(lambda tx: tx.run(query, stamp=stamp).single()[0])

    def stale_trait_profiles(self, stamp: str, limit: int) -> list[str]:
        found = self._collected("traits/stale_stamped", None, stamp=stamp, limit=limit)
        # only then, and when the counts say some lack traits, those: a read of every active profile
        if len(found) < limit and self.stale_trait_count(stamp) > len(found):
            found += self._collected("traits/stale_missing", None, limit=limit - len(found))
        return found

    def stale_trait_count(self, stamp: str) -> int:
        query = statement("traits/stale_count")
        return self._read(lambda tx: tx.run(query, stamp=stamp).single()[0])

    def write_traits(self, traits: pl.DataFrame, stamp: str, clear: Sequence[str]) -> None:
        new = {r.pop("profile_id"): r for r in traits.to_dicts()}

        def work(tx: neo4j.ManagedTransaction) -> None:
            ids = sorted(set(new) | set(clear))
            old = {pid: keys for pid, keys in self._run(tx, "traits/keys", ids, key="ids")}
            out = []
            for pid in ids:
                traits = new.get(pid, {})
                # a trait no longer computed (a retired profile, a definition removed) is removed: null
                props = {**{k: None for k in old.get(pid, [])}, **traits}
                out.append({"profile_id": pid, "props": props, "keys": sorted(traits) or None,  # none: cleared
                            "stamp": stamp if pid in new else None})
            self._run(tx, "traits/write", out)

        self._write(work)

    @property
    def traits_per_transaction(self) -> int:
        # A statement's worth. Measured on the local server's default (1 GB heap, 717 MiB for transactions):
        # a whole resolve at 100,000 people holds 120 MiB of households and 100 MiB for 20,000 profiles'
        # traits before its commit, and the commit takes about three times what the transaction holds
        return self.batch_size

    def expire_traits(self, profile_ids: Sequence[str]) -> None:
        self._write(lambda tx: self._run(tx, "traits/expire", sorted(profile_ids), key="ids", expired=EXPIRED_STAMP))

    def profile_traits(self, profile_id: str) -> dict:
        query = statement("traits/profile")
        found = self._read(lambda tx: tx.run(query, profile_id=profile_id).values())
        return trait_dict(found[0][0]) if found else {}


def household_row(row: dict) -> dict:
    """A household with its members as the embedded store gives it: evidence and members as lists."""
    return {**row, "evidence": list(row["evidence"] or []), "members": [dict(m) for m in row["members"]]}


def trait_dict(pairs) -> dict:
    """A profile's traits from their [name, value] pairs."""
    return {k: _plain_trait(v) for k, v in pairs}


def _plain_trait(value):
    """A trait as the embedded store gives it back from JSON: lists stay lists."""
    return list(value) if isinstance(value, tuple) else value

