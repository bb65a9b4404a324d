"""Frames loaded into SQLite in C, for the embedded store's bulk writes.

A frame reaches SQLite through Python's sqlite3 either as one Python tuple per row (`executemany`: about
11 us a row of twenty values, holding the GIL between rows) or as one JSON document (`write_frame`: about
a microsecond per value, as SQLite parses each value out of its row's array). Ingest writes 1.2 million
rows at 100,000 people, and its writer thread spent most of its 31 s doing that.

Here ADBC's SQLite driver (Apache Arrow ADBC: a C driver with its own SQLite) binds the frame's Arrow
columns into a table of a scratch file, without the GIL and without a Python object per value, and the
store's connection, which has the scratch file attached as schema `staging`, copies the rows with one
`INSERT ... SELECT` inside its own transaction. The 163,780 customer records of 100,000 people: 0.34 s to
stage and 1.7 s to copy into the indexed table, against 7.0 s through JSON.

The scratch file belongs to one store object and is only ever touched under its lock, while its
connection has no transaction open (`load` checks): ADBC's SQLite and Python's are two copies of the
library in one process, whose file locks do not see each other, so they must never use the file at the
same time. They never open the store's own file together: ADBC opens only the scratch file. The file is
scratch in every sense: no journal, no syncing, made anew by every store object in the system's temporary
folder, and removed when the store is closed.

Staged rows are personal data (names, emails, phones), so they do not outlive their write: `drop` removes
the tables once the transaction has copied them, with SQLite's secure delete zeroing their pages. A process
killed mid-write cannot remove its folder; every folder holds an owner lock (`flock`, which the kernel
releases when its process ends), and the next store object made on the machine removes the folders whose
lock is free.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import adbc_driver_manager
import adbc_driver_sqlite
import polars as pl

SCHEMA = "staging"
PREFIX = "idgraph-staging-"
_OWNER = "owner.lock"
_REPLACE = {"adbc.ingest.mode": "adbc.ingest.mode.replace"}


def sweep(folder: Path | None = None) -> int:
    """Removes the staging folders (in `folder`, by default the system's temporary one) whose owner lock is
    free: their process ended without closing its store. Returns how many."""
    removed = 0
    for staged in Path(folder or tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owner = os.open(staged / _OWNER, os.O_RDONLY)
        except OSError:  # not ours, or not finished being made
            continue
        try:
            fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # its store is open
            continue
        else:
            shutil.rmtree(staged, ignore_errors=True)
            removed += 1
        finally:
            os.close(owner)
    return removed


class Staging:
    """The scratch file of one store connection, attached to it as `staging`."""

    def __init__(self, db: sqlite3.Connection):
        if db.in_transaction:
            raise RuntimeError("staging is attached outside a transaction")
        self._db = db
        sweep()
        self._folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        path = self._folder / "staging.sqlite"
        try:
            self._owner = _locked(self._folder)
            self._database = adbc_driver_sqlite.connect(str(path))
            self._connection = adbc_driver_manager.AdbcConnection(self._database)
            for pragma in ("PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF", "PRAGMA secure_delete=ON"):
                self._run(pragma)
            db.execute(f"ATTACH DATABASE ? AS {SCHEMA}", (str(path),))
        except BaseException:
            self._release()
            raise

    def load(self, name: str, frame: pl.DataFrame) -> str:
        """`frame` as table `staging.<name>` (replacing the last one of that name), in its row order (a
        scan by rowid reads it back in that order); returns the qualified name. Text, whole numbers and
        nulls arrive as sqlite3 would have bound them."""
        if self._db.in_transaction:
            raise RuntimeError("a frame is staged before the transaction that copies it")
        frame = frame.with_columns(pl.col(c).cast(pl.String) for c, t in frame.schema.items() if t == pl.Null)
        statement = adbc_driver_manager.AdbcStatement(self._connection)
        try:
            statement.set_options(**{"adbc.ingest.target_table": name, **_REPLACE})
            statement.bind_stream(frame.__arrow_c_stream__())
            statement.execute_update()
        finally:
            statement.close()
        return f"{SCHEMA}.{name}"

    def drop(self, names: list[str]) -> None:
        """Removes the staged tables `names` (after the transaction that copied them), zeroing their pages."""
        if self._db.in_transaction:
            raise RuntimeError("staged tables are dropped after the transaction that copies them")
        for name in names:
            self._run(f'DROP TABLE IF EXISTS "{name}"')

    def close(self) -> None:
        if not self._db.in_transaction:
            try:
                self._db.execute(f"DETACH DATABASE {SCHEMA}")
            except sqlite3.Error:  # the store's connection may be closed already
                pass
        self._release()

    def _run(self, sql: str) -> None:
        statement = adbc_driver_manager.AdbcStatement(self._connection)
        try:
            statement.set_sql_query(sql)
            stream, _ = statement.execute_query()
            del stream
        finally:
            statement.close()

    def _release(self) -> None:
        for handle in ("_connection", "_database"):
            if getattr(self, handle, None) is not None:
                getattr(self, handle).close()
                setattr(self, handle, None)
        shutil.rmtree(self._folder, ignore_errors=True)
        if getattr(self, "_owner", None) is not None:
            os.close(self._owner)
            self._owner = None


def _locked(folder: Path) -> int:
    """The owner lock of `folder`, held until closed. Locked under another name and then renamed, so that
    `sweep` never finds the lock file of a folder being made unlocked."""
    making = folder / (_OWNER + ".new")
    owner = os.open(making, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(owner, fcntl.LOCK_EX)
    os.rename(making, folder / _OWNER)
    return owner
