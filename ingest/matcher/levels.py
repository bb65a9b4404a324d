"""Comparison levels: one small declarative class each.

A level is a condition on a pair of records. A comparison lists its levels strongest first; a pair
takes the first level whose condition holds (so "jaro_winkler >= 0.8" after "exact" means "close but
not equal"). Every level reads and writes itself as a dict with a ``type`` key (pydantic's
discriminated union), so comparisons load from YAML and dump back unchanged.

``evaluate(ctx, column, rows)`` gets the comparison's column and the positions of the pairs that no
stronger level claimed, and answers one boolean per position, vectorised.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Union

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from . import term_frequency as tf
from .pairs import PairContext


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    column: str | None = None  # the record column this level reads; default: the comparison's

    def name(self) -> str:
        return self.label or self.default_label()

    def default_label(self) -> str:
        return str(getattr(self, "type"))

    def holds(self, ctx: PairContext, column: str, rows: np.ndarray) -> np.ndarray:
        return self.evaluate(ctx, self.column or column, rows)

    def evaluate(self, ctx: PairContext, column: str, rows: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def columns(self) -> set[str]:
        return {self.column} if self.column else set()


class NullLevel(Level):
    """Either record lacks the value: no evidence either way (weight 0).

    With ``columns``: null only when every one of them is missing on one side or the other.
    """

    type: Literal["null"] = "null"
    columns_: list[str] | None = Field(default=None, alias="columns")
    # not null when, for one of these (x, y), record a has x and record b has y (or the reverse)
    present_pairs: list[tuple[str, str]] | None = None

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)

    def evaluate(self, ctx, column, rows):
        if self.present_pairs:
            comparable = np.zeros(len(rows), dtype=bool)
            for x, y in self.present_pairs:
                comparable |= ctx.present_a(x, rows) & ctx.present_b(y, rows)
                comparable |= ctx.present_a(y, rows) & ctx.present_b(x, rows)
            return ~comparable
        cols = self.columns_ or [column]
        out = ctx.null(cols[0], rows)
        for c in cols[1:]:
            out &= ctx.null(c, rows)
        return out

    def columns(self) -> set[str]:
        cols = set(self.columns_ or ()) | super().columns()
        for x, y in self.present_pairs or ():
            cols |= {x, y}
        return cols


class PresentLevel(Level):
    """Both records hold the value (used inside ``all``: "same postcode, and both have an address")."""

    type: Literal["present"] = "present"

    def default_label(self):
        return "present"

    def evaluate(self, ctx, column, rows):
        return ~ctx.null(column, rows)


class AllOfLevel(Level):
    """Every one of ``levels`` holds (same address line *and* same postcode district)."""

    type: Literal["all"] = "all"
    levels: list["AnyLevel"] = Field(min_length=1)

    def default_label(self):
        return " & ".join(level.name() for level in self.levels)

    def evaluate(self, ctx, column, rows):
        idx = np.arange(len(rows))
        for level in self.levels:
            if not len(idx):
                break
            idx = idx[level.holds(ctx, column, rows[idx])]
        out = np.zeros(len(rows), dtype=bool)
        out[idx] = True
        return out

    def columns(self) -> set[str]:
        cols = super().columns()
        for level in self.levels:
            cols |= level.columns()
        return cols


class ElseLevel(Level):
    """Everything the stronger levels did not claim: the values disagree."""

    type: Literal["else"] = "else"

    def evaluate(self, ctx, column, rows):
        return np.ones(len(rows), dtype=bool)


class ExactLevel(Level):
    """Equal values (for lists: some value in common). A ``transform`` compares a derived value."""

    type: Literal["exact"] = "exact"
    transform: str | None = None

    def term_frequency(self, features, column: str, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return tf.shared_tf(features.get(self.feature(self.column or column)), a, b)

    def default_label(self):
        return f"exact {self.transform}" if self.transform else "exact"

    def feature(self, column: str) -> str:
        return f"{column}.{self.transform}" if self.transform else column

    def evaluate(self, ctx, column, rows):
        return ctx.any_equal(self.feature(column), rows)


class _ExactOn(Level):
    """Exact on a fixed transform of the column: the small named levels below."""

    transform: ClassVar[str]

    def evaluate(self, ctx, column, rows):
        return ctx.any_equal(f"{column}.{self.transform}", rows)


class PhoneticLevel(Level):
    """Same phonetic code (Smith / Smyth): metaphone, nysiis or soundex."""

    type: Literal["phonetic"] = "phonetic"
    algorithm: Literal["metaphone", "nysiis", "soundex"] = "metaphone"

    def default_label(self):
        return f"phonetic {self.algorithm}"

    def evaluate(self, ctx, column, rows):
        return ctx.any_equal(f"{column}.{self.algorithm}", rows)


class NicknameLevel(Level):
    """Names of one nickname group (Robert / Bob / Rob), from the nickname table (``ingest/nicknames.py``);
    a given name of several words by any of its words ("Ted Watson" / "Edward"). Every group of both
    names counts, on the distinct pairs of names: the blocking feature `first_name.nickname` keeps at most
    six groups of a name ("kate" is in twelve)."""

    type: Literal["nickname"] = "nickname"

    def default_label(self):
        return "nickname"

    def evaluate(self, ctx, column, rows):
        return np.nan_to_num(ctx.score(column, "nickname", rows), nan=0.0) >= 1.0


class ShortFormLevel(Level):
    """One name starts or ends the other, the shorter at least ``min_length`` letters: a short form the
    nickname table lacks ("kim" / "kimberley", "bella" / "isabella", "beth" / "elisabeth")."""

    type: Literal["short_form"] = "short_form"
    min_length: int = Field(default=3, ge=2)

    def default_label(self):
        return "short form"

    def evaluate(self, ctx, column, rows):
        return np.nan_to_num(ctx.score(column, "short_form", rows), nan=0.0) >= self.min_length


class TokenSubsetLevel(Level):
    """Every word of one value is a word of the other: a second surname dropped ("fernandez vega" /
    "fernandez vega fernandez"), one half of a double-barrelled name ("jones" / "smith jones")."""

    type: Literal["token_subset"] = "token_subset"

    def default_label(self):
        return "part of the other"

    def evaluate(self, ctx, column, rows):
        return np.nan_to_num(ctx.score(column, "token_subset", rows), nan=0.0) >= 1.0


class InitialLevel(Level):
    """One side is only an initial, and it is the other's initial (R / Robert), or the initials of the
    other's words (JP / Jean Pierre: ``pairs.initials``)."""

    type: Literal["initial"] = "initial"

    def evaluate(self, ctx, column, rows):
        same = ctx.any_equal(f"{column}.initial", rows)
        lengths = ctx.vocab_lengths(column)
        ca, cb = ctx.sides(column, rows)
        short = (lengths[ca[:, 0]] == 1) | (lengths[cb[:, 0]] == 1)
        return (same & short) | (np.nan_to_num(ctx.score(column, "initials", rows), nan=0.0) >= 1.0)


