"""``support_cases.csv``: contact-centre cases (events) 2022-2024, comma-separated UTF-8, in time order.
The contact centre sits in Germany and serves all six countries.

Who: 12 % of adults, 1 + geometric(0.4) cases each.
Columns and error processes:
- case_id: ``CS`` + 8 digits, the id.
- opened_at: ISO 8601 with the caller's local UTC offset (+01:00/+02:00, +00:00/+01:00 in the UK,
  summer time by the EU rule) 85 %, UTC with ``Z`` 10 %, with milliseconds 5 %.
- channel: phone 55 %, chat 25 %, email 20 %.
- caller_phone: phone cases: the calling line as the telephony delivers it (E.164 70 %, ``00``
  international 10 %) from the caller's mobile (80 %) or landline; withheld 10 % ("anonymous",
  "unbekannt" or empty); the contact centre's own hotline +49 800 5892000 filled in by agents 3 %
  (shared by every such case); typed by the agent in national format 7 %. Chat: 15 % typed by the
  customer (national 50 %).
- email: email cases always (the current email 80 %, an old one 10 %, the family email 10 % when there
  is one), chat 50 %, phone 12 %.
- loyalty_card: 30 % of cases of card holders: as printed with spaces or dashes 8 %, a digit slip
  1.5 % (it then names nobody or somebody else).
- topic, language, status.
Malformed on purpose: 0.05 % cases with an unreadable opened_at ("31.12.2023 25:61"), no usable time;
they keep their truth row.
"""
from __future__ import annotations

from datetime import date

from . import formats, ids, places
from .common import Context, CsvSink
from .rand import Unique, Weighted, chance, moment_between

SOURCE = "support_cases"
FILE = "support_cases.csv"
HEADER = ["case_id", "opened_at", "channel", "caller_phone", "email", "loyalty_card", "topic", "language",
          "status"]
START, END = date(2022, 1, 1), date(2024, 12, 31)
CHANNELS = Weighted.of({"phone": 0.55, "chat": 0.25, "email": 0.2})
TOPICS = ["delivery", "return", "refund", "invoice", "loyalty_points", "product_question", "complaint",
          "account_access", "gdpr_request"]
LANG = {"DE": "de", "FR": "fr", "NL": "nl", "ES": "es", "IT": "it", "UK": "en"}


def _phone_case(ctx: Context, p, day: date) -> str:
    rng = ctx.rng
    u = rng.random()
    if u < 0.10:
        return rng.choice(["anonymous", "unbekannt", "", "Rufnummer unterdrückt"])
    if u < 0.13:
        c, prefix, sub = places.HOTLINE
        return f"+49 {prefix} {sub}"
    mobile = p.mobile_at(day)
    phone = mobile if mobile and (chance(rng, 0.8) or not p.household.landline) else p.household.landline
    if phone is None:
        return ""
    if u < 0.20:
        return formats.national(rng, phone)
    if u < 0.30:
        return f"00{places.CALLING_CODE[phone.country]}{phone.nsn}"
    return formats.e164(phone)


def write(ctx: Context) -> None:
    rng = ctx.rng
    cases = []
    used = Unique()
    for p in ctx.pop.people:
        if p.age < 18 or not chance(rng, 0.12):
            continue
        n = 1
        while chance(rng, 0.4):
            n += 1
        for _ in range(n):
            moment = moment_between(rng, START, END)
            day = formats.date_from(moment)
            country = p.country_at(day)
            channel = CHANNELS.pick(rng)
            phone = ""
            if channel == "phone":
                phone = _phone_case(ctx, p, day)
            elif channel == "chat" and chance(rng, 0.15) and p.mobile_at(day):
                phone = formats.any_style(rng, p.mobile_at(day), 0.5)
            email = ""
            if channel == "email" or (channel == "chat" and chance(rng, 0.5)) or chance(rng, 0.12):
                hh = p.household
                u = rng.random()
                if hh.family_email and u < 0.1:
                    email = hh.family_email
                elif len(p.emails) > 1 and u < 0.2:
                    email = p.emails[0][1]
                else:
                    email = p.email_at(day) or hh.family_email or ""
            card = ""
            cards = [c for c in ctx.cards.get(p.pid, []) if c.created <= day]
            if cards and chance(rng, 0.3):
                card = cards[-1].record_id
                u = rng.random()
                if u < 0.015:
                    card = ids.digit_slip(rng, card)
                elif u < 0.095:
                    card = ids.spaced_card(rng, card)
            u = rng.random()
            if u < 0.85:
                opened = formats.iso_local(moment, country)
            elif u < 0.95:
                opened = formats.iso_z(moment)
            else:
                opened = formats.iso_local(moment, country, fraction=True)
            case_id = used.take(lambda: f"CS{rng.randint(10_000_000, 99_999_999)}")
            lang = LANG[country] if chance(rng, 0.85) else LANG[p.culture]
            row = [case_id, opened, channel, phone, email, card, rng.choice(TOPICS), lang,
                   rng.choice(["closed", "closed", "closed", "open", "pending"])]
            cases.append((moment, case_id, p.pid, row))
    cases.sort(key=lambda c: (c[0], c[1]))
    path = ctx.out_dir / FILE
    sink = CsvSink(path, HEADER)
    for moment, case_id, pid, row in cases:
        if chance(rng, 0.0005):
            row = list(row)
            row[1] = moment.strftime("%d.%m.%Y") + " 25:61"
            line = sink.row(row)
            ctx.truth.bad(SOURCE, line, case_id, "opened_at unreadable: no usable time")
        else:
            sink.row(row)
        ctx.truth.add(SOURCE, case_id, pid)
    sink.close()
    ctx.files[SOURCE] = path
    ctx.counts[SOURCE] = sink.rows
