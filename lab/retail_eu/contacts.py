"""Contact details of people and households over time: personal emails (0-3, built from the name of
the day and a provider of the country and era), family emails of couples, mobiles (a second one after a
change of number or a move across a border), household landlines, phone device ids renewed every 2-4
years, browser cookies reset every 1-3 years, shared tablets and laptops. Rates are in ``population``'s
docstring. Called by ``population.build`` once everyone exists."""
from __future__ import annotations

import random
import unicodedata
from datetime import date
from typing import TYPE_CHECKING

from .rand import REF, Weighted, add_years, chance, day_between, hexid, uuid4

if TYPE_CHECKING:
    from .population import Builder, Household, Person

EARLY = date(1900, 1, 1)
LANDLINE = {"DE": 0.45, "FR": 0.40, "NL": 0.20, "ES": 0.25, "IT": 0.30, "UK": 0.35}
IOS_SHARE = {"DE": 0.35, "FR": 0.3, "NL": 0.4, "ES": 0.25, "IT": 0.3, "UK": 0.5}


def ascii_fold(text: str) -> str:
    text = text.replace("ß", "ss").replace("Ł", "L").replace("ł", "l").replace("ı", "i").replace("Ø", "O")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _local_parts(rng: random.Random, person: Person, surname: str, when: date) -> str:
    g = ascii_fold(person.call).lower().replace(" ", "").replace("'", "")
    g_off = ascii_fold(person.given[0]).lower().replace(" ", "").replace("'", "")
    parts = ascii_fold(surname).lower().replace("'", "").split()
    s = "".join(parts).replace("-", "")
    if person.culture == "ES" and len(parts) >= 2 and chance(rng, 0.5):
        s = parts[0]
    yy = f"{person.dob.year % 100:02d}"
    n = str(rng.randint(1, 999))
    words = ["sunny", "blue", "wolf", "bella", "star", "tiger", "luna", "rocky", "mare", "sol", "zon",
             "kiki", "dream", "pixel", "gato", "chat", "koala", "panda", "max", "fox"]
    pattern = rng.random()
    if pattern < 0.28:
        return f"{g}.{s}"
    if pattern < 0.40:
        return f"{g}{s}"
    if pattern < 0.50:
        return f"{g[0]}.{s}" if g else s
    if pattern < 0.58:
        return f"{g}.{s}{yy}"
    if pattern < 0.64:
        return f"{s}.{g}"
    if pattern < 0.69:
        return f"{g}_{s}"
    if pattern < 0.75:
        return f"{g}{yy}"
    if pattern < 0.82:
        return f"{g_off}.{s}"
    if pattern < 0.88:
        return f"{s}{n}"
    return f"{rng.choice(words)}{rng.choice(words)}{n}"


def make_email(b: Builder, person: Person, when: date) -> str:
    rng = b.rng
    country = person.country_at(when)
    era = "old" if when.year < 2012 else "new"
    domain = b.email_domains[(country, era)].pick(rng)
    surname = person.surname_at(when)
    local = _local_parts(rng, person, surname, when).strip(".-_") or "kunde"

    def make():
        nonlocal local
        candidate = f"{local}@{domain}"
        local = f"{local}{rng.randint(1, 99)}"
        return candidate
    return b.emails.take(make)


