"""Synthetic multi-source customer data with ground truth, for demos, tests and benchmarks.

``generate(out_dir, people=2000, seed=42)`` invents ``people`` persons living in UK-style households
and writes what five systems of one company would know about them, each in its own shape:

* ``crm.csv``          CRM export, one row per account (a few persons registered twice);
* ``loyalty.csv``      ``;``-delimited loyalty cards, names and phones typed by shop staff, day-first dates;
* ``newsletter.jsonl`` sign-ups keyed by e-mail address;
* ``tickets.jsonl``    contact-centre tickets (interactions), sometimes naming the CRM account;
* ``web.csv``          clickstream (interactions): cookies, anonymous page views, logins naming the CRM account;

plus ``idgraph.yaml`` (the mapping of those columns, see :mod:`idgraph.ingest.mapping`) and
``truth.csv`` (``source,record_id,person_id`` for every customer record and every interaction).

The data carries the hard cases of entity resolution on purpose: households sharing an address,
a landline and sometimes a family e-mail; twins; many people called John Smith; nicknames, typos,
swapped day and month, a married surname in one system and the maiden name in an older one, old
e-mails and postcodes, junk placeholders (``test@test.com``, ``withheld``), a store kiosk on which
hundreds of customers log in, a family laptop shared by two members, and (``malformed=True``) about
0.1% malformed rows: wrong column count, undecodable bytes, lines that are not JSON, empty ids.

Ground truth notes: ``record_id`` is the id the mapping derives (the id column, or for the newsletter
the e-mail trimmed and lower-cased). A malformed row that still has an id keeps its truth row; a row
with an empty id has none. A junk newsletter address (``test@test.com``) is typed by several
persons, so its record id appears in ``truth.csv`` once per person: such a record has no single true
owner and an evaluation should leave it out (or count it as unresolvable).

Everything comes from one seeded ``random.Random``, sets are only used for membership, and no clock
is read: the same seed writes byte-identical files.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import random
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from importlib import resources
from itertools import accumulate
from pathlib import Path

from pydantic import BaseModel

__all__ = ["Generated", "generate", "NICKNAMES", "JUNK_EMAILS", "JUNK_PHONES", "SOURCES"]

SOURCES = ("crm", "loyalty", "newsletter", "tickets", "web")
CUSTOMER_SOURCES = ("crm", "loyalty", "newsletter")
INTERACTION_SOURCES = ("tickets", "web")

CRM_COLUMNS = [
    "CustomerID", "FirstName", "LastName", "Email", "MobilePhone", "HomePhone",
    "DateOfBirth", "Address1", "City", "PostCode", "Country", "LastModified",
]
LOYALTY_COLUMNS = ["card_no", "member_name", "tel", "birth_date", "postcode", "email"]
NEWSLETTER_KEYS = ["email_address", "first", "signup_ts", "consent"]
TICKET_KEYS = ["ticket_id", "opened_at", "channel", "category", "caller_phone", "contact_email", "crm_ref"]
WEB_COLUMNS = ["event_id", "ts", "cookie_id", "event", "user_id", "page"]

# Formal first name -> the short forms people give to shop staff and newsletters.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bob", "Rob", "Bobby"), "William": ("Bill", "Will", "Billy"),
    "Richard": ("Rich", "Rick", "Dick"), "James": ("Jim", "Jimmy", "Jamie"),
    "Michael": ("Mike", "Mick"), "Thomas": ("Tom", "Tommy"), "Christopher": ("Chris",),
    "Anthony": ("Tony",), "Andrew": ("Andy", "Drew"), "Daniel": ("Dan", "Danny"),
    "David": ("Dave", "Davy"), "Joseph": ("Joe", "Joey"), "Edward": ("Ed", "Ted", "Eddie"),
    "Stephen": ("Steve",), "Steven": ("Steve",), "Matthew": ("Matt",), "Nicholas": ("Nick", "Nicky"),
    "Benjamin": ("Ben",), "Samuel": ("Sam",), "Alexander": ("Alex", "Sandy"),
    "Charles": ("Charlie", "Chas"), "Timothy": ("Tim",), "Peter": ("Pete",),
    "Jonathan": ("Jon", "Jonny"), "Kenneth": ("Ken", "Kenny"), "Philip": ("Phil",),
    "Patrick": ("Pat", "Paddy"), "Gerald": ("Gerry",), "Raymond": ("Ray",),
    "Ronald": ("Ron", "Ronnie"), "Terence": ("Terry",), "Frederick": ("Fred", "Freddie"),
    "Leonard": ("Len", "Lenny"), "Douglas": ("Doug", "Dougie"), "Henry": ("Harry", "Hal"),
    "Lawrence": ("Larry", "Laurie"), "Gregory": ("Greg",), "Jeffrey": ("Jeff",),
    "Donald": ("Don",), "Nathan": ("Nate",), "Geoffrey": ("Geoff",), "Stuart": ("Stu",),
    "Elizabeth": ("Liz", "Beth", "Lizzie", "Betty"), "Katherine": ("Kate", "Kathy", "Katie"),
    "Catherine": ("Cathy", "Kate", "Cath"), "Margaret": ("Peggy", "Maggie", "Meg"),
    "Jennifer": ("Jenny", "Jen"), "Rebecca": ("Becky", "Becca"), "Susan": ("Sue", "Susie"),
    "Deborah": ("Debbie", "Deb"), "Patricia": ("Pat", "Trish", "Tricia"),
    "Victoria": ("Vicky", "Tori"), "Alexandra": ("Alex", "Lexi"), "Samantha": ("Sam", "Sammy"),
    "Christine": ("Chris", "Chrissie"), "Jacqueline": ("Jackie",), "Rosemary": ("Rosie",),
    "Abigail": ("Abby", "Abi"), "Jessica": ("Jess",), "Charlotte": ("Lottie", "Charlie"),
    "Eleanor": ("Ellie", "Nell"), "Amanda": ("Mandy",), "Dorothy": ("Dot", "Dottie"),
    "Barbara": ("Babs", "Barb"), "Pamela": ("Pam",), "Kimberley": ("Kim",),
    "Josephine": ("Jo", "Josie"), "Joanne": ("Jo",), "Judith": ("Judy",), "Natalie": ("Nat",),
    "Nicola": ("Nicky", "Nikki"), "Gillian": ("Gill", "Jill"), "Philippa": ("Pippa",),
    "Stephanie": ("Steph",), "Theresa": ("Tess", "Terri"), "Teresa": ("Tess", "Terri"),
    "Valerie": ("Val",), "Sandra": ("Sandy",), "Frances": ("Fran",), "Isabel": ("Izzy",),
    "Isabella": ("Izzy", "Bella"), "Harriet": ("Hattie",), "Kathleen": ("Kath", "Kathy"),
}

# Placeholders that several unrelated people end up with; none of them identifies anybody.
JUNK_EMAILS = ("test@test.com", "noemail@example.com", "none@none.com", "no@email.com")
JUNK_PHONES = ("0000000000", "withheld", "07000000000", "unknown")

# Common-name collisions forced in on top of the Zipf draw: (first, last, sex).
COMMON_NAMES = (
    ("John", "Smith", "M"), ("Mary", "Jones", "F"), ("David", "Jones", "M"), ("Sarah", "Williams", "F"),
    ("James", "Smith", "M"), ("Margaret", "Taylor", "F"), ("Michael", "Brown", "M"), ("Susan", "Smith", "F"),
)

# UK mobile number blocks (07xxx) that libphonenumber considers valid mobiles (07700 is the drama block).
_MOBILE_BLOCKS = tuple(range(7400, 7600)) + tuple(range(7701, 7911)) + tuple(range(7912, 8000))
_EMAIL_DOMAINS = (
    ("gmail.com", 30), ("hotmail.co.uk", 13), ("outlook.com", 9), ("yahoo.co.uk", 8), ("icloud.com", 8),
    ("btinternet.com", 6), ("hotmail.com", 5), ("live.co.uk", 4), ("sky.com", 3), ("aol.com", 3),
    ("virginmedia.com", 3), ("googlemail.com", 2), ("yahoo.com", 2), ("talktalk.net", 2), ("me.com", 2),
)
_OLD_DOMAINS = (("hotmail.co.uk", 5), ("aol.com", 3), ("btinternet.com", 3), ("tiscali.co.uk", 2),
                ("ntlworld.com", 2), ("yahoo.co.uk", 3), ("blueyonder.co.uk", 1), ("freeserve.co.uk", 1))
_STREET_SUFFIXES = (("Road", 30), ("Street", 20), ("Lane", 10), ("Avenue", 10), ("Close", 8), ("Drive", 7),
                    ("Way", 5), ("Gardens", 4), ("Crescent", 4), ("Place", 3), ("Terrace", 3), ("Grove", 3))
_ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Drive": "Dr",
                  "Crescent": "Cres", "Close": "Cl", "Gardens": "Gdns", "Place": "Pl", "Terrace": "Ter"}
_TICKET_CATEGORIES = (("delivery", 30), ("returns", 20), ("billing", 15), ("product_question", 15),
                      ("account", 10), ("complaint", 10))
_PRODUCT_CATEGORIES = ("womens", "mens", "kids", "home", "beauty", "electrical", "garden", "sale")
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_KEY_NEIGHBOURS = {
    "a": "sqwz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv",
    "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm",
    "o": "iklp", "p": "ol", "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji",
    "v": "cfgb", "w": "qase", "x": "zsdc", "y": "tghu", "z": "asx",
}

_MALFORMED_RATE = 0.001
_CSV_BAD = ("columns", "encoding", "empty_id")
_JSON_BAD = ("json", "encoding", "empty_id")


class Generated(BaseModel):
    """What :func:`generate` wrote."""

    mapping_path: Path
    truth_path: Path
    files: dict[str, Path]  # source name -> file
    people: int
    customer_records: int
    interactions: int
    counts: dict[str, int]  # data rows per source (malformed ones included)
    malformed: dict[str, int]  # malformed rows per source


# ----------------------------------------------------------------------------------------- tables


class _Pick:
    """A weighted choice with precomputed cumulative weights (faster than random.choices per call)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights) -> None:
        self.items = list(items)
        self.cum = list(accumulate(float(w) for w in weights))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random):
        return self.items[bisect_right(self.cum, rng.random() * self.total)]


