"""Transforms of one value, for features named ``column.transform`` (``postcode.district``,
``phones.last7``, ``emails.local``): each runs once per distinct value of a column, never per pair.

``STRING_TRANSFORMS`` are the definitions, in Python. ``ASCII_TRANSFORMS`` give the same for ASCII values
as polars expressions, where Python's notions (white space, digits, upper case) are spelt out exactly:
Python per value cost about a second per feature table at 160,000 records. ``transform_values`` takes
the polars way for the ASCII values and the Python one for the rest (held to each other by
``tests/test_matcher_shortcuts.py``).
"""

from __future__ import annotations

import re
from typing import Callable

import jellyfish
import polars as pl

_DIGITS = re.compile(r"\D")


def _initial(v: str) -> str | None:
    return v[:1] or None


def _postcode_outward(v: str) -> str | None:
    v = v.strip().upper()
    if " " in v:
        return v.split()[0]
    if v.isdigit():  # a zip code: its first three digits are the sectional centre
        return v[:3]
    return v[:-3] if len(v) > 4 else v


def _postcode_sector(v: str) -> str | None:
    v = v.strip().upper()
    if " " in v:
        out, inward = v.split(None, 1)
        return f"{out} {inward[:1]}"
    if v.isdigit():
        return v[:4]
    return v[:-2] if len(v) > 4 else v


def _postcode_area(v: str) -> str | None:
    v = v.strip().upper()
    if v[:1].isdigit():
        return v[:2]
    m = re.match(r"[A-Z]+", v)
    return m.group(0) if m else None


def _local(v: str) -> str | None:
    return v.split("@", 1)[0] or None


def _domain(v: str) -> str | None:
    return v.rsplit("@", 1)[1] if "@" in v else None


def _digits(v: str) -> str | None:
    return _DIGITS.sub("", v) or None


def _last_digits(n: int) -> Callable[[str], str | None]:
    def f(v: str) -> str | None:
        d = _DIGITS.sub("", v)
        return d[-n:] if len(d) >= n else None

    return f


def _sorted_digits(v: str) -> str | None:
    d = _DIGITS.sub("", v)[-9:]
    return "".join(sorted(d)) or None


def _years_in(v: str) -> str | None:
    """A year in a date ("1985-03-04" -> "85") or in an email local part ("jo.smith85@", "jo1985@")."""
    if len(v) == 10 and v[4] == "-" and v[:4].isdigit():
        return v[2:4]
    local = v.split("@", 1)[0]
    for number in reversed(re.findall(r"\d+", local)):
        if len(number) == 2:
            return number
        if len(number) == 4 and number[:2] in ("19", "20"):
            return number[2:]
    return None


def _first_token(v: str) -> str | None:
    parts = v.split()
    return parts[0] if parts else None


def _last_token(v: str) -> str | None:
    parts = v.split()
    return parts[-1] if parts else None


def _safe(fn: Callable[[str], str]) -> Callable[[str], str | None]:
    def f(v: str) -> str | None:
        try:
            return fn(v) or None
        except Exception:  # jellyfish refuses some inputs (digits only); no code is the honest answer
            return None

    return f


STRING_TRANSFORMS: dict[str, Callable[[str], str | None]] = {
    "initial": _initial,
    "metaphone": _safe(jellyfish.metaphone),
    "nysiis": _safe(jellyfish.nysiis),
    "soundex": _safe(jellyfish.soundex),
    "district": _postcode_outward,
    "sector": _postcode_sector,
    "area": _postcode_area,
    "local": _local,
    "letters": lambda v: (re.sub(r"[^a-z]", "", v.split("@", 1)[0]) or None),
    "domain": _domain,
    "digits": _digits,
    "last4": _last_digits(4),
    "last6": _last_digits(6),
    "last7": _last_digits(7),
    "last8": _last_digits(8),
    "sorted_digits": _sorted_digits,
    "yy": _years_in,
    "numbers": lambda v: " ".join(re.findall(r"\d+", v)) or None,
    "first_token": _first_token,
    "last_token": _last_token,
}
# The same over a column of ASCII values. A value the function maps to None is null here, one it maps to
# "" is "".
_SPACE = r"[ \t\n\r\x0b\x0c\x1c-\x1f]"  # what str.split() and str.strip() take for white space in ASCII
_STRIPPED = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"


