"""Error processes applied when a value is written into a source. Each takes the seeded rng.

- ``typo``: one keyboard slip: insert a neighbouring key, delete, substitute a neighbour, transpose two
  letters (the first letter is hit a quarter as often as the others).
- ``ocr``: confusions of scanned paper forms: 0/O, 1/l/I, 5/S, 8/B, rn/m, cl/d, e/c, u/ü, ß/B.
- ``fold``: transliteration as a keyboard without the letters does it: ``expand`` (ü->ue, ß->ss,
  é->e, ñ->n) or ``strip`` (ü->u, ß->s) or ``ascii`` (``expand`` for German letters, ``strip`` else).
- ``nickname``: a short form of the culture (Hans for Johannes, Pepe for José, Beppe for Giuseppe).
- ``case``: UPPER, lower or Title as staff and customers type.
- date slips: ``swap_day_month``, ``wrong_year_digit``, ``near_day``.
- ``junk_email`` / ``junk_phone`` / ``junk_name``: placeholders staff and customers type when they do not
  want to give a value (``keine@email.de``, ``0000000000``, ``xxx``).
- ``email_typo``: slips in emails, e.g. ``gmial.com``, ``hotmial.de``, ``.dee``, a dropped dot, a doubled
  letter.
- ``gmail_dots``: a gmail address written with its dots moved or left out (the same mailbox).
"""
from __future__ import annotations

import random
from datetime import date

from . import names
from .rand import chance

ROWS = ["qwertzuiopü", "asdfghjklöä", "yxcvbnm"]
NEIGHBOURS: dict[str, str] = {}
for r, row in enumerate(ROWS):
    for i, ch in enumerate(row):
        near = row[max(i - 1, 0):i] + row[i + 1:i + 2]
        for other in (r - 1, r + 1):
            if 0 <= other < len(ROWS):
                near += ROWS[other][max(i - 1, 0):i + 1]
        NEIGHBOURS[ch] = near


def _neighbour(rng: random.Random, ch: str) -> str:
    lower = ch.lower()
    near = NEIGHBOURS.get(lower)
    if not near:
        return rng.choice("aeinrst")
    out = rng.choice(near)
    return out.upper() if ch.isupper() else out


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    weights = [0.25 if i == letters[0] else 1.0 for i in letters]
    i = rng.choices(letters, weights=weights)[0]
    kind = rng.random()
    if kind < 0.25:                                    # insert
        return text[:i] + _neighbour(rng, text[i]) + text[i:]
    if kind < 0.5:                                     # delete
        return text[:i] + text[i + 1:]
    if kind < 0.8:                                     # substitute
        return text[:i] + _neighbour(rng, text[i]) + text[i + 1:]
    j = i + 1 if i + 1 < len(text) and text[i + 1].isalpha() else i - 1
    if j < 0 or not text[j].isalpha():
        return text
    a, b = sorted((i, j))
    return text[:a] + text[b] + text[a] + text[b + 1:]


OCR_PAIRS = [("0", "O"), ("O", "0"), ("1", "l"), ("l", "1"), ("I", "1"), ("5", "S"), ("S", "5"),
             ("8", "B"), ("B", "8"), ("rn", "m"), ("m", "rn"), ("cl", "d"), ("e", "c"), ("u", "ü"),
             ("ü", "u"), ("ß", "B"), ("h", "b"), ("n", "h"), ("i", "í")]


def ocr(rng: random.Random, text: str) -> str:
    options = [(a, b) for a, b in OCR_PAIRS if a in text]
    if not options:
        return text
    a, b = rng.choice(options)
    spots = [i for i in range(len(text)) if text.startswith(a, i)]
    i = rng.choice(spots)
    return text[:i] + b + text[i + len(a):]


EXPAND = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}


def fold(text: str, mode: str = "ascii") -> str:
    import unicodedata
    out = []
    for ch in text:
        if mode in ("expand", "ascii") and ch in EXPAND:
            out.append(EXPAND[ch])
        elif ch == "ß":
            out.append("s" if mode == "strip" else "ss")
        elif ch in "Łł":
            out.append("L" if ch == "Ł" else "l")
        elif ch == "ı":
            out.append("i")
        else:
            out.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii") or ch)
    return "".join(out)


