"""``marketplace_orders.jsonl``: orders (events) from the web shop, the app and the marketplaces
Kramhaus sells on, 2022-2024, one JSON object per line, in time order.

Who and how many:
- web shop and app orders of account holders: Poisson(2.5) per account after it was opened; the
  account id is on 90 % (the rest checked out as guests with the account's email); 3 % of orders in a
  multi-person household are placed by a housemate logged into this account (the truth is the housemate,
  who did it; no data can tell).
- guest orders of 12 % of adults without an account: 1-2, their email of the day.
- marketplace orders of 25 % of adults: 1 + Poisson(1.5) on Amazon (the buyer email is Amazon's
  pseudonymous relay, one per buyer and marketplace, e.g. ``k3j9x...@marketplace.amazon.de``), Zalando,
  eBay, bol.com (NL), Cdiscount (FR) (real emails).
Keys and error processes:
- order_id: per channel format (302-1234567-1234567 on Amazon, KH-2023-0012345 in the shop), the id.
- placed_at: ISO 8601 UTC, ``Z``, milliseconds 40 %.
- buyer_email: see above; gmail dots 2 %; the family email 5 % when there is one; an old email 10 %.
- delivery_phone: 70 % the buyer's mobile (national 40 %, international 60 %), 8 % the household
  landline, 2 % the phone of the person the parcel is a gift for (another person), 1 % junk.
- amount (a JSON number; 1 % a string with a decimal comma, "49,99"), currency (GBP in the UK, else
  EUR), channel (web, app, marketplace), marketplace, status, shop_account_id.
Malformed on purpose: 0.05 % log lines that are not JSON (no truth row), 0.05 % orders with
``"placed_at": null`` (no usable time; they keep their truth row).
"""
from __future__ import annotations

import string
from datetime import date

from . import errors, formats
from .common import Context, JsonlSink
from .rand import Unique, chance, moment_between, poisson

SOURCE = "marketplace_orders"
FILE = "marketplace_orders.jsonl"
START, END = date(2022, 1, 1), date(2024, 12, 31)
MARKETS = {"DE": ["amazon.de", "zalando.de", "ebay.de"], "FR": ["amazon.fr", "zalando.fr", "cdiscount.com"],
           "NL": ["amazon.nl", "bol.com", "zalando.nl"], "ES": ["amazon.es", "zalando.es"],
           "IT": ["amazon.it", "zalando.it", "ebay.it"], "UK": ["amazon.co.uk", "ebay.co.uk"]}


