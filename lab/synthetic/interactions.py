"""Interaction sources: contact-centre tickets and the web clickstream (devices, shared laptops, kiosks)."""

from __future__ import annotations

import random

from .data import _CATEGORY, _PRODUCT_CATEGORIES, _TICKETS_PER_PERSON, JUNK_PHONES, _Pick, _Rows
from .noise import _epoch, _fmt_landline, _fmt_mobile, _iso_london
from .people import _Person


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
    # Purchases carry an order id, an amount and GBP. Their own generator, seeded from the events, so
    # that the draws of every other value (and the files of a given seed) stay as they were.
    money = random.Random(f"orders:{len(events)}:{events[0][0] if events else 0}")
    out = _Rows([], [], [])
    for i, (ts, cookie, event, user, pid) in enumerate(events, 1):
        eid = f"E{i:010d}"
        order = [f"ORD-{i:09d}", f"{min(money.lognormvariate(3.6, 0.7), 900.0):.2f}", "GBP"] \
            if event == "purchase" else ["", "", ""]
        out.rows.append([eid, str(ts), cookie, event, user, _page(event, rng), *order])
        out.ids.append(eid)
        out.persons.append(pid)
    return out
