"""Identifier formats of the retailer's systems."""
from __future__ import annotations

import random

from .rand import Unique


def ean13(body12: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def card_number(rng: random.Random, used: Unique) -> str:
    """A loyalty card: EAN-13 in the in-store range 29, e.g. 2904718822014."""
    return used.take(lambda: ean13("29" + f"{rng.randrange(10 ** 10):010d}"))


def spaced_card(rng: random.Random, card: str) -> str:
    """A card number as a person types it from the card: 2904 7188 2201 4 or 29-0471882-2014."""
    if rng.random() < 0.7:
        return " ".join(card[i:i + 4] for i in range(0, 13, 4))
    return f"{card[:2]}-{card[2:9]}-{card[9:]}"


def digit_slip(rng: random.Random, digits: str) -> str:
    """One digit mistyped or two neighbours transposed."""
    i = rng.randrange(len(digits) - 1)
    if rng.random() < 0.5:
        return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
    return digits[:i] + str((int(digits[i]) + rng.randint(1, 9)) % 10) + digits[i + 1:]
