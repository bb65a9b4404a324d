"""From a raw row to a normalised record, through the source's mapping.

A value that is present but unusable (a bad date, an invalid phone, a national id that does not match
its declared pattern) becomes empty and is counted by field and reason; a placeholder (junk) never
becomes an identifier and is counted too. Identifiers are the built-in kinds (email, phone, device) and
the kinds the mapping declares (`identifiers:`, see ingest/declared.py); attributes are further columns
kept on the customer record. An address may come from several columns, joined with one space. A row that
cannot be a record at all (no id, an interaction without a usable time, a value of the wrong type) is
rejected with its reason and goes to quarantine.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter

from idgraph.graph.records import CustomerRow, InteractionRow, record_uid
from idgraph.ingest import normalise as norm
from idgraph.ingest.lookup import normalise_identifier
from idgraph.ingest.mapping import JOINED_COLUMN_ROLES, Column, Mapping, Source
from idgraph.ingest.readers import json_type


# The roles of a purchase, kept among an event's attributes under their names (graph/traits.py reads them).
PURCHASE_ROLES = ("amount", "currency", "order_id")


class RowRejected(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _is_number(value: object) -> bool:
    """An int or a finite float: JSON's 1e400 reads as infinity, and NaN is no number to key on."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and math.isfinite(value))


