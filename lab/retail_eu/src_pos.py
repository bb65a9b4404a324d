"""``pos_loyalty.csv``: loyalty cards enrolled at the tills of Kramhaus stores in Germany, the
Netherlands and France. One file from the central POS system: ``;``-delimited, Windows-1252, CRLF,
German headers, staff-typed, never updated after enrolment (2010-2024), so it holds the name, address,
phone and email of the day the card was issued.

Who: 45 % of people living in Germany at enrolment time, 30 % in the Netherlands, 25 % in France, 1 %
of the others (enrolled while visiting). 4 % of card holders were issued a second card later (a lost
card: new number, typed again by other staff, possibly after a move).

Columns and error processes (rates per row):
- KARTENNR: the card (EAN-13, in-store range 29); the id. 0.5 % of cards are exported twice (the second
  copy with a phone added later), which the project should count as duplicates.
- NAME: one column. "FAMILY, Given" 45 % (family part upper case in 60 % of those), "Given Family" 40 %,
  "Family Given" without comma 8 % (reads as swapped), "G. Family" 4 %, family only 3 %; whole name
  upper case 35 %. Given name: the official one 10 %, all official names 3 %, a nickname 8 %
  (Sepp, Hansi, Kees), compound cut (Jean-Pierre -> Jean / Jean Pierre) 30 %; per name part typo 5 %,
  OCR slip 1.5 % (paper forms), transliteration 10 %; Spanish second surname dropped 35 %, Dutch
  particle mangled 30 %, double name cut 30 %, given/family swapped 2 %. Letters outside
  Windows-1252 (Ł, ı, ş) become "?".
- GEBDAT: ``dd.mm.yyyy``, 75 % filled; day/month swapped 3 % (invalid when the day is above 12),
  wrong year digit 2 %, two-digit year 1 %, ``01.01.1900`` 0.5 %, ``00.00.0000`` 0.3 %.
- TELEFON: 65 % filled (mobile 65 %, household landline 35 %), national format of the number's country
  with spaces, slashes or dashes ("030 / 1234567", "06 12 34 56 78", "06-12345678") 85 %, international
  15 %, leading 0 dropped 1 %; junk (0000000000, keine, -) 2.5 % of all rows.
- EMAIL: asked 50 %: the email of that day (family email 15 % when the household has one), typo 3 %,
  junk 5 % (keine@email.de, geen@geen.nl, aucun@aucun.fr, noemail, xxx), the store's own address
  (filiale0101@kramhaus.example) 1.5 %.
- ANSCHRIFT: one free-text line, 80 % filled, street abbreviated 50 %, typo 3 %, OCR slip 1 %;
  0.3 % hold a quoted line break (a "c/o" line).
- LAND: ISO code of the address; ``D`` 5 % and ``Deutschland`` 2 % for Germany; empty 10 %.
- FILIALE, ANGELEGT (``dd.mm.yyyy``): the store and the enrolment day.
Malformed on purpose: 0.15 % rows with an unquoted ``;`` in the address (one column too many), 0.1 %
rows with bytes undefined in Windows-1252 (0x81, 0x8D). Both keep their truth row (their id is legible).
"""
from __future__ import annotations

from datetime import date

from . import errors, formats, ids, places
from .common import Account, Context, CsvSink
from .naming import NameNoise, written_name
from .population import Person
from .rand import REF, Unique, add_years, chance, day_between

SOURCE = "pos_loyalty"
FILE = "pos_loyalty.csv"
HEADER = ["KARTENNR", "NAME", "GEBDAT", "TELEFON", "EMAIL", "ANSCHRIFT", "LAND", "FILIALE", "ANGELEGT"]
NOISE = NameNoise(official=0.10, all_given=0.03, nickname=0.08, compound_cut=0.3, typo=0.05, ocr=0.015,
                  fold=0.10, one_surname=0.35, particle=0.3, double_cut=0.3, swap=0.02)


def _name(ctx: Context, p: Person, when: date) -> str:
    rng = ctx.rng
    given, family = written_name(rng, p, when, NOISE)
    u = rng.random()
    if u < 0.45:
        text = f"{family.upper() if chance(rng, 0.6) else family}, {given}"
    elif u < 0.85:
        text = f"{given} {family}"
    elif u < 0.93:
        text = f"{family} {given}"
    elif u < 0.97:
        text = f"{given[:1]}. {family}"
    else:
        text = family
    return text.upper() if chance(rng, 0.35) else text


def _dob(ctx: Context, p: Person) -> str:
    rng = ctx.rng
    if not chance(rng, 0.75):
        return ""
    d = p.dob
    u = rng.random()
    if u < 0.03:
        return f"{d.month:02d}.{d.day:02d}.{d.year}"
    if u < 0.05:
        d = errors.wrong_year_digit(rng, d)
    elif u < 0.06:
        return d.strftime("%d.%m.%y")
    elif u < 0.065:
        return "01.01.1900"
    elif u < 0.068:
        return "00.00.0000"
    return d.strftime("%d.%m.%Y")


