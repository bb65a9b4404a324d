"""``web_sessions.csv``: click-stream events of the web shop and the app (2022-2024), comma-separated
UTF-8, in time order, timestamps ``YYYY-mm-dd HH:MM:SS`` in UTC.

Who and how many:
- account holders of the shop: Poisson(2.5) web sessions per account after it was opened; the device is
  the person's browser cookie of the day (cookies are reset every 1-3 years) 80 %, the household's
  shared laptop 15 % when there is one, an in-store kiosk (``KIOSK-0101-2``, used by many customers)
  3 %. A session is 1-4 page views, an add_to_cart 35 %, a login 60 % (with account_id), a purchase
  15 % (account_id on 70 % of purchases).
- app users: Poisson(2.5) app sessions per app account after sign-up; the device of the sign-up 60 %,
  the person's phone of the day 25 % (after a phone change it is a new device id), the household tablet
  15 % when there is one; an app_open login carries app_user_id 40 %.
- 8 % of other adults browse anonymously: 1-3 sessions of page views with their cookie.
Columns: event_id (``ev_`` + 16 hex, the id), ts, device_id, platform (web/ios/android), event_type
(page_view, add_to_cart, login, purchase, app_open), page, account_id, app_user_id.
Malformed on purpose: 0.05 % rows with an unquoted comma in the page (a search query), one column too
many; 0.03 % rows with ts ``0000-00-00 00:00:00`` (no usable time). Both keep their truth row.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from . import formats, places
from .common import Context, CsvSink
from .rand import Unique, chance, hexid, moment_between, poisson

SOURCE = "web_sessions"
FILE = "web_sessions.csv"
HEADER = ["event_id", "ts", "device_id", "platform", "event_type", "page", "account_id", "app_user_id"]
START, END = date(2022, 1, 1), date(2024, 12, 31)
LANG = {"DE": "de", "FR": "fr", "NL": "nl", "ES": "es", "IT": "it", "UK": "en"}
PRODUCTS = ["sofa-grau", "lampe-messing", "teppich-wolle", "regal-eiche", "bettwaesche-leinen",
            "vase-keramik", "stuhl-samt", "spiegel-rund", "kissen-boucle", "tisch-nussbaum"]


class Events:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rows: list[tuple] = []
        self.ids = Unique()

    def page(self, country: str) -> str:
        rng = self.ctx.rng
        lang = LANG[country]
        u = rng.random()
        if u < 0.5:
            return f"/{lang}/p/{rng.randint(10000, 99999)}-{rng.choice(PRODUCTS)}"
        if u < 0.7:
            return f"/{lang}/c/{rng.choice(['wohnen', 'schlafen', 'kueche', 'deko', 'outlet'])}"
        if u < 0.85:
            return f"/{lang}/search?q={rng.choice(PRODUCTS).split('-')[0]}"
        return f"/{lang}/"

    def session(self, pid: str, start: datetime, device: str, platform: str, country: str,
                login: tuple[str, str] | None, login_p: float):
        rng = self.ctx.rng
        t = start
        kinds = ["app_open"] if platform != "web" else []
        kinds += ["page_view"] * rng.randint(1, 4)
        if chance(rng, 0.35):
            kinds.append("add_to_cart")
        if platform == "web" and login and chance(rng, login_p):
            kinds.insert(rng.randint(0, 1), "login")
        if chance(rng, 0.15):
            kinds.append("purchase")
        for kind in kinds:
            t += timedelta(seconds=rng.randint(3, 240))
            account = app_user = ""
            if login:
                field, value = login
                named = (kind == "login" or (kind == "app_open" and chance(rng, login_p))
                         or (kind == "purchase" and field == "account" and chance(rng, 0.7)))
                if named:
                    account, app_user = (value, "") if field == "account" else ("", value)
            event_id = self.ids.take(lambda: f"ev_{hexid(rng, 16)}")
            row = [event_id, t.strftime("%Y-%m-%d %H:%M:%S"), device, platform, kind, self.page(country),
                   account, app_user]
            self.rows.append((t, event_id, pid, row))


def write(ctx: Context) -> None:
    rng = ctx.rng
    ev = Events(ctx)
    for p in ctx.pop.people:
        hh = p.household
        for acc in ctx.shop.get(p.pid, []):
            for _ in range(poisson(rng, 2.5)):
                start = moment_between(rng, max(START, acc.created), END)
                day = formats.date_from(start)
                u = rng.random()
                country = p.country_at(day)
                if u < 0.03 and country in places.STORES:
                    device = f"KIOSK-{rng.choice(places.STORES[country])}-{rng.randint(1, 3)}"
                elif hh.laptop_cookie and u < 0.18:
                    device = hh.laptop_cookie
                else:
                    device = p.cookie_at(day)
                ev.session(p.pid, start, device, "web", country, ("account", acc.record_id), 0.6)
        for acc in ctx.app.get(p.pid, []):
            for _ in range(poisson(rng, 2.5)):
                start = moment_between(rng, max(START, acc.created), END)
                day = formats.date_from(start)
                u = rng.random()
                device = acc.device
                if hh.tablet and u < 0.15:
                    device = hh.tablet
                elif u < 0.40 and p.device_at(day):
                    device = p.device_at(day)
                if device.startswith("KH-STORE-TAB"):
                    device = p.device_at(day) or hh.tablet or device
                platform = "ios" if "-" in device and not device.startswith("KH-") else "android"
                ev.session(p.pid, start, device, platform, p.country_at(day), ("app", acc.record_id), 0.4)
        if p.pid not in ctx.shop and p.pid not in ctx.app and p.age >= 18 and chance(rng, 0.08):
            for _ in range(rng.randint(1, 3)):
                start = moment_between(rng, START, END)
                day = formats.date_from(start)
                ev.session(p.pid, start, p.cookie_at(day), "web", p.country_at(day), None, 0.0)
    ev.rows.sort(key=lambda r: (r[0], r[1]))
    path = ctx.out_dir / FILE
    sink = CsvSink(path, HEADER)
    for t, event_id, pid, row in ev.rows:
        u = rng.random()
        if u < 0.0005:
            bad = list(row)
            bad[5] = bad[5].split("?")[0] + "?q=sofa,grau"
            line = sink.raw(",".join(bad) + "\n")
            ctx.truth.bad(SOURCE, line, event_id, "unquoted ',' in page: one column too many")
        elif u < 0.0008:
            bad = list(row)
            bad[1] = "0000-00-00 00:00:00"
            line = sink.row(bad)
            ctx.truth.bad(SOURCE, line, event_id, "ts 0000-00-00: no usable time")
        else:
            sink.row(row)
        ctx.truth.add(SOURCE, event_id, pid)
    sink.close()
    ctx.files[SOURCE] = path
    ctx.counts[SOURCE] = sink.rows
