"""The embedded store's households and traits: what ingest/jobs/households.py and traits.py read and write.

A mixin of SQLiteStore (it brings `db`, `_tx`, `_snap`, `_rows` and `_dicts`): households in `household` and
`household_member`, traits as one JSON object per profile in `profile_trait` (graph/sqlite_schema.sql).
The roles `Households` and `Traits` of graph/store.py, and three streams of `bulk`. Resolve calls the
writes inside its one transaction (`write_resolution(..., then=...)`), where the reads see the profiles
it has just written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import polars as pl

from idgraph.graph.households import EVIDENCE_SCHEMA, MEMBER_SCHEMA, RECORD_EVIDENCE, dwelling_probe, split_key
from idgraph.graph.sqlite_frames import read_frame
from idgraph.graph.sqlite_reads import reads
from idgraph.graph.traits import EVENT_SCHEMA, EXPIRED_STAMP


# A dwelling is an address line with a house number: a street alone ("high st", a shop that keeps the
# number in a column the mapping does not read) is many dwellings.
_DWELLING_HAS_NUMBER = " AND c.address GLOB '*[0-9]*'"


def _jl(values: Sequence) -> str:
    return json.dumps(list(values))


def _json_list(column: str) -> pl.Expr:
    """A list of evidence kinds as JSON text, json.dumps's form, built in polars. The kinds are names the
    mapping checked (lower-case letters, digits, _: nothing to escape)."""
    items = pl.col(column).list
    return (pl.when(items.len() == 0).then(pl.lit("[]"))
            .otherwise(pl.format('["{}"]', items.join('", "'))).alias(column))


class SQLiteHouseholds:
    """Households and traits on the SQLite file."""

    # -- households ------------------------------------------------------------------------------
    @reads
    def household_evidence(self, profile_ids: Sequence[str] | None, kinds: Sequence[str]) -> pl.DataFrame:
        """profile_id, key: the evidence of `kinds` the records of these profiles (all when None) hold:
        identifiers, and record evidence (graph/households.py RECORD_EVIDENCE: a postcode with a field)."""
        if profile_ids is None:
            return self._all_household_evidence(kinds)
        # CROSS JOIN: start from the profiles asked for (by index), not from a scan of every record.
        records = "json_each(:ids) j CROSS JOIN customer c ON c.profile_id = j.value WHERE 1"
        params = {"ids": _jl(profile_ids), "kinds": _jl(kinds)}
        parts = [f"SELECT c.profile_id, ci.kind || ':' || ci.value FROM {records.replace(' WHERE', ' CROSS JOIN customer_identifier ci ON ci.customer_uid = c.uid WHERE', 1)} "
                 "AND ci.origin = 'record' AND ci.kind IN (SELECT value FROM json_each(:kinds))"]
        for kind, column in RECORD_EVIDENCE.items():
            if kind in kinds:  # column and kind come from the fixed table above, never from input
                parts.append(f"SELECT c.profile_id, '{kind}:' || c.postcode || '|' || c.{column} FROM {records} "
                             f"AND c.postcode IS NOT NULL AND c.{column} IS NOT NULL"
                             f"{_DWELLING_HAS_NUMBER if kind == 'dwelling' else ''}")
        return read_frame(self.db, " UNION ".join(parts), params, EVIDENCE_SCHEMA)

    def _all_household_evidence(self, kinds: Sequence[str]) -> pl.DataFrame:
        """Every profile's evidence: two plain scans joined in polars. A join in SQLite costs an index
        probe per identifier a record holds, and a UNION sorts every key to drop repeats."""
        records = read_frame(self.db, "SELECT uid, profile_id, postcode, address, last_name FROM customer "
                             "WHERE profile_id IS NOT NULL", (),
                             {c: pl.Utf8 for c in ("uid", "profile_id", "postcode", "address", "last_name")})
        held = read_frame(self.db, "SELECT customer_uid, kind || ':' || value FROM customer_identifier "
                          "WHERE origin = 'record' AND kind IN (SELECT value FROM json_each(?))", (_jl(kinds),),
                          {"uid": pl.Utf8, "key": pl.Utf8})
        parts = [held.join(records.select("uid", "profile_id"), on="uid").select(*EVIDENCE_SCHEMA)]
        for kind, column in RECORD_EVIDENCE.items():
            if kind in kinds:
                given = records.filter(pl.col("postcode").is_not_null() & pl.col(column).is_not_null())
                if kind == "dwelling":  # _DWELLING_HAS_NUMBER
                    given = given.filter(pl.col("address").str.contains("[0-9]"))
                parts.append(given.select("profile_id", pl.format(f"{kind}:{{}}|{{}}", "postcode", column).alias("key")))
        return pl.concat(parts).unique()

    @reads
    def household_holders(self, keys: Sequence[str], limit: int | None = None) -> pl.DataFrame:
        """profile_id, key: the profiles whose records hold one of these evidence keys, at most `limit` a key
        (a dwelling's: every line at its postcode that may be in its form, as written, graph/store.py)."""
        parsed = [split_key(k) for k in keys]
        # Per key, the first `limit` distinct profiles (a scalar subquery may look at the outer row, a FROM
        # subquery may not): a shop's phone or a common surname at a big postcode reads `limit` rows, not
        # its thousands of holders.
        capped = ("FROM json_each(:{name}) j, json_each((SELECT json_group_array(profile_id) FROM "
                  "(SELECT DISTINCT c.profile_id {rows} AND c.profile_id IS NOT NULL LIMIT :limit))) h")
        parts = ["SELECT h.value, (j.value ->> 0) || ':' || (j.value ->> 1) " + capped.format(
                     name="ids", rows="FROM customer_identifier ci CROSS JOIN customer c ON c.uid = ci.customer_uid "
                     "WHERE ci.kind = j.value ->> 0 AND ci.value = j.value ->> 1 AND ci.origin = 'record'"),
                 "SELECT c.profile_id, 'dwelling:' || c.postcode || '|' || c.address FROM json_each(:dwelling) j "
                 "CROSS JOIN customer c ON c.postcode = j.value ->> 0 WHERE c.profile_id IS NOT NULL "
                 f"AND c.address IS NOT NULL{_DWELLING_HAS_NUMBER} "
                 "AND instr(' ' || c.address || ' ', j.value ->> 1) AND instr(c.address, j.value ->> 2)",
                 "SELECT h.value, 'surname_postcode:' || (j.value ->> 0) || '|' || (j.value ->> 1) " + capped.format(
                     name="surname", rows="FROM customer c WHERE c.postcode = j.value ->> 0 AND c.last_name = j.value ->> 1")]
        params = {"ids": _jl([[k, v] for k, v, second in parsed if second is None]),
                  "dwelling": _jl(sorted({(v, *dwelling_probe(second)) for k, v, second in parsed if k == "dwelling"})),
                  "surname": _jl([[v, second] for k, v, second in parsed if k == "surname_postcode"]),
                  "limit": -1 if limit is None else limit}
        return read_frame(self.db, " UNION ".join(parts), params, EVIDENCE_SCHEMA)

    @reads
    def household_members(self, profile_ids: Sequence[str] | None) -> pl.DataFrame:
        """household_id, profile_id, seq, status: every member of the active households these profiles
        are in (all active households when None)."""
        where = "" if profile_ids is None else (
            "AND h.household_id IN (SELECT household_id FROM household_member "
            "WHERE profile_id IN (SELECT value FROM json_each(?)))")
        return read_frame(
            self.db, "SELECT m.household_id, m.profile_id, h.seq, h.status FROM household_member m "
            f"JOIN household h ON h.household_id = m.household_id WHERE h.status = 'active' {where} "
            "ORDER BY m.household_id, m.profile_id", () if profile_ids is None else (_jl(profile_ids),), MEMBER_SCHEMA)

    @reads
    def household_ids_taken(self, ids: Sequence[str]) -> set[str]:
        cur = self.db.execute("SELECT household_id FROM household WHERE household_id IN (SELECT value FROM json_each(?))",
                              (_jl(ids),))
        return {h for (h,) in cur}

    @reads
    def max_household_seq(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM household").fetchone()[0]

    def write_households(self, members: pl.DataFrame, households: pl.DataFrame, retired: pl.DataFrame,
                         scope: Sequence[str] | None) -> None:
        """One transaction: the memberships of the profiles in scope (all when None) become `members`
        (household_id, profile_id); `households` (household_id, seq, status, split_from, created_at,
        updated_at, size, evidence: list) are upserted; `retired` (household_id, status, merged_into,
        updated_at) lose their members."""
        with self._tx() as db:
            if scope is None:
                db.execute("DELETE FROM household_member")
            else:
                db.execute("DELETE FROM household_member WHERE profile_id IN (SELECT value FROM json_each(?))",
                           (_jl(scope),))
            db.executemany("DELETE FROM household_member WHERE household_id = ?",
                           [(h,) for h in retired["household_id"]])
            db.executemany("INSERT OR IGNORE INTO household_member (household_id, profile_id) VALUES (?, ?)",
                           members.select("household_id", "profile_id").iter_rows())
            db.executemany(
                "INSERT INTO household (household_id, seq, status, merged_into, split_from, created_at, updated_at, "
                "size, evidence) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?) ON CONFLICT(household_id) DO UPDATE SET "
                "status = excluded.status, merged_into = NULL, updated_at = excluded.updated_at, "
                "size = excluded.size, evidence = excluded.evidence",
                households.select("household_id", "seq", "status", "split_from", "created_at", "updated_at", "size",
                                  _json_list("evidence")).iter_rows())
            db.executemany(
                "UPDATE household SET status = ?, merged_into = ?, updated_at = ?, size = 0 WHERE household_id = ?",
                retired.select("status", "merged_into", "updated_at", "household_id").iter_rows())

    @reads
    def household(self, household_id: str) -> dict | None:
        """A household with its members: household_id, seq, status, merged_into, split_from, created_at,
        updated_at, size, evidence (list), members (profile_id, first_name, last_name, city, postcode)."""
        found = self._dicts("SELECT * FROM household WHERE household_id = ?", (household_id,))
        if not found:
            return None
        row = found[0]
        row["evidence"] = json.loads(row["evidence"]) if row["evidence"] else []
        row["members"] = self._dicts(
            "SELECT p.profile_id, p.first_name, p.last_name, p.city, p.postcode FROM household_member m "
            "JOIN profile p ON p.profile_id = m.profile_id WHERE m.household_id = ? ORDER BY p.profile_id",
            (household_id,))
        return row

    @reads
    def profile_households(self, profile_id: str) -> list[str]:
        return [h for (h,) in self.db.execute(
            "SELECT household_id FROM household_member WHERE profile_id = ? ORDER BY household_id", (profile_id,))]

    # -- bulk streams (BulkExport.bulk: households, household_members, traits) ---------------------
    def _bulk_household_members(self) -> Iterator[tuple[str, str]]:
        yield from self.db.execute("SELECT profile_id, household_id FROM household_member "
                                   "ORDER BY profile_id, household_id")

    def _bulk_households(self) -> Iterator[dict]:
        for row in self._rows("SELECT household_id, seq, status, merged_into, split_from, created_at, updated_at, "
                              "size, evidence FROM household ORDER BY household_id"):
            row["evidence"] = json.loads(row["evidence"]) if row["evidence"] else []
            yield row

    def _bulk_traits(self) -> Iterator[tuple[str, str, dict]]:
        for p, stamp, t in self.db.execute("SELECT profile_id, stamp, traits FROM profile_trait ORDER BY profile_id"):
            yield p, stamp, json.loads(t)

    # -- traits ----------------------------------------------------------------------------------
    @reads
    def profile_events(self, profile_ids: Sequence[str] | None) -> pl.DataFrame:
        """The interactions attributed to these profiles (all when None): graph/traits.py EVENT_SCHEMA."""
        if profile_ids is None:
            return read_frame(self.db, "SELECT profile_id, uid, source, at, channel, type, attributes FROM interaction "
                              "WHERE profile_id IS NOT NULL", (), EVENT_SCHEMA)
        return read_frame(
            self.db, "SELECT i.profile_id, i.uid, i.source, i.at, i.channel, i.type, i.attributes FROM json_each(?) j "
            "CROSS JOIN interaction i ON i.profile_id = j.value", (_jl(profile_ids),), EVENT_SCHEMA)

    @reads
    def interaction_profiles(self, uids: Sequence[str]) -> list[str]:
        """The profiles these interactions are attributed to, distinct and sorted."""
        return [p for (p,) in self.db.execute(
            "SELECT DISTINCT i.profile_id FROM json_each(?) j CROSS JOIN interaction i ON i.uid = j.value "
            "WHERE i.profile_id IS NOT NULL ORDER BY 1", (_jl(uids),))]

    @reads
    def active_profiles(self) -> list[str]:
        return [p for (p,) in self.db.execute("SELECT profile_id FROM profile WHERE status = 'active' ORDER BY 1")]

    @reads
    def traits_stale(self, stamp: str) -> bool:
        """graph/traits.py, ingest/jobs/traits.py; seeks on the profile_trait_stamp index."""
        return not self.db.execute(
            "SELECT EXISTS (SELECT 1 FROM profile_trait WHERE stamp = ?1) "
            "AND NOT EXISTS (SELECT 1 FROM profile_trait WHERE stamp < ?1) "
            "AND NOT EXISTS (SELECT 1 FROM profile_trait WHERE stamp > ?1)", (stamp,)).fetchone()[0]

    @reads
    def stale_trait_profiles(self, stamp: str, limit: int) -> list[str]:
        """graph/store.py. Two seeks on the profile_trait_stamp index (rows under an older stamp, then
        under a newer one, each in index order), stopped at `limit`; only when those run short, the active
        profiles without a row, when the counts say there are any (a scan of the profiles: 212 ms at 100,000,
        where the counts take 9)."""
        found = [p for (p,) in self.db.execute(
            "SELECT profile_id FROM (SELECT * FROM (SELECT t.profile_id FROM profile_trait t "
            "CROSS JOIN profile p ON p.profile_id = t.profile_id WHERE t.stamp < ?1 AND p.status = 'active' "
            "ORDER BY t.stamp LIMIT ?2) UNION ALL SELECT * FROM (SELECT t.profile_id FROM profile_trait t "
            "CROSS JOIN profile p ON p.profile_id = t.profile_id WHERE t.stamp > ?1 AND p.status = 'active' "
            "ORDER BY t.stamp LIMIT ?2)) LIMIT ?2", (stamp, limit))]
        # Every row under another stamp is in `found`: the rest of the stale ones have no row.
        if len(found) < limit and self.stale_trait_count(stamp) > len(found):
            found += [p for (p,) in self.db.execute(
                "SELECT p.profile_id FROM profile p WHERE p.status = 'active' AND NOT EXISTS "
                "(SELECT 1 FROM profile_trait t WHERE t.profile_id = p.profile_id) ORDER BY p.profile_id LIMIT ?",
                (limit - len(found),))]
        return found

    @reads
    def stale_trait_count(self, stamp: str) -> int:
        """graph/store.py. Active profiles less those with traits under `stamp`: two counts on indexes
        (profile_status, profile_trait_stamp). The traits of a profile that is retired or erased go with it,
        so every profile_trait row is an active profile's."""
        return self.db.execute(
            "SELECT (SELECT count(*) FROM profile WHERE status = 'active') "
            "- (SELECT count(*) FROM profile_trait WHERE stamp = ?)", (stamp,)).fetchone()[0]

    def write_traits(self, traits: pl.DataFrame, stamp: str, clear: Sequence[str]) -> None:
        """One transaction: each row's traits (profile_id and the trait values) replace the profile's; the
        traits of the profiles in `clear` (retired) are removed."""
        # The JSON object of each row is written by polars (keys sorted, as the readers expect nothing
        # else): json.dumps of a dict per profile cost more than computing the traits.
        names = sorted(c for c in traits.columns if c != "profile_id")
        objects = traits.select("profile_id", pl.lit(stamp).alias("stamp"),
                                pl.struct(names).struct.json_encode().alias("traits"))
        with self._tx() as db:
            db.execute("DELETE FROM profile_trait WHERE profile_id IN (SELECT value FROM json_each(?))", (_jl(clear),))
            # An upsert that leaves a row whose stamp and traits are already these alone: a grown profile
            # without new events keeps its traits, and a row rewritten (as REPLACE did) dirties a page of
            # the table and one of the stamp index for each, written out at every commit.
            db.executemany("INSERT INTO profile_trait (profile_id, stamp, traits) VALUES (?, ?, ?) "
                           "ON CONFLICT(profile_id) DO UPDATE SET stamp = excluded.stamp, traits = excluded.traits "
                           "WHERE profile_trait.stamp IS NOT excluded.stamp OR profile_trait.traits IS NOT excluded.traits",
                           objects.iter_rows())

    traits_per_transaction = None  # a transaction holds any number: SQLite writes its pages to the log

    def expire_traits(self, profile_ids: Sequence[str]) -> None:
        with self._tx() as db:
            # a profile without traits gets a row too: with none it would not count as stale while
            # others are current (traits_stale)
            db.execute("INSERT INTO profile_trait (profile_id, stamp, traits) SELECT value, ?, '{}' FROM json_each(?) "
                       "WHERE true ON CONFLICT(profile_id) DO UPDATE SET stamp = excluded.stamp",
                       (EXPIRED_STAMP, _jl(sorted(profile_ids))))

    @reads
    def profile_traits(self, profile_id: str) -> dict:
        found = self.db.execute("SELECT traits FROM profile_trait WHERE profile_id = ?", (profile_id,)).fetchone()
        return json.loads(found[0]) if found else {}
