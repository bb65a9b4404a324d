"""Redaction: replacing the erased values of a forgotten person in text that stays (audit, reasons).

A token (a record uid, a profile id, an identifier 'email:x' or its bare value) is replaced only where it
stands whole: `crm:1` is replaced in `["crm:1"]` but not inside `crm:12`, and `bob@x.com` inside
`email:bob@x.com` or at the end of a sentence. Longer tokens go first, so an identifier key is replaced
before its bare value. `mask` turns a token into what stands in its place (a salted hash).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

# A token's neighbours that would make it part of a longer word or value.
_BEFORE = r"(?<![\w@+.\-])"
_AFTER = r"(?![\w@+\-]|\.\w)"


def pattern(tokens: Iterable[str]) -> re.Pattern[str] | None:
    ordered = sorted({t for t in tokens if t}, key=lambda t: (-len(t), t))
    if not ordered:
        return None
    return re.compile(_BEFORE + "(" + "|".join(re.escape(t) for t in ordered) + ")" + _AFTER)


def redact(text: str | None, compiled: re.Pattern[str] | None, mask: Callable[[str], str]) -> str | None:
    """`text` with every whole token replaced by mask(token); None and token-free text unchanged."""
    if text is None or compiled is None:
        return text
    return compiled.sub(lambda m: mask(m.group(1)), text)
