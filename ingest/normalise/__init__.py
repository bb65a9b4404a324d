"""Normalisers: pure functions that turn one raw source value into its canonical form.

Contract: None/blank input returns None and never raises; a present but unusable value raises
:class:`InvalidValue` with a stable ``reason``; a bad *configuration* argument (an unknown date
format or name format) raises a plain ``ValueError``. Every function is safe to call per row: the
hot ones are memoised with bounded ``functools.lru_cache`` tables (see ``clear_caches``).

Note: the submodules share their main function's name (``email``, ``phone``, ``date``); importing
from the package gives the functions. Reach module internals with
``from idgraph.ingest.normalise.email import ...``.
"""

from __future__ import annotations

import sys

from .address import address, city, country, postcode, postcode_in_line
from .attribute import attribute
from .date import date, timestamp
from .email import email
from .errors import InvalidValue
from .junk import JunkRules
from .money import amount, currency
from .name import is_initial, name_part, split_full_name
from .phone import phone
from .text import fold

__all__ = [
    "InvalidValue",
    "JunkRules",
    "address",
    "amount",
    "attribute",
    "city",
    "clear_caches",
    "country",
    "currency",
    "date",
    "email",
    "fold",
    "is_initial",
    "name_part",
    "phone",
    "postcode",
    "postcode_in_line",
    "split_full_name",
    "timestamp",
]


def clear_caches() -> None:
    """Empty every module-level memo table (tests, or a long-lived process between projects).
    ``JunkRules`` memo tables belong to their instance and go with it."""
    for module, names in _CACHED.items():
        mod = sys.modules[f"{__name__}.{module}"]  # not getattr: the package attribute is the function
        for name in names:
            getattr(mod, name).cache_clear()


_CACHED = {
    "text": ("fold",),
    "email": ("_cached",),
    "phone": ("_cached",),
    "name": ("_name_part", "_split"),
    "date": ("_date_cached", "_parser"),
    "address": ("_address", "_city", "_postcode", "_country", "_postcode_in_line"),
}
