"""How a person's name comes out in a source: which given name (the one they go by, the official one,
all official ones, a nickname), compound names cut, Spanish second surnames dropped, Dutch particles
mangled, double names shortened, transliteration, typos and OCR slips, given and family swapped.
Each source passes its own rates (``NameNoise``)."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from . import errors
from .population import Person, first_surname
from .rand import chance

PARTICLES = ("van der ", "van den ", "van de ", "van 't ", "in 't ", "van ", "ter ", "de la ", "de ", "del ",
             "von der ", "von ", "le ", "la ", "da ", "di ", "dalla ", "della ", "lo ")


@dataclass(frozen=True)
class NameNoise:
    official: float = 0.1          # first official given name instead of the name they go by
    all_given: float = 0.0         # every official given name ("Johannes Cornelis")
    nickname: float = 0.03         # a short form of the culture
    compound_cut: float = 0.1      # Jean-Pierre -> Jean or Jean Pierre; José Luis -> José
    typo: float = 0.01             # per name part
    ocr: float = 0.0
    fold: float = 0.02             # ü->ue, é->e
    one_surname: float = 0.2       # Spanish: first surname only
    particle: float = 0.15         # van der Berg -> Berg, Van Der Berg, vd Berg, Vanderberg
    double_cut: float = 0.3        # Müller-Schmidt -> Müller (a double name after marriage)
    swap: float = 0.005            # given and family swapped


def given_written(rng: random.Random, person: Person, noise: NameNoise) -> str:
    name = person.call
    u = rng.random()
    if u < noise.all_given:
        name = " ".join(person.given)
    elif u < noise.all_given + noise.official:
        name = person.given[0]
    if chance(rng, noise.nickname):
        name = errors.nickname(rng, person.culture, person.given[0])
    if ("-" in name or (" " in name and person.culture in ("ES", "IT", "FR"))) and chance(rng, noise.compound_cut):
        sep = "-" if "-" in name else " "
        name = name.split(sep)[0] if chance(rng, 0.6) else name.replace(sep, " " if sep == "-" else "")
    return name


def family_written(rng: random.Random, person: Person, when: date, noise: NameNoise) -> str:
    s = person.surname_at(when)
    if person.culture == "ES" and " " in s and chance(rng, noise.one_surname):
        s = first_surname(s)
    lower = s.lower()
    if "-" in s and any(when >= since for since, _ in person.surname_changes) and chance(rng, noise.double_cut):
        s = s.split("-")[0]
    particle = next((p for p in PARTICLES if lower.startswith(p)), None)
    if particle and chance(rng, noise.particle):
        rest = s[len(particle):]
        u = rng.random()
        if u < 0.3:
            s = rest
        elif u < 0.7:
            s = " ".join(w[:1].upper() + w[1:] for w in s.split(" "))
        elif u < 0.8 and particle.startswith("van d"):
            s = "v.d. " + rest
        else:
            s = s.replace(" ", "").replace("'", "")
            s = s[:1].upper() + s[1:].lower()
    return s


def spoil(rng: random.Random, text: str, noise: NameNoise) -> str:
    if chance(rng, noise.fold):
        text = errors.fold(text, "expand" if chance(rng, 0.6) else "strip")
    if chance(rng, noise.typo):
        text = errors.typo(rng, text)
    if chance(rng, noise.ocr):
        text = errors.ocr(rng, text)
    return text


def written_name(rng: random.Random, person: Person, when: date, noise: NameNoise) -> tuple[str, str]:
    given = spoil(rng, given_written(rng, person, noise), noise)
    family = spoil(rng, family_written(rng, person, when, noise), noise)
    if chance(rng, noise.swap):
        return family, given
    return given, family
