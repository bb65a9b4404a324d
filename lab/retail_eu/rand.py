"""Small helpers over one seeded ``random.Random``: weighted choice, dates, ids. No clock, no sets."""
from __future__ import annotations

import bisect
import itertools
import math
import random
from datetime import date, datetime, timedelta, timezone

REF = date(2024, 12, 31)               # "today" of the data set; nothing reads the clock
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Weighted:
    """A fixed list of options with weights, sampled with one ``rng.random()`` call."""

    def __init__(self, options, weights):
        self.options = list(options)
        self.cum = list(itertools.accumulate(weights))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.options[bisect.bisect_right(self.cum, rng.random() * self.total)]

    @classmethod
    def of(cls, pairs):
        pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        return cls([p[0] for p in pairs], [p[1] for p in pairs])


def chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def day_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def moment_between(rng: random.Random, start: date, end: date) -> datetime:
    """A UTC datetime on a day in [start, end], weighted to waking hours (06-23 UTC)."""
    day = day_between(rng, start, end)
    seconds = rng.randrange(5 * 3600, 23 * 3600)
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(
        seconds=seconds, milliseconds=rng.randrange(1000))


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:                  # 29 February
        return d.replace(year=d.year + years, day=28)


def age_at(dob: date, when: date) -> int:
    return when.year - dob.year - ((when.month, when.day) < (dob.month, dob.day))


def uuid4(rng: random.Random, upper: bool = False) -> str:
    n = rng.getrandbits(128)
    n = (n & ~(0xF000 << 64)) | (0x4000 << 64)          # version 4
    n = (n & ~(0xC000 << 48)) | (0x8000 << 48)          # variant
    h = f"{n:032x}"
    s = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return s.upper() if upper else s


def hexid(rng: random.Random, chars: int) -> str:
    return f"{rng.getrandbits(chars * 4):0{chars}x}"


class Unique:
    """Draws ids from a generator function until one has not been used (insertion-ordered dict)."""

    def __init__(self):
        self.used: dict[str, bool] = {}

    def take(self, make) -> str:
        while True:
            value = make()
            if value not in self.used:
                self.used[value] = True
                return value

    def claim(self, value: str) -> bool:
        if value in self.used:
            return False
        self.used[value] = True
        return True


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method; deterministic with the seeded rng."""
    limit, k, prod = math.exp(-mean), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k
