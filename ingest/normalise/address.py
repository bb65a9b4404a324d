"""Postal addresses: street line, postcode, city and country in comparable forms.

Street lines and cities are folded like names (``text.fold``: ASCII, lower case, punctuation gone,
single spaces) and common street-type, unit and direction words are shortened to one standard
abbreviation, so "12 North Road, Flat 3" and "12 N. Rd Apt #3" both become "12 n rd apt 3".
"""

from __future__ import annotations

import re
from functools import lru_cache

from phonenumbers import SUPPORTED_REGIONS

from .errors import InvalidValue
from .text import fold

# Full words and their usual abbreviations -> one abbreviation (USPS style where it has one).
_ABBREVIATIONS = {
    "street": "st", "str": "st",  # "st" (street or saint) is already canonical
    "road": "rd",
    "avenue": "ave", "av": "ave", "avenu": "ave", "avn": "ave",
    "lane": "ln",
    "drive": "dr", "drv": "dr",
    "court": "ct", "crt": "ct",
    "place": "pl",
    "square": "sq",
    "crescent": "cres", "cresc": "cres", "cr": "cres",
    "close": "cl",
    "terrace": "ter", "terr": "ter",
    "boulevard": "blvd", "boul": "blvd",
    "highway": "hwy",
    "parkway": "pkwy",
    "circle": "cir",
    "gardens": "gdns",
    "grove": "grv", "gro": "grv",
    "mount": "mt",
    "saint": "st",
    "centre": "ctr", "center": "ctr",
    "apartment": "apt", "appt": "apt", "flat": "apt",
    "suite": "ste",
    "building": "bldg",
    "floor": "fl",
    "north": "n", "south": "s", "east": "e", "west": "w",
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}
_PO_BOX = re.compile(r"\b(?:p o|post office|pob|pobox)(?: box)?\b")
_CITY_WORDS = {"saint": "st", "mount": "mt", "fort": "ft"}


@lru_cache(maxsize=1 << 16)
def _address(raw: str) -> str | None:
    folded = fold(raw)
    if not folded:
        return None
    if "p" in folded:
        folded = _PO_BOX.sub("po box", folded)
    get = _ABBREVIATIONS.get
    return " ".join([get(t, t) for t in folded.split(" ")])


def address(raw: str | None) -> str | None:
    """A street line folded and abbreviated ("12 North Road, Flat 3" -> "12 n rd apt 3");
    None when blank or nothing word-like is left. Never raises."""
    if raw is None:
        return None
    return _address(raw if isinstance(raw, str) else str(raw))


@lru_cache(maxsize=1 << 14)
def _city(raw: str) -> str | None:
    folded = fold(raw)
    if not folded:
        return None
    get = _CITY_WORDS.get
    return " ".join([get(t, t) for t in folded.split(" ")])


def city(raw: str | None) -> str | None:
    """A city folded like a name, with saint/mount/fort shortened to st/mt/ft
    ("Saint-Étienne" -> "st etienne", "Stratford-upon-Avon" -> "stratford upon avon")."""
    if raw is None:
        return None
    return _city(raw if isinstance(raw, str) else str(raw))


# --- postcodes --------------------------------------------------------------------------------

_UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
_UK_REGIONS = frozenset({"GB", "GG", "JE", "IM"})  # Guernsey, Jersey, Isle of Man use UK postcodes
_US_ZIP = re.compile(r"([0-9]{3,5})(?:[- ]?[0-9]{4})?")
_US_ZIP_PLUS4 = re.compile(r"([0-9]{5})-[0-9]{4}")
_NL_POSTCODE = re.compile(r"([1-9][0-9]{3}) ?([A-Z]{2})")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]+")
_SPACES = re.compile(r"\s+")


def _uk(compact: str) -> str | None:
    if _UK_POSTCODE.fullmatch(compact) or compact == "GIR0AA":
        return f"{compact[:-3]} {compact[-3:]}"
    return None


