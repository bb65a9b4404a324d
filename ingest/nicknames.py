"""The nickname table, read once for the whole project from maintained sources.

Two tables, neither written by us: one written next to our own data generator would cover exactly the
nicknames that generator invents.
- `names.csv` of the `nicknames` package (Old Dominion University's hand-curated table of English given
  names and their nicknames, Apache-2.0, github.com/carltonnorthern/nicknames): about 1,100 formal names
  and 2,700 (name, nickname) pairs.
- `data/short_forms.csv`: the short forms of Wiktionary's given names in every Latin-script language
  ("Fritz" of "Friedrich", "Kalle" of "Karl", "Lies" of "Elisabeth"), about 2,700 pairs taken from
  namor_data (github.com/DLu/namor_data, BSD-3-Clause; rebuilt by tools/short-forms/build.py).
What the tables lack (short forms such as "bella" / "isabella") the matcher's short-form and spelling
levels catch; docs/matching.md measures the coverage.

`nickname_groups` maps a given name to the formal names whose group it belongs to; two names are
nicknames of each other when their groups intersect (the table lists some nicknames as names in their
own right: "bob" has the nickname "bobby", and is one of "robert"). Names are folded as records are
(`normalise.text.fold`: "Jürgen" is "jurgen").
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import files

from idgraph.ingest.normalise.text import fold

SOURCES = ("nicknames (PyPI), names.csv, Apache-2.0",
           "namor_data (github.com/DLu/namor_data), is_short_for, BSD-3-Clause: ingest/data/short_forms.csv")


@lru_cache(maxsize=1)
def nickname_pairs() -> tuple[tuple[str, str], ...]:
    """(formal name, nickname), folded, from both tables."""
    pairs = {(fold(name), fold(nick)) for name, nick in (*_english(), *_short_forms())}
    return tuple(sorted((name, nick) for name, nick in pairs if name and nick and name != nick))


def _english() -> list[tuple[str, str]]:
    text = files("nicknames").joinpath("names.csv").read_text(encoding="utf-8")
    return [(row["name1"], row["name2"]) for row in csv.DictReader(text.splitlines())
            if row.get("relationship", "has_nickname") == "has_nickname"]


def _short_forms() -> list[tuple[str, str]]:
    text = files("idgraph.ingest").joinpath("data", "short_forms.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [(row["formal"], row["short"]) for row in csv.DictReader(lines)]


@lru_cache(maxsize=1)
def nickname_groups() -> dict[str, tuple[str, ...]]:
    """Given name -> the formal names whose group it belongs to (a formal name is its own group)."""
    groups: dict[str, set[str]] = {}
    for name, nick in nickname_pairs():
        groups.setdefault(name, set()).add(name)
        groups.setdefault(nick, set()).add(name)
    return {k: tuple(sorted(v)) for k, v in groups.items()}
