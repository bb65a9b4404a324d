"""Named Cypher queries for data engineers: the files of `cypher/queries/`, listed and run on Neo4j.

Each file holds one read-only, parameterised statement after a `//` comment block that documents it:

    // One line or paragraph: what the query gives.
    //
    // Answers: the questions it answers, in words.
    //
    // Parameters:
    //   $email (string): what it is. Example: jane.doe@example.com
    //   $limit (int, default 100): at most this many rows.
    //
    // Returns: what one row is, and its columns.

Parameter types are string, int, float and bool; a parameter with a default is optional (`default null`
means "not given"). `--param key=value` values are typed by the declaration: `limit=10` is the int 10,
`phone=+447700900123` stays a string, `include_withdrawn=true` is a bool, `null` is no value.

The queries need the Neo4j store: the embedded store has no Cypher. There, `NeedsNeo4j` says which
built-in commands answer the common questions.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, Field

from idgraph.graph import cypher_files
from idgraph.graph.errors import IdgraphError, NotFoundError

FOLDER = "queries"
TYPES = ("string", "int", "float", "bool")
_PARAM = re.compile(r"^\$(?P<name>\w+)\s+\((?P<type>\w+)(?:,\s*default\s+(?P<default>[^)]*))?\)\s*:?\s*(?P<text>.*)$")
_EXAMPLE = re.compile(r"\s*Example:\s*(?P<example>\S.*?)\s*$")
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}


class NeedsNeo4j(IdgraphError):
    """A named Cypher query was asked of a store that has no Cypher (the embedded one)."""

    exit_code = 2


class QueryParameterError(IdgraphError):
    """A --param is unknown, missing or not of its declared type."""

    exit_code = 2


class Parameter(BaseModel):
    name: str
    type: str  # string | int | float | bool
    required: bool
    default: Any = None
    description: str = ""
    example: str | None = None

    def label(self) -> str:
        extra = "" if self.required else f", default {_show(self.default)}"
        return f"${self.name} ({self.type}{extra})"


class NamedQuery(BaseModel):
    name: str
    description: str  # the first paragraph of the comment block
    answers: str = ""
    parameters: list[Parameter] = Field(default_factory=list)
    returns: str = ""
    cypher: str = Field(default="", repr=False)


class QueryResult(BaseModel):
    name: str
    parameters: dict[str, Any]
    columns: list[str]
    rows: list[dict[str, Any]]


def needs_neo4j_message() -> str:
    return ("named Cypher queries run on the Neo4j store (--store neo4j or IDGRAPH_STORE=neo4j, with NEO4J_URI, "
            "NEO4J_USERNAME and NEO4J_PASSWORD set); the embedded store has no Cypher. Built-in commands answer "
            "the common questions on either store: `idgraph show --email ADDRESS` (or --phone, --device, "
            "--identifier KIND=VALUE, --record SOURCE:ID, or a profile id) for one single customer view, `idgraph stats` for counts, "
            "`idgraph export` for every record with its profile")


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def coerce(value: str, type_: str, name: str = "value") -> Any:
    """A --param text as the declared type; 'null' is no value."""
    text = value.strip()
    if text.lower() == "null":
        return None
    try:
        if type_ == "int":
            return int(text)
        if type_ == "float":
            return float(text)
        if type_ == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
    except ValueError:
        raise QueryParameterError(f"--param {name}={value}: not a {type_}") from None
    return value


def parse(name: str, text: str) -> NamedQuery:
    """A query file's documentation and statement (the format is in this module's docstring)."""
    comment: list[str] = []
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        comment.append(line[2:].removeprefix(" ").rstrip())
    paragraphs: list[list[str]] = [[]]
    for line in comment:
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise ValueError(f"cypher/{FOLDER}/{name}.cypher: no comment block")
    query = NamedQuery(name=name, description=" ".join(p.strip() for p in paragraphs[0]),
                       cypher=cypher_files.statement(f"{FOLDER}/{name}"))
    for para in paragraphs[1:]:
        head = para[0].strip()
        if head.startswith("Answers:"):
            query.answers = " ".join([head.removeprefix("Answers:").strip(), *(p.strip() for p in para[1:])]).strip()
        elif head.startswith("Returns:"):
            query.returns = " ".join([head.removeprefix("Returns:").strip(), *(p.strip() for p in para[1:])]).strip()
        elif head.startswith("Parameters:"):
            query.parameters = _parameters(name, para)
    return query


def _parameters(name: str, para: list[str]) -> list[Parameter]:
    found: list[Parameter] = []
    texts: list[list[str]] = []
    for line in para[1:]:
        match = _PARAM.match(line.strip())
        if match:
            type_ = match["type"]
            if type_ not in TYPES:
                raise ValueError(f"cypher/{FOLDER}/{name}.cypher: ${match['name']} has type {type_!r}, "
                                 f"not one of {TYPES}")
            default = match["default"]
            found.append(Parameter(name=match["name"], type=type_, required=default is None,
                                   default=None if default is None else coerce(default, type_, match["name"])))
            texts.append([match["text"]])
        elif texts:
            texts[-1].append(line.strip())  # a continuation line
    for param, lines in zip(found, texts):
        text = " ".join(lines).strip()
        example = _EXAMPLE.search(text)
        if example:
            param.example = example["example"].rstrip(".")
            text = text[:example.start()].rstrip()
        param.description = text
    return found


def catalogue() -> list[NamedQuery]:
    """Every named query, by name."""
    return [parse(n.split("/", 1)[1], cypher_files.text(n)) for n in cypher_files.names(FOLDER)]


def get(name: str) -> NamedQuery:
    known = [n.split("/", 1)[1] for n in cypher_files.names(FOLDER)]
    if name not in known:
        close = difflib.get_close_matches(name, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise NotFoundError(f"no named query {name!r}{hint}; `idgraph query --list` lists them")
    return parse(name, cypher_files.text(f"{FOLDER}/{name}"))


def parameters(query: NamedQuery, given: dict[str, Any] | list[str] | None) -> dict[str, Any]:
    """The parameters to run `query` with: `given` as 'key=value' texts (typed by the declarations) or
    as a dict of values, defaults filled in; unknown and missing ones refused."""
    declared = {p.name: p for p in query.parameters}
    values: dict[str, Any] = {}
    if isinstance(given, dict):
        values = dict(given)
    else:
        for pair in given or []:
            key, sep, value = pair.partition("=")
            key = key.strip().lstrip("$")
            if not sep or not key:
                raise QueryParameterError(f"--param {pair!r}: write it as key=value")
            if key in declared:
                values[key] = coerce(value, declared[key].type, key)
            else:
                values[key] = value
    unknown = sorted(set(values) - set(declared))
    if unknown:
        takes = ", ".join(p.label() for p in query.parameters) or "no parameters"
        raise QueryParameterError(f"{query.name} has no parameter {', '.join(unknown)}; it takes {takes}")
    missing = [p for p in query.parameters if p.required and values.get(p.name) is None]
    if missing:
        raise QueryParameterError(
            f"{query.name} needs " + ", ".join(
                f"--param {p.name}=…" + (f" (e.g. {p.name}={p.example})" if p.example else "") for p in missing))
    return {p.name: values.get(p.name, p.default) for p in query.parameters}


def run(store: Any, name: str, given: dict[str, Any] | list[str] | None = None) -> QueryResult:
    """Run a named query on a Neo4j store; its rows as plain values (nodes and paths as dicts and lists)."""
    query = get(name)
    params = parameters(query, given)
    if getattr(store, "name", None) != "neo4j" or not hasattr(store, "run_query"):
        raise NeedsNeo4j(needs_neo4j_message())
    columns, rows = store.run_query(query.cypher, params)
    return QueryResult(name=name, parameters=params, columns=columns, rows=rows)


__all__ = ["NamedQuery", "Parameter", "QueryResult", "NeedsNeo4j", "QueryParameterError", "catalogue", "get",
           "parameters", "run", "needs_neo4j_message"]
