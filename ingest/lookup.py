"""An identifier a person types (`idgraph show --identifier national_id=123-45-6789`), as the store holds it.

`KIND=VALUE` is split at the first `=` and the value normalised the way ingest normalises that kind: an
email, a phone (with the project's region) or a device with the built-in normalisers, a kind the mapping
declares with its declared steps. A lookup then finds exactly what ingest stored.
"""

from __future__ import annotations

from idgraph.graph.errors import IdgraphError
from idgraph.ingest import normalise as norm
from idgraph.ingest.mapping import Mapping


def normalise_identifier(mapping: Mapping, kind: str, raw: str, region: str | None, gmail: bool) -> str | None:
    """One identifier value as the graph stores it: email (with gmail rules or not), phone (read in
    `region`), device as given, or a kind the mapping declares through its own steps. Raises
    norm.InvalidValue when unusable."""
    if kind == "email":
        return norm.email(raw, gmail_rules=gmail)
    if kind == "phone":
        return norm.phone(raw, region)
    if kind == "device":
        return raw
    return mapping.identifiers[kind].normalise_value(raw)


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
        value = normalise_identifier(mapping, kind, raw, mapping.phone_region, mapping.gmail_rules)
    except norm.InvalidValue as exc:
        raise BadIdentifier(f"{option} {spec!r}: not a usable {kind} ({exc.reason})") from None
    if not value:
        raise BadIdentifier(f"{option} {spec!r}: not a usable {kind}")
    return kind, value
