"""Redaction: replacing the erased values of a forgotten person in text that stays (audit, reasons).

Two kinds of text stay after an erasure and may name the person:

* machine text (audit details: JSON our jobs wrote) names record uids, profile ids and identifiers
  exactly as stored; a token there is replaced only where it stands whole: `crm:1` is replaced in
  `["crm:1"]` but not inside `crm:12`, and `bob@x.com` inside `email:bob@x.com`. Longer tokens go first,
  so an identifier key is replaced before its bare value (`pattern`, `redact`).
* free text a steward typed (a judgement's reason, an audit reason) names them as people write:
  "Mary Smith called from 07700 900123 (MARY.SMITH@X.COM)". `Redactor` finds, besides the exact tokens,
  each identifier in the forms people write it (an e-mail in any case; a phone with or without its
  country code or trunk 0, with spaces, dots, dashes or brackets; any other identifier with or without
  separators between its letters and digits, in any case), and the person's full name in either order,
  accents and case aside. A text that names the person so also loses their first and last names where
  they stand alone ("... and Mary said ...").

`mask` turns what was found into what stands in its place (a salted hash): the token, the identifier's
key (`phone:+447700900123`, whatever form was written) or `name:first last`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import phonenumbers

# A token's neighbours that would make it part of a longer word or value.
_BEFORE = r"(?<![\w@+.\-])"
_AFTER = r"(?![\w@+\-]|\.\w)"
_SEP = r"[\s.\-()/]*"  # what people type between the digits of a number
_ALNUM_SEP = r"[\s.\-_/]*"


def pattern(tokens: Iterable[str], flags: int = 0) -> re.Pattern[str] | None:
    ordered = sorted({t for t in tokens if t}, key=lambda t: (-len(t), t))
    if not ordered:
        return None
    return re.compile(_BEFORE + "(" + "|".join(re.escape(t) for t in ordered) + ")" + _AFTER, flags)


def redact(text: str | None, compiled: re.Pattern[str] | None, mask: Callable[[str], str]) -> str | None:
    """`text` with every whole token replaced by mask(token); None and token-free text unchanged."""
    if text is None or compiled is None:
        return text
    return compiled.sub(lambda m: mask(m.group(1)), text)


def fold(text: str) -> str:
    """The text without accents, one character for one (so positions in it are positions in the text)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)
        out.append(base[0] if base and base[0].isascii() else ch)
    return "".join(out)


def _phone(value: str) -> str | None:
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    national = str(number.national_number)
    country = str(number.country_code)
    body = _SEP.join(national)
    prefix = rf"(?:(?:\+|00){_SEP}{_SEP.join(country)}{_SEP}(?:\(0\){_SEP})?|0{_SEP})?"
    return rf"(?<![\d+]){prefix}{body}(?!\d)"


def identifier_pattern(kind: str, value: str) -> str:
    """The forms people write an identifier in, as a regular expression (matched ignoring case)."""
    if kind == "phone" and value.startswith("+"):
        found = _phone(value)
        if found:
            return found
    if kind == "email" or not re.fullmatch(r"[\w\-. /]+", value):
        return _BEFORE + re.escape(value) + _AFTER
    chars = [c for c in value if c.isalnum()]
    if len(chars) < 4:  # too short to tell apart from ordinary text: only as stored
        return _BEFORE + re.escape(value) + _AFTER
    return r"(?<![^\W_])" + _ALNUM_SEP.join(re.escape(c) for c in chars) + r"(?![^\W_])"


def _words(name: str) -> str:
    return r"\s+".join(re.escape(w) for w in fold(name).split())


@dataclass
class Redactor:
    """What an erasure must not leave in text: exact tokens, identifiers, people's names (first, last)."""

    tokens: Sequence[str]
    identifiers: Sequence[tuple[str, str]]
    names: Sequence[tuple[str | None, str | None]]

    def __post_init__(self) -> None:
        self.exact = pattern(self.tokens)
        self.exact_any_case = pattern(self.tokens, re.IGNORECASE)
        self.by_lower = {t.lower(): t for t in self.tokens}
        parts: list[tuple[str, str]] = []  # (what to mask, regex)
        for kind, value in sorted(set(self.identifiers)):
            parts.append((f"{kind}:{value}", identifier_pattern(kind, value)))
        singles: dict[str, str] = {}
        for first, last in sorted({(f or "", l or "") for f, l in self.names}):
            if first and last:
                full = f"{first} {last}"
                for written in (rf"{_words(first)}\s+{_words(last)}", rf"{_words(last)}\s*,\s*{_words(first)}",
                                rf"{_words(last)}\s+{_words(first)}"):
                    parts.append((f"name:{full}", rf"\b{written}\b"))
            for word in (first, last):
                if word and len(word) >= 2:
                    singles[f"name:{word}"] = rf"\b{_words(word)}\b"
        self.forms = [(key, re.compile(regex, re.IGNORECASE)) for key, regex in parts]
        self.singles = [(key, re.compile(regex, re.IGNORECASE)) for key, regex in sorted(singles.items())]

    def machine(self, text: str | None, mask: Callable[[str], str]) -> str | None:
        """Machine text (JSON our jobs wrote): exact tokens and identifiers."""
        return self._free(text, mask, names=False)

    def free(self, text: str | None, mask: Callable[[str], str]) -> str | None:
        """Text a person typed: exact tokens, identifiers in any form, names."""
        return self._free(text, mask, names=True)

    def _free(self, text: str | None, mask: Callable[[str], str], names: bool) -> str | None:
        if not text:
            return text
        before = text
        if names:  # a person may type a record id in another case
            text = redact(text, self.exact_any_case, lambda t: mask(self.by_lower.get(t.lower(), t)))
        else:
            text = redact(text, self.exact, mask)
        hit = text != before
        for key, regex in (self.forms if names else [f for f in self.forms if not f[0].startswith("name:")]):
            text, n = self._sub(regex, key, text, mask)
            hit = hit or n > 0
        if names and hit:
            for key, regex in self.singles:
                text, _ = self._sub(regex, key, text, mask)
        return text

    @staticmethod
    def _sub(regex: re.Pattern[str], key: str, text: str, mask: Callable[[str], str]) -> tuple[str, int]:
        folded = fold(text)
        spans = [m.span() for m in regex.finditer(folded)]
        for start, end in reversed(spans):
            text = text[:start] + mask(key) + text[end:]
        return text, len(spans)
