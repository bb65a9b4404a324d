"""The nickname table, read once for the whole project from maintained sources.

Three tables, none written by us: one written next to our own data generator would cover exactly the
nicknames that generator invents.
- `names.csv` of the `nicknames` package (Old Dominion University's hand-curated table of English given
  names and their nicknames, Apache-2.0, github.com/carltonnorthern/nicknames): about 1,100 formal names
  and 2,700 (name, nickname) pairs.
- `data/short_forms.csv`: the short forms of Wiktionary's given names in every Latin-script language
  ("Fritz" of "Friedrich", "Kalle" of "Karl", "Lies" of "Elisabeth"), about 2,700 pairs taken from
  namor_data (github.com/DLu/namor_data, BSD-3-Clause; rebuilt by tools/short-forms/build.py).
- the equivalent names of Jörg Michael's `nam_dict.txt` (the dictionary of the `gender.c` program, GNU FDL
  1.2, 2008), read unmodified from the `gender-guesser` package that ships it (its code is not used): about
  730 pairs of the short forms Europe writes ("Wim" / "Willem", "Babsi" / "Barbara", "Sepp" / "Josef").
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
           "namor_data (github.com/DLu/namor_data), is_short_for, BSD-3-Clause: ingest/data/short_forms.csv",
           "nam_dict.txt (Joerg Michael, gender.c), equivalent names, GNU FDL 1.2: read from gender-guesser (PyPI)")


@lru_cache(maxsize=1)
def nickname_pairs() -> tuple[tuple[str, str], ...]:
    """(formal name, nickname), folded, from the three tables."""
    pairs = {(fold(name), fold(nick)) for name, nick in (*_english(), *_short_forms(), *_equivalents())}
    return tuple(sorted((name, nick) for name, nick in pairs if name and nick and name != nick))


def _english() -> list[tuple[str, str]]:
    text = files("nicknames").joinpath("names.csv").read_text(encoding="utf-8")
    return [(row["name1"], row["name2"]) for row in csv.DictReader(text.splitlines())
            if row.get("relationship", "has_nickname") == "has_nickname"]


def _short_forms() -> list[tuple[str, str]]:
    text = files("idgraph.ingest").joinpath("data", "short_forms.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [(row["formal"], row["short"]) for row in csv.DictReader(lines)]


def _equivalents() -> list[tuple[str, str]]:
    """(long name, short name) of the dictionary's `=  <short_name> <long_name>` lines, in its first 29
    columns. Its notes: a line with `+` in column 30 repeats another with expanded umlauts; a `+` inside a
    name (Arabic, Chinese, Korean names: "Jun+Wei") stands for three spellings, and such lines are left out."""
    text = files("gender_guesser").joinpath("data", "nam_dict.txt").read_text(encoding="utf-8", errors="replace")
    pairs = []
    for line in text.splitlines():
        if line.startswith("=") and line[29:30] != "+":
            names = line[1:29].split()
            if len(names) == 2 and "+" not in line[1:29]:
                pairs.append((names[1], names[0]))
    return pairs


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


@lru_cache(maxsize=1 << 16)
def name_groups(name: str) -> frozenset[str]:
    """The groups of a given name, or of any of its words: a form filled in "Ted Watson" in the given
    name's field, or a double given name ("Marie Hélène"), is in the groups of each word."""
    groups = nickname_groups()
    found = set(groups.get(name, ()))
    if " " in name:
        for word in name.split():
            found.update(groups.get(word, ()))
    return frozenset(found)


def are_nicknames(x: str, y: str) -> bool:
    """Two given names of one nickname group (their own or one of their words')."""
    return not name_groups(x).isdisjoint(name_groups(y))
