"""The mapping file: which sources a project has and which column plays which role.

One YAML file per project (``idgraph.yaml``). YAML because data engineers already write it for dbt,
Airflow and Kubernetes, it takes comments, and lists of columns read naturally; the models below are
the whole format and validate it, so a typo in a role or a missing column fails with one message
naming the file, the source and the field.
"""

from __future__ import annotations

import datetime as _dt
import glob
from enum import Enum
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from idgraph.graph.errors import MappingError
from idgraph.ingest import mapping_checks as checks
from idgraph.ingest.declared import IdentifierKind, check_name
from idgraph.ingest.profile_settings import RECORD_EVIDENCE_KINDS, Households, Traits


class Kind(str, Enum):
    customer = "customer"
    interaction = "interaction"


class Format(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


# Roles a column can play. Identifier roles accept several columns (a CRM with two phone columns).
CUSTOMER_ROLES = {
    "first_name", "last_name", "full_name", "email", "phone", "device", "dob",
    "address", "city", "postcode", "country", "updated_at",
}
INTERACTION_ROLES = {"email", "phone", "device", "timestamp", "channel", "event_type", "customer_ref",
                     "amount", "currency", "order_id"}  # a purchase's value (graph/traits.py)
MULTI_COLUMN_ROLES = {"email", "phone", "device"}
JOINED_COLUMN_ROLES = {"address"}  # several columns: the non-empty parts joined with one space
NAME_FORMATS = ("auto", "first_last", "last_first")


class Column(BaseModel):
    """One role's column: a column name, a constant value, or a reference to another source."""

    model_config = ConfigDict(extra="forbid")

    column: str | None = None
    value: str | None = None
    format: str | None = None  # dates and timestamps: strftime pattern, "iso" or "epoch"
    source: str | None = None  # customer_ref: the source whose id this column holds

    @model_validator(mode="after")
    def _one_of(self) -> "Column":
        if (self.column is None) == (self.value is None):
            raise ValueError("give exactly one of 'column' or 'value'")
        return self


def _as_columns(spec: object) -> list[Column]:
    if spec is None:
        return []
    if isinstance(spec, str):
        return [Column(column=spec)]
    if isinstance(spec, dict):
        return [Column(**spec)]
    if isinstance(spec, list):
        return [c for item in spec for c in _as_columns(item)]
    raise ValueError(f"expected a column name, a list of names or a mapping, got {spec!r}")


class IdSpec(BaseModel):
    """How a record's id is made: one column, several columns joined, or a normalised role value."""

    model_config = ConfigDict(extra="forbid")

    columns: list[str] = Field(default_factory=list)
    role: Literal["email", "phone"] | None = None

    @classmethod
    def parse(cls, spec: object) -> "IdSpec | None":
        if spec is None:
            return None
        if isinstance(spec, str):
            return cls(columns=[spec])
        if isinstance(spec, list):
            return cls(columns=[str(c) for c in spec])
        if isinstance(spec, dict):
            return cls(**spec)
        raise ValueError(f"id: expected a column, a list of columns or {{role: email}}, got {spec!r}")


class Source(BaseModel):
    """One system's export, as declared in the mapping file."""

    model_config = ConfigDict(extra="forbid")

    name: str
    path: str
    format: Format = Format.csv
    kind: Kind = Kind.customer
    id: IdSpec | None = None
    fields: dict[str, list[Column]] = Field(default_factory=dict)
    name_format: Literal["auto", "first_last", "last_first"] = "auto"
    phone_region: str | None = None
    delimiter: str = ","
    encoding: str = "utf-8"
    gmail_rules: bool | None = None
    keep: list[str] = Field(default_factory=list)  # extra columns kept on interactions as attributes
    attributes: dict[str, Column] = Field(default_factory=dict)  # further columns kept on customer records
    # The identifier kinds the project declares (Mapping.identifiers), handed down by the Mapping so that
    # they are roles of this source: not part of the file's syntax.
    declared_kinds: frozenset[str] = Field(default=frozenset(), exclude=True, repr=False)

    @field_validator("id", mode="before")
    @classmethod
    def _parse_id(cls, v: object) -> IdSpec | None:
        return v if isinstance(v, IdSpec) else IdSpec.parse(v)

    @field_validator("fields", mode="before")
    @classmethod
    def _parse_fields(cls, v: object) -> dict[str, list[Column]]:
        if not isinstance(v, dict):
            raise ValueError("fields: expected a mapping of role -> column")
        return {str(role): _as_columns(spec) for role, spec in v.items()}

    @model_validator(mode="after")
    def _check_roles(self) -> "Source":
        allowed = (CUSTOMER_ROLES if self.kind is Kind.customer else INTERACTION_ROLES) | self.declared_kinds
        several = MULTI_COLUMN_ROLES | JOINED_COLUMN_ROLES | self.declared_kinds
        for role, cols in self.fields.items():
            if role not in allowed:
                raise ValueError(
                    f"field {role!r}: unknown role for a {self.kind.value} source; "
                    f"known roles: {', '.join(sorted(allowed))} (or declare it under `identifiers:`)"
                )
            if len(cols) > 1 and role not in several:
                raise ValueError(f"field {role!r}: only {sorted(several)} take several columns")
            if role == "customer_ref" and not cols[0].source:
                raise ValueError("field 'customer_ref': name the source it refers to, e.g. {column: crm_id, source: crm}")
        if self.kind is Kind.customer and self.id is None:
            raise ValueError("id: a customer source needs an id (a column, a list of columns or {role: email})")
        if self.id is not None and self.id.role and self.id.role not in self.fields:
            raise ValueError(f"id: role {self.id.role!r} is not mapped in fields")
        if self.kind is Kind.interaction and "timestamp" not in self.fields:
            raise ValueError("field 'timestamp': an interaction source needs a timestamp column")
        return self

    # -- single values (ingest/mapping_checks.py): checked here so an ingest never stops on them ----
    @field_validator("name")
    @classmethod
    def _check_name(cls, v: str) -> str:
        return checks.source_name(v)

    @field_validator("phone_region")
    @classmethod
    def _check_phone_region(cls, v: str | None) -> str | None:
        return checks.phone_region(v)

    @field_validator("delimiter")
    @classmethod
    def _check_delimiter(cls, v: str) -> str:
        return checks.delimiter(v)

    @field_validator("encoding")
    @classmethod
    def _check_encoding(cls, v: str) -> str:
        return checks.encoding(v)

    @model_validator(mode="after")
    def _check_formats(self) -> "Source":
        checks.date_formats(self.fields)
        return self

    @field_validator("attributes", mode="before")
    @classmethod
    def _parse_attributes(cls, v: object) -> dict[str, Column]:
        if v is None:
            return {}
        if not isinstance(v, dict):
            raise ValueError("attributes: expected a mapping of name -> column (or {column: X} / {value: C})")
        found = {}
        for name, spec in v.items():
            check_name(name, "attribute", CUSTOMER_ROLES | INTERACTION_ROLES)
            if spec is None or isinstance(spec, list):
                raise ValueError(f"attribute {name!r}: give one column (a name, {{column: X}} or {{value: C}})")
            try:
                (col,) = _as_columns(spec)
            except ValueError:
                raise ValueError(f"attribute {name!r}: {spec!r} is not a column: give a name, {{column: X}} "
                                 "or {value: C}") from None
            if col.format is not None or col.source is not None:
                raise ValueError(f"attribute {name!r}: give a column or a value, nothing else")
            found[name] = col
        return found

    @model_validator(mode="after")
    def _attributes_on_customers(self) -> "Source":
        if self.attributes and self.kind is not Kind.customer:
            raise ValueError("attributes: only customer sources keep attributes (an interaction source keeps "
                             "columns with `keep`)")
        return self

    def files(self, base: Path) -> list[Path]:
        """The files this source reads, a glob expanded and sorted so runs are repeatable."""
        pattern = self.path if Path(self.path).is_absolute() else str(base / self.path)
        found = sorted(Path(p) for p in glob.glob(pattern))
        return found

    def columns(self, role: str) -> list[Column]:
        return self.fields.get(role, [])

    def referenced_columns(self) -> set[str]:
        named = {c.column for cols in self.fields.values() for c in cols if c.column}
        if self.id:
            named.update(self.id.columns)
        named.update(self.keep)
        named.update(c.column for c in self.attributes.values() if c.column)
        return named


class Junk(BaseModel):
    """Placeholder values that must never become identifiers, added to the built-in rules."""

    model_config = ConfigDict(extra="forbid")

    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    values: list[str] = Field(default_factory=list)  # any field: "n/a", "unknown"
    dates: list[_dt.date] = Field(default_factory=list)  # placeholder dates of birth: 1900-01-01


class Guard(BaseModel):
    """When an identifier glues too much and stops linking."""

    model_config = ConfigDict(extra="forbid")

    max_customers: Annotated[int, Field(ge=2)] = 10
    check_conflicts: bool = True
    # below this probability that two holders are one person (the model's co-holder weights) they are
    # different people and the identifier is shared
    min_probability: Annotated[float, Field(gt=0, lt=1)] = 0.5
    # two records that one profile would join although the probability that they are one person is
    # below this are cut apart at the profile's weakest links (ingest/strangers.py)
    component_min_probability: Annotated[float, Field(ge=0, lt=1)] = 0.05


class Survivorship(BaseModel):
    """How the golden record picks a value per field (see graph/golden.py)."""

    model_config = ConfigDict(extra="forbid")

    source_priority: list[str] = Field(default_factory=list)
    rules: dict[str, Literal["most_frequent", "most_recent", "source_priority"]] = Field(default_factory=dict)


class Mapping(BaseModel):
    """The whole mapping file."""

    model_config = ConfigDict(extra="forbid")

    project: str = "idgraph"
    phone_region: str = "US"
    gmail_rules: bool = False
    store: str | None = None  # path of the embedded database file, relative to the mapping file
    quarantine_dir: str = "quarantine"
    junk: Junk = Field(default_factory=Junk)
    guard: Guard = Field(default_factory=Guard)
    survivorship: Survivorship = Field(default_factory=Survivorship)
    matching: dict | None = None  # probabilistic matcher settings, validated by the matcher
    identifiers: dict[str, IdentifierKind] = Field(default_factory=dict)  # further identifier kinds (declared.py)
    households: Households = Field(default_factory=Households)  # ingest/profile_settings.py
    traits: Traits = Field(default_factory=Traits)
    sources: list[Source]
    base_dir: Path = Field(default=Path("."), exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _hand_down_kinds(cls, data: object) -> object:
        """Every source learns the declared identifier kinds, which are roles of its `fields`."""
        if not isinstance(data, dict):
            return data
        declared = data.get("identifiers")
        kinds = frozenset(k for k in declared if isinstance(k, str)) if isinstance(declared, dict) else frozenset()
        sources = data.get("sources")
        if isinstance(sources, dict):
            sources = {name: {**spec, "declared_kinds": kinds} if isinstance(spec, dict) else
                       ({"declared_kinds": kinds} if spec is None else spec) for name, spec in sources.items()}
        elif isinstance(sources, list):
            sources = [{**spec, "declared_kinds": kinds} if isinstance(spec, dict) else spec for spec in sources]
        return {**data, "sources": sources} if sources is not None else data

    @field_validator("identifiers", mode="before")
    @classmethod
    def _kind_names(cls, v: object) -> object:
        if isinstance(v, dict):
            for name in v:
                check_name(name, "identifier kind", CUSTOMER_ROLES | INTERACTION_ROLES)
            return {name: {} if spec is None else spec for name, spec in v.items()}
        return {} if v is None else v

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_by_name(cls, v: object) -> object:
        if isinstance(v, dict):
            return [{"name": name, **(spec or {})} for name, spec in v.items()]
        return v

    @model_validator(mode="after")
    def _check_references(self) -> "Mapping":
        names = [s.name for s in self.sources]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"sources: duplicate names {sorted(dupes)}")
        known = set(names)
        for s in self.sources:
            for col in s.columns("customer_ref"):
                if col.source not in known:
                    raise ValueError(f"source {s.name!r}, field 'customer_ref': unknown source {col.source!r}")
        for name in self.survivorship.source_priority:
            if name not in known:
                raise ValueError(f"survivorship.source_priority: unknown source {name!r}")
        return self

    @field_validator("phone_region")
    @classmethod
    def _check_phone_region(cls, v: str) -> str:
        return checks.phone_region(v) or ""

    @model_validator(mode="after")
    def _check_quarantine_dir(self) -> "Mapping":
        checks.quarantine_dir(self.base_dir, self.quarantine_dir)
        return self

    @model_validator(mode="after")
    def _kinds_and_attributes_apart(self) -> "Mapping":
        for s in self.sources:
            for name in s.attributes:
                if name in self.identifiers:
                    raise ValueError(f"source {s.name!r}, attribute {name!r}: an identifier kind has that name; "
                                     "rename the attribute")
        return self

    @model_validator(mode="after")
    def _household_evidence_known(self) -> "Mapping":
        known = {*RECORD_EVIDENCE_KINDS, "email", "phone", "device", *self.identifiers}
        for kind in self.households.evidence:
            if kind not in known:
                raise ValueError(f"households.evidence: unknown kind {kind!r}; known: {', '.join(sorted(known))}")
        return self

    def identifier_kinds(self) -> tuple[str, ...]:
        """The further identifier kinds the project declares, sorted."""
        return tuple(sorted(self.identifiers))

    def attribute_names(self) -> tuple[str, ...]:
        """The attributes any customer source keeps, sorted."""
        return tuple(sorted({name for s in self.sources for name in s.attributes}))

    def source(self, name: str) -> Source:
        for s in self.sources:
            if s.name == name:
                return s
        raise MappingError(f"no source called {name!r} in the mapping; known: {', '.join(s.name for s in self.sources)}")

    def region(self, source: Source) -> str:
        return (source.phone_region or self.phone_region).upper()

    def frame_columns(self) -> dict:
        """Keyword arguments of ``store.customers_frame`` for this mapping's declared identifier kinds and
        attributes (a comparison may name them as columns)."""
        return {"identifier_kinds": self.identifier_kinds(), "attributes": self.attribute_names()}

    def store_path(self) -> Path:
        return self.base_dir / (self.store or f"{self.project}.idgraph.db")


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file; every problem becomes one MappingError naming the file and field."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found (create one with `idgraph init`)") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: cannot read the mapping file: {exc}") from None
    if not isinstance(raw, dict):
        raise MappingError(f"{path}: the mapping file must be a YAML mapping with a 'sources' key")
    try:
        mapping = Mapping(**raw, base_dir=path.resolve().parent)
    except ValidationError as exc:
        raise MappingError(f"{path}: {_describe(exc, raw)}") from None
    return mapping


def _describe(exc: ValidationError, raw: dict) -> str:
    """Turn pydantic's error into 'source crm, field email: ...' with the source's name, not its index."""
    parts = []
    for err in exc.errors():
        loc = list(err["loc"])
        where = []
        if loc[:1] == ["sources"] and len(loc) > 1 and isinstance(loc[1], int):
            sources = raw.get("sources")
            name = list(sources)[loc[1]] if isinstance(sources, dict) else str(loc[1])
            where.append(f"source {name!r}")
            loc = loc[2:]
        if loc:
            where.append("field " + ".".join(str(x) for x in loc))
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{', '.join(where) or 'mapping'}: {msg}")
    return "; ".join(parts)
