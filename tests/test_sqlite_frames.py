"""Frames in and out of SQLite (graph/sqlite_frames.py): what goes in through one JSON document comes back
value for value, type for type, as executemany would have stored it."""

from __future__ import annotations

import sqlite3

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from idgraph.graph.sqlite_frames import read_frame, write_frame

SCHEMA = {"k": pl.String, "name": pl.String, "n": pl.Int64}
# any text polars holds (valid UTF-8): quotes, backslashes, NUL, control characters, emoji, RTL marks
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12)


def _db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, name TEXT, n INTEGER, origin TEXT NOT NULL DEFAULT 'x')")
    return db


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TEXT, st.none() | TEXT, st.none() | st.integers(-2**62, 2**62)), max_size=20,
                unique_by=lambda r: r[0]))
def test_written_rows_are_what_executemany_stores(rows):
    frame = pl.DataFrame(rows, schema=SCHEMA, orient="row")
    by_json, by_rows = _db(), _db()
    write_frame(by_json, "INSERT INTO t (k, name, n) {rows}", frame)
    by_rows.executemany("INSERT INTO t (k, name, n) VALUES (?, ?, ?)", frame.rows())
    query = "SELECT k, name, typeof(name), n, typeof(n), origin FROM t ORDER BY k"
    assert by_json.execute(query).fetchall() == by_rows.execute(query).fetchall()
    assert read_frame(by_json, "SELECT k, name, n FROM t", (), SCHEMA).sort("k").equals(frame.sort("k"))


def test_an_upsert_clause_follows_the_rows():
    db = _db()
    db.execute("INSERT INTO t (k, name, origin) VALUES ('a', 'old', 'event')")
    frame = pl.DataFrame({"k": ["a", "b"], "name": ["new", "b's"], "origin": ["record", "record"]})
    write_frame(db, "INSERT INTO t (k, name, origin) {rows} ON CONFLICT DO UPDATE SET origin = excluded.origin",
                frame)
    assert db.execute("SELECT k, name, origin FROM t ORDER BY k").fetchall() == [
        ("a", "old", "record"), ("b", "b's", "record")]


def test_an_empty_frame_runs_nothing():
    db = _db()
    write_frame(db, "this is not SQL {rows}", pl.DataFrame(schema=SCHEMA))
    assert db.execute("SELECT COUNT(*) FROM t").fetchone() == (0,)


def test_text_holding_nul_is_stored_whole():
    db = _db()
    write_frame(db, "INSERT INTO t (k, name, n) {rows}", pl.DataFrame([("a", "x\x00y", 1)], schema=SCHEMA, orient="row"))
    assert db.execute("SELECT name, length(CAST(name AS BLOB)) FROM t").fetchone() == ("x\x00y", 3)


def test_columns_json_would_write_otherwise_are_bound_as_executemany_binds_them():
    frame = pl.DataFrame({"k": ["a"], "name": [True], "n": [1.1]})
    by_json, by_rows = _db(), _db()
    write_frame(by_json, "INSERT INTO t (k, name, n) {rows}", frame)
    by_rows.executemany("INSERT INTO t (k, name, n) VALUES (?, ?, ?)", frame.rows())
    query = "SELECT k, name, typeof(name), n, typeof(n) FROM t"
    assert by_json.execute(query).fetchall() == by_rows.execute(query).fetchall()
