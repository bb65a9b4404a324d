"""Text folding shared by names, addresses, cities and junk checks.

``fold`` turns any string into lower-case ASCII words: Unicode compatibility-decomposed (NFKD),
combining marks dropped, the rest transliterated with ``unidecode`` ("Łódź" -> "lodz",
"Straße" -> "strasse"), apostrophes removed ("O'Brien" -> "obrien"), every other run of
non-alphanumerics turned into one space ("Smith-Jones" -> "smith jones"), trimmed.
Pure ASCII input (the common case) skips the Unicode work.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

# Apostrophe-like characters vanish rather than split a word: O'Brien, D’Angelo, Ma`ori.
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bb\u00b4\u2032]")
_NON_WORD = re.compile(r"[^a-z0-9]+")


def _to_ascii(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unidecode(stripped)


def _fold(s: str) -> str:
    if not s.isascii():
        s = _APOSTROPHES.sub("", s)  # before unidecode, which may turn some of them into other marks
        s = _to_ascii(s)
    s = _APOSTROPHES.sub("", s.lower())
    return _NON_WORD.sub(" ", s).strip()


@lru_cache(maxsize=1 << 16)
def fold(raw: str) -> str:
    """Lower-case ASCII words separated by single spaces; "" when nothing word-like is left."""
    return _fold(raw)
