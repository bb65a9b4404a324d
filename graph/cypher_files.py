"""The Cypher of the Neo4j store and of the query library, kept in `cypher/` and read once per process.

A file is named by its path under `cypher/` without the extension: `statement("write/customers_new")`.
A file may hold several statements separated by `;` (run in order, in one transaction, with the same
parameters); `//` and `/* */` comments are kept with the statement they precede, and a `;` inside a string
or a comment does not split. No Cypher text lives in Python: the statements are static and parameterised.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

ROOT = files("idgraph.cypher")


@cache
def text(name: str) -> str:
    """The whole text of `cypher/<name>.cypher`."""
    path = ROOT.joinpath(f"{name}.cypher")
    if not path.is_file():
        raise KeyError(f"no Cypher file cypher/{name}.cypher")
    return path.read_text(encoding="utf-8")


@cache
def statements(name: str) -> tuple[str, ...]:
    """The statements of one file, in order, without the separators (comment-only parts dropped)."""
    return tuple(s for s in split(text(name)) if strip_comments(s).strip())


def statement(name: str) -> str:
    """The one statement of a file; a file of several statements is refused here."""
    found = statements(name)
    if len(found) != 1:
        raise ValueError(f"cypher/{name}.cypher holds {len(found)} statements, expected one")
    return found[0]


def names(folder: str) -> list[str]:
    """The names (`folder/stem`) of the .cypher files directly in a folder of `cypher/`, sorted."""
    base = ROOT.joinpath(folder)
    if not base.is_dir():
        return []
    return sorted(f"{folder}/{p.name[:-len('.cypher')]}" for p in base.iterdir()
                  if p.is_file() and p.name.endswith(".cypher"))


def _pieces(source: str):
    """The text as (kind, start, end) runs: 'comment', 'quoted' (a string or quoted name), ';', or 'code'.
    The one place that knows Cypher's quoting and comment rules."""
    i, n, code = 0, len(source), 0
    while i < n:
        if source[i] in ("'", '"', "`"):
            end, kind = _skip_quoted(source, i), "quoted"
        elif source.startswith("//", i):
            newline = source.find("\n", i)
            end, kind = (n if newline < 0 else newline), "comment"
        elif source.startswith("/*", i):
            close = source.find("*/", i + 2)
            end, kind = (n if close < 0 else close + 2), "comment"
        elif source[i] == ";":
            end, kind = i + 1, ";"
        else:
            i += 1
            continue
        if code < i:
            yield "code", code, i
        yield kind, i, end
        i = code = end
    if code < n:
        yield "code", code, n


def split(source: str) -> list[str]:
    """Split Cypher text on `;` outside strings, quoted names and comments."""
    parts, start = [], 0
    for kind, i, end in _pieces(source):
        if kind == ";":
            parts.append(source[start:i].strip())
            start = end
    parts.append(source[start:].strip())
    return [p for p in parts if p]


def strip_comments(source: str) -> str:
    """The text without its comments (strings left alone)."""
    return "".join(source[i:end] for kind, i, end in _pieces(source) if kind != "comment")


def _skip_quoted(source: str, i: int) -> int:
    """The index just after the string or quoted name opening at i (backslash escapes honoured)."""
    quote, j, n = source[i], i + 1, len(source)
    while j < n:
        if source[j] == "\\" and quote != "`":
            j += 2
            continue
        if source[j] == quote:
            if quote == "`" and j + 1 < n and source[j + 1] == "`":  # `` inside a quoted name
                j += 2
                continue
            return j + 1
        j += 1
    return n
