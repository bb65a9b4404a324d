"""Normalisation steps a mapping declares for its own identifier kinds (national id, account number...).

A kind's normalisation is an ordered list of steps, applied left to right to the raw text:

* ``strip``: trim, and collapse inner runs of whitespace to one space;
* ``no_space``: remove every whitespace character;
* ``casefold``, ``lower``, ``upper``: change case (``casefold`` is the aggressive, Unicode-aware lower);
* ``digits``: keep the ASCII digits 0-9 only; ``alnum``: keep letters and digits only (any script);
* ``no_leading_zeros``: remove zeros at the start;
* ``Regex(pattern)``: the value (after the earlier steps) must match the whole pattern; the value becomes
  group 1 when the pattern has a group, else the whole match. No match raises
  ``InvalidValue("does not match the pattern")``.

``apply`` raises ``InvalidValue("empty after normalisation")`` when nothing is left. Steps are pure and
cheap; the declaration (which steps exist, which patterns compile) is checked in ``ingest/declared.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import InvalidValue

NO_MATCH = "does not match the pattern"
EMPTY = "empty after normalisation"

_NON_DIGIT = re.compile(r"[^0-9]+")


def _alnum(value: str) -> str:
    return "".join(ch for ch in value if ch.isalnum())


SIMPLE: dict[str, Callable[[str], str]] = {
    "strip": lambda v: " ".join(v.split()),
    "no_space": lambda v: "".join(v.split()),
    "casefold": str.casefold,
    "lower": str.lower,
    "upper": str.upper,
    "digits": lambda v: _NON_DIGIT.sub("", v),
    "alnum": _alnum,
    "no_leading_zeros": lambda v: v.lstrip("0"),
}


@dataclass(frozen=True)
class Regex:
    """A whole-value pattern; group 1 is kept when the pattern has a group."""

    pattern: re.Pattern

    def __call__(self, value: str) -> str:
        found = self.pattern.fullmatch(value)
        if found is None:
            raise InvalidValue(NO_MATCH, value)
        return (found.group(1) or "") if self.pattern.groups else found.group(0)


Step = Callable[[str], str]


def step(spec: str | Regex) -> Step:
    """The function of one step: a name of ``SIMPLE`` or a compiled ``Regex``."""
    if isinstance(spec, Regex):
        return spec
    try:
        return SIMPLE[spec]
    except KeyError:
        raise ValueError(f"unknown normalisation step {spec!r}; known: {', '.join(SIMPLE)}, {{regex: PATTERN}}") from None


def apply(raw: str, steps: Sequence[Step]) -> str:
    """The value after every step, in order; raises InvalidValue when it does not match a pattern or
    nothing is left."""
    value = raw
    for fn in steps:
        value = fn(value)
        if not value:
            break
    if not value:
        raise InvalidValue(EMPTY, raw)
    return value
