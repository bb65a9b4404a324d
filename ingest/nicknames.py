"""The nickname table, read once for the whole project from a maintained source.

The data is `names.csv` of the `nicknames` package (Old Dominion University's hand-curated table of
English given names and their nicknames, Apache-2.0, github.com/carltonnorthern/nicknames): about
1,100 formal names and 2,700 (name, nickname) pairs. We ship no table of our own: one written next to
our own data generator would cover exactly the nicknames that generator invents. What the table lacks
(short forms such as "bella" / "isabella", nicknames of other languages) the matcher's short-form and
spelling levels catch; docs/matching.md measures the coverage.

`nickname_groups` maps a given name to the formal names whose group it belongs to; two names are
nicknames of each other when their groups intersect (the table lists some nicknames as names in their
own right: "bob" has the nickname "bobby", and is one of "robert").
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files

SOURCE = "nicknames (PyPI), names.csv, Apache-2.0"


@lru_cache(maxsize=1)
def nickname_pairs() -> tuple[tuple[str, str], ...]:
    """(formal name, nickname), lower case, as the package lists them."""
    text = files("nicknames").joinpath("names.csv").read_text(encoding="utf-8")
    pairs = set()
    for row in csv.DictReader(text.splitlines()):
        if row.get("relationship", "has_nickname") == "has_nickname":
            pairs.add((row["name1"].strip().lower(), row["name2"].strip().lower()))
    return tuple(sorted(pairs))


@lru_cache(maxsize=1)
def nickname_groups() -> dict[str, tuple[str, ...]]:
    """Given name -> the formal names whose group it belongs to (a formal name is its own group)."""
    groups: dict[str, set[str]] = {}
    for name, nick in nickname_pairs():
        groups.setdefault(name, set()).add(name)
        groups.setdefault(nick, set()).add(name)
    return {k: tuple(sorted(v)) for k, v in groups.items()}


@lru_cache(maxsize=1)
def group_members() -> dict[str, tuple[str, ...]]:
    """Formal name -> every name of its group (itself included), sorted: the inverse of nickname_groups,
    built once, as resolve asks for it on every batch the service writes."""
    members: dict[str, set[str]] = {}
    for name, formal in nickname_groups().items():
        for f in formal:
            members.setdefault(f, set()).add(name)
    return {k: tuple(sorted(v)) for k, v in members.items()}
