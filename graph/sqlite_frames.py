"""Query results as polars frames, built in Rust rather than one Python tuple per row.

``fetchall`` makes a Python object of every value: at 1,000,000 customer records the link job's reads
took 15 s each, nearly all of it allocating tuples and strings that polars then copies again. Here
SQLite folds each column into one JSON array (``json_group_array``, in C) and polars parses the arrays
(``read_json``, in Rust): about 2.5 times faster, and the same frame. All columns are folded in one pass
over the query's rows, so they stay aligned row for row.

Writes go the other way (``write_frame``): polars writes the rows as one JSON document (an array of
arrays) and a single ``INSERT ... SELECT ... FROM json_each(?)`` stores them. ``executemany`` would give
the GIL back and take it again around every row; on ingest's writer thread, next to a parsing thread that
holds the GIL, each row then waited for it, and the two threads overlapped hardly at all (the same ingest
ran as fast on one thread). Here the encoding (in Rust) and the whole statement run without the GIL.
SQLite still parses each value out of its row's array (about a microsecond a value), so the store's
large batches go as Arrow columns instead (sqlite_staging.py); this path writes the small ones.
"""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Mapping, Sequence

import polars as pl

# read_json parses JSON 0/1 as numbers: booleans are read as integers and cast.
_AS_READ = {pl.Boolean: pl.Int64}


def read_frame(db: sqlite3.Connection, sql: str, params: Sequence | Mapping, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of ``sql`` as a frame with ``schema`` (its names, in the order of the query's columns).

    Text columns must hold plain text: a value carrying SQLite's JSON subtype (straight out of
    ``json_extract`` on an object or array) would be folded as JSON, so cast such columns to TEXT."""
    names = list(schema)
    inner = [f"c{i}" for i in range(len(names))]
    folded = ", ".join(f"json_group_array({c})" for c in inner)
    arrays = db.execute(f"WITH q({', '.join(inner)}) AS ({sql}) SELECT {folded} FROM q", params).fetchone()
    return pl.DataFrame([_column(name, text, schema[name]) for name, text in zip(names, arrays)])


def write_frame(db: sqlite3.Connection, statement: str, frame: pl.DataFrame) -> None:
    """Runs ``statement`` once for all the rows of ``frame``: its ``{rows}`` becomes a SELECT of the
    frame's columns, in their order, so it reads ``INSERT INTO t (a, b) {rows}`` with the frame's columns
    a and b, optionally followed by an upsert clause. An empty frame runs nothing.

    Values keep their SQLite types: text stays text, integers integers, nulls null."""
    if frame.height == 0:
        return
    if _holds_nul(frame) or not all(t == pl.String or t == pl.Null or t.is_integer() for t in frame.dtypes):
        # SQLite's JSON functions end a string at U+0000, and JSON would write dates, booleans and floats
        # otherwise than sqlite3 binds them: such frames take executemany
        db.executemany(statement.format(rows="VALUES (" + ", ".join("?" * frame.width) + ")"), frame.rows())
        return
    columns = ", ".join(f"value ->> {i}" for i in range(frame.width))
    # WHERE true: SQLite reads "ON CONFLICT" after a bare FROM as a join constraint (lang_upsert.html)
    rows = f"SELECT {columns} FROM json_each(?1) WHERE true"
    db.execute(statement.format(rows=rows), (_json_arrays(frame),))


def _json_arrays(frame: pl.DataFrame) -> str:
    """The rows as one JSON array of arrays, written by polars. SQLite finds a value in an array by its
    place faster than in an object by its name (it compares every name before the one asked for):
    inserting 160,000 customer records took about a quarter less time than from `write_json`'s objects.

    Each value is JSON-encoded as the only field of a struct named "a" (`{"a":...}`, polars' own JSON
    writer, so text is escaped as `write_json` escapes it) and unwrapped."""
    unwrapped = [pl.struct(pl.col(name).alias("a")).struct.json_encode().str.slice(5).str.head(-1)
                 for name in frame.columns]
    rows = frame.select(pl.concat_str([pl.lit("["), pl.concat_str(unwrapped, separator=","), pl.lit("]")])
                        .alias("row"))["row"]
    return "[" + rows.str.join(",").item() + "]"


def _holds_nul(frame: pl.DataFrame) -> bool:
    text = [pl.col(c).str.contains("\x00", literal=True).any() for c, t in frame.schema.items() if t == pl.String]
    return bool(text) and any(frame.select(text).row(0))


def _column(name: str, text: str, dtype: pl.DataType) -> pl.Series:
    read = _AS_READ.get(dtype, dtype)
    values = pl.read_json(io.StringIO('{"v":' + text + "}"), schema={"v": pl.List(read)})["v"][0]
    return values.cast(dtype).rename(name)
