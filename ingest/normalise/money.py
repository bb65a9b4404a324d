"""Money on events: an amount (a number, "49.99", "49,99", "1.234,50", "£12.50") and its currency code.

Amounts are not converted between currencies: a profile's revenue adds what its orders say, and its
currencies are listed beside it (graph/traits.py).
"""

from __future__ import annotations

import math
import re

from .errors import InvalidValue

_SYMBOLS = re.compile(r"[\s£$€¥]|(?i:gbp|eur|usd|chf|sek|pln|dkk)")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def amount(raw: str | None) -> float | None:
    """The amount as a float; the last of ',' and '.' is the decimal mark when both appear, a lone ','
    followed by one or two digits is one, else it groups thousands."""
    if raw is None:
        return None
    text = _SYMBOLS.sub("", raw)
    if not text:
        return None
    if "," in text and "." in text:
        decimal, group = (",", ".") if text.rfind(",") > text.rfind(".") else (".", ",")
        text = text.replace(group, "").replace(decimal, ".")
    elif "," in text:
        head, _, tail = text.rpartition(",")
        text = f"{head.replace(',', '')}.{tail}" if len(tail) in (1, 2) else text.replace(",", "")
    if not _NUMBER.match(text):
        raise InvalidValue("amount-format", raw)
    value = float(text)
    if not math.isfinite(value):
        raise InvalidValue("amount-format", raw)
    return round(value, 4)


def currency(raw: str | None) -> str | None:
    """An ISO 4217 code, upper-cased ("eur" -> "EUR")."""
    if raw is None or not raw.strip():
        return None
    code = raw.strip().upper()
    if not re.match(r"^[A-Z]{3}$", code):
        raise InvalidValue("currency-format", raw)
    return code
