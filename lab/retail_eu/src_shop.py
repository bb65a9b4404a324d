"""``shop_accounts.jsonl``: accounts of the Kramhaus web shop (all six countries), one JSON object per
line, UTF-8, customer-typed with form validation, updated by the customer now and then.

Who: adults, 62 % under 56, 45 % aged 56-69, 22 % from 70 (people with neither a personal nor a family
email have none). 3 % of account holders opened a second account (another or a mistyped email,
sometimes a nickname). Accounts opened 2014-2024; 65 % updated at least once afterwards.

Keys and error processes:
- account_id: 9 digits, the id. loyalty_card: the card number the customer entered in "my account"
  (30 % of holders of a card): as printed with spaces or dashes 30 %, a digit slip 2 %.
- email: of the day of opening 55 % (an old address), of the last update 45 %; the family email 8 %
  when the household has one; mistyped 0.8 % (gmial.com, a dropped dot); gmail dots moved 2 %;
  capitalised 3 %.
- given_name / family_name at the last update: the official given name 5 %, nickname 5 %, compound cut
  10 %, typo 1.2 %, transliteration 4 %, Spanish second surname dropped 25 %, particle mangled 15 %,
  double name cut 20 %, swapped 0.8 %; all lower case 6 %, all upper case 1.5 %. Name changes at a
  marriage after the account was opened show if the account was updated since.
- birth_date ISO, 45 % filled; day/month swapped 0.5 %, wrong year digit 0.5 %, 1900-01-01 0.3 %.
- mobile: 65 % (of people with a mobile), international ("+49 151 23456789", "+4915123456789",
  "0049 ...", "+49 (0)151 ...") 87 %, national 12 % (read with the mapping's one region, so French or
  Dutch national numbers come out wrong); the landline instead 4 % of people without a mobile; junk
  (0000000000, +49 000000000) 1 %.
- street, house_number, address_extra (flat, 70 % of flats given), postcode, city, country_code (ISO,
  GB for the UK): the address of the last update, but 30 % of households that moved between opening
  and the last update kept the old one; street abbreviated 10 %, typo 1 %; UK postcodes lower case or
  without the space 5 %.
- created_at, updated_at: ISO 8601 UTC with Z. newsletter, status.
- Optional keys missing are ``null`` (80 %) or left out (20 %).
Malformed on purpose: 0.1 % lines cut off mid-object (they keep their truth row), 0.03 % lines that
are not JSON at all (an exporter's banner; no truth row).
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from . import errors, formats, ids, places
from .common import Account, Context, JsonlSink
from .naming import NameNoise, written_name
from .population import Person
from .rand import Unique, add_years, chance, day_between

SOURCE = "shop_accounts"
FILE = "shop_accounts.jsonl"
NOISE = NameNoise(official=0.05, nickname=0.05, compound_cut=0.1, typo=0.012, fold=0.04, one_surname=0.25,
                  particle=0.15, double_cut=0.2, swap=0.008)


def _stamp(ctx: Context, day: date) -> str:
    moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(
        seconds=ctx.rng.randrange(6 * 3600, 23 * 3600))
    return formats.iso_z(moment)


def _email(ctx: Context, p: Person, created: date, updated: date, second: bool) -> str | None:
    rng = ctx.rng
    hh = p.household
    if hh.family_email and (chance(rng, 0.08) or not p.emails):
        email = hh.family_email
    else:
        email = p.email_at(created if chance(rng, 0.55) else updated)
    if email is None:
        return None
    if second:
        others = [e for _, e in p.emails if e != email]
        email = rng.choice(others) if others and chance(rng, 0.6) else errors.email_typo(rng, email)
    elif chance(rng, 0.008):
        email = errors.email_typo(rng, email)
    if chance(rng, 0.02):
        email = errors.gmail_dots(rng, email)
    if chance(rng, 0.03):
        email = email[:1].upper() + email[1:]
    return email


def _mobile(ctx: Context, p: Person, when: date) -> str | None:
    rng = ctx.rng
    if chance(rng, 0.01):
        return rng.choice(["0000000000", "+49 000000000", "+49 123456789", "00000"])
    phone = p.mobile_at(when)
    if phone is None:
        phone = p.household.landline if chance(rng, 0.04) else None
    if phone is None or not chance(rng, 0.65):
        return None
    if chance(rng, 0.12):
        return formats.national(rng, phone)
    return formats.international(rng, phone, spaced=0.45)


def _card(ctx: Context, p: Person, when: date) -> str | None:
    rng = ctx.rng
    cards = [c for c in ctx.cards.get(p.pid, []) if c.created <= when]
    if not cards or not chance(rng, 0.3):
        return None
    card = cards[-1].record_id
    if chance(rng, 0.02):
        card = ids.digit_slip(rng, card)
    return ids.spaced_card(rng, card) if chance(rng, 0.3) else card


def _account(ctx: Context, p: Person, account_id: str, created: date, second: bool) -> dict | None:
    rng = ctx.rng
    updated = created if chance(rng, 0.35) else day_between(rng, created, date(2024, 12, 20))
    email = _email(ctx, p, created, updated, second)
    if email is None:
        return None
    given, family = written_name(rng, p, updated, NOISE)
    u = rng.random()
    if u < 0.06:
        given, family = given.lower(), family.lower()
    elif u < 0.075:
        given, family = given.upper(), family.upper()
    dob = None
    if chance(rng, 0.45):
        d = p.dob
        u = rng.random()
        if u < 0.005:
            d = errors.swap_day_month(d)
        elif u < 0.01:
            d = errors.wrong_year_digit(rng, d)
        elif u < 0.013:
            d = date(1900, 1, 1)
        dob = d.isoformat()
    hh = p.household
    when = updated
    if hh.moved_on and created < hh.moved_on <= updated and chance(rng, 0.3):
        when = created
    addr = p.address_at(when)
    street = addr.street
    if chance(rng, 0.1):
        street = formats.abbreviate(rng, street, addr.country)
    if chance(rng, 0.01):
        street = errors.typo(rng, street)
    postcode = addr.postcode
    if addr.country == "UK" and chance(rng, 0.05):
        postcode = postcode.lower() if chance(rng, 0.5) else postcode.replace(" ", "")
    extra = addr.flat if addr.flat and chance(rng, 0.7) else None
    record = {
        "account_id": account_id,
        "email": email,
        "given_name": given,
        "family_name": family,
        "birth_date": dob,
        "mobile": _mobile(ctx, p, updated),
        "street": street,
        "house_number": addr.house_no,
        "address_extra": extra,
        "postcode": postcode,
        "city": addr.city,
        "country_code": places.ISO[addr.country],
        "loyalty_card": _card(ctx, p, updated),
        "created_at": _stamp(ctx, created),
        "updated_at": _stamp(ctx, updated),
        "newsletter": chance(rng, 0.4),
        "status": "closed" if chance(rng, 0.05) else "active",
    }
    if chance(rng, 0.2):
        record = {k: v for k, v in record.items() if v is not None}
    return record


def write(ctx: Context) -> None:
    rng = ctx.rng
    path = ctx.out_dir / FILE
    sink = JsonlSink(path)
    used = Unique()
    for p in ctx.pop.people:
        if p.age < 18:
            continue
        if not chance(rng, 0.62 if p.age < 56 else 0.45 if p.age < 70 else 0.22):
            continue
        created = day_between(rng, max(date(2014, 1, 1), add_years(p.dob, 18)), date(2024, 10, 31))
        for k in range(2 if chance(rng, 0.03) else 1):
            if k:
                created = day_between(rng, created, date(2024, 12, 1))
            account_id = used.take(lambda: str(rng.randint(100_000_000, 199_999_999)))
            record = _account(ctx, p, account_id, created, second=k == 1)
            if record is None:
                continue
            ctx.shop.setdefault(p.pid, []).append(Account(account_id, p.pid, created, email=record["email"]))
            ctx.truth.add(SOURCE, account_id, p.pid)
            u = rng.random()
            if u < 0.001:
                text = json.dumps(record, ensure_ascii=False)
                line = sink.raw(text[: max(30, int(len(text) * rng.uniform(0.4, 0.9)))] + "\n")
                ctx.truth.bad(SOURCE, line, account_id, "line cut off mid-object")
            else:
                sink.row(record)
            if chance(rng, 0.0003):
                line = sink.raw(f"### kramhaus shop export, part {rng.randint(2, 9)} ###\n")
                ctx.truth.bad(SOURCE, line, "", "not JSON (exporter banner)")
    sink.close()
    ctx.files[SOURCE] = path
    ctx.counts[SOURCE] = sink.rows
