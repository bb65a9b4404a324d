"""Customer-record sources: the CRM export, the loyalty cards and the newsletter sign-ups."""

from __future__ import annotations

import random
from datetime import date

from .data import _ABBREVIATIONS, _Rows
from .noise import _epoch, _fmt_landline, _fmt_mobile, _iso, _nickname, _typo
from .people import _new_email, _Person


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
