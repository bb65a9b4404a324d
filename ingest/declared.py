"""What a mapping declares beyond the built-in roles: further identifier kinds, and attributes.

An identifier kind (a national id, a loyalty or account number two systems share, a social handle, a
hashed email) is declared once for the project, with the steps that normalise its values:

    identifiers:
      national_id: {normalise: [digits], min_length: 6, junk: ["123456789"]}
      handle: {normalise: [casefold, {regex: '^@?([a-z0-9_.]{2,30})$'}]}

and then used as a role in any source's `fields` (several columns allowed, as for email). Its values
become identifiers `(kind, value)` like emails and phones: they link records deterministically, the
guard watches them, erasure and suppression cover them.

An attribute is any other column kept on the customer record (`attributes: {gender: sex}`): its value
is trimmed, its inner whitespace collapsed and case-folded, and it is stored under its own name.

Names of both follow one rule (`check_name`): lower case, at most 40 characters, and never a built-in
role, a reserved word or a column of the customer record, so a kind or an attribute can become a column
of the customers frame and a property of a Customer node without clashing with anything.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from idgraph.graph.store import CUSTOMER_COLUMNS
from idgraph.ingest.normalise import steps as norm_steps
from idgraph.ingest.normalise.errors import InvalidValue

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED = frozenset({"email", "phone", "device", "customer", "profile", "record", "identifier"})
# The customers frame's columns and the Customer node's own properties: a kind becomes a frame column,
# an attribute a frame column and a node property.
RECORD_NAMES = frozenset(CUSTOMER_COLUMNS) | frozenset(
    {"full_name", "row_hash", "run_tag", "dirty", "link_dirty", "resolve_seq", "link_seq", "attributes",
     "attribute_keys"})
TOO_SHORT = "too short"
JUNK = "junk"


def check_name(name: object, what: str, roles: Collection[str]) -> str:
    """A declared name, or ValueError saying what is wrong with it."""
    if not isinstance(name, str) or not NAME.match(name):
        raise ValueError(f"{what} {name!r}: a name starts with a lower-case letter, then at most 39 lower-case "
                         "letters, digits or _")
    if name in roles:
        raise ValueError(f"{what} {name!r}: that is a built-in role; map it under `fields:` instead")
    if name in RESERVED:
        raise ValueError(f"{what} {name!r}: reserved word (not {', '.join(sorted(RESERVED))})")
    if name in RECORD_NAMES:
        raise ValueError(f"{what} {name!r}: a column of the customer record already has that name "
                         f"(not {', '.join(sorted(RECORD_NAMES))})")
    return name


class RegexStep(BaseModel):
    """`{regex: PATTERN}`: the whole value must match; group 1 is kept when the pattern has one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regex: str

    @field_validator("regex")
    @classmethod
    def _compiles(cls, pattern: object) -> str:
        if not isinstance(pattern, str):
            raise ValueError(f"regex {pattern!r}: a pattern is text (quote it)")
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
        return pattern


class IdentifierKind(BaseModel):
    """One further identifier kind of the project: how its values are normalised and which are junk."""

    model_config = ConfigDict(extra="forbid")

    normalise: list[str | RegexStep] = Field(default_factory=lambda: ["strip"])
    min_length: Annotated[int, Field(ge=1)] | None = None  # a shorter normalised value is set aside
    junk: list[str] = Field(default_factory=list)  # placeholders of this kind, normalised like values

    _steps: list = PrivateAttr(default_factory=list)
    _junk: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("normalise", mode="before")
    @classmethod
    def _steps_known(cls, value: object) -> object:
        items = [value] if isinstance(value, str | dict) else value
        if not isinstance(items, list) or not items:
            raise ValueError("normalise: a list of steps, e.g. [strip, upper] or [digits, {regex: '^(\\d{9})$'}]")
        for item in items:
            if isinstance(item, str) and item not in norm_steps.SIMPLE:
                raise ValueError(f"unknown normalisation step {item!r}; known: {', '.join(norm_steps.SIMPLE)}, "
                                 "{regex: PATTERN}")
            if isinstance(item, dict) and set(item) != {"regex"}:
                raise ValueError(f"normalisation step {item!r}: the only step with settings is {{regex: PATTERN}}")
            if isinstance(item, dict):
                RegexStep._compiles(item["regex"])
            if not isinstance(item, str | dict):
                raise ValueError(f"normalisation step {item!r}: a step name or {{regex: PATTERN}}")
        return items

    @model_validator(mode="after")
    def _compile(self) -> "IdentifierKind":
        self._steps = [norm_steps.step(s if isinstance(s, str) else norm_steps.Regex(re.compile(s.regex)))
                       for s in self.normalise]
        junk = set()
        for entry in self.junk:
            try:
                junk.add(norm_steps.apply(entry.strip(), self._steps))
            except InvalidValue as exc:
                raise ValueError(f"junk value {entry!r}: {exc.reason} once normalised, so no value could "
                                 "ever equal it") from None
        self._junk = frozenset(junk)
        return self

    def normalise_value(self, raw: str) -> str:
        """The canonical value; InvalidValue ("does not match the pattern", "empty after normalisation",
        "too short", "junk") when it must not become an identifier."""
        value = norm_steps.apply(raw, self._steps)
        if self.min_length is not None and len(value) < self.min_length:
            raise InvalidValue(TOO_SHORT, raw)
        if value in self._junk:
            raise InvalidValue(JUNK, raw)
        return value
