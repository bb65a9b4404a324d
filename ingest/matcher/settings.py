"""Matcher settings: the mapping file's ``matching:`` section, with defaults tuned for customer data.

Everything is optional; an empty section gives the defaults documented in ``docs/matching.md``.
The settings load from a dict (the YAML section) and dump back to one (``to_dict``) unchanged::

    matching:
      blocking:
        max_block_size: 400
        rules:
          - [surname.metaphone, dob.year]
          - {name: postcode_initial, keys: [postcode, first_name.initial]}
      comparisons: [first_name, last_name, dob, location, email, email_year, phone, device]
      thresholds: {upper: 0.9, lower: 0.5}
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from idgraph.graph.errors import MappingError

from .comparisons import LIBRARY, Comparison, default_comparisons, from_template, identifier


class BlockingRule(BaseModel):
    """Records that agree on all ``keys`` (feature names) become candidate pairs.

    With ``match``: a record whose ``keys`` value equals another record's ``match`` value (one feature
    each): a given name that is another record's surname (``first_name`` ~ ``last_name``).
    """

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    keys: list[str] = Field(min_length=1)
    match: list[str] | None = None
    max_block_size: int | None = Field(default=None, ge=2, description="this rule's cap, else the blocking one")
    one_side_lacks: list[str] | None = Field(
        default=None,
        description="pair only records one of which lacks all these columns (the other rules cover the rest)",
    )
    tighten: list[list[str]] = Field(
        default_factory=list,
        description="groups of keys added in turn while the rule would make more pairs than the budget",
    )

    @model_validator(mode="after")
    def _name(self) -> "BlockingRule":
        if not self.name:
            self.name = "+".join(self.keys) + (" ~ " + "+".join(self.match) if self.match else "")
        if self.match is not None and (len(self.keys) != 1 or len(self.match) != 1):
            raise ValueError(f"blocking rule {self.name!r}: 'match' pairs one feature with one feature")
        if self.match is not None and self.one_side_lacks:
            raise ValueError(f"blocking rule {self.name!r}: give 'match' or 'one_side_lacks', not both")
        return self


class TrainingSession(BlockingRule):
    """An EM session: pairs blocked on ``keys``; comparisons reading those columns, and those named in
    ``ignore`` (fields that go together with the keys for different people: a household shares surname
    and address with a twin's date of birth), are left out of its likelihood and its estimates."""

    ignore: list[str] = Field(default_factory=list)


def _rules(v: Any) -> Any:
    if isinstance(v, list):
        return [{"keys": r} if isinstance(r, list) else ({"keys": [r]} if isinstance(r, str) else r) for r in v]
    return v


# The catalogue the defaults are drawn from: each rule runs where the data has its columns, tightened
# (or dropped) where it would make more pairs than the budget (blocking_plan.py). Precise rules first:
# a pair is credited to the first rule that finds it.
DEFAULT_RULES = [
    BlockingRule(name="given_dob", keys=["first_name.nickname", "dob"]),
    BlockingRule(name="surname_dob", keys=["surname", "dob"]),
    BlockingRule(name="names_year", keys=["name_pair", "dob.year"]),
    BlockingRule(name="dob_postcode", keys=["dob", "postcode"]),
    BlockingRule(name="postcode_initial", keys=["postcode", "first_name.initial"]),
    BlockingRule(name="postcode_surname_initial", keys=["postcode", "surname.initial"]),
    BlockingRule(name="postcode_house_number", keys=["postcode", "address.numbers"],
                 tighten=[["first_name.initial"]]),
    BlockingRule(name="email_local", keys=["emails.local"], tighten=[["first_name.initial"]]),
    BlockingRule(name="phone_digits", keys=["phones.last7"], tighten=[["first_name.initial"]]),
    BlockingRule(
        name="names_only", keys=["first_name.nickname", "surname"], one_side_lacks=["dob", "postcode"],
        max_block_size=40,
    ),
    BlockingRule(name="dob", keys=["dob"], tighten=[["first_name.initial"], ["surname.initial"]]),
    BlockingRule(name="surname", keys=["surname"], tighten=[["first_name.initial"], ["dob.year"]]),
    BlockingRule(name="given_name", keys=["first_name.nickname"], tighten=[["surname.initial"], ["dob.year"]]),
    BlockingRule(name="postcode", keys=["postcode"], tighten=[["address.first_token"]]),
]


class Blocking(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[BlockingRule] = Field(default_factory=lambda: [r.model_copy() for r in DEFAULT_RULES])
    max_block_size: int = Field(default=300, ge=2, description="skip (and report) a block with more records")
    pairs_per_record: float = Field(
        default=4.0, gt=0, description="a rule's budget: pairs per record it may make before it is tightened"
    )
    min_pairs: int = Field(default=100_000, ge=0, description="a rule under this many pairs is never tightened")

    _v = field_validator("rules", mode="before")(classmethod(lambda cls, v: _rules(v)))


class Context(BaseModel):
    """Pairs that already agree on ``when`` (comparison -> level labels) get their own u for ``comparisons``.

    Fellegi-Sunter assumes the fields of two different people agree independently. Inside a household
    they do not: a twin shares the surname, the address and the birthday. So for pairs at the same
    address the u of the date of birth (how often two *different* people agree on it) is re-estimated
    among such pairs, by EM with m fixed on pairs blocked on ``keys``; the same for namesakes, whose email
    local parts often spell the shared name.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    keys: list[str] = Field(min_length=1)
    when: dict[str, list[str]]
    comparisons: list[str] = Field(min_length=1)
    max_block_size: int | None = Field(default=None, ge=2)


def _default_contexts() -> list[Context]:
    return [
        Context(
            name="household",
            keys=["postcode"],
            when={"location": ["same address", "similar address", "same address, other postcode",
                               "similar address, other postcode", "same postcode, other address", "same postcode"]},
            comparisons=["first_name", "last_name", "dob", "email", "phone"],
        ),
        Context(
            name="namesake",
            keys=["first_name", "surname"],
            when={
                "first_name": ["exact", "swapped with last_name", "swapped with last_name (jaro_winkler >= 0.9)",
                               "swapped with last_name (jaro_winkler >= 0.8)",
                               "given name is the other's surname",
                               "given name is the other's surname (jaro_winkler >= 0.9)", "nickname", "short form",
                               "jaro_winkler >= 0.92", "jaro_winkler >= 0.8", "initial"],
                "last_name": ["exact", "swapped with first_name", "swapped with first_name (jaro_winkler >= 0.9)",
                              "swapped with first_name (jaro_winkler >= 0.8)",
                              "jaro_winkler >= 0.94", "part of the other", "phonetic metaphone",
                              "jaro_winkler >= 0.84"],
            },
            comparisons=["dob", "location", "email", "phone"],
        ),
    ]


class Training(BaseModel):
    """Unsupervised training: u from random pairs, m by EM on sessions blocked on independent fields."""

    model_config = ConfigDict(extra="forbid")

    u_pairs: int = Field(default=2_000_000, ge=1000, description="random record pairs sampled for u")
    sessions: list[TrainingSession] = Field(
        default_factory=lambda: [
            TrainingSession(name="same_dob", keys=["dob"], ignore=["last_name", "location"]),
            TrainingSession(name="same_name", keys=["first_name", "last_name"], ignore=["email"]),
            TrainingSession(name="same_given_dob", keys=["first_name", "dob"]),
        ]
    )
    contexts: list[Context] = Field(default_factory=_default_contexts)
    household_comparisons: list[str] = Field(
        default_factory=lambda: ["location", "address", "postcode", "city", "last_name"],
        description="comparisons a household shares whether or not two of its records are one person (the "
        "home, the family name): the guard re-estimates their u among co-holders (co_holders.py)",
    )
    context_min_pairs: float = Field(
        default=5.0, ge=0, description="a context level seen less often (in non-matches) keeps the global u"
    )
    max_pairs_per_session: int = Field(default=2_000_000, ge=1000)
    max_iterations: int = Field(default=200, ge=1)
    tolerance: float = Field(default=1e-5, gt=0)
    seed: int = 20240601
    m_floor_else: float = Field(
        default=0.002, ge=0, lt=1, description="least m of an else level: one person's records disagree outright"
    )
    tf_weight: float = Field(default=1.0, ge=0, le=1, description="1 = full term-frequency adjustment")
    tf_min_u: float = Field(default=0.0, ge=0, description="floor of a value's term frequency")
    labels: bool = Field(default=True, description="learn from people's judgements (matcher/labels.py)")
    label_prior_weight: float = Field(
        default=50.0, ge=0, description="EM's m counts as this many labelled pairs when blended with the labels"
    )
    min_labels_per_level: int = Field(
        default=5, ge=1, description="same labels a level needs before they move its m (fewer: EM's m)"
    )
    min_labels_for_thresholds: int = Field(
        default=30, ge=1, description="labels of each kind (same, not same) needed to set the thresholds"
    )
    label_f_beta: float = Field(default=1.0, gt=0, description="the upper threshold maximises this F-beta on labels")
    label_confidence: float = Field(
        default=0.95, ge=0.5, lt=1, description="how sure the labels must be that a threshold is wrong to move it"
    )
    label_lower_quantile: float = Field(
        default=0.02, ge=0, le=0.5, description="the lower threshold: this quantile of the same pairs' scores"
    )

    _v = field_validator("sessions", mode="before")(classmethod(lambda cls, v: _rules(v)))


class Thresholds(BaseModel):
    """Match probability above ``upper`` links (PROBABLY_SAME); between ``lower`` and ``upper``: review."""

    model_config = ConfigDict(extra="forbid")

    upper: float = Field(default=0.8, gt=0, lt=1)
    lower: float = Field(default=0.3, gt=0, lt=1)

    @model_validator(mode="after")
    def _order(self) -> "Thresholds":
        if self.lower > self.upper:
            raise ValueError(f"thresholds: lower ({self.lower}) must not exceed upper ({self.upper})")
        return self


def _comparisons(v: Any) -> Any:
    """Built-in names, ``{name, column, template}`` shorthands (``comparisons.from_template``) or full
    definitions with their levels."""
    if not isinstance(v, list):
        return v
    out = []
    for item in v:
        if isinstance(item, str):
            if item not in LIBRARY:
                raise ValueError(f"unknown comparison {item!r}; built in: {', '.join(LIBRARY)}")
            out.append(LIBRARY[item]())
        elif isinstance(item, dict) and "template" in item:
            extra = set(item) - {"name", "column", "template"}
            if extra or "name" not in item:
                raise ValueError(f"a template comparison takes name, column and template, got {sorted(item)}")
            out.append(from_template(item["name"], item.get("column", item["name"]), item["template"]))
        else:
            out.append(item)
    return out


class MatchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    blocking: Blocking = Field(default_factory=Blocking)
    comparisons: list[Comparison] = Field(default_factory=default_comparisons)
    extra_comparisons: list[Comparison] = Field(
        default_factory=list, description="appended to the comparisons (the defaults when none are given)"
    )
    training: Training = Field(default_factory=Training)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    model_path: str | None = Field(default=None, description="model file, relative to the mapping file")
    max_slots: int = Field(default=3, ge=1, le=8, description="emails/phones/devices compared per record")

    _v = field_validator("comparisons", "extra_comparisons", mode="before")(classmethod(lambda cls, v: _comparisons(v)))

    @model_validator(mode="after")
    def _unique(self) -> "MatchSettings":
        if self.extra_comparisons:
            self.comparisons = [*self.comparisons, *self.extra_comparisons]
            self.extra_comparisons = []
        names = [c.name for c in self.comparisons]
        if len(set(names)) != len(names):
            raise ValueError(f"comparisons: names must differ, got {names}")
        by_name = {c.name: c for c in self.comparisons}
        kept = []
        for ctx in self.training.contexts:
            # a context about a comparison the settings do not have is dropped, not an error: a mapping
            # that leaves out `location` still gets the namesake context
            if all(c in by_name for c in ctx.when) and any(c in by_name for c in ctx.comparisons):
                for comp, labels in ctx.when.items():
                    unknown = set(labels) - set(by_name[comp].level_names())
                    if unknown:
                        raise ValueError(f"training.contexts.{ctx.name}: {comp} has no level {sorted(unknown)}")
                ctx.comparisons = [c for c in ctx.comparisons if c in by_name]
                kept.append(ctx)
        self.training.contexts = kept
        return self

    def to_dict(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_dict(cls, raw: dict | None) -> "MatchSettings":
        try:
            return cls.model_validate(raw or {})
        except ValidationError as exc:
            parts = []
            for err in exc.errors():
                where = ".".join(str(x) for x in err["loc"])
                parts.append(f"matching.{where}: {err['msg'].removeprefix('Value error, ')}")
            raise MappingError("; ".join(parts)) from None


def settings_for(mapping: Any) -> MatchSettings:
    """The settings of a mapping (``idgraph.ingest.mapping.Mapping``) or of a raw ``matching`` dict.

    Unless the mapping lists its comparisons itself, every identifier kind it declares is compared too
    (``comparisons.identifier``: a national id with one digit wrong is still strong evidence)."""
    raw = getattr(mapping, "matching", mapping)
    raw = raw if isinstance(raw, dict) else None
    settings = MatchSettings.from_dict(raw)
    kinds = mapping.identifier_kinds() if hasattr(mapping, "identifier_kinds") else ()
    if kinds and "comparisons" not in (raw or {}):
        have = {c.name for c in settings.comparisons}
        settings.comparisons = [*settings.comparisons, *(identifier(k) for k in kinds if k not in have)]
    return settings