@lru_cache(maxsize=1 << 16)
def _postcode(raw: str, region: str | None) -> str | None | InvalidValue:
    s = _SPACES.sub(" ", raw.strip().upper())
    if not s:
        return None
    if region in _UK_REGIONS:
        uk = _uk(_NOT_ALNUM.sub("", s))
        return uk if uk else InvalidValue("postcode-format", raw, "not a UK postcode")
    if region == "NL":  # "1234AB" and "1234 ab" are one postcode
        m = _NL_POSTCODE.fullmatch(s)
        return f"{m.group(1)} {m.group(2)}" if m else s
    if region == "US":
        m = _US_ZIP.fullmatch(s)
        if m is None or (len(m.group(1)) < 5 and len(s) > 4):
            return InvalidValue("postcode-format", raw, "not a US ZIP code")
        return m.group(1).zfill(5)  # ZIP+4 -> ZIP; "2134" (zero lost in a spreadsheet) -> "02134"
    if region is None:
        uk = _uk(_NOT_ALNUM.sub("", s))
        if uk:
            return uk
        m = _US_ZIP_PLUS4.fullmatch(s)
        if m:
            return m.group(1)
    return s


def postcode(raw: str | None, country: str | None = None) -> str | None:
    """A postcode upper-cased with inner whitespace collapsed; None when blank.

    ``country`` (anything ``country()`` understands; unknown is treated as absent):
    - GB (and GG/JE/IM): any spacing or case -> "SW1A 1AA"; not UK-shaped -> InvalidValue("postcode-format").
    - US: ZIP+4 -> the 5-digit ZIP; a 3-4 digit ZIP is zero-padded (spreadsheets drop leading zeros);
      anything else -> InvalidValue("postcode-format").
    - Absent: a UK-shaped value is formatted as UK, "NNNNN-NNNN" cut to 5 digits, the rest left as is.
    - Any other country: upper case, whitespace collapsed, never raises.
    """
    if raw is None:
        return None
    region = _country(country) if country else None
    if region.__class__ is InvalidValue:
        region = None
    result = _postcode(raw if isinstance(raw, str) else str(raw), region)
    if result.__class__ is InvalidValue:
        raise result._fresh()
    return result


# --- countries --------------------------------------------------------------------------------

# ISO 3166 alpha-2 -> names, local names, alpha-3 and common codes. Compared folded with spaces
# removed, so "U.S.", "u s" and "US" are one key, as are "The Netherlands" and "the-netherlands".
_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "GB": ("GBR", "UK", "United Kingdom", "Great Britain", "Britain", "England", "Scotland", "Wales",
           "Northern Ireland", "United Kingdom of Great Britain and Northern Ireland"),
    "US": ("USA", "United States", "United States of America", "America"),
    "IE": ("IRL", "Ireland", "Eire", "Republic of Ireland"),
    "FR": ("FRA", "France"),
    "DE": ("DEU", "Germany", "Deutschland"),
    "ES": ("ESP", "Spain", "España"),
    "IT": ("ITA", "Italy", "Italia"),
    "NL": ("NLD", "Netherlands", "The Netherlands", "Holland", "Nederland"),
    "BE": ("BEL", "Belgium", "Belgique", "België"),
    "LU": ("LUX", "Luxembourg"),
    "PT": ("PRT", "Portugal"),
    "CH": ("CHE", "Switzerland", "Schweiz", "Suisse", "Svizzera"),
    "AT": ("AUT", "Austria", "Österreich"),
    "SE": ("SWE", "Sweden", "Sverige"),
    "NO": ("NOR", "Norway", "Norge"),
    "DK": ("DNK", "Denmark", "Danmark"),
    "FI": ("FIN", "Finland", "Suomi"),
    "IS": ("ISL", "Iceland"),
    "PL": ("POL", "Poland", "Polska"),
    "CZ": ("CZE", "Czech Republic", "Czechia"),
    "GR": ("GRC", "Greece"),
    "TR": ("TUR", "Turkey", "Türkiye"),
    "CA": ("CAN", "Canada"),
    "MX": ("MEX", "Mexico", "México"),
    "BR": ("BRA", "Brazil", "Brasil"),
    "AR": ("ARG", "Argentina"),
    "AU": ("AUS", "Australia"),
    "NZ": ("NZL", "New Zealand"),
    "IN": ("IND", "India"),
    "CN": ("CHN", "China"),
    "JP": ("JPN", "Japan"),
    "KR": ("KOR", "South Korea", "Korea", "Republic of Korea"),
    "SG": ("SGP", "Singapore"),
    "HK": ("HKG", "Hong Kong"),
    "AE": ("ARE", "UAE", "United Arab Emirates"),
    "ZA": ("ZAF", "South Africa"),
    "NG": ("NGA", "Nigeria"),
    "IL": ("ISR", "Israel"),
}