def _phone(ctx: Context, p: Person, when: date) -> str:
    rng = ctx.rng
    if chance(rng, 0.025):
        return errors.junk_phone(rng)
    if not chance(rng, 0.65):
        return ""
    mobile = p.mobile_at(when)
    phone = mobile if (mobile and chance(rng, 0.65)) or not p.household.landline else p.household.landline
    if phone is None:
        return ""
    if chance(rng, 0.01):
        return phone.nsn
    return formats.national(rng, phone) if chance(rng, 0.85) else formats.international(rng, phone)


def _email(ctx: Context, p: Person, when: date, store: str, country: str) -> str:
    rng = ctx.rng
    if not chance(rng, 0.5):
        return ""
    u = rng.random()
    if u < 0.05:
        return errors.junk_email(rng, country)
    if u < 0.065:
        return f"filiale{store}@{places.RETAIL_DOMAIN}"
    email = p.household.family_email if p.household.family_email and chance(rng, 0.15) else p.email_at(when)
    if email is None:
        return errors.junk_email(rng, country) if chance(rng, 0.3) else ""
    if chance(rng, 0.03):
        email = errors.email_typo(rng, email)
    return email


def _address(ctx: Context, p: Person, when: date) -> str:
    rng = ctx.rng
    if not chance(rng, 0.8):
        return ""
    addr = p.address_at(when)
    street = formats.abbreviate(rng, addr.street, addr.country) if chance(rng, 0.5) else addr.street
    city = addr.city
    if chance(rng, 0.03):
        street = errors.typo(rng, street)
    if chance(rng, 0.01):
        city = errors.ocr(rng, city)
    text = formats.one_line(rng, addr, street, addr.postcode, city)
    if chance(rng, 0.003):
        text = f"c/o {p.household.members[0].surname_at(when)}\n{text}"
    return text


def _land(ctx: Context, p: Person, when: date) -> str:
    rng = ctx.rng
    country = p.country_at(when)
    u = rng.random()
    if u < 0.10:
        return ""
    if country == "DE" and u < 0.15:
        return "D"
    if country == "DE" and u < 0.17:
        return "Deutschland"
    return "UK" if country == "UK" else country


def write(ctx: Context) -> None:
    rng = ctx.rng
    path = ctx.out_dir / FILE
    sink = CsvSink(path, HEADER, delimiter=";", encoding="cp1252", newline="\r\n")
    used = Unique()
    for p in ctx.pop.people:
        start = max(date(2010, 1, 1), add_years(p.dob, 16))
        if start > REF:
            continue
        enrol = day_between(rng, start, date(2024, 12, 15))
        country = p.country_at(enrol)
        if not chance(rng, places.STORE_COUNTRIES.get(country, 0.01)):
            continue
        cards = 2 if chance(rng, 0.04) else 1
        for k in range(cards):
            if k:
                enrol = day_between(rng, enrol, date(2024, 12, 20))
                country = p.country_at(enrol)
            store_country = country if country in places.STORES else "DE"
            store = rng.choice(places.STORES[store_country])
            card = ids.card_number(rng, used)
            row = [card, _name(ctx, p, enrol), _dob(ctx, p), _phone(ctx, p, enrol),
                   _email(ctx, p, enrol, store, store_country), _address(ctx, p, enrol), _land(ctx, p, enrol),
                   store, enrol.strftime("%d.%m.%Y")]
            ctx.cards.setdefault(p.pid, []).append(Account(card, p.pid, enrol))
            ctx.truth.add(SOURCE, card, p.pid)
            u = rng.random()
            if u < 0.0015 and row[5]:
                broken = row[5].replace("\n", " ")
                broken = broken.replace(", ", "; ", 1) if ", " in broken else broken + "; 2. OG"
                line = sink.raw(";".join(v.replace(";", " ") for v in row[:5]) + f";{broken};" +
                                ";".join(row[6:]) + "\r\n")
                ctx.truth.bad(SOURCE, line, card, "unquoted ';' in ANSCHRIFT: one column too many")
            elif u < 0.0025:
                data = sink.text(row).encode("cp1252", errors="replace")
                cut = data.index(b";") + 2
                data = data[:cut] + rng.choice([b"\x81", b"\x8d", b"\x8f"]) + data[cut:]
                line = sink.raw(data)
                ctx.truth.bad(SOURCE, line, card, "byte undefined in cp1252")
            else:
                sink.row(row)
            if chance(rng, 0.005):                  # exported twice, later copy with a phone added
                again = list(row)
                again[3] = again[3] or _phone(ctx, p, REF)
                sink.row(again)
    sink.close()
    ctx.files[SOURCE] = path
    ctx.counts[SOURCE] = sink.rows
