"""Junk: placeholder values that must never become identifiers ("n/a", test@test.com, 0000000000).

The built-in lists live in ``idgraph/ingest/data/junk.yaml`` (package data); a project adds its own
through the mapping file's ``junk:`` section, passed to :class:`JunkRules`. Structural phone rules
(one repeated digit, digit runs, at most two distinct digits) are code, not data.

Every ``is_junk_*`` answers True for None/blank: junk means "must not become an identifier".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml
from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from .email import email as normalise_email
from .email import split_column
from .errors import InvalidValue
from .phone import phone as normalise_phone
from .text import fold

if TYPE_CHECKING:  # polars is imported by the column forms alone: the phone worker's child imports this
    import polars as pl  # package, and starts without it

_CACHE = 1 << 16
_LOCAL_PUNCT = str.maketrans("", "", ".-_")
_ASCENDING = "0123456789" * 3
_DESCENDING = "9876543210" * 3
_NON_DIGIT = re.compile(r"\D+")
_COUNTRY_CODES = frozenset(str(code) for code in COUNTRY_CODE_TO_REGION_CODE)
_COUNTRY_CODE_LIST = sorted(_COUNTRY_CODES)


@lru_cache(maxsize=1)
def builtin_rules() -> dict:
    """The parsed built-in ``junk.yaml`` (read once)."""
    text = resources.files("idgraph.ingest").joinpath("data/junk.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    _check_strings(data, "junk.yaml")
    return data


def _check_strings(node: object, where: str) -> None:
    """Every list entry must be a string: an unquoted `null` or `no` in YAML is not one."""
    if isinstance(node, dict):
        for key, value in node.items():
            _check_strings(value, f"{where}: {key}")
    elif isinstance(node, list):
        for item in node:
            if not isinstance(item, str):
                raise ValueError(f"{where}: entry {item!r} is not a string (quote it)")


def _compact(raw: str) -> str:
    """Letters and digits only, folded: "N/A" -> "na", "No-Email" -> "noemail"."""
    return fold(raw).replace(" ", "")


def _any_of(patterns: Iterable[str]) -> re.Pattern | None:
    patterns = list(patterns)
    return re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


def _local_key(local: str) -> str:
    return local.split("+", 1)[0].translate(_LOCAL_PUNCT)


def _split_country_code(digits: str) -> tuple[str, str]:
    for n in (1, 2, 3):  # calling codes are prefix-free: the first hit is the code
        if digits[:n] in _COUNTRY_CODES:
            return digits[:n], digits[n:]
    return "", digits


def _distinct_digits(texts: pl.Series) -> pl.Series:
    """How many of the ten digits each text holds."""
    import polars as pl

    return pl.select(pl.sum_horizontal(texts.str.contains(d, literal=True) for d in "0123456789")).to_series()


def _run(texts: pl.Series) -> pl.Series:
    """`_is_run` of each text."""
    import polars as pl

    return pl.select(pl.lit(_ASCENDING).str.contains(pl.lit(texts), literal=True)
                     | pl.lit(_DESCENDING).str.contains(pl.lit(texts), literal=True)).to_series()


def _is_run(digits: str) -> bool:
    return digits in _ASCENDING or digits in _DESCENDING


class JunkRules:
    """Built-in junk rules plus a project's own lists.

    ``emails``: whole addresses ("test@acme.com"), domains ("@acme.test") or local parts
    ("noreply@"); whole addresses are normalised with and without gmail rules.
    ``phones``: numbers, normalised to E.164 with ``region``; without a region a number not in
    international form matches on its digits (national number or country code + national number).
    ``values``: any-field placeholders, compared in the same compact form as the built-ins.
    ``dates``: placeholder dates of birth, ISO ``YYYY-MM-DD``.
    """

    def __init__(
        self,
        emails: Iterable[str] = (),
        phones: Iterable[str] = (),
        values: Iterable[str] = (),
        *,
        dates: Iterable[str] = (),
        region: str | None = None,
    ) -> None:
        data = builtin_rules()
        self._dates = frozenset(str(d).strip() for d in [*(data.get("dates") or ()), *dates])
        mail = data.get("emails") or {}

        self._values = frozenset(_compact(v) for v in [*data.get("values", ()), *values]) - {""}
        self._value_rx = _any_of(data.get("value_patterns") or ())

        addresses = {normalise_email(a) for a in mail.get("addresses", ())}
        domains = {d.lower().lstrip("@") for d in mail.get("domains", ())}
        locals_ = {_local_key(p) for p in mail.get("local_parts", ())}
        for entry in emails:
            entry = str(entry).strip().lower()
            if entry.startswith("@") and len(entry) > 1:
                domains.add(entry[1:])
            elif entry.endswith("@") and len(entry) > 1:
                locals_.add(_local_key(entry[:-1]))
            else:
                try:
                    addresses.add(normalise_email(entry))
                    addresses.add(normalise_email(entry, gmail_rules=True))
                except InvalidValue:
                    raise ValueError(
                        f"junk email {entry!r} is not an address: write 'name@domain', '@domain' or 'name@'"
                    ) from None
        self._addresses = frozenset(addresses - {None})
        self._domains = frozenset(domains)
        self._locals = frozenset(locals_)
        self._local_rx = _any_of(mail.get("local_patterns") or ())

        numbers: set[str] = set()
        national: set[str] = set()
        for entry in [*((data.get("phones") or {}).get("numbers") or ()), *phones]:
            entry = str(entry).strip()
            if entry.startswith("+") or region:
                try:
                    numbers.add(normalise_phone(entry, region or ""))
                    continue
                except InvalidValue:
                    raise ValueError(f"junk phone {entry!r} is not a phone number") from None
            digits = _NON_DIGIT.sub("", entry).lstrip("0")
            if not digits:
                raise ValueError(f"junk phone {entry!r} has no digits")
            national.add(digits)
        self._numbers = frozenset(numbers)
        self._national = frozenset(national)

        # Per-instance memo tables (values and phones repeat across rows).
        self._value_cache = lru_cache(maxsize=_CACHE)(self._junk_value)
        self._phone_cache = lru_cache(maxsize=_CACHE)(self._junk_phone)

    # --- any field ------------------------------------------------------------------------------

    def is_junk_value(self, raw: str | None) -> bool:
        """True for a placeholder in any field: blank, punctuation only, "n/a", "Unknown", "xxx"..."""
        if raw is None:
            return True
        return self._value_cache(raw if isinstance(raw, str) else str(raw))

    def _junk_value(self, raw: str) -> bool:
        return self.is_junk_key(_compact(raw))

    def is_junk_key(self, key: str) -> bool:
        """is_junk_value of a value whose compact form (letters and digits only, folded) is `key`: for
        ASCII text that form is the lower-cased text less every character but a-z and 0-9, which the
        columnar ingest computes for a whole column at once."""
        if not key or key in self._values:
            return True
        return self._value_rx is not None and self._value_rx.fullmatch(key) is not None

    def is_junk_date(self, iso: str | None) -> bool:
        """True for a placeholder date of birth (takes the ISO output of ``date()``): 1900-01-01..."""
        return iso is not None and iso in self._dates

    # --- e-mail ---------------------------------------------------------------------------------

    def is_junk_email(self, normalised: str | None) -> bool:
        """True for a placeholder address (takes the output of ``email()``): a listed address,
        any address at a junk domain or its subdomains (example.com, *.test ...), a junk local
        part at any domain (noreply@, no.email@, test123@ ...), or a local part that repeats the
        domain's name (a@a.de, keine@keine.de)."""
        if not normalised:
            return True
        e = normalised.strip().lower()
        if e in self._addresses:
            return True
        local, at, domain = e.rpartition("@")
        if not at or not local or not domain:
            return True  # not an address at all
        if self._junk_domain(domain):
            return True
        key = _local_key(local)
        if not key or key in self._locals:
            return True
        # A local part that repeats the domain's name is typed to get past a form, in any language
        # (a@a.de, keine@keine.de, aucun@aucun.fr), never a mailbox anyone reads.
        if key == domain.split(".", 1)[0].translate(_LOCAL_PUNCT):
            return True
        return self._local_rx is not None and self._local_rx.fullmatch(key) is not None

    def junk_email_column(self, addresses: pl.Series) -> pl.Series:
        """`is_junk_email` of every address of a column (the output of `email_column`; lower case, no
        white space), computed by polars but for the local patterns, which Python's `re` matches once
        per distinct local part that the other rules let pass. Null for null."""
        import polars as pl

        local, domain = split_column(addresses)
        key = local.str.split("+").list.first().str.replace_all("[._-]", "")
        name = domain.str.split(".").list.first().str.replace_all("[._-]", "")
        distinct = domain.drop_nulls().unique().to_list()
        junk_domains = [d for d in distinct if self._junk_domain(d)]
        junk = (addresses.is_in(sorted(self._addresses)) | domain.is_in(junk_domains) | (key == "")
                | key.is_in(sorted(self._locals)) | (key == name))
        if self._local_rx is not None:
            keys = key.filter(~junk.fill_null(True)).unique().to_list()
            junk = junk | key.is_in([k for k in keys if self._local_rx.fullmatch(k) is not None])
        return pl.select(pl.when(addresses.is_not_null()).then(junk)).to_series()

    def _junk_domain(self, domain: str) -> bool:
        """The domain or a domain it is under is listed."""
        d = domain
        while True:
            if d in self._domains:
                return True
            dot = d.find(".")
            if dot < 0:
                return False
            d = d[dot + 1 :]

    # --- phone ----------------------------------------------------------------------------------

    def is_junk_phone(self, e164: str | None) -> bool:
        """True for a placeholder number (takes the output of ``phone()``): listed numbers, and a
        national number that is one repeated digit, has at most two distinct digits, is an
        ascending/descending digit run (1234567890, 0123456789, 9876543210) or ends in a 7-digit
        run or 7 identical digits. US 555-01xx fictional numbers are NOT junk."""
        if not e164:
            return True
        return self._phone_cache(e164)

    def junk_phone_column(self, numbers: pl.Series) -> pl.Series:
        """`is_junk_phone` of every number of a column (the output of ``phone()``: E.164), computed by
        polars. Null for null."""
        import polars as pl

        e164 = numbers.str.strip_chars()
        digits = e164.str.replace_all("[^0-9]", "")
        code = pl.select(pl.when(digits.str.slice(0, n).is_in(_COUNTRY_CODE_LIST)).then(n).alias(str(n))
                         for n in (1, 2, 3))
        skip = pl.select(pl.coalesce(*code.get_columns(), pl.lit(0))).to_series()
        national = pl.select(pl.when(e164.str.starts_with("+")).then(digits.str.slice(skip)).otherwise(digits)
                             ).to_series()
        tail = national.str.slice(-7)
        junk = e164.is_in(sorted(self._numbers)) | (digits == "") | (_distinct_digits(national) <= 2) | _run(national) \
            | ((national.str.len_chars() >= 7) & (_run(tail) | (_distinct_digits(tail) == 1)))
        if self._national:
            listed = sorted(self._national)
            junk = junk | national.str.strip_chars_start("0").is_in(listed) \
                | digits.str.strip_chars_start("0").is_in(listed)
        return pl.select(pl.when(numbers.is_not_null()).then(junk)).to_series()

    def _junk_phone(self, e164: str) -> bool:
        e164 = e164.strip()
        if e164 in self._numbers:
            return True
        digits = _NON_DIGIT.sub("", e164)
        if not digits:
            return True
        _, national = _split_country_code(digits) if e164.startswith("+") else ("", digits)
        if self._national and (national.lstrip("0") in self._national or digits.lstrip("0") in self._national):
            return True
        if len(set(national)) <= 2:  # 0000000000, 7777777777, 1212121212, 0000000001
            return True
        if _is_run(national):
            return True
        tail = national[-7:]
        return len(national) >= 7 and (_is_run(tail) or len(set(tail)) == 1)
