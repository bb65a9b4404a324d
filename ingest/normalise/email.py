"""E-mail addresses: one canonical, lower-case form per mailbox.

Pragmatic syntax, not full RFC 5322: what real CRM and sign-up exports contain is accepted, the
exotic corners (quoted local parts, IP-literal domains, comments) are rejected as ``email-syntax``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import InvalidValue

if TYPE_CHECKING:  # polars is imported by the column forms alone: the phone worker's child imports this
    import polars as pl  # package, and starts without it

# RFC 5321/5322 dot-atom local part (no leading, trailing or doubled dots), at most 64 characters.
_LOCAL = r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
# Domain: at least two LDH labels of 1-63 characters; the last (TLD) alphabetic 2-63 or punycode.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_TLD = r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
_ADDRESS = re.compile(rf"({_LOCAL})@((?:{_LABEL}\.)+{_TLD})")

_WRAPPING = " \t\r\n<>\"'`"
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def _unwrap(s: str) -> str:
    """Drop a display name, surrounding <>/quotes and mailto: (in any nesting order)."""
    if s.endswith(">") and "<" in s:  # 'John Smith <john@x.com>'
        s = s[s.rindex("<") + 1 : -1]
    while True:
        before = s
        s = s.strip(_WRAPPING)
        if s[:7].lower() == "mailto:":
            s = s[7:]
        if s == before:
            return s


def _normalise(raw: str, gmail_rules: bool) -> str | None | InvalidValue:
    s = _unwrap(raw)
    if not s:
        return None
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)  # full-width ＠ and letters
        if not s.isascii():
            local, at, domain = s.rpartition("@")
            if not at or not local.isascii():
                return InvalidValue("email-syntax", raw, "non-ASCII local part")
            try:
                domain = domain.lower().encode("idna").decode("ascii")  # münchen.de -> xn--mnchen-3ya.de
            except UnicodeError:
                return InvalidValue("email-syntax", raw, "bad internationalised domain")
            s = f"{local}@{domain}"
    s = s.lower()
    m = _ADDRESS.fullmatch(s)
    if m is None or len(s) > 254:
        return InvalidValue("email-syntax", raw)
    local, domain = m.group(1), m.group(2)
    if len(local) > 64 or len(domain) > 253:
        return InvalidValue("email-syntax", raw, "too long")
    if gmail_rules and domain in _GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        if not local:
            return InvalidValue("email-syntax", raw, "empty gmail local part")
        return f"{local}@gmail.com"
    return s


@lru_cache(maxsize=1 << 16)  # ~14 MiB when full
def _cached(raw: str, gmail_rules: bool) -> str | None | InvalidValue:
    return _normalise(raw, gmail_rules)


def email(raw: str | None, *, gmail_rules: bool = False) -> str | None:
    """Canonical e-mail address, or None for blank input.

    Trims, drops a display name ("John <j@x.com>"), surrounding ``<>``/quotes and ``mailto:``,
    lower-cases the whole address (local parts are case-insensitive in practice), converts an
    internationalised domain to punycode, and checks a pragmatic syntax. With ``gmail_rules`` an
    address at gmail.com/googlemail.com loses the dots and any ``+tag`` in its local part and
    googlemail.com becomes gmail.com. ``+tag`` is kept for every other provider.

    Raises InvalidValue("email-syntax") when the value is present but not an address.
    """
    if raw is None:
        return None
    if not isinstance(raw, str):
        raw = str(raw)
    result = _cached(raw, gmail_rules)
    if result.__class__ is InvalidValue:
        raise result._fresh()  # the cached object is never raised itself, so it never holds a traceback
    return result


# -- a whole column at once (the columnar ingest) --------------------------------------------------
# Text made only of the address characters, beginning and ending with a letter or digit: nothing for
# _unwrap to remove, no "mailto:" (a colon is not among them), no display name, nothing for NFKC or IDNA.
_SIMPLE = r"^[A-Za-z0-9](?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~.@-]*[A-Za-z0-9])?$"
_WHOLE = "^" + _ADDRESS.pattern + "$"


def split_column(addresses: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The local parts and the domains of a column of texts, split at the first "@" (null without one)."""
    at = addresses.str.find("@", literal=True)
    return addresses.str.slice(0, at), addresses.str.slice(at + 1)


def email_column(texts: pl.Series, *, gmail_rules: bool = False) -> tuple[pl.Series, pl.Series]:
    """`email()` of every text of the common form, computed by polars: (the addresses, null where the
    text is not an address; which texts were of that form). A text of another form (any white space, a
    display name, a non-ASCII character...) is for `email()` itself."""
    import polars as pl

    simple = texts.str.contains(_SIMPLE).fill_null(False)
    lower = texts.str.to_lowercase()
    local, domain = split_column(lower)
    valid = (lower.str.contains(_WHOLE) & (lower.str.len_bytes() <= 254) & (local.str.len_bytes() <= 64)
             & (domain.str.len_bytes() <= 253))
    if gmail_rules:  # the local part begins with a letter or digit: never empty without its dots and tag
        gmail = domain.is_in(sorted(_GMAIL_DOMAINS))
        box = local.str.split("+").list.first().str.replace_all(".", "", literal=True)
        lower = pl.select(pl.when(gmail).then(box + "@gmail.com").otherwise(lower)).to_series()
    return pl.select(pl.when(simple & valid).then(lower)).to_series(), simple
