"""Checks of single mapping values, run when the mapping is loaded (validators in mapping.py).

Each raises ValueError with what is wrong and what to write instead; mapping.py's loader adds the
file, the source and the field. A value that passes here cannot stop an ingest with a traceback.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from idgraph.ingest.normalise.date import check_format
from idgraph.ingest.normalise.phone import check_region

SOURCE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
DATE_ROLES = ("dob", "updated_at", "timestamp")
_PROBE = b'\n\r,;|\t"az09'  # what the readers look for in the bytes: it must decode as ASCII does


def source_name(name: str) -> str:
    """A source name is the first part of every record id (`source:id`) and names its quarantine file."""
    if not SOURCE_NAME.fullmatch(name):
        raise ValueError(f"source name {name!r}: use a letter, then up to 63 letters, digits, '_' or '-' "
                         "(it starts every record id, source:id, so no ':', spaces or dots)")
    return name


def phone_region(region: str | None) -> str | None:
    if region:  # empty: no default region, only international numbers are read
        check_region(region)
    return region


def delimiter(value: str) -> str:
    if len(value) != 1 or value in '"\r\n':
        raise ValueError(f"delimiter {value!r}: give one character other than a quote or a line break, "
                         "such as ',', ';', '|' or '\\t'")
    return value


def encoding(name: str) -> str:
    try:
        codecs.lookup(name)
        ascii_compatible = _PROBE.decode(name, errors="replace") == _PROBE.decode("ascii")
    except (LookupError, UnicodeError, ValueError):
        raise ValueError(f"unknown encoding {name!r}: use a name Python knows, such as utf-8, utf-8-sig, "
                         "latin-1 or cp1252") from None
    if not ascii_compatible:
        raise ValueError(f"encoding {name!r}: files are read line by line, which needs an encoding that "
                         "writes line breaks and ASCII as ASCII (utf-8, latin-1, cp1252...); convert the "
                         "file, e.g. iconv -f utf-16 -t utf-8")
    return name


def date_formats(fields: dict) -> None:
    """Every date and timestamp role's `format:` is one the parsers know."""
    for role in DATE_ROLES:
        for col in fields.get(role, []):
            try:
                check_format(col.format)
            except ValueError as exc:
                hint = "" if "use a strftime" in str(exc) else "; use a strftime pattern such as '%d/%m/%Y', or iso"
                raise ValueError(f"field {role!r}: {exc}{hint}") from None


def quarantine_dir(base: Path, folder: str) -> None:
    """The quarantine folder can be created: neither it nor a folder above it is an existing file."""
    path = base / folder
    for part in (path, *path.parents):
        if part.exists():
            if not part.is_dir():
                raise ValueError(f"quarantine_dir: {part} is a file, not a folder; name a folder (it gets one "
                                 "JSON Lines file per source)")
            return