class Orders:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rows: list[tuple] = []
        self.ids = Unique()
        self.relays: dict[tuple[str, str], str] = {}
        self.seq = 0

    def order_id(self, channel: str, market: str, year: int) -> str:
        rng = self.ctx.rng

        def digits(n: int) -> str:
            return f"{rng.randrange(10 ** n):0{n}d}"

        def chars(alphabet: str, n: int) -> str:
            return "".join(rng.choice(alphabet) for _ in range(n))

        if market.startswith("amazon"):
            return self.ids.take(lambda: f"{rng.randint(302, 408)}-{digits(7)}-{digits(7)}")
        if market.startswith("zalando"):
            return self.ids.take(lambda: f"10101{digits(10)}")
        if market.startswith("ebay"):
            return self.ids.take(lambda: f"{rng.randint(10, 27)}-{digits(5)}-{digits(5)}")
        if market == "bol.com":
            return self.ids.take(lambda: f"A{chars(string.ascii_uppercase + string.digits, 8)}")
        if market == "cdiscount.com":
            return self.ids.take(lambda: f"{year % 100}{digits(8)}{chars(string.ascii_uppercase, 4)}")
        self.seq += rng.randint(1, 40)
        return self.ids.take(lambda: f"KH-{year}-{self.seq:07d}")

    def relay(self, pid: str, market: str) -> str:
        rng = self.ctx.rng
        key = (pid, market)
        if key not in self.relays:
            tld = market.split("amazon.", 1)[1]
            local = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(14))
            self.relays[key] = f"{local}@marketplace.amazon.{tld}"
        return self.relays[key]

    def phone(self, p, day: date):
        rng = self.ctx.rng
        u = rng.random()
        if u < 0.01:
            return errors.junk_phone(rng)
        if u < 0.03:
            other = rng.choice(self.ctx.pop.people)
            phone = other.mobile_at(day)
        elif u < 0.11:
            phone = p.household.landline
        elif u < 0.81:
            phone = p.mobile_at(day)
        else:
            phone = None
        if phone is None:
            return None
        return formats.any_style(rng, phone, 0.4)

    def email(self, p, day: date, base: str | None) -> str | None:
        rng = self.ctx.rng
        email = base or p.email_at(day)
        if p.household.family_email and chance(rng, 0.05):
            email = p.household.family_email
        elif len(p.emails) > 1 and chance(rng, 0.1):
            email = p.emails[0][1]
        if email and chance(rng, 0.02):
            email = errors.gmail_dots(rng, email)
        return email

    def add(self, p, moment, channel: str, market: str, email, account_id):
        rng = self.ctx.rng
        day = formats.date_from(moment)
        country = p.country_at(day)
        amount = round(min(rng.lognormvariate(3.9, 0.8), 2500.0), 2)
        record = {
            "order_id": self.order_id(channel, market, moment.year),
            "placed_at": formats.iso_z(moment, fraction=chance(rng, 0.4)),
            "channel": channel,
            "marketplace": market,
            "buyer_email": email,
            "delivery_phone": self.phone(p, day),
            "amount": f"{amount:.2f}".replace(".", ",") if chance(rng, 0.01) else amount,
            "currency": "GBP" if country == "UK" else "EUR",
            "status": rng.choice(["delivered", "delivered", "delivered", "shipped", "returned", "cancelled"]),
            "shop_account_id": account_id,
        }
        self.rows.append((moment, record["order_id"], p.pid, record))


def write(ctx: Context) -> None:
    rng = ctx.rng
    orders = Orders(ctx)
    for p in ctx.pop.people:
        if p.age < 18:
            continue
        housemates = [m for m in p.household.members if m is not p and m.age >= 16]
        for acc in ctx.shop.get(p.pid, []):
            for _ in range(poisson(rng, 2.5)):
                moment = moment_between(rng, max(START, acc.created), END)
                buyer = rng.choice(housemates) if housemates and chance(rng, 0.03) else p
                channel = "app" if chance(rng, 0.3) else "web"
                orders.add(buyer, moment, channel, "kramhaus", acc.email,
                           acc.record_id if chance(rng, 0.9) else None)
        if p.pid not in ctx.shop and chance(rng, 0.12):
            for _ in range(rng.randint(1, 2)):
                moment = moment_between(rng, START, END)
                email = orders.email(p, formats.date_from(moment), None)
                if email:
                    orders.add(p, moment, "web", "kramhaus", email, None)
        if chance(rng, 0.25):
            for _ in range(1 + poisson(rng, 1.5)):
                moment = moment_between(rng, START, END)
                day = formats.date_from(moment)
                market = rng.choice(MARKETS[p.country_at(day)])
                if market.startswith("amazon"):
                    email = orders.relay(p.pid, market)
                else:
                    email = orders.email(p, day, None)
                orders.add(p, moment, "marketplace", market, email, None)
    orders.rows.sort(key=lambda r: (r[0], r[1]))
    path = ctx.out_dir / FILE
    sink = JsonlSink(path)
    for moment, order_id, pid, record in orders.rows:
        u = rng.random()
        if u < 0.0005:
            record = dict(record, placed_at=None)
            line = sink.row(record)
            ctx.truth.bad(SOURCE, line, order_id, "placed_at is null: no usable time")
        else:
            sink.row(record)
        ctx.truth.add(SOURCE, order_id, pid)
        if chance(rng, 0.0005):
            stamp = moment.strftime("%Y-%m-%d %H:%M:%S")
            line = sink.raw(f"WARN {stamp} orders-export: retrying page {rng.randint(2, 400)}\n")
            ctx.truth.bad(SOURCE, line, "", "not JSON (a log line)")
    sink.close()
    ctx.files[SOURCE] = path
    ctx.counts[SOURCE] = sink.rows