class SwappedLevel(Level):
    """The value sits in another column on the other record (first and last name swapped); with
    ``threshold``, each side need only be that close (Jaro-Winkler): "mason, caitlin" / "caitlin masonh"."""

    type: Literal["swapped"] = "swapped"
    other: str = "last_name"
    threshold: float | None = Field(default=None, gt=0, le=1)

    def default_label(self):
        close = "" if self.threshold is None else f" (jaro_winkler >= {self.threshold:g})"
        return f"swapped with {self.other}{close}"

    def evaluate(self, ctx, column, rows):
        if self.threshold is None:
            return ctx.any_equal(column, rows, other=self.other) & ctx.any_equal(self.other, rows, other=column)
        there = np.nan_to_num(ctx.score_between(column, self.other, "jaro_winkler", rows), nan=-1.0)
        out = there >= self.threshold
        maybe = np.flatnonzero(out)  # the way back only where the way there holds: few of random pairs
        back = np.nan_to_num(ctx.score_of(self.other, "jaro_winkler", rows[maybe], other=column), nan=-1.0)
        out[maybe] = back >= self.threshold
        return out


class EitherWayLevel(Level):
    """A value of ``feature`` on one record equals a value of ``other`` on the other record, either way
    round: the year in an email address and the year of the other record's date of birth. With
    ``threshold``, that close (Jaro-Winkler): a card's surname typed in the given name's field with a
    letter off or run together ("durmayr" / Konstantin Durrmayr, "vanburgink" / Van Burgink)."""

    type: Literal["either_way"] = "either_way"
    feature: str
    other: str
    threshold: float | None = Field(default=None, gt=0, le=1)

    def default_label(self):
        close = "" if self.threshold is None else f" (jaro_winkler >= {self.threshold:g})"
        return f"{self.feature} ~ {self.other}{close}"

    def evaluate(self, ctx, column, rows):
        if self.threshold is None:
            return ctx.any_equal(self.feature, rows, other=self.other) | ctx.any_equal(
                self.other, rows, other=self.feature
            )
        there = np.nan_to_num(ctx.score_between(self.feature, self.other, "jaro_winkler", rows), nan=-1.0)
        back = np.nan_to_num(ctx.score_between(self.other, self.feature, "jaro_winkler", rows), nan=-1.0)
        return np.maximum(there, back) >= self.threshold

    def columns(self) -> set[str]:
        return super().columns() | {self.feature, self.other}


class _Threshold(Level):
    metric: ClassVar[str]
    threshold: float

    def default_label(self):
        return f"{self.type} >= {self.threshold:g}"

    def evaluate(self, ctx, column, rows):
        s = ctx.score(column, self.metric, rows)
        return np.nan_to_num(s, nan=-1.0) >= self.threshold


class JaroWinklerLevel(_Threshold):
    """Jaro-Winkler similarity at least ``threshold`` (typos, near spellings)."""

    type: Literal["jaro_winkler"] = "jaro_winkler"
    metric: ClassVar[str] = "jaro_winkler"


class TokenSimilarityLevel(_Threshold):
    """Token-set similarity (word order and extra words ignored) at least ``threshold``: addresses."""

    type: Literal["token_similarity"] = "token_similarity"
    metric: ClassVar[str] = "token_set"


