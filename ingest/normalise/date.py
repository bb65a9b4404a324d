"""Dates of birth (``YYYY-MM-DD``) and event timestamps (``YYYY-MM-DDTHH:MM:SSZ``, UTC).

``fmt`` is what a mapping file's ``format:`` holds: a ``strftime`` pattern ("%d/%m/%Y"), "iso"
(the default when None), "epoch" (seconds) or "epoch_ms". Anything else is a configuration error
and raises a plain ``ValueError`` on the first call (it would otherwise reject every row).

Speed: ``datetime.strptime`` costs ~8 us a call, so a pattern made only of the numeric directives
%Y %y %m %d %H %M %S %f %z (plus literal text) is compiled once into a regular expression that builds
the datetime directly; any other pattern, or an input the fast path cannot decide, goes to
``strptime``, so results never differ from ``strptime``'s. Dates are memoised.
"""

from __future__ import annotations

import datetime as _dt
import re
import time
from decimal import ROUND_FLOOR, Decimal, InvalidOperation
from functools import lru_cache
from typing import Callable

from .errors import InvalidValue

_UTC = _dt.timezone.utc
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_UTC)
MIN_DOB = "1900-01-01"
KEYWORDS = ("iso", "epoch", "epoch_ms")

_FAST_DIRECTIVES = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{1,2})",
    "d": r"(?P<d>\d{1,2})",
    "H": r"(?P<H>\d{1,2})",
    "M": r"(?P<M>\d{1,2})",
    "S": r"(?P<S>\d{1,2})",
    "f": r"(?P<f>\d{1,6})",
    "z": r"(?P<z>(?-i:Z)|[+-]\d{2}:?[0-5]\d)",  # as strptime: upper-case Z only, minutes < 60
}
_DIRECTIVE = re.compile(r"%(.)|(\s+)|([^%\s]+)", re.S)

Parser = Callable[[str], _dt.datetime]


def _fast_regex(fmt: str) -> re.Pattern | None:
    parts, seen, covered = [], set(), 0
    for m in _DIRECTIVE.finditer(fmt):
        covered += len(m.group(0))
        directive, space, literal = m.groups()
        if directive is not None:
            if directive == "%":
                parts.append("%")
            elif directive in _FAST_DIRECTIVES and directive not in seen:
                seen.add(directive)
                parts.append(_FAST_DIRECTIVES[directive])
            else:
                return None  # %b, %p, %j, a repeated directive ...: strptime only
        elif space is not None:
            parts.append(r"\s+")  # as strptime does
        else:
            parts.append(re.escape(literal))
    if covered != len(fmt):  # a stray "%" at the end: strptime's error to raise
        return None
    if not ({"Y", "y"} & seen and "m" in seen and "d" in seen) or {"Y", "y"} <= seen:
        return None
    return re.compile("".join(parts), re.IGNORECASE)


