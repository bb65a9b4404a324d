"""The embedded store: one SQLite file, the default, no server.

Why SQLite: it is in the standard library, a single file a user can copy, and its transactions are
crash-safe (WAL journal): a run killed half way leaves each batch applied whole or not at all. The big
computations (components, golden records, matching) happen in polars/numpy/scipy over frames this store
reads in bulk, so the database only answers set-based queries: no per-row round trips.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path

import polars as pl

from idgraph.graph import redact
from idgraph.graph.errors import StoreError
from idgraph.graph.records import CustomerRow, InteractionRow, LinkRow, WriteCounts
from idgraph.graph.sqlite_households import SQLiteHouseholds
from idgraph.graph.store import CUSTOMER_COLUMNS, frame_extras

_SCHEMA = files("idgraph.graph").joinpath("sqlite_schema.sql").read_text(encoding="utf-8")

_CUSTOMER_FIELDS = ("source", "source_id", "first_name", "last_name", "full_name", "dob", "address",
                    "city", "postcode", "country", "updated_at", "row_hash")
_PROFILE_FIELDS = ("first_name", "last_name", "dob", "email", "phone", "address", "city", "postcode",
                   "country", "customer_count", "sources")


def _jl(values: Sequence[str]) -> str:
    """Pass a list as one JSON parameter, read back with json_each: no per-value placeholders."""
    return json.dumps(list(values))


def _attributes_json(attributes: dict[str, str]) -> str | None:
    """A record's attributes as stored: a JSON object with sorted keys, NULL when it has none."""
    return json.dumps(attributes, sort_keys=True, ensure_ascii=False) if attributes else None


def _attributes(text: str | None) -> dict[str, str]:
    return json.loads(text) if text else {}


