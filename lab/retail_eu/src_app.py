"""``app_users.csv``: sign-ups in the Kramhaus mobile app (2019-2024). Comma-separated UTF-8, LF,
mostly a first name and an email; the device the app was installed on.

Who: 45 % of people aged 16-35, 30 % of 36-55, 15 % of 56-70, 4 % above, who had a smartphone (or a
household tablet) and an email at sign-up. 5 % signed up twice (a new phone, another email or Apple's
private relay).

Columns and error processes:
- user_id: a UUID, the id.
- email: of the sign-up day; family email 8 % when the household has one; Apple private relay
  (``x7k2...@privaterelay.appleid.com``, unique per person) 12 % of iOS sign-ups; typo 1.5 %; gmail dots
  2 %; junk (test@test.com, none@none.com ...) 0.7 %.
- first_name: 92 % filled: the official name 2 %, a nickname 20 %, compound cut 30 %, typo 2 %,
  transliteration 5 %; lower case 25 %; the whole name typed into it 3 %; an initial only 2 %; an emoji
  appended 0.4 %.
- last_name: 30 % filled (typo 2 %, transliteration 5 %).
- phone: 25 %, from a country picker: E.164 60 %, spaced international 40 %.
- device_id: the phone's IDFV (iOS, upper-case UUID) or Android id (16 hex) of that day; the shared
  household tablet 15 % when there is one; a store's demo tablet (``KH-STORE-TAB-0101``) 3 %, shared
  by everyone who signed up in that store.
- platform (ios/android), locale (de_DE, en_GB...), signup_ts_ms (epoch milliseconds), push_opt_in.
Malformed on purpose: 0.1 % rows with an unquoted comma in first_name ("Müller, Hans"), one column too
many; they keep their truth row.
"""
from __future__ import annotations

import string
from datetime import date

from . import errors, formats, places
from .common import Account, Context, CsvSink
from .naming import NameNoise, family_written, given_written, spoil
from .rand import add_years, chance, moment_between, uuid4

SOURCE = "app_users"
FILE = "app_users.csv"
HEADER = ["user_id", "email", "first_name", "last_name", "phone", "device_id", "platform", "locale",
          "signup_ts_ms", "push_opt_in"]
NOISE = NameNoise(official=0.02, nickname=0.2, compound_cut=0.3, typo=0.02, fold=0.05, one_surname=0.4,
                  particle=0.3, double_cut=0.3, swap=0.0)
LANG = {"DE": "de", "FR": "fr", "NL": "nl", "ES": "es", "IT": "it", "UK": "en"}
EMOJI = ["🌸", "😊", "⚽", "🐶", "✨", "🦄"]


def _relay(ctx: Context) -> str:
    rng = ctx.rng
    alphabet = string.ascii_lowercase + string.digits
    return f"{''.join(rng.choice(alphabet) for _ in range(10))}@privaterelay.appleid.com"


def write(ctx: Context) -> None:
    rng = ctx.rng
    path = ctx.out_dir / FILE
    sink = CsvSink(path, HEADER)
    for p in ctx.pop.people:
        age = p.age
        share = 0.45 if age <= 35 else 0.30 if age <= 55 else 0.15 if age <= 70 else 0.04
        if not chance(rng, share):
            continue
        start = max(date(2019, 3, 1), add_years(p.dob, 16))
        moment = moment_between(rng, start, date(2024, 12, 20))
        for k in range(2 if chance(rng, 0.05) else 1):
            if k:
                moment = moment_between(rng, formats.date_from(moment), date(2024, 12, 30))
            day = formats.date_from(moment)
            hh = p.household
            device = p.device_at(day)
            if hh.tablet and (device is None or chance(rng, 0.15)):
                device = hh.tablet
            store_tab = chance(rng, 0.03)
            country = p.country_at(day)
            if store_tab:
                store_country = country if country in places.STORES else "DE"
                device = f"KH-STORE-TAB-{rng.choice(places.STORES[store_country])}"
            if device is None:
                break
            ios = "-" in device and not device.startswith("KH-") or (device.startswith("KH-") and p.ios)
            email = p.email_at(day)
            if hh.family_email and (email is None or chance(rng, 0.08)):
                email = hh.family_email
            if email is None:
                break
            if k:
                others = [e for _, e in p.emails if e != email]
                email = rng.choice(others) if others and chance(rng, 0.5) else None
            if email is None or (ios and chance(rng, 0.12)):
                email = _relay(ctx)
            u = rng.random()
            if u < 0.015:
                email = errors.email_typo(rng, email)
            elif u < 0.035:
                email = errors.gmail_dots(rng, email)
            elif u < 0.042:
                email = errors.junk_email(rng, country) if chance(rng, 0.5) else rng.choice(
                    ["test@test.com", "none@none.com", "a@b.com", "xxx@xxx.com"])
            first = ""
            if chance(rng, 0.92):
                first = spoil(rng, given_written(rng, p, NOISE), NOISE)
                u = rng.random()
                if u < 0.03:
                    first = f"{first} {family_written(rng, p, day, NOISE)}"
                elif u < 0.05:
                    first = first[:1] + "."
                elif u < 0.054:
                    first = f"{first} {rng.choice(EMOJI)}"
                if chance(rng, 0.25):
                    first = first.lower()
            last = spoil(rng, family_written(rng, p, day, NOISE), NOISE) if chance(rng, 0.3) else ""
            phone = ""
            mobile = p.mobile_at(day)
            if mobile and chance(rng, 0.25):
                phone = (formats.e164(mobile) if chance(rng, 0.6)
                         else formats.international(rng, mobile, spaced=1.0))
            language = LANG[p.culture] if chance(rng, 0.8) else LANG[country]
            locale = f"{language}_{places.ISO[country]}"
            user_id = uuid4(rng)
            row = [user_id, email, first, last, phone, device, "ios" if ios else "android", locale,
                   formats.epoch_ms(moment), "true" if chance(rng, 0.6) else "false"]
            ctx.app.setdefault(p.pid, []).append(Account(user_id, p.pid, day, email=email, device=device))
            ctx.truth.add(SOURCE, user_id, p.pid)
            if chance(rng, 0.001) and first:
                fam = family_written(rng, p, day, NOISE)
                bad = list(row)
                bad[2] = f"{fam}, {first}"
                line = sink.raw(",".join(bad) + "\n")
                ctx.truth.bad(SOURCE, line, user_id, "unquoted ',' in first_name: one column too many")
            else:
                sink.row(row)
    sink.close()
    ctx.files[SOURCE] = path
    ctx.counts[SOURCE] = sink.rows