def _zone(text: str) -> _dt.tzinfo:
    if text == "Z":
        return _UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return _dt.timezone(sign * _dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _pattern_parser(fmt: str) -> Parser:
    rx = _fast_regex(fmt)
    strptime = _dt.datetime.strptime
    if rx is None:
        return lambda s: strptime(s, fmt)

    def parse(s: str) -> _dt.datetime:
        m = rx.fullmatch(s)
        if m is not None:
            g = m.groupdict()
            if g.get("Y") is not None:
                year = int(g["Y"])
            else:
                yy = int(g["y"])
                year = yy + (1900 if yy >= 69 else 2000)  # strptime's pivot
            frac = g.get("f")
            try:
                return _dt.datetime(
                    year, int(g["m"]), int(g["d"]),
                    int(g.get("H") or 0), int(g.get("M") or 0), int(g.get("S") or 0),
                    int(frac.ljust(6, "0")) if frac else 0,
                    _zone(g["z"]) if g.get("z") else None,
                )
            except ValueError:
                pass  # another split of the digits may be valid for strptime: let it decide
        return strptime(s, fmt)

    return parse


def _iso_datetime(s: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(s)


def _epoch(scale: int) -> Parser:
    limit = Decimal(10**12 * scale)  # ~ year 33658: beyond datetime's range, and no huge ints

    def parse(s: str) -> _dt.datetime:
        if s.isdigit() and s.isascii() and len(s) < 16:  # the common case: whole, positive
            return _EPOCH + _dt.timedelta(seconds=int(s) // scale)
        try:
            number = Decimal(s)
        except InvalidOperation:
            raise ValueError(f"not a number: {s!r}") from None
        if not number.is_finite() or abs(number) >= limit:
            raise ValueError(f"not an epoch time: {s!r}")
        seconds = int((number / scale).to_integral_value(ROUND_FLOOR))
        return _EPOCH + _dt.timedelta(seconds=seconds)

    return parse


@lru_cache(maxsize=256)
def _parser(fmt: str | None) -> Parser:
    key = "iso" if fmt is None else fmt.strip()
    lowered = key.lower()
    if lowered == "iso":
        return _iso_datetime
    if lowered == "epoch":
        return _epoch(1)
    if lowered == "epoch_ms":
        return _epoch(1000)
    if "%" not in key:
        raise ValueError(
            f"unknown date/time format {fmt!r}: use a strftime pattern such as '%d/%m/%Y', "
            f"or one of {', '.join(KEYWORDS)}"
        )
    try:
        _dt.datetime.strptime("", key)
    except ValueError as exc:  # a bad pattern fails before matching; an empty string never matches
        if "does not match" not in str(exc):
            raise ValueError(f"bad date/time format {fmt!r}: {exc}") from None
    return _pattern_parser(key)


def check_format(fmt: str | None) -> None:
    """Raise ValueError, saying what is accepted, for a ``format:`` the parsers do not know."""
    _parser(fmt)


def _text(raw: object) -> str | None:
    if raw is None:
        return None
    s = raw.strip() if isinstance(raw, str) else str(raw).strip()
    return s or None


# --- dates ------------------------------------------------------------------------------------


def _parse_date(s: str, parser: Parser) -> _dt.date:
    if parser is _iso_datetime:
        try:
            return _dt.date.fromisoformat(s)  # "1985-03-02", "19850302"
        except ValueError:
            return _dt.datetime.fromisoformat(s).date()  # "1985-03-02T00:00:00", "1985-03-02 00:00"
    return parser(s).date()


_today_state: list = [0.0, None]  # [time.time() at which today ends, today]


def _today() -> _dt.date:
    """Local today, re-read only after midnight (date.today() costs ~0.4 us, time.time() ~0.06)."""
    now = time.time()
    if now >= _today_state[0]:
        today = _dt.date.today()
        tomorrow = _dt.datetime.combine(today + _dt.timedelta(days=1), _dt.time())
        _today_state[:] = [tomorrow.timestamp(), today]
    return _today_state[1]


@lru_cache(maxsize=1 << 16)
def _date_cached(s: str, fmt: str | None, today: _dt.date) -> str | InvalidValue:
    parser = _parser(fmt)
    try:
        d = _parse_date(s, parser)
    except (ValueError, OverflowError):
        return InvalidValue("date-format", s, f"does not match {fmt or 'iso'}")
    if d > today and fmt is not None and "%y" in fmt:
        try:  # two-digit year of birth: "01.02.50" is 1950, never 2050
            d = d.replace(year=d.year - 100)
        except ValueError:
            return InvalidValue("date-format", s)
    iso = d.isoformat()
    if d > today:
        return InvalidValue("date-range", s, "in the future")
    if iso < MIN_DOB:
        return InvalidValue("date-range", s, f"before {MIN_DOB}")
    return iso


def date(raw: str | None, fmt: str | None = None) -> str | None:
    """ISO ``YYYY-MM-DD`` of a date of birth, or None for blank input.

    ``fmt``: a strftime pattern, "iso" (default; also takes "YYYYMMDD" and a datetime, whose time
    is dropped), "epoch" or "epoch_ms" (UTC date). A two-digit year (%y) that would land in the
    future is taken as last century. Memoised.

    Raises InvalidValue("date-format") for text that does not match ``fmt`` or an impossible date
    (31/02), InvalidValue("date-range") for a date after today or before 1900-01-01, and ValueError
    for an unknown ``fmt``.
    """
    s = _text(raw)
    if s is None:
        return None
    # an unknown fmt raises ValueError from inside: lru_cache never stores an exception
    result = _date_cached(s, fmt, _today())
    if result.__class__ is InvalidValue:
        raise result._fresh()
    return result


# --- timestamps -------------------------------------------------------------------------------


def timestamp(raw: str | int | float | None, fmt: str | None = None) -> str | None:
    """ISO 8601 UTC ``YYYY-MM-DDTHH:MM:SSZ`` of an event time, or None for blank input.

    ``fmt``: "iso" (default; any ISO 8601 form ``datetime.fromisoformat`` reads, "Z" or an offset
    converted to UTC, a naive value taken as UTC, a bare date as midnight), "epoch" (seconds, may
    be fractional or negative), "epoch_ms", or a strftime pattern (naive unless it has %z).
    Fractions of a second are truncated.

    Raises InvalidValue("timestamp-format") when the value does not parse, ValueError for an
    unknown ``fmt``.
    """
    s = _text(raw)
    if s is None:
        return None
    parser = _parser(fmt)
    try:
        t = parser(s)
        if t.tzinfo is not None:
            t = t.astimezone(_UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidValue("timestamp-format", raw, f"does not match {fmt or 'iso'}") from exc
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}Z"
