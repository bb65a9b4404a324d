"""The nickname table (`ingest/data/nicknames.csv`: name,nickname), read once for the whole project.

Two views of it: `nickname_groups` (a given name -> the formal names whose group it belongs to; two names
are nicknames of each other when their groups intersect), used by the matcher; and `nickname_keys` (one
canonical key per name, so a vectorised equality tells whether two first names can be one person's),
used by the guard. Robert, Bob and Rob share the key "robert"; a nickname of several names (ron: aaron,
ronald) takes the first of them in alphabetical order, and the fuzzy name comparisons catch what that
misses.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=1)
def nickname_groups() -> dict[str, tuple[str, ...]]:
    """Given name -> the formal names whose group it belongs to (a formal name is its own group)."""
    groups: dict[str, set[str]] = {}
    text = files("idgraph.ingest").joinpath("data/nicknames.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        name, nick = row["name"].strip().lower(), row["nickname"].strip().lower()
        groups.setdefault(name, set()).add(name)
        groups.setdefault(nick, set()).add(name)
    return {k: tuple(sorted(v)) for k, v in groups.items()}


@lru_cache(maxsize=1)
def nickname_table() -> dict[str, str]:
    """Given name -> its canonical key: a formal name is its own, a nickname its first formal name."""
    return {name: name if name in formal else formal[0] for name, formal in nickname_groups().items()}


def nickname_keys(names: list[str | None]) -> list[str | None]:
    table = nickname_table()
    return [None if n is None else table.get(n, n) for n in names]
