"""``maison_clients.tsv``: the customer file of "Maison Duval", a French home-goods chain Kramhaus
bought in 2021, exported once at the migration. Tab-separated, UTF-8 with a byte-order mark, CRLF,
French headers; frozen as of mid-2021.

Who: 35 % of people whose address was in France at some day between 2008 and May 2021 (the day they
became clients); 3 % of clients have a second client number (opened again in another shop).

Columns and error processes:
- num_client: ``C`` + 7 digits, the id.
- civilite: M. / Mme / Mlle.
- nom: family name of that day, upper case 85 %; nom d'usage after marriage; Spanish second surname
  dropped 30 %, particle mangled 20 %, typo 2 %, transliteration 10 %.
- prenom: the official first name 15 %, a nickname 4 %, compound without hyphen or cut 25 %,
  accents dropped 15 % (part of transliteration), typo 2 %.
- date_naissance ``dd/mm/yyyy``: 60 % filled; day/month swapped 1 %, wrong year digit 1 %.
- tel_fixe: the household landline, 70 % of those who have one; tel_portable: the mobile of that day,
  70 %; French national style ("06 12 34 56 78", "06.12.34.56.78", "0612345678") 85 %, international
  15 % (+33 6 12 34 56 78).
- email: 65 % filled; family email 15 % when there is one; junk 2 % (aucun@aucun.fr,
  pasdemail@pasdemail.fr).
- adresse: number and street ("12 rue Victor Hugo", flat first: "Apt 4, 12 rue ..."), abbreviated
  (r., av., bd) 30 %; code_postal: the leading zero lost (Excel) in 30 % of postcodes that have one
  ("6000" for Nice's 06000); ville: upper case 70 %, "ST ETIENNE" style 30 % of saint-towns.
- carte_fidelite: the group loyalty card of the client (40 % of clients who had one by 2021),
  printed-style spaces 10 %. date_creation ``dd/mm/yyyy HH:MM``.
No malformed rows: a one-off migration export checked by hand.
"""
from __future__ import annotations

from datetime import date

from . import errors, formats, ids
from .common import Context, CsvSink
from .naming import NameNoise, family_written, given_written, spoil
from .rand import Unique, add_years, chance, day_between

SOURCE = "maison_clients"
FILE = "maison_clients.tsv"
HEADER = ["num_client", "civilite", "nom", "prenom", "date_naissance", "tel_fixe", "tel_portable", "email",
          "adresse", "code_postal", "ville", "carte_fidelite", "date_creation"]
NOISE = NameNoise(official=0.15, nickname=0.04, compound_cut=0.25, typo=0.02, fold=0.10, one_surname=0.3,
                  particle=0.2, double_cut=0.2, swap=0.0)


def write(ctx: Context) -> None:
    rng = ctx.rng
    path = ctx.out_dir / FILE
    sink = CsvSink(path, HEADER, delimiter="\t", encoding="utf-8", newline="\r\n", bom=True)
    used = Unique()
    for p in ctx.pop.people:
        start = max(date(2008, 1, 1), add_years(p.dob, 18))
        if start > date(2021, 5, 31):
            continue
        created = day_between(rng, start, date(2021, 5, 31))
        if p.country_at(created) != "FR" or not chance(rng, 0.35):
            continue
        for k in range(2 if chance(rng, 0.03) else 1):
            if k:
                created = day_between(rng, created, date(2021, 5, 31))
            addr = p.address_at(created)
            if addr.country != "FR":
                continue
            num = used.take(lambda: f"C{rng.randint(1_000_000, 9_999_999)}")
            family = spoil(rng, family_written(rng, p, created, NOISE), NOISE)
            nom = family.upper() if chance(rng, 0.85) else family
            prenom = spoil(rng, given_written(rng, p, NOISE), NOISE)
            if p.sex == "M":
                civ = "M."
            else:
                civ = "Mlle" if p.age < 35 and not p.surname_changes and chance(rng, 0.3) else "Mme"
            dob = ""
            if chance(rng, 0.6):
                d = p.dob
                u = rng.random()
                if u < 0.01:
                    d = errors.swap_day_month(d)
                elif u < 0.02:
                    d = errors.wrong_year_digit(rng, d)
                dob = d.strftime("%d/%m/%Y")
            hh = p.household
            fixe = ""
            if hh.landline and hh.landline.country == "FR" and chance(rng, 0.7):
                fixe = formats.any_style(rng, hh.landline, 0.85)
            mobile = p.mobile_at(created)
            port = formats.any_style(rng, mobile, 0.85) if mobile and chance(rng, 0.7) else ""
            email = ""
            if chance(rng, 0.02):
                email = errors.junk_email(rng, "FR")
            elif chance(rng, 0.65):
                email = (hh.family_email if hh.family_email and chance(rng, 0.15) else p.email_at(created)) or ""
            street = formats.abbreviate(rng, addr.street, "FR") if chance(rng, 0.3) else addr.street
            adresse = formats.street_line(addr, street)
            cp = addr.postcode
            if cp.startswith("0") and chance(rng, 0.3):
                cp = cp.lstrip("0")
            ville = addr.city
            if ville.startswith("Saint-") and chance(rng, 0.3):
                ville = "ST " + errors.fold(ville[6:]).replace("-", " ")
            if chance(rng, 0.7):
                ville = ville.upper()
            card = ""
            cards = [c for c in ctx.cards.get(p.pid, []) if c.created <= date(2021, 5, 31)]
            if cards and chance(rng, 0.4):
                card = cards[-1].record_id
                if chance(rng, 0.1):
                    card = ids.spaced_card(rng, card)
            stamp = f"{created.strftime('%d/%m/%Y')} {rng.randint(9, 19):02d}:{rng.randrange(60):02d}"
            sink.row([num, civ, nom, prenom, dob, fixe, port, email, adresse, cp, ville, card, stamp])
            ctx.truth.add(SOURCE, num, p.pid)
    sink.close()
    ctx.files[SOURCE] = path
    ctx.counts[SOURCE] = sink.rows
