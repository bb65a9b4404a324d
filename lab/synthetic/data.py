"""Constants, weighted-choice tables and the bundled name lists of the synthetic data generator."""

from __future__ import annotations

import csv
import functools
import io
import random
from bisect import bisect_right
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate

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
WEB_COLUMNS = ["event_id", "ts", "cookie_id", "event", "user_id", "page", "order_id", "amount", "currency"]

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


@dataclass(slots=True)
class _Rows:
    """One source: its rows (lists for CSV, dicts for JSON Lines), record ids and true persons."""

    rows: list
    ids: list[str | None]
    persons: list[str]
