"""An identifier a person types (`idgraph show --identifier national_id=123-45-6789`), as the store holds it.

`KIND=VALUE` is split at the first `=` and the value normalised the way ingest normalises that kind: an
email, a phone (with the project's region) or a device with the built-in normalisers, a kind the mapping
declares with its declared steps. A lookup then finds exactly what ingest stored.
"""

from __future__ import annotations

from idgraph.graph.errors import IdgraphError
from idgraph.ingest import normalise as norm
from idgraph.ingest.mapping import Mapping


class BadIdentifier(IdgraphError):
    """An identifier asked for on the command line is not KIND=VALUE, of a known kind, or usable."""


def parse_identifier(mapping: Mapping, spec: str, option: str = "--identifier") -> tuple[str, str]:
    """(kind, normalised value) of 'KIND=VALUE'; BadIdentifier (exit 2) saying what is wrong."""
    kind, sep, raw = spec.partition("=")
    kind, raw = kind.strip(), raw.strip()
    known = ["email", "phone", "device", *mapping.identifier_kinds()]
    if not sep or not kind or not raw:
        raise BadIdentifier(f"{option} {spec!r}: write KIND=VALUE, e.g. {known[-1]}=..., KIND one of {', '.join(known)}")
    if kind not in known:
        raise BadIdentifier(f"{option} {spec!r}: no identifier kind {kind!r} in the mapping; known: {', '.join(known)} "
                            "(declare further kinds under `identifiers:`)")
    try:
        if kind == "email":
            value = norm.email(raw, gmail_rules=mapping.gmail_rules)
        elif kind == "phone":
            value = norm.phone(raw, mapping.phone_region)
        elif kind == "device":
            value = raw
        else:
            value = mapping.identifiers[kind].normalise_value(raw)
    except norm.InvalidValue as exc:
        raise BadIdentifier(f"{option} {spec!r}: not a usable {kind} ({exc.reason})") from None
    if not value:
        raise BadIdentifier(f"{option} {spec!r}: not a usable {kind}")
    return kind, value
