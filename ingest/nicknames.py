"""The nickname table (`ingest/data/nicknames.csv`: name,nickname), as a canonical key per given name.

Robert, Bob and Rob share the key "robert", so a vectorised equality on keys tells whether two first
names can be one person's. A nickname of several names (ron: aaron, ronald) takes the first of them in
alphabetical order; the fuzzy name comparisons catch what that misses.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=1)
def nickname_table() -> dict[str, str]:
    """nickname -> canonical name (and every canonical name -> itself)."""
    text = files("idgraph.ingest").joinpath("data/nicknames.csv").read_text(encoding="utf-8")
    formal_of: dict[str, set[str]] = {}
    formal: set[str] = set()
    for row in csv.DictReader(text.splitlines()):
        name, nick = row["name"].strip().lower(), row["nickname"].strip().lower()
        formal.add(name)
        formal_of.setdefault(nick, set()).add(name)
    table = {nick: min(names) for nick, names in formal_of.items() if nick not in formal}
    table.update({name: name for name in formal})
    return table


def nickname_keys(names: list[str | None]) -> list[str | None]:
    table = nickname_table()
    return [None if n is None else table.get(n, n) for n in names]