@dataclass(frozen=True, slots=True)
class _Town:
    name: str
    area: str
    dial_code: str
    local_first_digits: str


@dataclass(frozen=True)
class _Tables:
    first: dict[str, _Pick]  # sex -> first names
    last: _Pick
    towns: _Pick
    streets: tuple[str, ...]


def _read_data(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@functools.cache
def _tables() -> _Tables:
    first: dict[str, tuple[list[str], list[int]]] = {"M": ([], []), "F": ([], [])}
    for row in _read_data("first_names.csv"):
        names, weights = first[row["sex"]]
        names.append(row["name"])
        weights.append(int(row["per_100k"]))
    last = _read_data("last_names.csv")
    towns = _read_data("towns.csv")
    return _Tables(
        first={sex: _Pick(n, w) for sex, (n, w) in first.items()},
        last=_Pick([r["name"] for r in last], [int(r["per_100k"]) for r in last]),
        towns=_Pick(
            [_Town(r["town"], r["postcode_area"], r["dial_code"], r["local_first_digits"]) for r in towns],
            [int(r["population_k"]) for r in towns],
        ),
        streets=tuple(r["stem"] for r in _read_data("streets.csv")),
    )


_DOMAIN = _Pick([d for d, _ in _EMAIL_DOMAINS], [w for _, w in _EMAIL_DOMAINS])
_OLD_DOMAIN = _Pick([d for d, _ in _OLD_DOMAINS], [w for _, w in _OLD_DOMAINS])
_SUFFIX = _Pick([s for s, _ in _STREET_SUFFIXES], [w for _, w in _STREET_SUFFIXES])
_CATEGORY = _Pick([c for c, _ in _TICKET_CATEGORIES], [w for _, w in _TICKET_CATEGORIES])
_HOUSEHOLD_SIZE = _Pick([1, 2, 3, 4], [74, 15, 7, 4])
_TICKETS_PER_PERSON = _Pick([0, 1, 2, 3, 4], [60, 29, 8, 2, 1])


# ----------------------------------------------------------------------------------------- people


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


def _fmt_mobile(number: str, rng: random.Random) -> str:
    s = number[1:]
    style = rng.randrange(9)
    if style == 0:
        return f"{number[:5]} {number[5:]}"
    if style == 1:
        return f"+44 {s[:4]} {s[4:]}"
    if style == 2:
        return f"(0){s[:4]}-{s[4:7]}-{s[7:]}"
    if style == 3:
        return f"44{s}"
    if style == 4:
        return number
    if style == 5:
        return f"+44{s}"
    if style == 6:
        return f"0044 {s[:4]} {s[4:7]} {s[7:]}"
    if style == 7:
        return f"{number[:5]}-{number[5:8]}-{number[8:]}"
    return f"+44 (0){s[:4]} {s[4:]}"


def _spaced_local(local: str) -> str:
    if len(local) == 8:
        return f"{local[:4]} {local[4:]}"
    if len(local) == 7:
        return f"{local[:3]} {local[3:]}"
    return local


def _fmt_landline(line: tuple[str, str], rng: random.Random, style: int | None = None) -> str:
    code, local = line
    style = rng.randrange(5) if style is None else style
    if style == 0:
        return f"{code} {_spaced_local(local)}"
    if style == 1:
        return f"+44 {code[1:]} {_spaced_local(local)}"
    if style == 2:
        return f"({code}) {local}"
    if style == 3:
        return code + local
    return f"44{code[1:]}{local}"


def _typo(s: str, rng: random.Random) -> str:
    """One substitution (a neighbouring key), transposition or deletion, keeping the first letter."""
    if len(s) < 4:
        return s
    i = rng.randrange(1, len(s) - 1)
    r = rng.random()
    if r < 0.4:
        c = s[i]
        near = _KEY_NEIGHBOURS.get(c.lower())
        if not near:
            return s[:i] + s[i + 1:]
        sub = rng.choice(near)
        return s[:i] + (sub.upper() if c.isupper() else sub) + s[i + 1:]
    if r < 0.7 and s[i] != s[i + 1]:
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i + 1:]


