"""How values are written: phone numbers in national and international styles, dates, timestamps with
local UTC offsets (EU summer-time rule), addresses on one line or split, abbreviations."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from . import places
from .population import Address, Phone
from .rand import EPOCH, chance


# ----- phones -------------------------------------------------------------------------------------
def e164(p: Phone) -> str:
    return f"+{places.CALLING_CODE[p.country]}{p.nsn}"


def _groups(digits: str, sizes) -> str:
    out, i = [], 0
    for s in sizes:
        if i >= len(digits):
            break
        out.append(digits[i:i + s])
        i += s
    if i < len(digits):
        out[-1] += digits[i:]
    return " ".join(out)


def national(rng: random.Random, p: Phone) -> str:
    c = p.country
    trunk = places.TRUNK[c] + p.prefix
    sub = p.subscriber
    if c == "DE":
        sep = rng.choice([" ", " / ", "/", "-", "", " "])
        if not p.mobile and chance(rng, 0.15):
            return f"({trunk}) {sub}"
        return f"{trunk}{sep}{sub}"
    if c == "FR":
        digits = trunk + sub
        sep = rng.choice([" ", " ", ".", "", "-"])
        return sep.join(digits[i:i + 2] for i in range(0, 10, 2))
    if c == "NL":
        digits = trunk + sub
        if p.mobile:
            return rng.choice([f"06-{digits[2:]}", f"06 {digits[2:6]} {digits[6:]}", digits, f"06 {digits[2:]}"])
        return rng.choice([f"{trunk}-{sub}", f"{trunk} {sub[:3]} {sub[3:]}", trunk + sub])
    if c == "ES":
        digits = p.nsn
        landline_style = _groups(digits, (2, 3, 2, 2)) if not p.mobile else digits
        return rng.choice([_groups(digits, (3, 3, 3)), digits, landline_style])
    if c == "IT":
        if p.mobile:
            return rng.choice([f"{p.prefix} {sub[:3]} {sub[3:]}", p.nsn, f"{p.prefix}-{sub}", f"{p.prefix} {sub}"])
        return rng.choice([f"{p.prefix} {sub[:4]} {sub[4:]}", p.nsn, f"{p.prefix}/{sub}"])
    # UK
    digits = "0" + p.nsn
    if p.mobile:
        return rng.choice([f"{digits[:5]} {digits[5:]}", digits, f"{digits[:5]} {digits[5:8]} {digits[8:]}"])
    if p.prefix == "20":
        return rng.choice([f"020 {sub[:4]} {sub[4:]}", digits, f"(020) {sub[:4]} {sub[4:]}"])
    return rng.choice([f"{trunk} {sub[:3]} {sub[3:]}", digits, f"({trunk}) {sub}"])


def international(rng: random.Random, p: Phone, spaced: float = 0.5) -> str:
    cc = places.CALLING_CODE[p.country]
    u = rng.random()
    if u < spaced:
        if p.country == "FR":
            return f"+33 {p.prefix} " + " ".join(p.subscriber[i:i + 2] for i in range(0, 8, 2))
        return f"+{cc} {p.prefix} {p.subscriber}"
    if u < spaced + 0.08:
        return f"00{cc} {p.prefix} {p.subscriber}"
    if u < spaced + 0.12 and places.TRUNK[p.country]:
        return f"+{cc} (0){p.prefix} {p.subscriber}"
    return e164(p)


def any_style(rng: random.Random, p: Phone, p_national: float) -> str:
    return national(rng, p) if chance(rng, p_national) else international(rng, p)


# ----- dates and times ----------------------------------------------------------------------------
def _last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return d - timedelta(days=(d.weekday() + 1) % 7)


def utc_offset(country: str, moment: datetime) -> int:
    standard, summer = places.UTC_OFFSET[country]
    y = moment.year
    start = datetime.combine(_last_sunday(y, 3), datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=1)
    end = datetime.combine(_last_sunday(y, 10), datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=1)
    return summer if start <= moment < end else standard


def iso_local(moment: datetime, country: str, fraction: bool = False) -> str:
    hours = utc_offset(country, moment)
    local = moment + timedelta(hours=hours)
    text = local.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        text += f".{moment.microsecond // 1000:03d}"
    return f"{text}{'+' if hours >= 0 else '-'}{abs(hours):02d}:00"


def iso_z(moment: datetime, fraction: bool = False) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def epoch_ms(moment: datetime) -> str:
    delta = moment - EPOCH
    return str(delta.days * 86400000 + delta.seconds * 1000 + delta.microseconds // 1000)


def date_from(moment: datetime) -> date:
    return date(moment.year, moment.month, moment.day)


# ----- addresses ----------------------------------------------------------------------------------
def abbreviate(rng: random.Random, street: str, country: str) -> str:
    options = [(a, b) for a, b in places.STREET_ABBREV[country] if a in street]
    if not options:
        return street
    a, b = rng.choice(options)
    return street.replace(a, b, 1)


def street_line(addr: Address, street: str | None = None, with_flat: bool = True) -> str:
    """Street and house number in the country's order, with the flat: "12 rue Pasteur", "Kerkstraat 12-2",
    "Calle Mayor 5, 3º 2ª", "Flat 2, 12 High Street"."""
    s = street or addr.street
    no, c = addr.house_no, addr.country
    flat = addr.flat if with_flat else ""
    if c in ("FR", "UK"):
        return f"{flat}, {no} {s}" if flat else f"{no} {s}"
    if c == "NL" and flat:
        return f"{s} {no}{flat if flat.startswith('-') else ' ' + flat.strip()}"
    return f"{s} {no}, {flat}" if flat else f"{s} {no}"


def city_line(addr: Address, postcode: str | None = None, city: str | None = None) -> str:
    pc, ct = postcode if postcode is not None else addr.postcode, city or addr.city
    if addr.country == "UK":
        return f"{ct} {pc}"
    return f"{pc} {ct}"


def one_line(rng: random.Random, addr: Address, street: str, postcode: str, city: str) -> str:
    line = street_line(addr, street, with_flat=chance(rng, 0.6))
    sep = rng.choice([", ", " ", ", ", " - "]) if addr.country != "UK" else ", "
    if addr.country == "DE" and chance(rng, 0.05):
        return f"{postcode} {city}, {line}"
    return f"{line}{sep}{city_line(addr, postcode, city)}"