def _country_key(raw: str) -> str:
    return fold(raw).replace(" ", "")


_COUNTRY_TABLE = {
    _country_key(name): code for code, names in _COUNTRY_NAMES.items() for name in (code, *names)
}
# ISO 3166 alpha-2 codes: libphonenumber's regions plus the uninhabited ones it has no numbers for
# (it also knows AC, TA and XK, user-assigned but in real use, so those are accepted too).
_ALPHA2 = frozenset(SUPPORTED_REGIONS) | {"AQ", "BV", "GS", "HM", "PN", "TF", "UM"}


@lru_cache(maxsize=1 << 12)
def _country(raw: str) -> str | None | InvalidValue:
    key = _country_key(raw)
    if not key:
        return None
    code = _COUNTRY_TABLE.get(key)
    if code is None and len(key) == 2 and key.upper() in _ALPHA2:
        code = key.upper()
    return InvalidValue("country-unknown", raw) if code is None else code


def country(raw: str | None) -> str | None:
    """ISO 3166 alpha-2 code of a country name or code ("United Kingdom", "UK", "England",
    "U.S.", "USA", "Deutschland" ...); None when blank.

    Known: the names and alpha-3 codes in a small built-in table, and any alpha-2 code (any case)
    of the 245 regions libphonenumber knows. Anything else raises InvalidValue("country-unknown")
    rather than guessing (a present-but-unusable value, as everywhere in this package).
    """
    if raw is None:
        return None
    result = _country(raw if isinstance(raw, str) else str(raw))
    if result.__class__ is InvalidValue:
        raise result._fresh()
    return result


# --- a postcode inside the address line ---------------------------------------------------------

# Where a whole address is one column ("Schillerstr. 3 20494 Hamburg", "12 High St, Leeds LS1 4AB"), the
# postcode is the last postcode-shaped group that is not the line's first word; what follows it is the city.
_IN_LINE = {
    "uk": re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2})\b", re.IGNORECASE),
    "nl": re.compile(r"\b([1-9][0-9]{3} ?[A-Z]{2})\b", re.IGNORECASE),
    "5": re.compile(r"\b([0-9]{5})\b"),
    "4": re.compile(r"\b([1-9][0-9]{3})\b"),
}
_SHAPES = {
    **{r: "uk" for r in _UK_REGIONS}, "NL": "nl",
    **{r: "5" for r in ("DE", "FR", "ES", "IT", "US", "FI", "SE", "MX", "MY", "TR", "HR", "EE", "LT", "UA")},
    **{r: "4" for r in ("AT", "BE", "CH", "DK", "NO", "AU", "NZ", "HU", "LU", "SI", "ZA", "BG")},
}
_TRAILER = re.compile(r"^[\s,;\-]*([^\d,;]*?)[\s,;\-]*$")  # after the postcode: a city, nothing else


@lru_cache(maxsize=1 << 16)
def _postcode_in_line(raw: str, region: str | None) -> tuple[str, str, str | None] | None:
    shapes = [_SHAPES[region]] if region in _SHAPES else ["uk", "nl"]  # unknown country: unmistakable shapes only
    for shape in shapes:
        for m in reversed(list(_IN_LINE[shape].finditer(raw))):  # raw: upper() may change lengths (ß)
            before = raw[: m.start()].rstrip(" ,;-")
            trailer = _TRAILER.match(raw[m.end():])
            if not before or trailer is None or not re.search(r"[^\W\d_]", before):
                continue
            return before, m.group(1), (trailer.group(1) or None)
    return None


def postcode_in_line(raw: str | None, country: str | None = None) -> tuple[str, str, str | None] | None:
    """(address line, postcode, city) of a one-column address that holds its postcode, else None.

    Taken only from a group shaped as ``country``'s postcodes (GB, NL, five digits as in DE/FR/ES/IT/US,
    four as in AT/BE/CH/DK/AU...) that has street words before it and at most a city after it; without a
    country, only UK and Dutch shapes, which no house number has. The caller normalises the three parts.
    """
    if not raw or not isinstance(raw, str):
        return None
    return _postcode_in_line(raw, country)
