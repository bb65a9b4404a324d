"""The population: households, twins, married and common names, then each person's e-mails and mobile."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from .data import (
    _DOMAIN, _HOUSEHOLD_SIZE, _MOBILE_BLOCKS, _OLD_DOMAIN, _POSTCODE_LETTERS, _SUFFIX, COMMON_NAMES,
    JUNK_EMAILS, NICKNAMES, _Tables, _Town,
)


@dataclass(slots=True)
class _Home:
    address: str
    town: str
    postcode: str
    landline: tuple[str, str] | None  # (dial code, local number)
    old_address: str | None = None  # before moving house: older systems still show it
    old_town: str | None = None
    old_postcode: str | None = None


@dataclass(slots=True)
class _Person:
    idx: int
    pid: str
    sex: str
    first: str
    last: str  # surname today
    dob: date
    home: _Home
    household: int
    household_size: int
    maiden: str | None = None  # birth surname of a married woman who took her husband's name
    name_changed: bool = False  # the loyalty system still shows the maiden name
    twin: bool = False
    common_name: bool = False
    email: str = ""
    old_email: str | None = None
    family_email: str | None = None  # another member's (family) address this person uses too
    mobile: str = ""  # national digits 07xxxxxxxxx
    in_crm: bool = False
    crm_dupe: bool = False
    in_loyalty: bool = False
    in_newsletter: bool = False
    in_web: bool = False
    junk_newsletter: str | None = None
    crm_ids: list[str] = field(default_factory=list)


def _dob(rng: random.Random, year: int) -> date:
    year = min(max(year, 1930), 2006)
    return date(year, 1, 1) + timedelta(days=rng.randrange(366 if year % 4 == 0 else 365))


def _postcode(rng: random.Random, area: str) -> str:
    district = rng.randint(1, 20)
    letters = _POSTCODE_LETTERS
    return f"{area}{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _street_address(rng: random.Random, t: _Tables) -> str:
    street = f"{rng.choice(t.streets)} {_SUFFIX(rng)}"
    number = rng.randint(1, 220)
    if rng.random() < 0.08:
        return f"Flat {rng.randint(1, 12)}, {number} {street}"
    return f"{number} {street}"


def _landline(rng: random.Random, town: _Town, taken: set[str]) -> tuple[str, str]:
    length = 11 - len(town.dial_code)
    while True:
        local = rng.choice(town.local_first_digits) + "".join(rng.choices("0123456789", k=length - 1))
        if town.dial_code + local not in taken:
            taken.add(town.dial_code + local)
            return town.dial_code, local


def _home(rng: random.Random, t: _Tables, size: int, landlines: set[str]) -> _Home:
    town: _Town = t.towns(rng)
    has_landline = rng.random() < (0.9 if size > 1 else 0.35)
    home = _Home(
        address=_street_address(rng, t),
        town=town.name,
        postcode=_postcode(rng, town.area),
        landline=_landline(rng, town, landlines) if has_landline else None,
    )
    if rng.random() < 0.15:  # moved house in the last years
        old_town = town if rng.random() < 0.6 else t.towns(rng)
        home.old_address = _street_address(rng, t)
        home.old_town = old_town.name
        home.old_postcode = _postcode(rng, old_town.area)
    return home


def _first_name(rng: random.Random, t: _Tables, sex: str, avoid: tuple[str, ...] = ()) -> str:
    while True:
        name = t.first[sex](rng)
        if name not in avoid:
            return name


def _people(n: int, rng: random.Random, t: _Tables) -> list[_Person]:
    people: list[_Person] = []
    landlines: set[str] = set()
    twins_min = max(2, n // 400)
    twins = 0
    household = 0
    while len(people) < n:
        size = min(_HOUSEHOLD_SIZE(rng), n - len(people))
        home = _home(rng, t, size, landlines)
        household += 1
        surname = t.last(rng)
        head_sex = rng.choice("MF")
        head_year = int(rng.triangular(1938, 2005, 1972))
        members: list[tuple[str, str, date, str | None]] = []  # sex, surname, dob, maiden
        members.append((head_sex, surname, _dob(rng, head_year), None))
        if size >= 2:
            p_sex = ("F" if head_sex == "M" else "M") if rng.random() < 0.92 else head_sex
            p_dob = _dob(rng, head_year + rng.randint(-6, 6))
            if rng.random() < 0.75:  # spouses with the same surname
                maiden = None
                if p_sex == "F":
                    while (maiden := t.last(rng)) == surname:
                        pass
                members.append((p_sex, surname, p_dob, maiden))
            else:
                members.append((p_sex, t.last(rng), p_dob, None))
        rest = size - len(members)
        if rest > 0 and head_year + 20 <= 2006:
            if rest >= 2 and (twins < twins_min or rng.random() < 0.2):
                twin_dob = _dob(rng, rng.randint(head_year + 20, min(head_year + 35, 2006)))
                members.append((rng.choice("MF"), surname, twin_dob, None))
                members.append((rng.choice("MF"), surname, twin_dob, None))
                rest -= 2
                twins += 1
            for _ in range(rest):
                members.append((rng.choice("MF"), surname,
                                _dob(rng, rng.randint(head_year + 20, min(head_year + 35, 2006))), None))
        else:
            for _ in range(rest):  # siblings or flatmates of a young head
                same = rng.random() < 0.5
                members.append((rng.choice("MF"), surname if same else t.last(rng),
                                _dob(rng, head_year + rng.randint(-4, 4)), None))
        names: tuple[str, ...] = ()
        first_idx = len(people)
        for sex, last, dob, maiden in members:
            first = _first_name(rng, t, sex, names)
            names += (first,)
            idx = len(people)
            people.append(_Person(idx=idx, pid=f"P{idx + 1:07d}", sex=sex, first=first, last=last, dob=dob,
                                  home=home, household=household, household_size=size, maiden=maiden))
        # mark twins: same surname and dob inside one household
        for a in people[first_idx:]:
            for b in people[first_idx:]:
                if a is not b and a.dob == b.dob and a.last == b.last:
                    a.twin = True
    return people


def _force_hard_cases(people: list[_Person], rng: random.Random) -> None:
    n = len(people)
    # a married surname in the CRM, the maiden name still on the loyalty card
    married = [p for p in people if p.maiden]
    for p in rng.sample(married, min(len(married), max(3, n // 300))):
        p.name_changed = True
    # John Smiths in different towns, some pairs born in the same year
    singles = [p for p in people if p.household_size == 1]
    chosen = rng.sample(singles, min(len(singles), max(16, n // 200)))
    last_year: dict[tuple[str, str], int] = {}
    for i, p in enumerate(chosen):  # a quarter of them John Smith, the rest spread over the others
        first, last, sex = COMMON_NAMES[0 if i < len(chosen) // 4 else 1 + i % (len(COMMON_NAMES) - 1)]
        p.first, p.last, p.sex, p.common_name = first, last, sex, True
        if (first, last) in last_year and rng.random() < 0.5:
            p.dob = _dob(rng, last_year[(first, last)])
        last_year[(first, last)] = p.dob.year


# ------------------------------------------------------------------------------ names and numbers


def _ascii(s: str) -> str:
    folded = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]", "", folded)


def _email_key(email: str) -> str:
    """The address as the strictest matcher would see it (gmail ignores dots), for uniqueness."""
    local, _, domain = email.partition("@")
    if domain in ("gmail.com", "googlemail.com"):
        return local.replace(".", "") + "@gmail.com"
    return email


def _new_email(rng: random.Random, first: str, last: str, year: int, taken: set[str], old: bool = False) -> str:
    f, l = _ascii(first) or "x", _ascii(last) or "y"
    yy = f"{year % 100:02d}"
    r = rng.random()
    if r < 0.30:
        local = f"{f}.{l}"
    elif r < 0.45:
        local = f"{f}{l}"
    elif r < 0.57:
        local = f"{f[0]}{l}"
    elif r < 0.69:
        local = f"{f}.{l}{yy}"
    elif r < 0.77:
        local = f"{f}_{l}"
    elif r < 0.85:
        local = f"{l}{f[0]}"
    elif r < 0.93:
        local = f"{f}{rng.randint(1, 999)}"
    else:
        local = f"{f[0]}.{l}{rng.randint(1, 99)}"
    domain = (_OLD_DOMAIN if old else _DOMAIN)(rng)
    email = f"{local}@{domain}"
    while _email_key(email) in taken:
        email = f"{local}{rng.randint(1, 9999)}@{domain}"
    taken.add(_email_key(email))
    return email


def _family_email(rng: random.Random, p: _Person, taken: set[str]) -> str:
    last = _ascii(p.last) or "family"
    local = rng.choice((f"the{last}s", f"{last}family", f"{last}{rng.randint(1, 99)}", f"{last}house"))
    domain = rng.choice(("btinternet.com", "sky.com", "virginmedia.com", "gmail.com", "talktalk.net"))
    email = f"{local}@{domain}"
    while _email_key(email) in taken:
        email = f"{local}{rng.randint(1, 999)}@{domain}"
    taken.add(_email_key(email))
    return email


def _mobile(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = f"0{rng.choice(_MOBILE_BLOCKS)}{rng.randrange(1_000_000):06d}"
        if number not in taken:
            taken.add(number)
            return number


def _identities(people: list[_Person], rng: random.Random) -> set[str]:
    """Mobiles, e-mails, old e-mails and family e-mails; returns the e-mail keys taken."""
    emails: set[str] = set(_email_key(e) for e in JUNK_EMAILS)
    mobiles: set[str] = set()
    for p in people:
        p.mobile = _mobile(rng, mobiles)
        given = p.first
        if given in NICKNAMES and rng.random() < 0.25:
            given = rng.choice(NICKNAMES[given])
        p.email = _new_email(rng, given, p.last, p.dob.year, emails)
        if p.name_changed:
            p.old_email = _new_email(rng, p.first, p.maiden or p.last, p.dob.year, emails, old=True)
        elif rng.random() < 0.25:
            p.old_email = _new_email(rng, p.first, p.last, p.dob.year, emails, old=True)
    # one family address shared in different systems by different members
    by_household: dict[int, list[_Person]] = {}
    for p in people:
        by_household.setdefault(p.household, []).append(p)
    for members in by_household.values():
        if len(members) >= 2 and rng.random() < 0.15:
            family = _family_email(rng, members[0], emails)
            members[0].email = family
            members[1].family_email = family
    return emails