def family_email(b: Builder, hh: Household, a: Person, c: Person) -> str:
    rng = b.rng
    country = hh.country
    domain = b.email_domains[(country, "old" if chance(rng, 0.5) else "new")].pick(rng)
    s = ascii_fold(a.surname_at(REF)).lower().replace(" ", "").replace("'", "").replace("-", "")
    g1, g2 = ascii_fold(a.call).lower().replace(" ", ""), ascii_fold(c.call).lower().replace(" ", "")
    word = {"DE": "familie", "FR": "famille", "NL": "fam", "ES": "familia", "IT": "famiglia", "UK": "the"}[country]
    forms = [f"{word}.{s}", f"{word}{s}", f"{s}.{g1}.{g2}", f"{g1}.{g2}.{s}", f"{g1}und{g2}" if country == "DE"
             else f"{g1}et{g2}" if country == "FR" else f"{g1}en{g2}" if country == "NL" else f"{g1}y{g2}"
             if country == "ES" else f"{g1}e{g2}" if country == "IT" else f"{g1}and{g2}"]
    if country == "UK":
        forms[0] = f"the{s}s"
    local = rng.choice(forms)

    def make():
        nonlocal local
        candidate = f"{local}@{domain}"
        local = f"{local}{rng.randint(1, 9)}"
        return candidate
    return b.emails.take(make)


def ga_cookie(rng: random.Random) -> str:
    """A Google Analytics style client id: GA1.2.<random>.<first visit, epoch seconds>."""
    return f"GA1.2.{rng.randint(100000000, 2147483647)}.{rng.randint(1546300800, 1735603200)}"


def contact_details(b: Builder) -> None:
    rng = b.rng
    for hh in b.households:
        members = hh.members
        adults = [p for p in members if p.age >= 18]
        for p in members:
            p.ios = chance(rng, IOS_SHARE[hh.country])
            # personal emails
            if p.age >= 75:
                k = 0 if chance(rng, 0.35) else Weighted.of({1: 0.7, 2: 0.3}).pick(rng)
            elif p.age < 18:
                k = 1
            else:
                k = Weighted.of({0: 0.05, 1: 0.5, 2: 0.33, 3: 0.12}).pick(rng)
            start = max(add_years(p.dob, 14), date(1999, 1, 1))
            starts = [day_between(rng, start, max(start, date(2014, 12, 31)))]
            for _ in range(k - 1):
                starts.append(day_between(rng, add_years(starts[0], 1), date(2024, 10, 31)))
            for when in sorted(starts)[:k]:
                p.emails.append((when, make_email(b, p, when)))
            # mobiles
            if chance(rng, 0.7 if p.age >= 75 else 0.93):
                first_country = p.household.addresses[0][1].country
                p.mobiles.append((EARLY, b.mobile(first_country)))
                if hh.moved_on and hh.addresses[-1][1].country != first_country and chance(rng, 0.8):
                    p.mobiles.append((hh.moved_on, b.mobile(hh.country)))
                elif chance(rng, 0.12):
                    p.mobiles.append((day_between(rng, date(2016, 1, 1), date(2024, 6, 30)), b.mobile(hh.country)))
                # phone devices: a new one every 2-4 years
                when = date(2015, 1, 1)
                while when < REF:
                    p.devices.append((when, uuid4(rng, upper=True) if p.ios else hexid(rng, 16)))
                    when = add_years(when, rng.randint(2, 4))
                    when = day_between(rng, when, add_years(when, 1))
            # browser cookies
            when = date(2019, 1, 1)
            for _ in range(Weighted.of({1: 0.5, 2: 0.35, 3: 0.15}).pick(rng)):
                p.cookies.append((when, ga_cookie(rng)))
                when = day_between(rng, add_years(when, 1), add_years(when, 3))
        # household-wide
        if chance(rng, LANDLINE[hh.country] + (0.15 if any(p.age > 60 for p in adults) else 0.0)):
            hh.landline = b.landline(hh.addresses[-1][1])
        couple = [p for p in members[:2] if p.age >= 18] if hh.kind in ("couple", "family", "three_gen") else []
        if len(couple) == 2 and chance(rng, 0.3):
            hh.family_email = family_email(b, hh, couple[0], couple[1])
        if len(members) > 1:
            if chance(rng, 0.25):
                hh.tablet = uuid4(rng, upper=True) if chance(rng, 0.5) else hexid(rng, 16)
            if chance(rng, 0.3):
                hh.laptop_cookie = ga_cookie(rng)