def _nickname(p: _Person, rng: random.Random) -> str | None:
    short = NICKNAMES.get(p.first)
    return rng.choice(short) if short else None


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


@functools.cache
def _bst(year: int) -> tuple[int, int]:
    """British Summer Time: from the last Sunday of March to the last Sunday of October, 01:00 UTC."""

    def last_sunday(month: int) -> datetime:
        d = datetime(year, month + 1, 1, 1, tzinfo=timezone.utc) - timedelta(days=1)
        return d - timedelta(days=(d.weekday() + 1) % 7)

    return int(last_sunday(3).timestamp()), int(last_sunday(10).timestamp())


def _iso_london(ts: int) -> str:
    start, end = _bst(datetime.fromtimestamp(ts, timezone.utc).year)
    offset = 3600 if start <= ts < end else 0
    return _iso(ts + offset) + ("+01:00" if offset else "+00:00")


def _epoch(y: int, m: int = 1, d: int = 1) -> int:
    return int(datetime(y, m, d, tzinfo=timezone.utc).timestamp())


# --------------------------------------------------------------------------------------- sources


@dataclass(slots=True)
class _Rows:
    """One source: its rows (lists for CSV, dicts for JSON Lines), record ids and true persons."""

    rows: list
    ids: list[str | None]
    persons: list[str]