def _row_hash(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


class RowBuilder:
    """Builds the records of one source; `problems` counts (field, reason) of values set aside."""

    def __init__(self, mapping: Mapping, source: Source, junk: norm.JunkRules):
        self.mapping, self.source, self.junk = mapping, source, junk
        self.region = mapping.region(source)
        self.gmail = mapping.gmail_rules if source.gmail_rules is None else source.gmail_rules
        self.problems: Counter[tuple[str, str]] = Counter()
        self._ref = (source.columns("customer_ref") or [None])[0]
        # The declared identifier kinds this source maps, with their declarations.
        self._declared = [(kind, mapping.identifiers[kind]) for kind in sorted(mapping.identifiers)
                          if source.columns(kind)]

    # -- values ----------------------------------------------------------------------------------
    def _raw(self, values: dict, col: Column, role: str, junk_check: bool = True) -> str | None:
        if col.value is not None:
            return col.value
        value = values.get(col.column)
        if value is None or isinstance(value, str):
            text = value
        elif isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
            text = str(value)
        else:
            raise RowRejected(f"field {role!r} (column {col.column!r}): expected text or a number, "
                              f"got {json_type(value)}")
        if text is None:
            return None
        text = text.strip()
        if not text or (junk_check and self.junk.is_junk_value(text)):
            if text:
                self.problems[(role, "junk")] += 1
            return None
        return text

    def _one(self, values: dict, role: str) -> str | None:
        cols = self.source.columns(role)
        return self._raw(values, cols[0], role) if cols else None

    def _joined(self, values: dict, role: str) -> str | None:
        """A role of several columns (an address: house number, street, line 2): the non-empty parts,
        each trimmed and junk-checked, joined with one space."""
        parts = [self._raw(values, col, role) for col in self.source.columns(role)]
        return " ".join(p for p in parts if p) or None

    def _normalised(self, values: dict, role: str, fn, *args) -> str | None:
        raw = self._joined(values, role) if role in JOINED_COLUMN_ROLES else self._one(values, role)
        return self.normalise_text(raw, role, fn, *args)

    def normalise_text(self, raw: str | None, role: str, fn, *args) -> str | None:
        """fn of a value already read (trimmed, not junk); unusable: None, counted."""
        if raw is None:
            return None
        try:
            return fn(raw, *args)
        except norm.InvalidValue as exc:
            self.problems[(role, exc.reason)] += 1
            return None

    def identifier_columns(self) -> list[tuple[str, str, Column]]:
        """(kind, role, column) of every identifier column, in the order a record lists its identifiers."""
        built_in = [(kind, kind, col) for kind in ("email", "phone", "device") for col in self.source.columns(kind)]
        return built_in + [(kind, kind, col) for kind, _ in self._declared for col in self.source.columns(kind)]

    def identifier(self, values: dict, kind: str, role: str, col: Column) -> tuple[str, str] | None:
        """One column's identifier, normalised, or None (empty, unusable or junk: counted)."""
        return self.identifier_of_text(self._raw(values, col, role), kind, role)

    def identifier_of_text(self, raw: str | None, kind: str, role: str) -> tuple[str, str] | None:
        """`identifier` of a value already read (trimmed, not junk)."""
        if raw is None:
            return None
        try:
            value = normalise_identifier(self.mapping, kind, raw, self.region, self.gmail)
        except norm.InvalidValue as exc:
            self.problems[(role, exc.reason)] += 1
            return None
        if value is None:
            return None
        if (kind == "email" and self.junk.is_junk_email(value)) or (kind == "phone" and self.junk.is_junk_phone(value)) \
                or (kind not in ("email", "phone", "device") and self.junk.is_junk_value(value)):
            # a declared kind's "@unknown" is a placeholder once normalised
            self.problems[(role, "junk")] += 1
            return None
        return kind, value

    def _identifiers(self, values: dict) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for kind, role, col in self.identifier_columns():
            pair = self.identifier(values, kind, role, col)
            if pair is not None and pair not in found:
                found.append(pair)
        return found

    def _attributes(self, values: dict) -> dict[str, str]:
        found = {}
        for name, col in self.source.attributes.items():
            value = norm.attribute(self._raw(values, col, name))
            if value:
                found[name] = value
        return found

    def _source_id(self, values: dict, identifiers: list[tuple[str, str]]) -> str:
        spec = self.source.id
        if spec is None:  # an interaction without an id column: its content is its identity
            return _row_hash(sorted((k, str(v)) for k, v in values.items()))
        if spec.role:
            wanted = [v for k, v in identifiers if k == spec.role]
            if not wanted:
                raise RowRejected(f"id: no usable {spec.role} to key the record")
            return wanted[0]
        parts = []
        for col in spec.columns:
            value = values.get(col)
            if not (value is None or isinstance(value, str) or _is_number(value)):
                raise RowRejected(f"id: expected text or a number, got {json_type(value)} (column {col!r})")
            text = "" if value is None else str(value).strip()
            if not text:
                raise RowRejected(f"id: column {col!r} is empty")
            parts.append(text)
        return "|".join(parts)

    def _purchase(self, values: dict) -> dict:
        """The roles amount, currency and order_id of an event, kept among its attributes under those names
        (graph/traits.py reads them); an unusable amount or currency is left out and counted."""
        found: dict = {}
        for role, fn in zip(PURCHASE_ROLES, (norm.amount, norm.currency, None)):
            if not self.source.columns(role):
                continue
            value = self._one(values, role) if fn is None else self._normalised(values, role, fn)
            if value is not None:
                found[role] = value
        return found

    # -- records ---------------------------------------------------------------------------------
    def names(self, values: dict) -> tuple[str | None, str | None, str | None]:
        """(first, last, full name) of a row: a full name fills a first or last name that is missing."""
        first = self._normalised(values, "first_name", norm.name_part)
        last = self._normalised(values, "last_name", norm.name_part)
        full = self._one(values, "full_name")
        if full and not (first and last):
            f, l = norm.split_full_name(full, self.source.name_format)
            first, last = first or f, last or l
        return first, last, norm.name_part(full) if full else None

    def dob(self, values: dict) -> str | None:
        dob_col = self.source.columns("dob")
        return self._normalised(values, "dob", self.birth_date, dob_col[0].format) if dob_col else None

    def birth_date(self, raw: str, fmt: str | None) -> str | None:
        """norm.date, and a placeholder date of birth (1900-01-01) set aside as junk."""
        iso = norm.date(raw, fmt)
        if self.junk.is_junk_date(iso):
            raise norm.InvalidValue("junk", raw)
        return iso

    def updated_at(self, values: dict) -> str | None:
        upd_col = self.source.columns("updated_at")
        return self._normalised(values, "updated_at", norm.timestamp, upd_col[0].format) if upd_col else None

    def place(self, values: dict) -> tuple[str | None, str | None, str | None, str | None]:
        """(address, city, postcode, country): a postcode is read as its country writes them."""
        country = self._normalised(values, "country", norm.country)
        raw_address = self._joined(values, "address")
        address = self.normalise_text(raw_address, "address", norm.address)
        city = self._normalised(values, "city", norm.city)
        postcode = self._normalised(values, "postcode", norm.postcode, country)
        if address and postcode is None:
            address, postcode, city = self._postcode_in_line(raw_address, country or self.region, address, city)
        return address, city, postcode, country

    @staticmethod
    def _postcode_in_line(raw: str, region: str | None, address: str, city: str | None):
        """A one-column address that holds its postcode and city gives them up, so it compares with a
        source that keeps them apart ("Waldstr. 24 90446 Nurnberg" against "waldstr" in 90446)."""
        found = norm.postcode_in_line(raw, region)
        if found is None:
            return address, None, city
        line, code, town = found
        try:
            code = norm.postcode(code, region)
        except norm.InvalidValue:
            return address, None, city
        return norm.address(line) or address, code, city or (norm.city(town) if town else None)

    # -- records ---------------------------------------------------------------------------------
    def customer(self, values: dict) -> CustomerRow:
        identifiers = self._identifiers(values)
        source_id = self._source_id(values, identifiers)
        first, last, full = self.names(values)
        dob = self.dob(values)
        updated = self.updated_at(values)
        address, city, postcode, country = self.place(values)
        row = CustomerRow(
            uid=record_uid(self.source.name, source_id), source=self.source.name, source_id=source_id,
            first_name=first, last_name=last, full_name=full, dob=dob, address=address, city=city,
            postcode=postcode, country=country, updated_at=updated, identifiers=identifiers,
            attributes=self._attributes(values),
        )
        row.row_hash = customer_hash(row)
        return row

    def at(self, values: dict) -> str:
        """An event's time; an event without a usable one is rejected."""
        ts_col = self.source.columns("timestamp")[0]
        raw_ts = self._raw(values, ts_col, "timestamp", junk_check=False)  # a bad time quarantines anyway
        if raw_ts is None:
            raise RowRejected("timestamp: empty")
        try:
            return norm.timestamp(raw_ts, ts_col.format)
        except norm.InvalidValue as exc:
            raise RowRejected(f"timestamp: {exc.reason} ({raw_ts!r})") from None

    def customer_ref(self, values: dict) -> str | None:
        ref_id = self._raw(values, self._ref, "customer_ref") if self._ref else None
        return record_uid(self._ref.source, ref_id) if ref_id else None

    def kept(self, values: dict) -> str | None:
        """The columns an event keeps, as JSON."""
        kept = {k: values.get(k) for k in self.source.keep}
        for key, value in kept.items():
            if isinstance(value, float) and not math.isfinite(value):
                raise RowRejected(f"field 'keep' (column {key!r}): expected a finite number, got {json_type(value)}")
        kept.update(self._purchase(values))
        return json.dumps(kept, sort_keys=True, default=str) if kept else None

    def interaction(self, values: dict) -> InteractionRow:
        identifiers = self._identifiers(values)
        source_id = self._source_id(values, identifiers)
        at = self.at(values)
        customer_ref = self.customer_ref(values)
        attributes = self.kept(values)
        row = InteractionRow(
            uid=record_uid(self.source.name, source_id), source=self.source.name, source_id=source_id, at=at,
            channel=self._one(values, "channel"), type=self._one(values, "event_type"),
            customer_ref=customer_ref, attributes=attributes, identifiers=identifiers,
        )
        row.row_hash = interaction_hash(row)
        return row


def interaction_hash(row: InteractionRow) -> str:
    return _row_hash(row.at, row.channel, row.type, row.customer_ref, row.attributes, sorted(row.identifiers))


def customer_hash(row: CustomerRow) -> str:
    """The content hash of a customer record: its fields, identifiers (any kind) and attributes. Attributes
    enter only when there are some, so a record without any keeps the hash it had before they existed."""
    parts = [row.first_name, row.last_name, row.full_name, row.dob, row.address, row.city, row.postcode,
             row.country, row.updated_at, sorted(row.identifiers)]
    if row.attributes:
        parts.append(sorted(row.attributes.items()))
    return _row_hash(*parts)


def merge_duplicate(first: CustomerRow, later: CustomerRow) -> CustomerRow:
    """Two rows of one source with the same id are one record: later non-empty values win, identifiers
    are united. The merged row's hash covers both, so re-ingesting the same file changes nothing."""
    merged = CustomerRow(uid=first.uid, source=first.source, source_id=first.source_id)
    for f in ("first_name", "last_name", "full_name", "dob", "address", "city", "postcode", "country", "updated_at"):
        setattr(merged, f, getattr(later, f) or getattr(first, f))
    merged.identifiers = first.identifiers + [i for i in later.identifiers if i not in first.identifiers]
    merged.attributes = {**first.attributes, **later.attributes}
    merged.row_hash = _row_hash(first.row_hash, later.row_hash)
    return merged
