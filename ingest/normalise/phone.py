"""Telephone numbers: E.164 ("+447700900123") via Google's libphonenumber port.

Validity rule: a number must be *possible* (right length for its country, and a full number, not a
local-only one like US "555-0123"); it need not be *valid* (allocated to a real range). Synthetic
and test data use the Ofcom drama range 07700 900xxx and US 555-01xx, which libphonenumber calls
invalid, and ``is_valid_number`` also costs ~10 us a call; junk placeholders are the job of
``JunkRules.is_junk_phone``, not of this function.
"""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

from .errors import InvalidValue

_E164 = PhoneNumberFormat.E164
_IS_POSSIBLE = ValidationResult.IS_POSSIBLE
CACHE_SIZE = 1 << 16  # 65,536 distinct (raw, region) pairs: ~22 MiB when full


def _try(text: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(text, region, keep_raw_input=False)
    except NumberParseException:
        return None
    if phonenumbers.is_possible_number_with_reason(number) != _IS_POSSIBLE:
        return None
    return phonenumbers.format_number(number, _E164)  # extensions ("ext 12", "x45") are dropped


_REGIONS = frozenset(phonenumbers.SUPPORTED_REGIONS)
_REGION_ALIASES = {"UK": "GB"}


def check_region(region: str) -> str:
    """The region libphonenumber knows for ``region`` ("uk" is "GB"); ValueError for an unknown one."""
    code = region.upper()
    if code in _REGIONS:
        return code
    if code in _REGION_ALIASES:
        return _REGION_ALIASES[code]
    raise ValueError(f"unknown phone region {region!r}: use an ISO 3166 alpha-2 code such as 'GB' or 'US'")


@lru_cache(maxsize=CACHE_SIZE)
def _cached(raw: str, region: str | None) -> str | None | InvalidValue:
    if region is not None and region not in _REGIONS:
        region = check_region(region)  # a configuration error is raised (never cached), not an InvalidValue
    text = raw.strip()
    if not text:
        return None
    result = _try(text, region)
    if result is None:
        # "0044 ..." where the region's international prefix is not 00 (the US dials 011)
        digits_start = text.lstrip(" (")
        if digits_start.startswith("00"):
            result = _try("+" + digits_start[2:], None)
    if result is None:
        return InvalidValue("phone-invalid", raw)
    return result


# phone() of texts parsed by another process (ingest's phone worker, ingest/phone_worker.py) for the block
# under way, consulted before the memo: the same function's results, so an entry missing costs a parse.
_given: dict[tuple[str, str | None], str | None | InvalidValue] = {}
_NOT_GIVEN = object()


def parse_many(texts: list[str], region: str | None) -> list[str | None | bool]:
    """phone() of each text read in `region`, for another process: E.164, None (blank), False (unusable)."""
    region = region.upper() if region else None
    return [False if r.__class__ is InvalidValue else r for r in (_cached(t, region) for t in texts)]


def remember(texts: list[str], region: str | None, results: list[str | None | bool]) -> None:
    """Takes `parse_many`'s results, until `forget`."""
    region = region.upper() if region else None
    for text, result in zip(texts, results, strict=True):
        _given[(text, region)] = InvalidValue("phone-invalid", text) if result is False else result


def forget() -> None:
    _given.clear()


def phone(raw: str | None, region: str) -> str | None:
    """E.164 form of ``raw`` read with ``region`` (ISO alpha-2, e.g. "GB", "US") as the default
    country, or None for blank input.

    Accepts any common punctuation, "+44", "0044"/"011 44" international prefixes, national trunk
    prefixes ("020 ...", "07700 ..."), "+44 (0)20 ...", vanity letters and extensions (dropped).
    A falsy ``region`` only accepts international numbers. Memoised on (raw, region).

    Raises InvalidValue("phone-invalid") when the value is not a possible full number, and
    ValueError for a region libphonenumber does not know ("UK" is accepted as "GB").
    """
    if raw is None:
        return None
    if not isinstance(raw, str):
        raw = str(raw)
    region = region.upper() if region else None
    result = _given.get((raw, region), _NOT_GIVEN) if _given else _NOT_GIVEN
    if result is _NOT_GIVEN:
        result = _cached(raw, region)
    if result.__class__ is InvalidValue:
        raise result._fresh()
    return result


phone.cache_info = _cached.cache_info  # type: ignore[attr-defined]
phone.cache_clear = _cached.cache_clear  # type: ignore[attr-defined]