def _crm(people: list[_Person], rng: random.Random, emails: set[str]) -> _Rows:
    drafts: list[tuple[list[str], _Person]] = []
    modified = (_epoch(2019), _epoch(2025) - 1)
    for p in people:
        if not p.in_crm:
            continue
        home = p.home
        forced = p.twin or p.common_name
        first = p.first
        r = rng.random()
        if r < 0.01:
            first = _typo(first, rng)
        elif r < 0.04 and (nick := _nickname(p, rng)):
            first = nick
        last = _typo(p.last, rng) if rng.random() < 0.01 else p.last
        email = p.email
        r = rng.random()
        if r < 0.04:
            email = ""
        elif r < 0.045:
            email = "noemail@example.com"
        elif r < 0.07:
            email = email.capitalize() if rng.random() < 0.5 else email.upper()
        mobile = _fmt_mobile(p.mobile, rng) if rng.random() < 0.5 else f"{p.mobile[:5]} {p.mobile[5:]}"
        if rng.random() < 0.12:
            mobile = ""
        homephone = _fmt_landline(home.landline, rng, 0) if home.landline and rng.random() < 0.9 else ""
        dob = "" if (rng.random() < 0.06 and not forced) else p.dob.isoformat()
        country = rng.choices(("GB", "United Kingdom", "UK", ""), (70, 20, 7, 3))[0]
        updated = _iso(rng.randint(*modified))
        drafts.append(([first, last, email, mobile, homephone, dob, home.address, home.town, home.postcode,
                        country, updated], p))
        if p.crm_dupe:  # registered again, years later or from the old address, with another e-mail
            nick = _nickname(p, rng)
            first2 = nick if nick and rng.random() < 0.5 else (_typo(p.first, rng) if rng.random() < 0.3 else p.first)
            email2 = _new_email(rng, first2, p.last, p.dob.year, emails)
            mobile2 = f"{p.mobile[:5]} {p.mobile[5:]}" if rng.random() < 0.6 else ""
            dob2 = p.dob.isoformat() if rng.random() < 0.7 else ""
            if home.old_address and rng.random() < 0.5:
                address, town, postcode = home.old_address, home.old_town, home.old_postcode
            else:
                address = home.address
                for word, short in _ABBREVIATIONS.items():
                    address = address.replace(f" {word}", f" {short}")
                town, postcode = home.town, home.postcode.replace(" ", "")
            drafts.append(([first2, p.last, email2, mobile2, "", dob2, address, town, postcode, "GB",
                            _iso(rng.randint(*modified))], p))
    width = max(6, len(str(len(drafts) * 4)))
    numbers = rng.sample(range(1, 10**width), len(drafts))
    order = sorted(range(len(drafts)), key=numbers.__getitem__)
    out = _Rows([], [], [])
    for i in order:
        cid = f"C{numbers[i]:0{width}d}"
        row, p = drafts[i]
        p.crm_ids.append(cid)
        out.rows.append([cid, *row])
        out.ids.append(cid)
        out.persons.append(p.pid)
    return out