def nickname(rng: random.Random, culture: str, given: str) -> str:
    options = names.NICKNAMES.get(culture, {}).get(given)
    if not options:
        return given
    return rng.choice(options)


def case(rng: random.Random, text: str, upper: float = 0.0, lower: float = 0.0) -> str:
    u = rng.random()
    if u < upper:
        return text.upper()
    if u < upper + lower:
        return text.lower()
    return text


def swap_day_month(d: date) -> date:
    try:
        return date(d.year, d.day, d.month)
    except ValueError:
        return d


def wrong_year_digit(rng: random.Random, d: date) -> date:
    y = d.year
    if chance(rng, 0.5):
        y = (y // 10) * 10 + (y % 10 + rng.choice([-1, 1])) % 10          # 1978 -> 1977/1979
    else:
        y = (y // 100) * 100 + (y % 10) * 10 + (y // 10) % 10               # 1978 -> 1987
    try:
        return d.replace(year=y)
    except ValueError:
        return d.replace(year=y, day=28)


def near_day(rng: random.Random, d: date) -> date:
    day = min(max(d.day + rng.choice([-1, 1, 10, -10]), 1), 28)
    return d.replace(day=day)


JUNK_EMAILS = {
    "DE": ["keine@email.de", "kein@mail.de", "keine@keine.de", "nomail@nomail.de", "test@test.de",
           "xxx@xxx.de", "a@a.de", "kunde@kunde.de", "k.a@k.a", "ohne@mail.de"],
    "FR": ["aucun@aucun.fr", "pasdemail@pasdemail.fr", "test@test.fr", "non@non.fr", "xx@xx.fr",
           "client@client.fr"],
    "NL": ["geen@geen.nl", "geenmail@geenmail.nl", "test@test.nl", "xxx@xxx.nl", "nvt@nvt.nl"],
    "ES": ["no@tiene.es", "sincorreo@sincorreo.es", "test@test.es", "ninguno@ninguno.es"],
    "IT": ["nessuna@nessuna.it", "no@no.it", "test@test.it", "xxx@xxx.it"],
    "UK": ["none@none.com", "noemail@noemail.com", "test@test.com", "na@na.com", "no@email.co.uk"],
}
JUNK_WORDS = ["noemail", "keine", "-", "xxx", "n/a", "none", "k.A.", "aucun", "geen", "."]
JUNK_PHONES = ["0000000000", "000000", "0123456789", "1234567890", "0", "keine", "-", "9999999999",
               "00000000000", "n/a"]


def junk_email(rng: random.Random, country: str) -> str:
    if chance(rng, 0.2):
        return rng.choice(JUNK_WORDS)
    return rng.choice(JUNK_EMAILS[country])


def junk_phone(rng: random.Random) -> str:
    return rng.choice(JUNK_PHONES)


EMAIL_SLIPS = [("gmail.com", "gmial.com"), ("gmail.com", "gmail.co"), ("gmail.com", "gmai.com"),
               ("hotmail", "hotmial"), ("hotmail", "homail"), (".de", ".dee"), ("gmx.de", "gmx.e"),
               ("web.de", "wed.de"), ("orange.fr", "ornage.fr"), ("yahoo", "yaho"), ("libero.it", "libro.it"),
               ("outlook", "outlok"), ("t-online.de", "tonline.de"), ("icloud.com", "icloud.co")]


def email_typo(rng: random.Random, email: str) -> str:
    if "@" not in email:
        return email
    slips = [(a, b) for a, b in EMAIL_SLIPS if a in email.split("@", 1)[1]]
    if slips and chance(rng, 0.5):
        a, b = rng.choice(slips)
        local, domain = email.split("@", 1)
        return f"{local}@{domain.replace(a, b, 1)}"
    local, domain = email.split("@", 1)
    if "." in local and chance(rng, 0.3):
        return f"{local.replace('.', '', 1)}@{domain}"
    return f"{typo(rng, local) if len(local) >= 3 else local + 'x'}@{domain}"


def gmail_dots(rng: random.Random, email: str) -> str:
    local, _, domain = email.partition("@")
    if domain not in ("gmail.com", "googlemail.com"):
        return email
    if "." in local:
        return f"{local.replace('.', '')}@{domain}"
    if len(local) > 4:
        i = rng.randrange(2, len(local) - 1)
        return f"{local[:i]}.{local[i:]}@{domain}"
    return email
