"""How systems and people write the same values differently: phone styles, typos, nicknames, timestamps."""

from __future__ import annotations

import functools
import random
from datetime import datetime, timedelta, timezone

from .data import _KEY_NEIGHBOURS, NICKNAMES
from .people import _Person


def _fmt_mobile(number: str, rng: random.Random) -> str:
    s = number[1:]
    style = rng.randrange(9)
    if style == 0:
        return f"{number[:5]} {number[5:]}"
    if style == 1:
        return f"+44 {s[:4]} {s[4:]}"
    if style == 2:
        return f"(0){s[:4]}-{s[4:7]}-{s[7:]}"
    if style == 3:
        return f"44{s}"
    if style == 4:
        return number
    if style == 5:
        return f"+44{s}"
    if style == 6:
        return f"0044 {s[:4]} {s[4:7]} {s[7:]}"
    if style == 7:
        return f"{number[:5]}-{number[5:8]}-{number[8:]}"
    return f"+44 (0){s[:4]} {s[4:]}"


def _spaced_local(local: str) -> str:
    if len(local) == 8:
        return f"{local[:4]} {local[4:]}"
    if len(local) == 7:
        return f"{local[:3]} {local[3:]}"
    return local


def _fmt_landline(line: tuple[str, str], rng: random.Random, style: int | None = None) -> str:
    code, local = line
    style = rng.randrange(5) if style is None else style
    if style == 0:
        return f"{code} {_spaced_local(local)}"
    if style == 1:
        return f"+44 {code[1:]} {_spaced_local(local)}"
    if style == 2:
        return f"({code}) {local}"
    if style == 3:
        return code + local
    return f"44{code[1:]}{local}"


def _typo(s: str, rng: random.Random) -> str:
    """One substitution (a neighbouring key), transposition or deletion, keeping the first letter."""
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    r = rng.random()
    if r < 0.4:
        c = s[i]
        near = _KEY_NEIGHBOURS.get(c.lower())
        if not near:
            return s[:i] + s[i + 1:]
        sub = rng.choice(near)
        return s[:i] + (sub.upper() if c.isupper() else sub) + s[i + 1:]
    if r < 0.7 and s[i] != s[i + 1]:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i + 1:]


def _nickname(p: _Person, rng: random.Random) -> str | None:
    short = NICKNAMES.get(p.first)
    return rng.choice(short) if short else None


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


@functools.cache
def _bst(year: int) -> tuple[int, int]:
    """British Summer Time: from the last Sunday of March to the last Sunday of October, 01:00 UTC."""

    def last_sunday(month: int) -> datetime:
        d = datetime(year, month + 1, 1, 1, tzinfo=timezone.utc) - timedelta(days=1)
        return d - timedelta(days=(d.weekday() + 1) % 7)

    return int(last_sunday(3).timestamp()), int(last_sunday(10).timestamp())


def _iso_london(ts: int) -> str:
    start, end = _bst(datetime.fromtimestamp(ts, timezone.utc).year)
    offset = 3600 if start <= ts < end else 0
    return _iso(ts + offset) + ("+01:00" if offset else "+00:00")


def _epoch(y: int, m: int = 1, d: int = 1) -> int:
    return int(datetime(y, m, d, tzinfo=timezone.utc).timestamp())