def _member_name(first: str, last: str, initial_of: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.20:
        return f"{last.upper()}, {first.upper()}"
    if r < 0.55:
        return f"{first} {last}"
    if r < 0.65:
        return f"{initial_of[0]}. {last}"
    if r < 0.80:
        return f"{first.lower()} {last.lower()}"
    if r < 0.90:
        return f"{first.upper()} {last.upper()}"
    return f"{last}, {first}"


def _loyalty_dob(d: date, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.06:
        return ""
    if r < 0.09:  # entered month first: a wrong date when the day is 12 or less, unparseable otherwise
        return f"{d.month:02d}/{d.day:02d}/{d.year}"
    if r < 0.095:
        return f"31/02/{d.year}"
    if r < 0.10:
        return rng.choice(("unknown", "00/00/0000", "n/a"))
    if r < 0.20:
        return f"{d.day}/{d.month}/{d.year}"
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _postcode_style(pc: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        return pc.replace(" ", "")
    if r < 0.25:
        return pc.lower()
    return pc


def _loyalty(people: list[_Person], rng: random.Random) -> _Rows:
    drafts: list[tuple[list[str], _Person]] = []
    for p in people:
        if not p.in_loyalty:
            continue
        last = p.maiden if (p.name_changed and p.maiden) else p.last
        first = p.first
        nick = _nickname(p, rng)
        if nick and rng.random() < 0.35:
            first = nick
        if rng.random() < 0.04:
            if rng.random() < 0.5:
                first = _typo(first, rng)
            else:
                last = _typo(last, rng)
        name = _member_name(first, last, p.first, rng)
        r = rng.random()
        if r < 0.70:
            tel = _fmt_mobile(p.mobile, rng)
        elif r < 0.85:
            tel = _fmt_landline(p.home.landline, rng) if p.home.landline else _fmt_mobile(p.mobile, rng)
        elif r < 0.90:
            tel = rng.choice(("0000000000", "07000000000", "00000 000000"))
        else:
            tel = ""
        postcode = p.home.postcode
        if p.home.old_postcode and rng.random() < 0.7:
            postcode = p.home.old_postcode
        postcode = "" if rng.random() < 0.05 else _postcode_style(postcode, rng)
        email = ""
        if p.name_changed:
            email = p.old_email or ""
        elif p.family_email and rng.random() < 0.8:
            email = p.family_email
        elif rng.random() < 0.45:
            r = rng.random()
            if p.old_email and r < 0.4:  # an older system: the address the person used back then
                email = p.old_email
            elif r < 0.95:
                email = p.email
            else:
                email = rng.choice(("noemail@example.com", "none@none.com", "no@email.com"))
            if rng.random() < 0.1:
                email = email.upper()
        drafts.append(([name, tel, _loyalty_dob(p.dob, rng), postcode, email], p))
    numbers = rng.sample(range(10**8), len(drafts))
    order = sorted(range(len(drafts)), key=numbers.__getitem__)
    out = _Rows([], [], [])
    for i in order:
        card = f"6339{numbers[i]:08d}"
        row, p = drafts[i]
        out.rows.append([card, *row])
        out.ids.append(card)
        out.persons.append(p.pid)
    return out


def _styled_email(email: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.03:
        return email.upper()
    if r < 0.06:
        return f" {email} " if rng.random() < 0.5 else f"{email} "
    if r < 0.08:
        local, _, domain = email.partition("@")
        return f"{local.capitalize()}@{domain.capitalize()}"
    return email


def _newsletter(people: list[_Person], rng: random.Random) -> _Rows:
    drafts: list[tuple[dict, str, str]] = []  # row, normalised email, person
    span = (_epoch(2014), _epoch(2025) - 1)

    def first_of(p: _Person) -> str | None:
        r = rng.random()
        if r < 0.08:
            return None
        nick = _nickname(p, rng)
        first = nick if nick and r < 0.40 else p.first
        r = rng.random()
        if r < 0.02:
            first = _typo(first, rng)
        elif r < 0.12:
            first = first.lower()
        return first

    def add(p: _Person, email: str, ts: int) -> None:
        shown = _styled_email(email, rng)
        row = {"email_address": shown, "first": first_of(p), "signup_ts": ts, "consent": rng.random() < 0.9}
        drafts.append((row, shown.strip().lower(), p.pid))

    for p in people:
        if p.junk_newsletter:
            add(p, p.junk_newsletter, rng.randint(*span))
            continue
        if not p.in_newsletter:
            continue
        if p.old_email and rng.random() < 0.5:
            ts = rng.randint(span[0], _epoch(2019))
            add(p, p.old_email, ts)
            if rng.random() < 0.15:  # signed up again later with the new address
                add(p, p.email, rng.randint(ts, span[1]))
        else:
            add(p, p.email, rng.randint(*span))
    drafts.sort(key=lambda d: (d[0]["signup_ts"], d[1]))
    return _Rows([d[0] for d in drafts], [d[1] for d in drafts], [d[2] for d in drafts])


def _tickets(people: list[_Person], rng: random.Random) -> _Rows:
    span = (_epoch(2022), _epoch(2025) - 1)
    drafts: list[tuple[int, dict, str]] = []
    for p in people:
        k = _TICKETS_PER_PERSON(rng)
        for _ in range(k):
            ts = rng.randint(*span)
            channel = rng.choices(("phone", "email", "chat"), (50, 30, 20))[0]
            phone: str | None = None
            email: str | None = None
            if channel == "phone" or (channel == "chat" and rng.random() < 0.2):
                r = rng.random()
                if r < 0.05:
                    phone = rng.choice(JUNK_PHONES)
                elif r < 0.30 and p.home.landline:
                    phone = _fmt_landline(p.home.landline, rng)
                else:
                    phone = _fmt_mobile(p.mobile, rng)
            if channel == "email" or (channel == "chat" and rng.random() < 0.7) or rng.random() < 0.15:
                r = rng.random()
                if p.family_email and r < 0.3:
                    email = p.family_email
                elif p.old_email and r < 0.4:
                    email = p.old_email
                else:
                    email = p.email
                if rng.random() < 0.05:
                    email = email.upper()
            row = {"ticket_id": "", "opened_at": _iso_london(ts), "channel": channel, "category": _CATEGORY(rng),
                   "caller_phone": phone, "contact_email": email}
            if p.crm_ids and rng.random() < 0.35:
                row["crm_ref"] = rng.choice(p.crm_ids)
            drafts.append((ts, row, p.pid))
    drafts.sort(key=lambda d: d[0])
    out = _Rows([], [], [])
    for i, (_, row, pid) in enumerate(drafts, 1):
        row["ticket_id"] = f"TCK-{i:07d}"
        out.rows.append(row)
        out.ids.append(row["ticket_id"])
        out.persons.append(pid)
    return out


def _cookie(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _page(event: str, rng: random.Random) -> str:
    if event == "login":
        return "/account/login"
    if event == "purchase":
        return "/checkout/complete"
    if event == "add_to_cart":
        return f"/p/{rng.randint(10000, 99999)}"
    r = rng.random()
    if r < 0.2:
        return "/"
    if r < 0.45:
        return f"/c/{rng.choice(_PRODUCT_CATEGORIES)}"
    if r < 0.55:
        return "/basket"
    return f"/p/{rng.randint(10000, 99999)}"


_PRE = _Pick([0, 1, 2, 3], [30, 40, 20, 10])
_POST = _Pick([0, 1, 2, 3], [30, 35, 25, 10])
_AFTER = _Pick(["page_view", "add_to_cart", "purchase"], [70, 20, 10])
_SESSIONS = _Pick([1, 2, 3, 4], [40, 35, 17, 8])
_DEVICES = _Pick([1, 2, 3], [50, 35, 15])


def _web(people: list[_Person], rng: random.Random) -> _Rows:
    """Clickstream: 1-3 devices a person, anonymous views around logins, a shared laptop, store kiosks."""
    events: list[tuple[int, str, str, str, str]] = []  # ts, cookie, event, user_id, person
    cookies: set[str] = set()

    def new_cookie() -> str:
        while (c := _cookie(rng)) in cookies:
            pass
        cookies.add(c)
        return c

    def session(t: int, cookie: str, pid: str, login_id: str | None, pre: int, post: int) -> int:
        for _ in range(pre):
            events.append((t, cookie, "page_view", "", pid))
            t += rng.randint(4_000, 240_000)
        if login_id:
            events.append((t, cookie, "login", login_id, pid))
            t += rng.randint(2_000, 60_000)
        for _ in range(post):
            events.append((t, cookie, _AFTER(rng), "", pid))
            t += rng.randint(4_000, 300_000)
        return t

    # a family laptop shared by two members of some households, both logging in on it
    shared: dict[int, str] = {}
    by_household: dict[int, list[_Person]] = {}
    for p in people:
        if p.in_web and p.crm_ids:
            by_household.setdefault(p.household, []).append(p)
    candidates = [m for m in by_household.values() if len(m) >= 2]
    for members in rng.sample(candidates, min(len(candidates), max(3, len(candidates) // 4))):
        laptop = new_cookie()
        shared[members[0].idx] = laptop
        shared[members[1].idx] = laptop

    start, end = _epoch(2024) * 1000, _epoch(2025) * 1000
    for p in people:
        if not p.in_web:
            continue
        laptop = shared.get(p.idx)
        devices = [laptop] if laptop else []
        while len(devices) < _DEVICES(rng) or not devices:
            devices.append(new_cookie())
        sessions = max(_SESSIONS(rng), len(devices))
        t = rng.randint(start, end - 40 * 86_400_000)
        logged: set[str] = set()
        for s in range(sessions):
            cookie = devices[s] if s < len(devices) else devices[rng.randrange(len(devices))]
            must = cookie == laptop and cookie not in logged
            login = p.crm_ids and (must or rng.random() < 0.5)
            login_id = rng.choice(p.crm_ids) if login else None
            if login_id:
                logged.add(cookie)
            t = session(t, cookie, p.pid, login_id, _PRE(rng), _POST(rng))
            t += rng.randint(600_000, 10 * 86_400_000)  # next visit: minutes to days later

    # store kiosks: hundreds of customers log in on one device
    customers = [p for p in people if p.crm_ids]
    n_kiosks = 1 + len(people) // 50_000
    per_kiosk = min(len(customers), max(150, min(400, len(people) // 250)))
    for _ in range(n_kiosks):
        kiosk = new_cookie()
        users = rng.sample(customers, per_kiosk)
        times = sorted(rng.randint(start, end - 3_600_000) for _ in users)
        for t, p in zip(times, users):
            session(t, kiosk, p.pid, rng.choice(p.crm_ids), rng.choice((0, 0, 1)), rng.randint(1, 2))

    events.sort(key=lambda e: e[0])  # stable: equal timestamps keep generation order
    out = _Rows([], [], [])
    for i, (ts, cookie, event, user, pid) in enumerate(events, 1):
        eid = f"E{i:010d}"
        out.rows.append([eid, str(ts), cookie, event, user, _page(event, rng)])
        out.ids.append(eid)
        out.persons.append(pid)
    return out


# ------------------------------------------------------------------------------------- malformed


def _pick_bad(rows: _Rows, kinds: tuple[str, ...], rng: random.Random) -> dict[int, str]:
    n = len(rows.rows)
    per_kind = max(1, round(n * _MALFORMED_RATE / len(kinds)))
    if n < len(kinds) * per_kind * 4:
        return {}
    picked = rng.sample(range(n), per_kind * len(kinds))
    return {i: kinds[j // per_kind] for j, i in enumerate(picked)}


def _undecodable(text: str | None, rng: random.Random) -> str:
    """Insert a Latin-1 byte (é as 0xE9) that is not valid UTF-8; written with surrogateescape."""
    text = text or "Rene"
    i = rng.randrange(1, len(text)) if len(text) > 1 else 1
    return text[:i] + "\udce9" + text[i:]


def _csv_bytes(header: list[str], rows: _Rows, delimiter: str, bad: dict[int, str], text_col: int,
               rng: random.Random) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    write = writer.writerow
    for i, row in enumerate(rows.rows):
        kind = bad.get(i)
        if kind is None:
            write(row)
        elif kind == "columns":  # unquoted, one column short or one too many
            clean = [f.replace(delimiter, " ").replace('"', "") for f in row]
            clean = clean[:-1] if i % 2 else clean + ["?"]
            buf.write(delimiter.join(clean) + "\n")
        elif kind == "encoding":
            row[text_col] = _undecodable(row[text_col], rng)
            write(row)
        else:  # empty_id
            row[0] = ""
            rows.ids[i] = None
            write(row)
    return buf.getvalue().encode("utf-8", "surrogateescape")


def _jsonl_bytes(rows: _Rows, bad: dict[int, str], id_key: str, text_key: str, rng: random.Random) -> bytes:
    lines = []
    for i, row in enumerate(rows.rows):
        kind = bad.get(i)
        if kind == "json":  # a Python repr or a truncated line, the id still readable in it
            line = json.dumps(row, ensure_ascii=False)
            lines.append(str(row) if i % 2 else line[: line.rfind(",")])
            continue
        if kind == "encoding":
            row[text_key] = _undecodable(row.get(text_key), rng)
        elif kind == "empty_id":
            row[id_key] = ""
            rows.ids[i] = None
        lines.append(json.dumps(row, ensure_ascii=False))
    return ("\n".join(lines) + "\n" if lines else "").encode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------------------- mapping


_MAPPING = """\
# Mapping of the synthetic demo data written by idgraph.ingest.synthetic
# ({people} people, seed {seed}). Paths are relative to this file; truth.csv holds the answers.
project: demo
phone_region: GB
gmail_rules: false
guard:
  max_customers: 10
  check_conflicts: true
survivorship:
  source_priority: [crm, loyalty, newsletter]
sources:
  crm:
    path: crm.csv
    format: csv
    kind: customer
    id: CustomerID
    fields:
      first_name: FirstName
      last_name: LastName
      email: Email
      phone: [MobilePhone, HomePhone]
      dob: {{column: DateOfBirth, format: "%Y-%m-%d"}}
      address: Address1
      city: City
      postcode: PostCode
      country: Country
      updated_at: {{column: LastModified, format: iso}}
  loyalty:
    path: loyalty.csv
    format: csv
    kind: customer
    delimiter: ";"
    id: card_no
    name_format: auto  # "SMITH, BOB", "Bob Smith", "R. Smith", "robert smith"
    fields:
      full_name: member_name
      phone: tel
      dob: {{column: birth_date, format: "%d/%m/%Y"}}
      postcode: postcode
      email: email
  newsletter:
    path: newsletter.jsonl
    format: jsonl
    kind: customer
    id: {{role: email}}
    fields:
      email: email_address
      first_name: first
      updated_at: {{column: signup_ts, format: epoch}}
  tickets:
    path: tickets.jsonl
    format: jsonl
    kind: interaction
    id: ticket_id
    fields:
      timestamp: {{column: opened_at, format: iso}}
      channel: channel
      event_type: category
      phone: caller_phone
      email: contact_email
      customer_ref: {{column: crm_ref, source: crm}}
  web:
    path: web.csv
    format: csv
    kind: interaction
    id: event_id
    fields:
      timestamp: {{column: ts, format: epoch_ms}}
      device: cookie_id
      event_type: event
      customer_ref: {{column: user_id, source: crm}}
      channel: {{value: web}}
    keep: [page]
"""


# ------------------------------------------------------------------------------------------- API


def generate(out_dir: Path, people: int = 2000, seed: int = 42, *, malformed: bool = True) -> Generated:
    """Write five source files, ``idgraph.yaml`` and ``truth.csv`` for ``people`` persons into ``out_dir``."""
    if people < 1:
        raise ValueError("people must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    tables = _tables()

    persons = _people(people, rng, tables)
    _force_hard_cases(persons, rng)
    emails = _identities(persons, rng)
    for p in persons:
        p.in_crm = rng.random() < 0.70 or p.twin or p.common_name or p.name_changed
        p.crm_dupe = p.in_crm and rng.random() < 0.025
        p.in_loyalty = rng.random() < (0.7 if p.family_email else 0.43) or p.name_changed
        p.in_newsletter = rng.random() < 0.47
        p.in_web = rng.random() < 0.60
    subscribers = [p for p in persons if p.in_newsletter and not p.name_changed]
    for i, p in enumerate(rng.sample(subscribers, min(len(subscribers), max(6, people // 250)))):
        p.junk_newsletter = ("test@test.com", "noemail@example.com")[i % 2]

    sources: dict[str, _Rows] = {}
    sources["crm"] = _crm(persons, rng, emails)
    sources["loyalty"] = _loyalty(persons, rng)
    sources["newsletter"] = _newsletter(persons, rng)
    sources["tickets"] = _tickets(persons, rng)
    sources["web"] = _web(persons, rng)

    names = {"crm": "crm.csv", "loyalty": "loyalty.csv", "newsletter": "newsletter.jsonl",
             "tickets": "tickets.jsonl", "web": "web.csv"}
    bad: dict[str, dict[int, str]] = {}
    for name in SOURCES:
        kinds = _JSON_BAD if names[name].endswith(".jsonl") else _CSV_BAD
        bad[name] = _pick_bad(sources[name], kinds, rng) if malformed else {}
    payload = {
        "crm": _csv_bytes(CRM_COLUMNS, sources["crm"], ",", bad["crm"], 2, rng),
        "loyalty": _csv_bytes(LOYALTY_COLUMNS, sources["loyalty"], ";", bad["loyalty"], 1, rng),
        "newsletter": _jsonl_bytes(sources["newsletter"], bad["newsletter"], "email_address", "first", rng),
        "tickets": _jsonl_bytes(sources["tickets"], bad["tickets"], "ticket_id", "category", rng),
        "web": _csv_bytes(WEB_COLUMNS, sources["web"], ",", bad["web"], 5, rng),
    }
    files = {}
    for name in SOURCES:
        files[name] = out_dir / names[name]
        files[name].write_bytes(payload[name])

    truth = io.StringIO()
    truth.write("source,record_id,person_id\n")
    for name in SOURCES:
        rows = sources[name]
        seen: set[tuple[str, str]] = set()
        for rid, pid in zip(rows.ids, rows.persons):
            if rid is None or (rid, pid) in seen:
                continue
            seen.add((rid, pid))
            truth.write(f"{name},{rid},{pid}\n")
    truth_path = out_dir / "truth.csv"
    truth_path.write_bytes(truth.getvalue().encode("utf-8"))
    mapping_path = out_dir / "idgraph.yaml"
    mapping_path.write_bytes(_MAPPING.format(people=people, seed=seed).encode("utf-8"))

    counts = {name: len(sources[name].rows) for name in SOURCES}
    return Generated(
        mapping_path=mapping_path,
        truth_path=truth_path,
        files=files,
        people=people,
        customer_records=sum(counts[s] for s in CUSTOMER_SOURCES),
        interactions=sum(counts[s] for s in INTERACTION_SOURCES),
        counts=counts,
        malformed={name: len(bad[name]) for name in SOURCES},
    )