class LevenshteinLevel(Level):
    """At most ``max_distance`` single-character edits (optionally on a transform)."""

    type: Literal["levenshtein"] = "levenshtein"
    max_distance: int = 2
    transform: str | None = None

    def default_label(self):
        return f"levenshtein <= {self.max_distance}" + (f" {self.transform}" if self.transform else "")

    def evaluate(self, ctx, column, rows):
        feat = f"{column}.{self.transform}" if self.transform else column
        return ctx.within(feat, "levenshtein", self.max_distance, rows)


class TranspositionLevel(Level):
    """Two adjacent characters swapped (one OSA edit that Levenshtein counts as two): 0771 / 0717."""

    type: Literal["transposition"] = "transposition"
    transform: str | None = None  # "digits" for phones: the default must survive a dump without None

    def default_label(self):
        return "one transposition"

    def evaluate(self, ctx, column, rows):
        # Best OSA 1 with best Levenshtein 2 needs a slot pair that is one transposition, hence anagrams:
        # only those rows are scored (random pairs for u are nearly never anagrams).
        feat = f"{column}.{self.transform}" if self.transform else column
        out = np.zeros(len(rows), dtype=bool)
        maybe = np.flatnonzero(ctx.anagram(feat, rows))
        if len(maybe):
            osa = np.nan_to_num(ctx.score_of(feat, "osa", rows[maybe]), nan=1e9)
            lev = np.nan_to_num(ctx.score_of(feat, "levenshtein", rows[maybe]), nan=1e9)
            out[maybe] = (osa == 1) & (lev == 2)
        return out


class DayMonthSwappedLevel(Level):
    """Same year, day and month swapped (1980-03-04 / 1980-04-03): US and UK date formats."""

    type: Literal["day_month_swapped"] = "day_month_swapped"

    def default_label(self):
        return "day/month swapped"

    def evaluate(self, ctx, column, rows):
        ya, yb = ctx.sides(f"{column}.year", rows)
        ma, mb = ctx.sides(f"{column}.month", rows)
        da, db = ctx.sides(f"{column}.day", rows)
        return (ya[:, 0] >= 0) & (ya[:, 0] == yb[:, 0]) & (ma[:, 0] == db[:, 0]) & (da[:, 0] == mb[:, 0]) & (ma[:, 0] != da[:, 0])


class DatePartsDifferLevel(Level):
    """Exactly ``parts_equal`` of year, month and day equal (2 = one field mistyped)."""

    type: Literal["date_parts"] = "date_parts"
    parts_equal: int = 2

    def default_label(self):
        return "one date field different" if self.parts_equal == 2 else f"{self.parts_equal} date fields equal"

    def evaluate(self, ctx, column, rows):
        eq = np.zeros(len(rows), dtype=np.int8)
        for part in ("year", "month", "day"):
            pa, pb = ctx.sides(f"{column}.{part}", rows)
            eq += ((pa[:, 0] == pb[:, 0]) & (pa[:, 0] >= 0)).astype(np.int8)
        return eq == self.parts_equal


class SameYearLevel(_ExactOn):
    """Same year of the date only."""

    type: Literal["same_year"] = "same_year"
    transform: ClassVar[str] = "year"

    def default_label(self):
        return "same year"


class PostcodePartLevel(Level):
    """Same part of the postcode: sector (SW1A 1), district (SW1A) or area (SW)."""

    type: Literal["postcode_part"] = "postcode_part"
    part: Literal["sector", "district", "area"] = "district"

    def default_label(self):
        return f"same {self.part}"

    def evaluate(self, ctx, column, rows):
        return ctx.any_equal(f"{column}.{self.part}", rows)


class LocalPartLevel(_ExactOn):
    """Same email local part on another domain (jo.smith@gmail / jo.smith@work)."""

    type: Literal["local_part"] = "local_part"
    transform: ClassVar[str] = "local"

    def default_label(self):
        return "same local part"


class LastDigitsLevel(Level):
    """Same last ``digits`` digits (a number written with another prefix or country code)."""

    type: Literal["last_digits"] = "last_digits"
    digits: Literal[4, 6, 7, 8] = 7

    def default_label(self):
        return f"same last {self.digits} digits"

    def evaluate(self, ctx, column, rows):
        return ctx.any_equal(f"{column}.last{self.digits}", rows)


AnyLevel = Annotated[
    Union[
        NullLevel,
        ExactLevel,
        PhoneticLevel,
        NicknameLevel,
        ShortFormLevel,
        TokenSubsetLevel,
        InitialLevel,
        SwappedLevel,
        EitherWayLevel,
        JaroWinklerLevel,
        TokenSimilarityLevel,
        LevenshteinLevel,
        TranspositionLevel,
        DayMonthSwappedLevel,
        DatePartsDifferLevel,
        SameYearLevel,
        PostcodePartLevel,
        LocalPartLevel,
        LastDigitsLevel,
        PresentLevel,
        AllOfLevel,
        ElseLevel,
    ],
    Field(discriminator="type"),
]
AllOfLevel.model_rebuild()