def _ascii_outward(v: pl.Expr) -> pl.Expr:
    v = v.str.strip_chars(_STRIPPED).str.to_uppercase()
    return (pl.when(v.str.contains(" ", literal=True)).then(v.str.extract(f"^([^{_SPACE[1:-1]}]+)"))
            .when(v.str.contains("^[0-9]+$")).then(v.str.slice(0, 3))
            .when(v.str.len_chars() > 4).then(v.str.slice(0, v.str.len_chars() - 3))
            .otherwise(v))


def _ascii_sector(v: pl.Expr) -> pl.Expr:
    v = v.str.strip_chars(_STRIPPED).str.to_uppercase()
    out_inward = v.str.extract_groups(f"^([^{_SPACE[1:-1]}]+){_SPACE}+(.)")
    return (pl.when(v.str.contains(" ", literal=True))
            .then(pl.concat_str([out_inward.struct.field("1"), out_inward.struct.field("2")], separator=" "))
            .when(v.str.contains("^[0-9]+$")).then(v.str.slice(0, 4))
            .when(v.str.len_chars() > 4).then(v.str.slice(0, v.str.len_chars() - 2))
            .otherwise(v))


def _ascii_area(v: pl.Expr) -> pl.Expr:
    v = v.str.strip_chars(_STRIPPED).str.to_uppercase()
    return pl.when(v.str.contains("^[0-9]")).then(v.str.slice(0, 2)).otherwise(v.str.extract("^([A-Z]+)"))


def _ascii_digits(v: pl.Expr) -> pl.Expr:
    d = v.str.replace_all("[^0-9]", "")
    return pl.when(d != "").then(d)


def _ascii_last_digits(n: int) -> Callable[[pl.Expr], pl.Expr]:
    def f(v: pl.Expr) -> pl.Expr:
        d = v.str.replace_all("[^0-9]", "")
        return pl.when(d.str.len_chars() >= n).then(d.str.slice(-n))

    return f


def _ascii_local(v: pl.Expr) -> pl.Expr:
    local = v.str.split("@").list.first()
    return pl.when(local != "").then(local)


def _ascii_domain(v: pl.Expr) -> pl.Expr:
    return pl.when(v.str.contains("@", literal=True)).then(v.str.split("@").list.last())


def _ascii_numbers(v: pl.Expr) -> pl.Expr:
    joined = v.str.extract_all("[0-9]+").list.join(" ")
    return pl.when(joined != "").then(joined)


ASCII_TRANSFORMS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "district": _ascii_outward,
    "sector": _ascii_sector,
    "area": _ascii_area,
    "local": _ascii_local,
    "domain": _ascii_domain,
    "digits": _ascii_digits,
    "last4": _ascii_last_digits(4),
    "last6": _ascii_last_digits(6),
    "last7": _ascii_last_digits(7),
    "last8": _ascii_last_digits(8),
    "numbers": _ascii_numbers,
}


def transform_values(transform: str, values: pl.Series) -> pl.Series:
    """``STRING_TRANSFORMS[transform]`` of each value: in polars for the ASCII ones when it can, in
    Python for the rest."""
    fn = STRING_TRANSFORMS[transform]
    vector = ASCII_TRANSFORMS.get(transform)
    if vector is None:
        return pl.Series([fn(v) for v in values.to_list()], dtype=pl.String)
    frame = pl.DataFrame({"v": values}).with_columns(pl.col("v").str.contains(r"^[\x00-\x7f]*$").alias("ascii"))
    out = frame.select(pl.when(pl.col("ascii")).then(vector(pl.col("v"))).alias("out"))["out"]
    other = frame["ascii"].not_()
    if other.any():
        rest = [fn(v) for v in values.filter(other).to_list()]
        out = out.scatter(other.arg_true(), pl.Series(rest, dtype=pl.String))
    return out


DATE_PARTS = {"year": slice(0, 4), "month": slice(5, 7), "day": slice(8, 10)}
TRANSFORMS = sorted([*STRING_TRANSFORMS, *DATE_PARTS, "nickname"])