class SQLiteStore(SQLiteHouseholds):
    """The Store contract on an SQLite file (households and traits: graph/sqlite_households.py)."""

    name = "embedded"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            if not self.path.parent.exists():
                raise StoreError(f"{self.path}: the folder for the store does not exist")
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA temp_store=MEMORY")
            self.db.execute("PRAGMA cache_size=-262144")  # 256 MiB
            self.db.execute("PRAGMA busy_timeout=30000")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the embedded store: {exc}") from None

    # -- lifecycle -------------------------------------------------------------------------------
    def init(self) -> None:
        try:
            self.db.executescript(_SCHEMA)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not an identity-graph store ({exc})") from None

    def _migrate(self) -> None:
        """Columns added since a store file was made (CREATE TABLE IF NOT EXISTS leaves an old table as it
        is): added once, in a write transaction, so two processes opening an old file add it once."""
        def missing(db: sqlite3.Connection) -> bool:
            return "attributes" not in {row[1] for row in db.execute("PRAGMA table_info(customer)")}

        if missing(self.db):
            with self._tx() as db:
                if missing(db):
                    db.execute("ALTER TABLE customer ADD COLUMN attributes TEXT")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self):
        """One write transaction; taken IMMEDIATE so a concurrent writer waits instead of failing late."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def _scope_table(self, db: sqlite3.Connection, uids: Sequence[str] | None) -> str:
        """Load uids into temp table `scope`; returns a WHERE fragment usable on a uid column."""
        db.execute("CREATE TEMP TABLE IF NOT EXISTS scope(uid TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM scope")
        if uids is None:
            return "1"
        db.execute("INSERT OR IGNORE INTO scope SELECT value FROM json_each(?)", (_jl(uids),))
        return "{col} IN (SELECT uid FROM scope)"

    # -- ingest ----------------------------------------------------------------------------------
    def _existing_hashes(self, db: sqlite3.Connection, table: str, uids: list[str]) -> dict[str, str]:
        cur = db.execute(
            f"SELECT uid, row_hash FROM {table} WHERE uid IN (SELECT value FROM json_each(?))", (_jl(uids),)
        )
        return dict(cur.fetchall())

    def write_customers(self, rows: Sequence[CustomerRow], run_tag: str) -> WriteCounts:
        counts = WriteCounts()
        with self._tx() as db:
            old = self._existing_hashes(db, "customer", [r.uid for r in rows])
            new = [r for r in rows if r.uid not in old]
            changed = [r for r in rows if r.uid in old and old[r.uid] != r.row_hash]
            counts.inserted, counts.updated = len(new), len(changed)
            counts.unchanged = len(rows) - len(new) - len(changed)
            seq0 = db.execute("SELECT COALESCE(MAX(seq), 0) FROM customer").fetchone()[0]
            db.executemany(
                "INSERT INTO customer (uid, " + ", ".join(_CUSTOMER_FIELDS) + ", attributes, run_tag, seq) VALUES ("
                + ", ".join("?" * (len(_CUSTOMER_FIELDS) + 4)) + ")",
                [(r.uid, *(getattr(r, f) for f in _CUSTOMER_FIELDS), _attributes_json(r.attributes), run_tag,
                  seq0 + i + 1) for i, r in enumerate(new)],
            )
            db.executemany(
                "UPDATE customer SET " + ", ".join(f"{f} = ?" for f in _CUSTOMER_FIELDS)
                + ", attributes = ?, run_tag = ?, dirty = 1, link_dirty = 1 WHERE uid = ?",
                [(*(getattr(r, f) for f in _CUSTOMER_FIELDS), _attributes_json(r.attributes), run_tag, r.uid)
                 for r in changed],
            )
            db.executemany(
                "DELETE FROM customer_identifier WHERE customer_uid = ? AND origin = 'record'",
                [(r.uid,) for r in changed],
            )
            edges = [(r.uid, k, v) for r in (*new, *changed) for k, v in r.identifiers]
            db.executemany("INSERT OR IGNORE INTO identifier (kind, value) VALUES (?, ?)",
                           [(k, v) for _, k, v in edges])
            db.executemany(
                "INSERT INTO customer_identifier (customer_uid, kind, value, origin) VALUES (?, ?, ?, 'record')"
                " ON CONFLICT DO UPDATE SET origin = 'record'",
                edges,
            )
        return counts

    def write_interactions(self, rows: Sequence[InteractionRow], run_tag: str) -> WriteCounts:
        counts = WriteCounts()
        with self._tx() as db:
            old = self._existing_hashes(db, "interaction", [r.uid for r in rows])
            new = [r for r in rows if r.uid not in old]
            changed = [r for r in rows if r.uid in old and old[r.uid] != r.row_hash]
            counts.inserted, counts.updated = len(new), len(changed)
            counts.unchanged = len(rows) - len(new) - len(changed)
            fields = ("source", "source_id", "at", "channel", "type", "customer_ref", "attributes", "row_hash")
            db.executemany(
                "INSERT OR REPLACE INTO interaction (uid, " + ", ".join(fields) + ", run_tag, dirty) VALUES ("
                + ", ".join("?" * (len(fields) + 2)) + ", 1)",
                [(r.uid, *(getattr(r, f) for f in fields), run_tag) for r in (*new, *changed)],
            )
            db.executemany("DELETE FROM interaction_identifier WHERE interaction_uid = ?", [(r.uid,) for r in changed])
            touched = [r for r in (*new, *changed) if r.identifiers]
            db.executemany("INSERT OR IGNORE INTO identifier (kind, value) VALUES (?, ?)",
                           [(k, v) for r in touched for k, v in r.identifiers])
            db.executemany("INSERT OR IGNORE INTO interaction_identifier VALUES (?, ?, ?)",
                           [(r.uid, k, v) for r in touched for k, v in r.identifiers])
            # An event that names its customer ties that customer to what the event carries (a login on a
            # device is how the clickstream's anonymous journey finds its person).
            ties = [(r.customer_ref, k, v, r.source) for r in touched if r.customer_ref for k, v in r.identifiers]
            db.executemany("INSERT OR IGNORE INTO customer_identifier VALUES (?, ?, ?, ?)", ties)
            db.execute(
                "UPDATE customer SET dirty = 1, link_dirty = 1 WHERE uid IN (SELECT value FROM json_each(?))",
                (_jl(sorted({t[0] for t in ties})),),
            )
        return counts

    def suppressed(self, hashes: Sequence[str]) -> set[str]:
        cur = self.db.execute("SELECT hash FROM suppression WHERE hash IN (SELECT value FROM json_each(?))",
                              (_jl(hashes),))
        return {h for (h,) in cur}

    # -- guard -----------------------------------------------------------------------------------
    def identifier_members(self, uids: Sequence[str] | None = None) -> pl.DataFrame:
        touching = "" if uids is None else (
            "WHERE (kind, value) IN (SELECT kind, value FROM customer_identifier "
            "WHERE customer_uid IN (SELECT value FROM json_each(?)))"
        )
        sql = (
            "WITH multi AS (SELECT kind, value FROM customer_identifier " + touching
            + " GROUP BY kind, value HAVING COUNT(*) >= 2) "
            "SELECT ci.kind, ci.value, i.shared, c.uid, c.first_name, c.last_name, c.dob "
            "FROM multi JOIN customer_identifier ci ON ci.kind = multi.kind AND ci.value = multi.value "
            "JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value "
            "JOIN customer c ON c.uid = ci.customer_uid"
        )
        params = () if uids is None else (_jl(uids),)
        rows = self.db.execute(sql, params).fetchall()
        return pl.DataFrame(
            rows, orient="row",
            schema={"kind": pl.Utf8, "value": pl.Utf8, "shared": pl.Boolean, "uid": pl.Utf8,
                    "first_name": pl.Utf8, "last_name": pl.Utf8, "dob": pl.Utf8},
        )

    def set_shared(self, rows: Sequence[tuple[str, str, bool, str | None]]) -> int:
        with self._tx() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS flipped(kind TEXT, value TEXT)")
            db.execute("DELETE FROM flipped")
            db.executemany(
                "INSERT INTO flipped SELECT kind, value FROM identifier WHERE kind = ? AND value = ? AND shared != ?",
                [(k, v, int(s)) for k, v, s, _ in rows],
            )
            db.executemany("UPDATE identifier SET shared = ?, shared_reason = ? WHERE kind = ? AND value = ?",
                           [(int(s), reason, k, v) for k, v, s, reason in rows])
            db.execute(
                "UPDATE customer SET dirty = 1, link_dirty = 1 WHERE uid IN (SELECT ci.customer_uid "
                "FROM customer_identifier ci JOIN flipped f ON f.kind = ci.kind AND f.value = ci.value)"
            )
            return db.execute("SELECT COUNT(*) FROM flipped").fetchone()[0]

    # -- link job --------------------------------------------------------------------------------
    def customers_frame(self, uids: Sequence[str] | None = None, *, identifier_kinds: Sequence[str] = (),
                        attributes: Sequence[str] = ()) -> pl.DataFrame:
        kinds, names = frame_extras(identifier_kinds, attributes)
        where = "" if uids is None else "WHERE c.uid IN (SELECT value FROM json_each(?))"
        params = () if uids is None else (_jl(uids),)
        # One json_extract per attribute asked for; the path quotes the name, so any name is safe.
        extracted = "".join(", json_extract(c.attributes, ?)" for _ in names)
        base = self.db.execute(
            "SELECT uid, source, source_id, first_name, last_name, dob, address, city, postcode, country, "
            f"updated_at, seq, profile_id{extracted} FROM customer c {where}",
            (*(f'$."{n}"' for n in names), *params)
        ).fetchall()
        cols = [c for c in CUSTOMER_COLUMNS if c not in ("emails", "phones", "devices")] + names
        frame = pl.DataFrame(base, orient="row", schema={c: (pl.Int64 if c == "seq" else pl.Utf8) for c in cols})
        idents = self.db.execute(
            "SELECT ci.customer_uid, ci.kind, ci.value FROM customer_identifier ci JOIN identifier i "
            f"ON i.kind = ci.kind AND i.value = ci.value JOIN customer c ON c.uid = ci.customer_uid "
            f"{where} {'AND' if where else 'WHERE'} i.shared = 0", params
        ).fetchall()
        ident = pl.DataFrame(idents, orient="row", schema={"uid": pl.Utf8, "kind": pl.Utf8, "value": pl.Utf8})
        for kind, col in (("email", "emails"), ("phone", "phones"), ("device", "devices"), *((k, k) for k in kinds)):
            lists = (ident.filter(pl.col("kind") == kind).group_by("uid")
                     .agg(pl.col("value").sort().alias(col)))
            frame = frame.join(lists, on="uid", how="left").with_columns(
                pl.col(col).fill_null(pl.lit([], dtype=pl.List(pl.Utf8))))
        return frame.select(*CUSTOMER_COLUMNS, *kinds, *names).sort("uid")

    def customers_to_link(self) -> list[str]:
        return [u for (u,) in self.db.execute("SELECT uid FROM customer WHERE link_dirty = 1 ORDER BY uid")]

    def mark_linked(self, uids: Sequence[str] | None) -> None:
        with self._tx() as db:
            if uids is None:
                db.execute("UPDATE customer SET link_dirty = 0 WHERE link_dirty = 1")
            else:
                db.execute("UPDATE customer SET link_dirty = 0 WHERE uid IN (SELECT value FROM json_each(?))",
                           (_jl(uids),))

    def replace_links(self, rows: Sequence[LinkRow], touching: Sequence[str] | None) -> None:
        with self._tx() as db:
            db.execute("CREATE TEMP TABLE IF NOT EXISTS relinked(uid TEXT PRIMARY KEY) WITHOUT ROWID")
            db.execute("DELETE FROM relinked")
            if touching is None:
                db.execute("INSERT OR IGNORE INTO relinked SELECT a_uid FROM link UNION SELECT b_uid FROM link")
                db.execute("DELETE FROM link")
            else:
                # Only the links of the touched records go; their partners are marked for resolve, but
                # keep their links to anyone else.
                db.execute("INSERT OR IGNORE INTO relinked SELECT value FROM json_each(?)", (_jl(touching),))
                partners = db.execute(
                    "SELECT b_uid FROM link WHERE a_uid IN relinked UNION SELECT a_uid FROM link WHERE b_uid IN relinked"
                ).fetchall()
                db.execute("DELETE FROM link WHERE a_uid IN relinked OR b_uid IN relinked")
                db.executemany("INSERT OR IGNORE INTO relinked VALUES (?)", partners)
            db.executemany(
                "INSERT OR REPLACE INTO link (a_uid, b_uid, kind, score, evidence) VALUES (?, ?, ?, ?, ?)",
                [(r.a_uid, r.b_uid, r.kind, r.score, r.evidence) for r in rows],
            )
            db.executemany("INSERT OR IGNORE INTO relinked VALUES (?)",
                           [(u,) for r in rows for u in (r.a_uid, r.b_uid)])
            db.execute("UPDATE customer SET dirty = 1 WHERE uid IN relinked")

    def links(self, kind: str, limit: int | None = None) -> list[LinkRow]:
        cur = self.db.execute(
            "SELECT a_uid, b_uid, score, evidence, kind FROM link WHERE kind = ? ORDER BY score DESC, a_uid, b_uid"
            " LIMIT ?", (kind, -1 if limit is None else limit))
        return [LinkRow(*row) for row in cur]

    def delete_link(self, a_uid: str, b_uid: str) -> None:
        a, b = sorted((a_uid, b_uid))
        with self._tx() as db:
            db.execute("DELETE FROM link WHERE a_uid = ? AND b_uid = ?", (a, b))
            db.execute("UPDATE customer SET dirty = 1 WHERE uid IN (?, ?)", (a, b))

    # -- resolve ---------------------------------------------------------------------------------
    def dirty_customers(self) -> list[str]:
        return [u for (u,) in self.db.execute("SELECT uid FROM customer WHERE dirty = 1 ORDER BY uid")]

    def customer_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM customer").fetchone()[0]

    def dirty_interaction_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM interaction WHERE dirty = 1").fetchone()[0]

    def closure(self, seeds: Sequence[str]) -> list[str]:
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS reach(uid TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS frontier(uid TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("CREATE TEMP TABLE IF NOT EXISTS nextf(uid TEXT PRIMARY KEY) WITHOUT ROWID")
        for t in ("reach", "frontier", "nextf"):
            db.execute(f"DELETE FROM {t}")
        db.execute("INSERT OR IGNORE INTO frontier SELECT value FROM json_each(?)", (_jl(seeds),))
        db.execute("INSERT OR IGNORE INTO reach SELECT uid FROM frontier")
        # Breadth-first, one set-based step per hop: components are shallow, so a handful of queries.
        # CROSS JOIN makes SQLite start from the frontier (a temp table it has no statistics for):
        # otherwise it scans a whole index (every identifier edge, every probable link) on each hop,
        # and an incremental resolve costs time in proportion to the graph instead of the batch.
        while True:
            db.execute(
                "INSERT OR IGNORE INTO nextf "
                "SELECT ci2.customer_uid FROM frontier f "
                "CROSS JOIN customer_identifier ci ON ci.customer_uid = f.uid "
                "CROSS JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value AND i.shared = 0 "
                "CROSS JOIN customer_identifier ci2 ON ci2.kind = ci.kind AND ci2.value = ci.value "
                "UNION SELECT l.b_uid FROM frontier f CROSS JOIN link l ON l.a_uid = f.uid WHERE l.kind = 'probable' "
                "UNION SELECT l.a_uid FROM frontier f CROSS JOIN link l ON l.b_uid = f.uid WHERE l.kind = 'probable' "
                "UNION SELECT j.b_uid FROM frontier f CROSS JOIN judgement j ON j.a_uid = f.uid WHERE j.deleted_at IS NULL "
                "UNION SELECT j.a_uid FROM frontier f CROSS JOIN judgement j ON j.b_uid = f.uid WHERE j.deleted_at IS NULL "
                "UNION SELECT c2.uid FROM frontier f CROSS JOIN customer c ON c.uid = f.uid "
                "CROSS JOIN customer c2 ON c2.profile_id = c.profile_id"
            )
            db.execute("DELETE FROM nextf WHERE uid IN reach")
            if db.execute("SELECT COUNT(*) FROM nextf").fetchone()[0] == 0:
                break
            db.execute("INSERT INTO reach SELECT uid FROM nextf")
            db.execute("DELETE FROM frontier")
            db.execute("INSERT INTO frontier SELECT uid FROM nextf")
            db.execute("DELETE FROM nextf")
        return [u for (u,) in db.execute("SELECT r.uid FROM reach r JOIN customer c ON c.uid = r.uid ORDER BY r.uid")]

    def link_edges(self, scope: Sequence[str] | None) -> pl.DataFrame:
        where = self._scope_table(self.db, scope)
        rows = self.db.execute(
            "SELECT ci.customer_uid, ci.kind || ':' || ci.value, 'identifier', 1.0 "
            "FROM customer_identifier ci JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value "
            "JOIN customer c ON c.uid = ci.customer_uid "
            f"WHERE i.shared = 0 AND {where.format(col='ci.customer_uid')} "
            "UNION ALL SELECT a_uid, b_uid, 'probable', score FROM link "
            f"WHERE kind = 'probable' AND {where.format(col='a_uid')} "
            "UNION ALL SELECT a_uid, b_uid, 'same', 1.0 FROM judgement "
            f"WHERE kind = 'same' AND deleted_at IS NULL AND {where.format(col='a_uid')}"
        ).fetchall()
        return pl.DataFrame(rows, orient="row",
                            schema={"a": pl.Utf8, "b": pl.Utf8, "kind": pl.Utf8, "weight": pl.Float64})

    def profile_state(self, scope: Sequence[str] | None) -> tuple[pl.DataFrame, pl.DataFrame]:
        where = self._scope_table(self.db, scope)
        members = pl.DataFrame(
            self.db.execute(f"SELECT uid, seq, profile_id FROM customer WHERE {where.format(col='uid')}").fetchall(),
            orient="row", schema={"uid": pl.Utf8, "seq": pl.Int64, "profile_id": pl.Utf8},
        )
        profiles = pl.DataFrame(
            self.db.execute(
                "SELECT profile_id, seq, status FROM profile WHERE profile_id IN "
                f"(SELECT profile_id FROM customer WHERE {where.format(col='uid')})"
            ).fetchall(),
            orient="row", schema={"profile_id": pl.Utf8, "seq": pl.Int64, "status": pl.Utf8},
        )
        return members, profiles

    def profile_ids_taken(self, ids: Sequence[str]) -> set[str]:
        cur = self.db.execute("SELECT profile_id FROM profile WHERE profile_id IN (SELECT value FROM json_each(?))",
                              (_jl(ids),))
        return {p for (p,) in cur}

    def max_profile_seq(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM profile").fetchone()[0]

    def write_resolution(self, members: pl.DataFrame, profiles: pl.DataFrame, retired: pl.DataFrame,
                         audit: Sequence[dict], scope: Sequence[str] | None) -> None:
        with self._tx() as db:
            where = self._scope_table(db, scope)
            db.execute("CREATE TEMP TABLE IF NOT EXISTS touched_profile(profile_id TEXT PRIMARY KEY) WITHOUT ROWID")
            db.execute("DELETE FROM touched_profile")
            db.executemany("UPDATE customer SET profile_id = ? WHERE uid = ?",
                           members.select("profile_id", "uid").iter_rows())
            db.execute(f"UPDATE customer SET dirty = 0 WHERE dirty = 1 AND {where.format(col='uid')}")
            cols = ("profile_id", "seq", "status", "merged_into", "split_from", "created_at", "updated_at",
                    *_PROFILE_FIELDS)
            db.executemany(
                f"INSERT INTO profile ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))}) "
                "ON CONFLICT(profile_id) DO UPDATE SET status = excluded.status, merged_into = NULL, "
                "updated_at = excluded.updated_at, "
                + ", ".join(f"{f} = excluded.{f}" for f in _PROFILE_FIELDS),
                profiles.select(cols).iter_rows(),
            )
            db.executemany(
                "UPDATE profile SET status = ?, merged_into = ?, updated_at = ?, customer_count = 0 "
                "WHERE profile_id = ?",
                retired.select("status", "merged_into", "updated_at", "profile_id").iter_rows(),
            )
            db.executemany(
                "INSERT INTO audit (at, action, profile_id, by, reason, details) VALUES (?, ?, ?, ?, ?, ?)",
                [(a["at"], a["action"], a.get("profile_id"), a.get("by"), a.get("reason"),
                  json.dumps(a.get("details") or {}, sort_keys=True)) for a in audit],
            )
            self._attribute(db, where)

    def _attribute(self, db: sqlite3.Connection, where: str) -> None:
        """Give each touched interaction its profile: the customer it names, else the one profile its
        non-shared identifiers lead to; none when they lead to several (ambiguous) or none."""
        db.execute("CREATE TEMP TABLE IF NOT EXISTS touched(uid TEXT PRIMARY KEY) WITHOUT ROWID")
        db.execute("DELETE FROM touched")
        if where == "1":
            db.execute("INSERT INTO touched SELECT uid FROM interaction")
        else:
            # CROSS JOIN: start from the scope, not from a scan of every interaction or identifier edge.
            db.execute(
                "INSERT OR IGNORE INTO touched SELECT uid FROM interaction WHERE dirty = 1 "
                "UNION SELECT i.uid FROM scope s CROSS JOIN interaction i ON i.customer_ref = s.uid "
                "UNION SELECT ii.interaction_uid FROM scope s "
                "CROSS JOIN customer_identifier ci ON ci.customer_uid = s.uid "
                "CROSS JOIN interaction_identifier ii ON ii.kind = ci.kind AND ii.value = ci.value"
            )
        db.execute("INSERT OR IGNORE INTO touched_profile SELECT DISTINCT profile_id FROM interaction "
                   "WHERE uid IN touched AND profile_id IS NOT NULL")
        db.execute(
            "UPDATE interaction SET dirty = 0, profile_id = COALESCE("
            " (SELECT c.profile_id FROM customer c WHERE c.uid = interaction.customer_ref),"
            " (SELECT CASE WHEN COUNT(DISTINCT c.profile_id) = 1 THEN MIN(c.profile_id) END"
            "  FROM interaction_identifier ii"
            "  JOIN identifier d ON d.kind = ii.kind AND d.value = ii.value AND d.shared = 0"
            "  JOIN customer_identifier ci ON ci.kind = ii.kind AND ci.value = ii.value"
            "  JOIN customer c ON c.uid = ci.customer_uid"
            "  WHERE ii.interaction_uid = interaction.uid)) "
            "WHERE uid IN touched"
        )
        db.execute("INSERT OR IGNORE INTO touched_profile SELECT DISTINCT profile_id FROM interaction "
                   "WHERE uid IN touched AND profile_id IS NOT NULL")
        db.execute("INSERT OR IGNORE INTO touched_profile SELECT DISTINCT profile_id FROM customer "
                   f"WHERE profile_id IS NOT NULL AND {where.format(col='uid')}")
        db.execute(
            "UPDATE profile SET interaction_count = (SELECT COUNT(*) FROM interaction i "
            "WHERE i.profile_id = profile.profile_id) WHERE profile_id IN touched_profile"
        )

    # -- judgements ------------------------------------------------------------------------------
    def add_judgement(self, row: dict) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO judgement (judgement_id, kind, a_uid, b_uid, by, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (row["judgement_id"], row["kind"], row["a_uid"], row["b_uid"], row["by"], row["at"], row.get("reason")),
            )
            db.execute("UPDATE customer SET dirty = 1 WHERE uid IN (?, ?)", (row["a_uid"], row["b_uid"]))

    def judgements(self, uids: Sequence[str] | None = None, include_deleted: bool = False) -> list[dict]:
        sql = "SELECT * FROM judgement WHERE 1"
        params: tuple = ()
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        if uids is not None:
            sql += " AND (a_uid IN (SELECT value FROM json_each(?)) OR b_uid IN (SELECT value FROM json_each(?)))"
            params = (_jl(uids), _jl(uids))
        return self._dicts(sql + " ORDER BY at, judgement_id", params)

    def withdraw_judgement(self, judgement_id: str, at: str) -> dict | None:
        with self._tx() as db:
            db.execute("UPDATE judgement SET deleted_at = ? WHERE judgement_id = ? AND deleted_at IS NULL",
                       (at, judgement_id))
            found = self._dicts("SELECT * FROM judgement WHERE judgement_id = ?", (judgement_id,))
            if found:
                db.execute("UPDATE customer SET dirty = 1 WHERE uid IN (?, ?)", (found[0]["a_uid"], found[0]["b_uid"]))
        return found[0] if found else None

    # -- queries ---------------------------------------------------------------------------------
    def _dicts(self, sql: str, params: tuple = ()) -> list[dict]:
        cur = self.db.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def profile(self, profile_id: str) -> dict | None:
        found = self._dicts("SELECT * FROM profile WHERE profile_id = ?", (profile_id,))
        return found[0] if found else None

    def profile_members(self, profile_id: str) -> list[dict]:
        rows = self._dicts(
            "SELECT uid, source, source_id, first_name, last_name, dob, address, city, postcode, country, "
            "updated_at, attributes FROM customer WHERE profile_id = ? ORDER BY source, source_id", (profile_id,))
        for r in rows:
            r["attributes"] = _attributes(r["attributes"])
        return rows

    def profile_identifiers(self, profile_id: str) -> list[dict]:
        rows = self._dicts(
            "SELECT ci.kind, ci.value, i.shared, i.shared_reason, group_concat(ci.customer_uid, ' ') AS customers "
            "FROM customer c JOIN customer_identifier ci ON ci.customer_uid = c.uid "
            "JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value "
            "WHERE c.profile_id = ? GROUP BY ci.kind, ci.value ORDER BY ci.kind, ci.value", (profile_id,))
        for r in rows:  # group_concat keeps no order: the holders by uid, as on Neo4j
            r["customers"] = " ".join(sorted(r["customers"].split(" ")))
        return rows

    def profile_interactions(self, profile_id: str, limit: int | None = None) -> list[dict]:
        return self._dicts(
            "SELECT uid, source, source_id, at, channel, type, customer_ref FROM interaction "
            "WHERE profile_id = ? ORDER BY at, uid LIMIT ?", (profile_id, -1 if limit is None else limit))

    def find_customers(self, kind: str, value: str) -> list[dict]:
        if kind == "record":
            return self._dicts("SELECT uid, profile_id FROM customer WHERE uid = ?", (value,))
        return self._dicts(
            "SELECT c.uid, c.profile_id FROM customer_identifier ci JOIN customer c ON c.uid = ci.customer_uid "
            "WHERE ci.kind = ? AND ci.value = ? ORDER BY c.uid", (kind, value))

    def stats(self) -> dict:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "customers": one("SELECT COUNT(*) FROM customer"),
            "identifiers": one("SELECT COUNT(*) FROM identifier"),
            "emails": one("SELECT COUNT(*) FROM identifier WHERE kind = 'email'"),
            "phones": one("SELECT COUNT(*) FROM identifier WHERE kind = 'phone'"),
            "devices": one("SELECT COUNT(*) FROM identifier WHERE kind = 'device'"),
            "shared_identifiers": one("SELECT COUNT(*) FROM identifier WHERE shared = 1"),
            "interactions": one("SELECT COUNT(*) FROM interaction"),
            "attributed_interactions": one("SELECT COUNT(*) FROM interaction WHERE profile_id IS NOT NULL"),
            "profiles": one("SELECT COUNT(*) FROM profile WHERE status = 'active'"),
            "probable_links": one("SELECT COUNT(*) FROM link WHERE kind = 'probable'"),
            "review_queue": one("SELECT COUNT(*) FROM link WHERE kind = 'review'"),
            "judgements": one("SELECT COUNT(*) FROM judgement WHERE deleted_at IS NULL"),
            "customers_to_resolve": one("SELECT COUNT(*) FROM customer WHERE dirty = 1"),
        }

    def export_records(self) -> Iterator[tuple[str, str, str, str | None]]:
        for row in self.db.execute("SELECT 'customer', source, source_id, profile_id FROM customer "
                                   "UNION ALL SELECT 'interaction', source, source_id, profile_id FROM interaction "
                                   "ORDER BY 1, 2, 3"):
            yield row

    def export_profiles(self) -> Iterator[dict]:
        cur = self.db.execute("SELECT * FROM profile ORDER BY profile_id")
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    def audit(self, profile_id: str | None = None) -> list[dict]:
        if profile_id is None:
            return self._dicts("SELECT * FROM audit ORDER BY seq")
        return self._dicts("SELECT * FROM audit WHERE profile_id = ? ORDER BY seq", (profile_id,))

    # -- people in the loop ----------------------------------------------------------------------
    def salt(self) -> str:
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('salt', ?)", (secrets.token_hex(16),))
            return db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0]

    def add_audit(self, entries: Sequence[dict]) -> None:
        with self._tx() as db:
            db.executemany(
                "INSERT INTO audit (at, action, profile_id, by, reason, details) VALUES (?, ?, ?, ?, ?, ?)",
                [(a["at"], a["action"], a.get("profile_id"), a.get("by"), a.get("reason"),
                  json.dumps(a.get("details") or {}, sort_keys=True)) for a in entries],
            )

    def add_suppression(self, rows: Sequence[tuple[str, str]], at: str) -> int:
        with self._tx() as db:
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO suppression (hash, kind, at) VALUES (?, ?, ?)",
                           [(h, k, at) for h, k in rows])
            return db.total_changes - before

    def customer_identifiers(self, uids: Sequence[str]) -> list[dict]:
        rows = self._dicts(
            "SELECT ci.customer_uid AS uid, ci.kind, ci.value, i.shared, i.shared_reason "
            "FROM customer_identifier ci JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value "
            "WHERE ci.customer_uid IN (SELECT value FROM json_each(?)) ORDER BY ci.customer_uid, ci.kind, ci.value",
            (_jl(uids),))
        for r in rows:
            r["shared"] = bool(r["shared"])
        return rows

    def links_touching(self, uids: Sequence[str]) -> list[LinkRow]:
        cur = self.db.execute(
            "SELECT a_uid, b_uid, score, evidence, kind FROM link WHERE a_uid IN (SELECT value FROM json_each(?)) "
            "UNION SELECT a_uid, b_uid, score, evidence, kind FROM link WHERE b_uid IN (SELECT value FROM json_each(?)) "
            "ORDER BY 1, 2", (_jl(uids), _jl(uids)))
        return [LinkRow(*row) for row in cur]

    def forget_customers(self, uids: Sequence[str], mask: Callable[[str], str]) -> dict:
        # secure_delete overwrites what is deleted with zeros, so the erased values do not linger in free
        # pages of the file; the checkpoint afterwards empties the write-ahead log of the old pages.
        self.db.execute("PRAGMA secure_delete = ON")
        try:
            with self._tx() as db:
                result = self._forget(db, uids, mask)
        finally:
            self.db.execute("PRAGMA secure_delete = OFF")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return result

    def _forget(self, db: sqlite3.Connection, uids: Sequence[str], mask: Callable[[str], str]) -> dict:
        for table, cols in (("gone_c", "uid TEXT PRIMARY KEY"), ("gone_i", "uid TEXT PRIMARY KEY"),
                            ("gone_p", "profile_id TEXT PRIMARY KEY"),
                            ("lineage", "profile_id TEXT PRIMARY KEY, whole INTEGER NOT NULL"),
                            ("gone_e", "kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value)")):
            db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({cols}) WITHOUT ROWID")
            db.execute(f"DELETE FROM {table}")
        db.execute("INSERT OR IGNORE INTO gone_c SELECT uid FROM customer WHERE uid IN (SELECT value FROM json_each(?))",
                   (_jl(uids),))
        db.execute("INSERT OR IGNORE INTO gone_p SELECT DISTINCT profile_id FROM customer "
                   "WHERE uid IN gone_c AND profile_id IS NOT NULL")
        # A profile is gone when none of its records stays; the retired profiles merged into a touched
        # profile (recursively) hold golden records of the same people: deleted or scrubbed with it.
        db.execute(
            "WITH RECURSIVE tree(profile_id, root) AS ("
            " SELECT profile_id, profile_id FROM gone_p"
            " UNION SELECT p.profile_id, tree.root FROM profile p JOIN tree ON p.merged_into = tree.profile_id) "
            "INSERT OR IGNORE INTO lineage SELECT profile_id, NOT EXISTS (SELECT 1 FROM customer c "
            " WHERE c.profile_id = tree.root AND c.uid NOT IN gone_c) FROM tree")
        # Identifiers only they hold; the interactions that name them, belong to a profile only they made
        # up, or carry such an identifier (unless they name someone else); then the identifiers only
        # those interactions carried.
        db.execute("INSERT OR IGNORE INTO gone_e SELECT kind, value FROM customer_identifier WHERE customer_uid IN gone_c")
        db.execute("DELETE FROM gone_e WHERE EXISTS (SELECT 1 FROM customer_identifier ci WHERE ci.kind = gone_e.kind "
                   "AND ci.value = gone_e.value AND ci.customer_uid NOT IN gone_c)")
        names_no_one_else = ("(i.customer_ref IS NULL OR i.customer_ref IN gone_c OR NOT EXISTS "
                             "(SELECT 1 FROM customer c WHERE c.uid = i.customer_ref))")
        db.execute(
            "INSERT OR IGNORE INTO gone_i SELECT uid FROM interaction WHERE customer_ref IN gone_c "
            "UNION SELECT i.uid FROM interaction i WHERE i.profile_id IN (SELECT profile_id FROM lineage WHERE whole) "
            f" AND {names_no_one_else} "
            "UNION SELECT i.uid FROM interaction_identifier ii JOIN gone_e e ON e.kind = ii.kind AND e.value = ii.value "
            f" JOIN interaction i ON i.uid = ii.interaction_uid WHERE {names_no_one_else}")
        db.execute(
            "INSERT OR IGNORE INTO gone_e SELECT ii.kind, ii.value FROM interaction_identifier ii "
            "WHERE ii.interaction_uid IN gone_i "
            "AND NOT EXISTS (SELECT 1 FROM customer_identifier ci WHERE ci.kind = ii.kind AND ci.value = ii.value "
            " AND ci.customer_uid NOT IN gone_c) "
            "AND NOT EXISTS (SELECT 1 FROM interaction_identifier o WHERE o.kind = ii.kind AND o.value = ii.value "
            " AND o.interaction_uid NOT IN gone_i)")
        # A shared identifier that stays names the erased records (and their names) in its reason: it
        # is un-marked and its remaining holders marked, so the guard judges it afresh on the next resolve.
        db.execute(
            "UPDATE customer SET dirty = 1, link_dirty = 1 WHERE uid IN (SELECT ci.customer_uid FROM customer_identifier ci "
            "JOIN identifier i ON i.kind = ci.kind AND i.value = ci.value AND i.shared = 1 "
            "WHERE (ci.kind, ci.value) IN (SELECT kind, value FROM customer_identifier WHERE customer_uid IN gone_c)) "
            "AND uid NOT IN gone_c")
        rejudged = db.execute(
            "UPDATE identifier SET shared = 0, shared_reason = NULL WHERE shared = 1 AND (kind, value) IN "
            "(SELECT kind, value FROM customer_identifier WHERE customer_uid IN gone_c)").rowcount
        gone_uids = [u for (u,) in db.execute("SELECT uid FROM gone_c ORDER BY uid")]
        gone_events = [u for (u,) in db.execute("SELECT uid FROM gone_i ORDER BY uid")]
        identifiers = db.execute("SELECT kind, value FROM gone_e ORDER BY kind, value").fetchall()
        whole = [p for (p,) in db.execute("SELECT profile_id FROM lineage WHERE whole ORDER BY profile_id")]
        counts = {"customers": len(gone_uids), "interactions": len(gone_events), "identifiers": len(identifiers)}

        def delete(sql: str) -> int:
            return db.execute(sql).rowcount

        counts["links"] = delete("DELETE FROM link WHERE a_uid IN gone_c OR b_uid IN gone_c")
        counts["judgements"] = delete("DELETE FROM judgement WHERE a_uid IN gone_c OR b_uid IN gone_c")
        delete("DELETE FROM interaction_identifier WHERE interaction_uid IN gone_i")
        delete("DELETE FROM interaction_identifier WHERE (kind, value) IN (SELECT kind, value FROM gone_e)")
        delete("DELETE FROM interaction WHERE uid IN gone_i")
        delete("DELETE FROM customer_identifier WHERE customer_uid IN gone_c")
        delete("DELETE FROM identifier WHERE (kind, value) IN (SELECT kind, value FROM gone_e)")
        delete("DELETE FROM customer WHERE uid IN gone_c")
        counts["profiles"] = delete("DELETE FROM profile WHERE profile_id IN (SELECT profile_id FROM lineage WHERE whole)")
        delete("DELETE FROM audit WHERE profile_id IN (SELECT profile_id FROM lineage WHERE whole)")
        # Profiles that keep other records: golden record scrubbed (resolve recomputes it), members marked.
        db.execute("UPDATE profile SET " + ", ".join(f"{f} = NULL" for f in _PROFILE_FIELDS if f != "customer_count")
                   + " WHERE profile_id IN (SELECT profile_id FROM lineage WHERE NOT whole)")
        counts["profiles_to_resolve"] = db.execute(
            "SELECT COUNT(*) FROM profile WHERE status = 'active' AND profile_id IN "
            "(SELECT profile_id FROM lineage WHERE NOT whole)").fetchone()[0]
        db.execute("UPDATE customer SET dirty = 1 WHERE profile_id IN (SELECT profile_id FROM lineage WHERE NOT whole)")
        db.execute("UPDATE interaction SET dirty = 1 WHERE profile_id IN (SELECT profile_id FROM lineage WHERE NOT whole)")
        # The text that stays: audit entries and judgement reasons naming what was erased.
        tokens = [*gone_uids, *gone_events, *whole, *(f"{k}:{v}" for k, v in identifiers), *(v for _, v in identifiers)]
        compiled = redact.pattern(tokens)
        redacted = 0
        if compiled is not None:
            hits = db.execute(
                "SELECT seq, reason, details FROM audit a WHERE EXISTS (SELECT 1 FROM json_each(?) t "
                "WHERE instr(a.details, t.value) > 0 OR instr(COALESCE(a.reason, ''), t.value) > 0)",
                (_jl(tokens),)).fetchall()
            for seq, reason, details in hits:
                new_reason, new_details = redact.redact(reason, compiled, mask), redact.redact(details, compiled, mask)
                if (new_reason, new_details) != (reason, details):
                    db.execute("UPDATE audit SET reason = ?, details = ? WHERE seq = ?", (new_reason, new_details, seq))
                    redacted += 1
            hits = db.execute(
                "SELECT judgement_id, reason FROM judgement j WHERE EXISTS (SELECT 1 FROM json_each(?) t "
                "WHERE instr(COALESCE(j.reason, ''), t.value) > 0)", (_jl(tokens),)).fetchall()
            for jid, reason in hits:
                new_reason = redact.redact(reason, compiled, mask)
                if new_reason != reason:
                    db.execute("UPDATE judgement SET reason = ? WHERE judgement_id = ?", (new_reason, jid))
                    redacted += 1
        counts["texts_redacted"] = redacted
        counts["identifiers_rejudged"] = rejudged
        return {"counts": counts, "uids": gone_uids, "interaction_uids": gone_events,
                "identifiers": [tuple(i) for i in identifiers]}

    # -- run log -----------------------------------------------------------------------------------
    def record_run(self, run_tag: str, job: str, started_at: str, summary: dict) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO run (run_tag, job, started_at, summary) VALUES (?, ?, ?, ?)",
                       (run_tag, job, started_at, json.dumps(summary, sort_keys=True, default=str)))

    def runs(self, job: str | None = None, limit: int | None = None) -> list[dict]:
        rows = self._dicts(
            "SELECT run_tag, job, started_at, summary FROM run WHERE ? IS NULL OR job = ? "
            "ORDER BY started_at DESC, run_tag DESC LIMIT ?", (job, job, -1 if limit is None else limit))
        for r in rows:
            r["summary"] = json.loads(r["summary"]) if r["summary"] else {}
        return rows

    # -- bulk export -----------------------------------------------------------------------------
    # Each stream is one query read row by row from its cursor (in primary-key order, so no sort), and
    # bulk_snapshot holds one read transaction: WAL gives it a fixed view while other processes write.
    @contextmanager
    def bulk_snapshot(self):
        self.db.execute("BEGIN")
        self.db.execute("SELECT 1 FROM meta LIMIT 1").fetchall()  # a deferred BEGIN takes its snapshot here
        try:
            yield
        finally:
            self.db.execute("COMMIT")

    def _rows(self, sql: str) -> Iterator[dict]:
        cur = self.db.execute(sql)
        names = [d[0] for d in cur.description]
        for row in cur:
            yield dict(zip(names, row))

    def bulk_customers(self) -> Iterator[dict]:
        for row in self._rows(
            "SELECT c.uid, c.source, c.source_id, c.first_name, c.last_name, c.full_name, c.dob, c.address, "
            "c.city, c.postcode, c.country, c.updated_at, c.row_hash, c.run_tag, c.seq, p.profile_id, "
            "c.dirty, c.link_dirty, c.attributes FROM customer c LEFT JOIN profile p ON p.profile_id = c.profile_id "
            "ORDER BY c.uid"
        ):
            row["dirty"], row["link_dirty"] = bool(row["dirty"]), bool(row["link_dirty"])
            row["attributes"] = _attributes(row["attributes"])
            yield row

    def bulk_attribute_keys(self) -> list[str]:
        return [k for (k,) in self.db.execute(
            "SELECT DISTINCT a.key FROM customer c, json_each(c.attributes) a WHERE c.attributes IS NOT NULL "
            "ORDER BY 1")]

    def bulk_identifiers(self) -> Iterator[dict]:
        for row in self._rows("SELECT kind, value, shared, shared_reason FROM identifier ORDER BY kind, value"):
            row["shared"] = bool(row["shared"])
            yield row

    def bulk_identifier_ties(self) -> Iterator[tuple[str, str, str, str, str | None]]:
        yield from self.db.execute(
            "SELECT 'customer', ci.customer_uid, ci.kind, ci.value, ci.origin FROM customer_identifier ci "
            "WHERE EXISTS (SELECT 1 FROM customer c WHERE c.uid = ci.customer_uid) "
            "AND EXISTS (SELECT 1 FROM identifier i WHERE i.kind = ci.kind AND i.value = ci.value) "
            "ORDER BY ci.customer_uid, ci.kind, ci.value")
        yield from self.db.execute(
            "SELECT 'interaction', ii.interaction_uid, ii.kind, ii.value, NULL FROM interaction_identifier ii "
            "WHERE EXISTS (SELECT 1 FROM interaction t WHERE t.uid = ii.interaction_uid) "
            "AND EXISTS (SELECT 1 FROM identifier i WHERE i.kind = ii.kind AND i.value = ii.value) "
            "ORDER BY ii.interaction_uid, ii.kind, ii.value")

    def bulk_interactions(self) -> Iterator[dict]:
        for row in self._rows(
            "SELECT i.uid, i.source, i.source_id, i.at, i.channel, i.type, i.customer_ref, i.attributes, "
            "i.row_hash, i.run_tag, i.profile_id, i.dirty, c.uid AS by FROM interaction i "
            "LEFT JOIN customer c ON c.uid = i.customer_ref ORDER BY i.uid"
        ):
            row["dirty"] = bool(row["dirty"])
            yield row

    def bulk_links(self) -> Iterator[LinkRow]:
        for row in self.db.execute(
            "SELECT l.a_uid, l.b_uid, l.score, l.evidence, l.kind FROM link l "
            "WHERE EXISTS (SELECT 1 FROM customer c WHERE c.uid = l.a_uid) "
            "AND EXISTS (SELECT 1 FROM customer c WHERE c.uid = l.b_uid) ORDER BY l.a_uid, l.b_uid"
        ):
            yield LinkRow(*row)

    def bulk_profile_lineage(self) -> Iterator[tuple[str, str, str]]:
        yield from self.db.execute(
            "SELECT p.profile_id, 'merged_into', p.merged_into FROM profile p "
            "JOIN profile q ON q.profile_id = p.merged_into "
            "UNION ALL SELECT p.profile_id, 'split_from', p.split_from FROM profile p "
            "JOIN profile q ON q.profile_id = p.split_from ORDER BY 1, 2")

    def bulk_audit(self) -> Iterator[dict]:
        return self._rows("SELECT seq, at, action, profile_id, by, reason, details FROM audit ORDER BY seq")

    def bulk_suppression(self) -> Iterator[dict]:
        return self._rows("SELECT hash, kind, at FROM suppression ORDER BY hash")

    def bulk_salt(self) -> str | None:
        found = self.db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        return found[0] if found else None
