"""People and households: who exists, who lives with whom, and how their details change over time.

Household kinds (share of households): single 34 %, couple 25 %, family with children aged 16-35
24 % (4 % of families have twins: same birthday, surname and address), single parent 6 % (30 % of their
children carry the other parent's surname), flatshare of 2-4 unrelated adults 7 % (5 % of flatshares
hold adult twins), three generations 4 %. Everyone is 16 or older at the reference date (31 Dec 2024);
younger children have no customer records and are not people here.

Culture: 90 % of households take the names of their country of residence, 10 % another of the six
(an Italian family in Munich); flatmates draw theirs one by one.

Over time: 18 % of households moved (6 % twice; 10 % of moves cross a border, and then 80 % of the
movers get a new mobile of the new country); married couples (70 % of couples) where one took the other's
name at marriage, by country (DE 75 % wife takes husband's name + 10 % double name + 3 % husband takes
wife's; UK 75 + 5; NL 40 usage name; FR 60 usage name + 10 % double; IT 5; ES 0); 25 % of those
marriages (younger couples) happened 2016-2024, so older records hold the birth name. People have 0-3
personal emails over time (5 % none, 35 % none above 75), 30 % of couples share a family email, 93 % a
mobile (12 % changed number once), 20-45 % of households (by country) a landline, 25 % of multi-person
households a shared tablet and 30 % a shared laptop (one browser cookie for all). ``contacts`` makes
the contact details.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from . import contacts, names, places
from .rand import REF, Unique, Weighted, add_years, age_at, chance, day_between

EARLY = date(1900, 1, 1)


@dataclass
class Address:
    country: str
    city: str
    street: str
    house_no: str
    flat: str
    postcode: str
    area: str
    sub_len: int


@dataclass
class Phone:
    country: str
    prefix: str
    subscriber: str
    mobile: bool

    @property
    def nsn(self) -> str:
        return self.prefix + self.subscriber


@dataclass
class Person:
    pid: str
    household: "Household"
    culture: str
    sex: str
    dob: date
    given: list[str]                    # official given names, e.g. ["Johannes", "Cornelis"]
    call: str                           # the name the person goes by
    surname_birth: str
    surname_changes: list[tuple[date, str]] = field(default_factory=list)
    emails: list[tuple[date, str]] = field(default_factory=list)
    mobiles: list[tuple[date, Phone]] = field(default_factory=list)
    devices: list[tuple[date, str]] = field(default_factory=list)     # phone device ids over time
    cookies: list[tuple[date, str]] = field(default_factory=list)     # browser cookie ids over time
    ios: bool = False
    twin_of: str | None = None

    @property
    def age(self) -> int:
        return age_at(self.dob, REF)

    def surname_at(self, when: date) -> str:
        name = self.surname_birth
        for since, new in self.surname_changes:
            if when >= since:
                name = new
        return name

    @staticmethod
    def _at(items, when):
        if not items:
            return None
        found = items[0][1]
        for since, value in items:
            if when >= since:
                found = value
        return found

    def email_at(self, when: date) -> str | None:
        return self._at(self.emails, when)

    def mobile_at(self, when: date) -> Phone | None:
        return self._at(self.mobiles, when)

    def device_at(self, when: date) -> str | None:
        return self._at(self.devices, when)

    def cookie_at(self, when: date) -> str | None:
        return self._at(self.cookies, when)

    def address_at(self, when: date) -> Address:
        return self._at(self.household.addresses, when)

    def country_at(self, when: date) -> str:
        return self.address_at(when).country


@dataclass
class Household:
    hid: str
    kind: str
    addresses: list[tuple[date, Address]]
    members: list[Person] = field(default_factory=list)
    landline: Phone | None = None
    family_email: str | None = None
    tablet: str | None = None
    laptop_cookie: str | None = None
    moved_on: date | None = None

    @property
    def country(self) -> str:
        return self.addresses[-1][1].country


@dataclass
class Population:
    people: list[Person]
    households: list[Household]


HOUSEHOLD_KINDS = Weighted.of({"single": 0.34, "couple": 0.25, "family": 0.24, "single_parent": 0.06,
                               "flatshare": 0.07, "three_gen": 0.04})
COUNTRIES = Weighted.of(places.COUNTRY_WEIGHTS)
CULTURES = list(places.COUNTRY_WEIGHTS)
NAME_CHANGE = {  # (wife takes husband's, double name, husband takes wife's)
    "DE": (0.75, 0.10, 0.03), "UK": (0.75, 0.05, 0.01), "NL": (0.40, 0.0, 0.0),
    "FR": (0.60, 0.10, 0.0), "IT": (0.05, 0.0, 0.0), "ES": (0.0, 0.0, 0.0)}


def first_surname(surname: str) -> str:
    """The first of two Spanish surnames ("de la Fuente Pérez" -> "de la Fuente")."""
    lower = surname.lower()
    for particle in ("de la ", "del ", "de "):
        if lower.startswith(particle):
            rest = surname[len(particle):].split(" ")
            return surname[:len(particle)] + rest[0]
    return surname.split(" ")[0]


class Builder:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.cities = {c: Weighted([x[0] for x in v], [x[1] for x in v]) for c, v in places.CITIES.items()}
        self.city_rows = {c: {x[0]: x for x in v} for c, v in places.CITIES.items()}
        self.buildings: dict[tuple[str, str], list[Address]] = {}
        self.given = {(c, s, e): Weighted(*names.given_pool(c, s, e))
                      for c, groups in names.GIVEN.items() for (s, e) in groups}
        self.surnames = {c: Weighted(*names.surname_pool(c)) for c in CULTURES}
        self.mobile_prefix = {c: Weighted(v, [1] * len(v)) for c, v in places.MOBILE.items()}
        self.email_domains = {(c, era): Weighted.of(v)
                              for c, eras in places.EMAIL_DOMAINS.items() for era, v in eras.items()}
        self.emails = Unique()
        self.numbers = Unique()
        self.people: list[Person] = []
        self.households: list[Household] = []

    # ----- places -----------------------------------------------------------------------------
    def postcode(self, country: str, spec) -> str:
        rng = self.rng
        if country == "UK":
            letters = "ABDEFGHJLNPQRSTUWXYZ"
            return f"{rng.choice(spec)} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
        low, high = spec
        number = rng.randint(low, high)
        if country == "NL":
            letters = "ABCDEGHJKLMNPRTVWXZ"
            return f"{number} {rng.choice(letters)}{rng.choice(letters)}"
        if country == "FR" and low >= 75001 and high <= 75020:
            return f"{number:05d}"
        return f"{number:05d}"

    def house_number(self, country: str) -> str:
        rng = self.rng
        n = min(int(rng.expovariate(1 / 25)) + 1, 240)
        if chance(rng, 0.05):
            suffix = {"DE": rng.choice("abc"), "NL": rng.choice("ABC"), "FR": rng.choice([" bis", " ter"]),
                      "UK": rng.choice("AB"), "ES": "", "IT": rng.choice(["/A", "/B", "bis"])}[country]
            return f"{n}{suffix}"
        return str(n)

    def flat(self, country: str) -> str:
        rng = self.rng
        p = {"DE": 0.05, "FR": 0.35, "NL": 0.2, "ES": 0.75, "IT": 0.5, "UK": 0.25}[country]
        if not chance(rng, p):
            return ""
        floor = rng.randint(1, 8)
        return {"DE": f"{floor}. OG", "FR": rng.choice([f"Apt {rng.randint(1, 60)}", f"Bât. {rng.choice('ABCD')}"]),
                "NL": rng.choice(["hs", f"-{floor}", f" {'I' * min(floor, 3)}"]),
                "ES": f"{floor}º {rng.choice(['1ª', '2ª', '3ª', 'A', 'B', 'C', 'izda.', 'dcha.'])}",
                "IT": rng.choice([f"int. {rng.randint(1, 30)}", f"scala {rng.choice('ABC')}"]),
                "UK": f"Flat {rng.randint(1, 20)}"}[country]

    def address(self, country: str) -> Address:
        rng = self.rng
        city = self.cities[country].pick(rng)
        name, _, spec, area, sub_len = self.city_rows[country][city][:5]
        key = (country, city)
        existing = self.buildings.setdefault(key, [])
        if existing and chance(rng, 0.25):           # another household in the same building
            b = rng.choice(existing)
            flat = self.flat(country)
            return Address(country, city, b.street, b.house_no, flat, b.postcode, area, sub_len)
        addr = Address(country, city, rng.choice(places.STREETS[country]), self.house_number(country),
                       self.flat(country), self.postcode(country, spec), area, sub_len)
        existing.append(addr)
        return addr

    # ----- phones -----------------------------------------------------------------------------
    def subscriber(self, length: int, leads: str = "234578") -> str:
        rng = self.rng
        return rng.choice(leads) + "".join(str(rng.randrange(10)) for _ in range(length - 1))

    def mobile(self, country: str) -> Phone:
        def make():
            prefix, length = self.mobile_prefix[country].pick(self.rng)
            sub = self.subscriber(length, "12457" if (country, prefix) == ("FR", "6") else "234578")
            if country == "FR":
                body = prefix + sub
                return f"{country}:{body[:1]}:{body[1:]}"
            if country in ("ES", "UK", "NL"):
                body = prefix + sub
                cut = len(prefix) + 1 if country == "NL" else len(prefix) + 2
                return f"{country}:{body[:cut]}:{body[cut:]}"
            return f"{country}:{prefix}:{sub}"
        _, prefix, sub = self.numbers.take(make).split(":")
        return Phone(country, prefix, sub, True)

    def landline(self, addr: Address) -> Phone:
        row = self.city_rows[addr.country][addr.city]
        leads = row[5] if len(row) > 5 else "234578"
        if addr.country == "FR" and addr.area == "2":
            leads = "23478"                                    # 0262/0269 are overseas departments

        def make():
            sub = self.subscriber(addr.sub_len, leads)
            if addr.country == "UK" and addr.area == "29":
                sub = "20" + sub[2:]
            return f"{addr.country}:{addr.area}:{sub}"
        _, prefix, sub = self.numbers.take(make).split(":")
        return Phone(addr.country, prefix, sub, False)

    # ----- names ------------------------------------------------------------------------------
    def surname(self, culture: str) -> str:
        rng = self.rng
        s = self.surnames[culture].pick(rng)
        if culture == "ES":
            other = self.surnames[culture].pick(rng)
            return f"{s} {other}" if other != s else s
        if culture in ("UK", "DE") and chance(rng, 0.01):
            return f"{s}-{self.surnames[culture].pick(rng)}"
        return s

    def given_names(self, culture: str, sex: str, dob: date) -> tuple[list[str], str]:
        rng = self.rng
        era = "old" if dob.year < 1980 else "young"
        pool = self.given[(culture, sex, era)]
        first = pool.pick(rng)
        official = [first]
        p_second = {"DE": 0.15, "NL": 0.55 if dob.year < 1990 else 0.3, "FR": 0.1, "IT": 0.05,
                    "ES": 0.0, "UK": 0.3}[culture]
        if chance(rng, p_second):
            second = pool.pick(rng)
            if second != first:
                official.append(second)
        call = first
        nicks = names.NICKNAMES[culture].get(first)
        p_call = 0.6 if culture == "NL" else 0.12
        if nicks and chance(rng, p_call):
            call = nicks[0]
        return official, call

    # ----- people -----------------------------------------------------------------------------
    def person(self, hh: Household, culture: str, sex: str, dob: date, surname: str) -> Person:
        official, call = self.given_names(culture, sex, dob)
        p = Person(pid="", household=hh, culture=culture, sex=sex, dob=dob, given=official, call=call,
                   surname_birth=surname)
        hh.members.append(p)
        self.people.append(p)
        return p

    def adult_dob(self, low: int = 18, high: int = 92) -> date:
        rng = self.rng
        age = int(min(max(rng.triangular(low, high, 42), low), high))
        return day_between(rng, add_years(REF, -age - 1) , add_years(REF, -age))

    def household(self, index: int) -> Household:
        rng = self.rng
        country = COUNTRIES.pick(rng)
        kind = HOUSEHOLD_KINDS.pick(rng)
        addresses = [(EARLY, self.address(country))]
        hh = Household(hid=f"H{index:06d}", kind=kind, addresses=addresses)
        culture = country if chance(rng, 0.9) else rng.choice(CULTURES)
        if chance(rng, 0.18):                      # the household moved, once or twice
            moves = 2 if chance(rng, 0.06) else 1
            dates = sorted(day_between(rng, date(2015, 1, 1), date(2024, 10, 31)) for _ in range(moves))
            history = []
            for _ in range(moves):
                before = country if chance(rng, 0.9) else rng.choice([c for c in CULTURES if c != country])
                history.append(self.address(before))
            if history[0].country != country and chance(rng, 0.7):
                culture = history[0].country
            chain = [(EARLY, history[0])] + [(d, a) for d, a in zip(dates[:-1], history[1:])]
            chain.append((dates[-1], addresses[0][1]))
            hh.addresses = chain
            hh.moved_on = dates[-1]
        self.households.append(hh)
        self.fill(hh, kind, culture)
        return hh

    def couple(self, hh: Household, culture: str, dob_a: date | None = None) -> tuple[Person, Person]:
        rng = self.rng
        a_dob = dob_a or self.adult_dob(20, 90)
        b_dob = day_between(rng, add_years(a_dob, -1), add_years(a_dob, 1))
        shift = int(rng.gauss(2, 3))
        b_dob = add_years(b_dob, shift)
        if age_at(b_dob, REF) < 18:
            b_dob = add_years(REF, -19)
        same_sex = chance(rng, 0.05)
        man = self.person(hh, culture, "M" if not same_sex or chance(rng, 0.5) else "F", a_dob, self.surname(culture))
        other_culture = culture if chance(rng, 0.85) else rng.choice(CULTURES)
        wife = self.person(hh, other_culture, man.sex if same_sex else "F", b_dob, self.surname(other_culture))
        if not same_sex and chance(rng, 0.7):
            self.marry(man, wife)
        return man, wife

    def marry(self, man: Person, wife: Person) -> None:
        rng = self.rng
        country = man.household.country
        takes, double, husband = NAME_CHANGE[country]
        younger = min(man.age, wife.age)
        if younger < 45 and chance(rng, 0.25):
            when = day_between(rng, max(add_years(wife.dob, 20), date(2016, 1, 1)), date(2024, 9, 30))
        else:
            when = EARLY
        u = rng.random()
        if u < takes:
            wife.surname_changes.append((when, man.surname_birth))
        elif u < takes + double:
            if country == "FR":
                wife.surname_changes.append((when, f"{man.surname_birth}-{wife.surname_birth}"))
            else:
                wife.surname_changes.append((when, f"{wife.surname_birth}-{man.surname_birth}"))
        elif u < takes + double + husband:
            man.surname_changes.append((when, wife.surname_birth))

    def child_surname(self, father: Person, mother: Person | None, culture: str) -> str:
        if culture == "ES" and mother is not None:
            return f"{first_surname(father.surname_birth)} {first_surname(mother.surname_birth)}"
        return father.surname_at(REF)

    def children(self, hh: Household, mother: Person, father: Person | None, culture: str) -> int:
        rng = self.rng
        want = Weighted.of({1: 0.45, 2: 0.4, 3: 0.15}).pick(rng)
        twins = chance(rng, 0.04)
        made = 0
        prev_dob = None
        for i in range(want):
            if twins and i == 1 and prev_dob is not None:
                dob = prev_dob
            else:
                dob = day_between(rng, add_years(mother.dob, 20), add_years(mother.dob, 40))
            if dob > date(2008, 12, 31) or age_at(dob, REF) > 35:
                continue
            if father is not None:
                surname = self.child_surname(father, mother, culture)
            elif chance(rng, 0.3):
                surname = self.surname(culture)
            else:
                surname = mother.surname_at(REF)
            sex = "M" if chance(rng, 0.5) else "F"
            if twins and i == 1 and prev_dob is not None and chance(rng, 0.5):
                sex = hh.members[-1].sex
            kid = self.person(hh, culture, sex, dob, surname)
            if twins and i == 1 and prev_dob is not None and dob == prev_dob:
                kid.surname_birth = hh.members[-2].surname_birth
                kid.twin_of = hh.members[-2].pid or "pending"
            prev_dob = dob
            made += 1
        return made

    def fill(self, hh: Household, kind: str, culture: str) -> None:
        rng = self.rng
        if kind == "single":
            sex = "M" if chance(rng, 0.5) else "F"
            self.person(hh, culture, sex, self.adult_dob(), self.surname(culture))
        elif kind in ("couple", "family", "three_gen"):
            dob = self.adult_dob(20, 88) if kind == "couple" else self.adult_dob(36, 75)
            a, b = self.couple(hh, culture, dob)
            if kind != "couple":
                mother = b if b.sex == "F" else a
                father = a if a.sex == "M" else None
                if not self.children(hh, mother, father, culture):
                    hh.kind = "couple"
            if kind == "three_gen":
                elder_dob = day_between(rng, add_years(a.dob, -38), add_years(a.dob, -22))
                if age_at(elder_dob, REF) <= 98:
                    self.person(hh, culture, "F" if chance(rng, 0.7) else "M", elder_dob, a.surname_birth)
        elif kind == "single_parent":
            sex = "F" if chance(rng, 0.8) else "M"
            parent = self.person(hh, culture, sex, self.adult_dob(36, 70), self.surname(culture))
            if not self.children(hh, parent, None, culture):
                hh.kind = "single"
        else:                                           # flatshare
            size = Weighted.of({2: 0.5, 3: 0.35, 4: 0.15}).pick(rng)
            twins = chance(rng, 0.05)
            for i in range(size):
                c = hh.country if chance(rng, 0.7) else rng.choice(CULTURES)
                if twins and i == 1:
                    first = hh.members[0]
                    twin = self.person(hh, first.culture, "M" if chance(rng, 0.5) else "F", first.dob,
                                       first.surname_birth)
                    twin.twin_of = "pending"
                    continue
                self.person(hh, c, "M" if chance(rng, 0.5) else "F", self.adult_dob(19, 36), self.surname(c))


def build(rng: random.Random, people: int) -> Population:
    b = Builder(rng)
    index = 1
    while len(b.people) < people:
        b.household(index)
        index += 1
    b.people = b.people[:people]
    kept = {id(p): True for p in b.people}
    households = []
    for hh in b.households:
        hh.members = [p for p in hh.members if id(p) in kept]
        if hh.members:
            households.append(hh)
    b.households = households
    for n, p in enumerate(b.people, start=1):
        p.pid = f"P{n:06d}"
    for hh in households:
        for i, p in enumerate(hh.members):
            if p.twin_of == "pending" and i > 0:
                p.twin_of = hh.members[i - 1].pid
    contacts.contact_details(b)
    return Population(b.people, b.households)
