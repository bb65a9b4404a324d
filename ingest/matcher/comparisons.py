"""Comparisons: one per field, an ordered list of levels (null first, strongest to weakest, else last).

``Comparison.compute`` turns a set of candidate pairs into one small integer per pair, the index of the
first level that holds: a column of the gamma matrix (pairs x comparisons) that training and scoring
use. The default library below is tuned for customer records; every one of them is plain data and can
be replaced from the mapping file's ``matching.comparisons``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from . import levels as lv
from .levels import AnyLevel
from .pairs import PairContext
from .threads import map_ordered


class Comparison(BaseModel):
    """One field's comparison."""

    model_config = ConfigDict(extra="forbid")

    name: str
    column: str
    levels: list[AnyLevel]
    tf_adjustment: bool = Field(
        default=False, description="adjust the exact level's weight by how common the value is"
    )
    description: str = ""

    @field_validator("levels", mode="before")
    @classmethod
    def _yaml_null(cls, v: object) -> object:
        """YAML reads ``{type: null}`` as a None type: that is the null level."""
        if isinstance(v, list):
            return [{**x, "type": "null"} if isinstance(x, dict) and "type" in x and x["type"] is None else x
                    for x in v]
        return v

    @model_validator(mode="after")
    def _shape(self) -> "Comparison":
        if len(self.levels) < 3:
            raise ValueError(f"comparison {self.name!r}: needs a null level, at least one level and an else level")
        if not isinstance(self.levels[0], lv.NullLevel):
            raise ValueError(f"comparison {self.name!r}: the first level must be {{type: null}}")
        if not isinstance(self.levels[-1], lv.ElseLevel):
            raise ValueError(f"comparison {self.name!r}: the last level must be {{type: else}}")
        names = self.level_names()
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"comparison {self.name!r}: level labels must differ, repeated: {sorted(dupes)}")
        if len(self.levels) > 15:
            raise ValueError(f"comparison {self.name!r}: at most 15 levels")
        if self.tf_adjustment and self.tf_level() is None:
            raise ValueError(f"comparison {self.name!r}: tf_adjustment needs an {{type: exact}} level")
        return self

    def level_names(self) -> list[str]:
        return [level.name() for level in self.levels]

    def tf_level(self) -> int | None:
        """The plain exact level (the one ``tf_adjustment`` adjusts)."""
        for i, level in enumerate(self.levels):
            if isinstance(level, lv.ExactLevel) and level.transform is None and level.column is None:
                return i
        return None

    def tf_levels(self) -> list[int]:
        """Levels whose weight is adjusted by the frequency of the value the pair shares."""
        out = []
        for i, level in enumerate(self.levels):
            if getattr(level, "tf_adjustment", False) or (self.tf_adjustment and i == self.tf_level()):
                out.append(i)
        return out

    def features(self) -> set[str]:
        """The record columns this comparison reads (to decide what a blocking key already fixed)."""
        cols = {self.column}
        for level in self.levels:
            cols |= level.columns()
        return cols

    def compute(self, ctx: PairContext) -> np.ndarray:
        """The level index of every pair (int8), first matching level wins."""
        gamma = np.full(ctx.n, len(self.levels) - 1, dtype=np.int8)
        rows = np.arange(ctx.n, dtype=np.int64)
        for idx, level in enumerate(self.levels[:-1]):
            if not len(rows):
                break
            hit = level.holds(ctx, self.column, rows)
            gamma[rows[hit]] = idx
            rows = rows[~hit]
        ctx.clear()
        return gamma


# Below this many pairs a second thread costs more than it saves.
PARALLEL_PAIRS = 50_000


def compute_gamma(
    ctx: PairContext, comparisons: list[Comparison], on_done: Callable[[], None] | None = None
) -> np.ndarray:
    """The gamma matrix: pairs x comparisons, int8 level indices. ``on_done`` is called (in the
    caller's thread) as each comparison is finished.

    On a large set of pairs the comparisons run side by side (``threads.map_ordered``), each over its
    own view of the pairs: a ``PairContext`` caches per comparison and is cleared after each.
    """
    out = np.empty((ctx.n, len(comparisons)), dtype=np.int8)
    parallel = ctx.n >= PARALLEL_PAIRS

    def column(j: int) -> None:
        out[:, j] = comparisons[j].compute(ctx.twin() if parallel else ctx)

    map_ordered(column, range(len(comparisons)), parallel=parallel, on_done=on_done)
    return out


# ------------------------------------------------------------------ the default library

def first_name() -> Comparison:
    return Comparison(
        name="first_name",
        column="first_name",
        tf_adjustment=True,
        description="given name: exact, swapped with the surname, nickname, spelling bands, initial only",
        levels=[
            lv.NullLevel(),
            lv.ExactLevel(),
            lv.SwappedLevel(other="last_name"),
            lv.SwappedLevel(other="last_name", threshold=0.9),
            # swapped with a typo on one side: one wrong letter in a five-letter name is 0.88
            # ("freile hsinz" / "heinz freile")
            lv.SwappedLevel(other="last_name", threshold=0.8),
            # one name in the other's other field: a card typed "MULLER Markus" against "Markus" alone
            lv.EitherWayLevel(feature="first_name", other="last_name", label="given name is the other's surname"),
            lv.EitherWayLevel(feature="first_name", other="last_name", threshold=0.9,
                              label="given name is the other's surname (jaro_winkler >= 0.9)"),
            lv.NicknameLevel(),
            lv.ShortFormLevel(),
            lv.JaroWinklerLevel(threshold=0.92),
            # two letters swapped in a short name ("uwe"/"wue", "lea"/"lae"): Jaro's match window is
            # zero on three letters, so Jaro-Winkler calls them different names
            lv.TranspositionLevel(),
            lv.JaroWinklerLevel(threshold=0.8),
            lv.InitialLevel(),
            lv.ElseLevel(),
        ],
    )


def last_name() -> Comparison:
    return Comparison(
        name="last_name",
        column="surname",
        tf_adjustment=True,
        description="surname (or the one a record's email spells around its given name): exact, swapped "
        "with the given name, phonetic, spelling bands",
        levels=[
            lv.NullLevel(),
            lv.ExactLevel(),
            lv.SwappedLevel(column="last_name", other="first_name"),
            lv.SwappedLevel(column="last_name", other="first_name", threshold=0.9),
            lv.SwappedLevel(column="last_name", other="first_name", threshold=0.8),
            lv.JaroWinklerLevel(threshold=0.94),
            lv.TokenSubsetLevel(),
            lv.PhoneticLevel(algorithm="metaphone"),
            lv.JaroWinklerLevel(threshold=0.84),
            lv.ElseLevel(),
        ],
    )


def dob() -> Comparison:
    return Comparison(
        name="dob",
        column="dob",
        description="date of birth: exact, day/month swapped, one field different, same year",
        levels=[
            lv.NullLevel(),
            lv.ExactLevel(),
            lv.DayMonthSwappedLevel(),
            lv.DatePartsDifferLevel(parts_equal=2),
            lv.SameYearLevel(),
            lv.ElseLevel(),
        ],
    )


def address() -> Comparison:
    return Comparison(
        name="address",
        column="address",
        description="street address: exact, token similarity bands",
        levels=[
            lv.NullLevel(),
            lv.ExactLevel(),
            lv.TokenSimilarityLevel(threshold=0.9),
            lv.TokenSimilarityLevel(threshold=0.7),
            lv.ElseLevel(),
        ],
    )


def postcode() -> Comparison:
    return Comparison(
        name="postcode",
        column="postcode",
        description="postcode: full, sector, district, area",
        levels=[
            lv.NullLevel(),
            lv.ExactLevel(),
            lv.PostcodePartLevel(part="sector"),
            lv.PostcodePartLevel(part="district"),
            lv.PostcodePartLevel(part="area"),
            lv.ElseLevel(),
        ],
    )


def location() -> Comparison:
    """Address and postcode as one comparison: they say the same thing (one household), counted once."""
    return Comparison(
        name="location",
        column="postcode",
        description="where they live: same address line in the same district, same postcode, sector, district, area",
        levels=[
            lv.NullLevel(columns=["address", "postcode"]),
            lv.AllOfLevel(
                label="same address",
                levels=[lv.ExactLevel(column="address"), lv.PostcodePartLevel(part="district")],
            ),
            lv.AllOfLevel(
                label="similar address",
                levels=[
                    lv.TokenSimilarityLevel(column="address", threshold=0.85),
                    lv.ExactLevel(column="address", transform="numbers"),
                    lv.PostcodePartLevel(part="district"),
                ],
            ),
            # The same line under another (mistyped, or missing) postcode: "14 learmonth dr" in 2031 and 2204;
            # with a house number, or every town's "Schillerstrasse" would be one home.
            lv.AllOfLevel(
                label="same address, other postcode",
                levels=[lv.ExactLevel(column="address"), lv.PresentLevel(column="address.numbers")],
            ),
            lv.AllOfLevel(
                label="similar address, other postcode",
                levels=[
                    lv.TokenSimilarityLevel(column="address", threshold=0.85),
                    lv.ExactLevel(column="address", transform="numbers"),
                ],
            ),
            lv.AllOfLevel(
                label="same postcode, other address",
                levels=[lv.ExactLevel(), lv.PresentLevel(column="address")],
            ),
            lv.ExactLevel(label="same postcode"),
            lv.PostcodePartLevel(part="sector"),
            lv.PostcodePartLevel(part="district"),
            lv.PostcodePartLevel(part="area"),
            lv.ElseLevel(),
        ],
    )


def email() -> Comparison:
    return Comparison(
        name="email",
        column="emails",
        description="email addresses (any of each record's): exact, same local part, close spelling",
        levels=[
            lv.NullLevel(),
            lv.ExactLevel(),
            lv.LocalPartLevel(),
            lv.LevenshteinLevel(max_distance=2),
            lv.ElseLevel(),
        ],
    )


def email_year() -> Comparison:
    """The two digits people put in an address are often their year of birth: jo.smith85@ / born 1985."""
    return Comparison(
        name="email_year",
        column="emails",
        description="a year in one record's email address is the other record's year of birth",
        levels=[
            lv.NullLevel(present_pairs=[("emails.yy", "dob.yy")]),
            lv.EitherWayLevel(feature="emails.yy", other="dob.yy", label="year of birth in the email"),
            lv.ElseLevel(),
        ],
    )


def phone() -> Comparison:
    return Comparison(
        name="phone",
        column="phones",
        description="phone numbers (any of each record's): exact, one transposition, one digit, last digits",
        levels=[
            lv.NullLevel(),
            lv.ExactLevel(),
            lv.TranspositionLevel(transform="digits"),
            lv.LevenshteinLevel(max_distance=1, transform="digits", label="one digit different"),
            lv.LastDigitsLevel(digits=7),
            lv.ElseLevel(),
        ],
    )


def device() -> Comparison:
    return Comparison(
        name="device",
        column="devices",
        description="graph evidence: a device or cookie both records used (shared ones are never given)",
        levels=[lv.NullLevel(), lv.ExactLevel(label="shared device"), lv.ElseLevel()],
    )


def profile() -> Comparison:
    return Comparison(
        name="profile",
        column="profile_id",
        description="graph evidence: both records already sit in the same profile",
        levels=[lv.NullLevel(), lv.ExactLevel(label="same profile"), lv.ElseLevel()],
    )


def identifier(name: str, column: str | None = None) -> Comparison:
    """A declared identifier kind (a national id, an account number): exact, one transposition, one or
    two characters different. The exact value links the records anyway; the near values catch a typo."""
    return Comparison(
        name=name,
        column=column or name,
        description=f"{name}: exact, one transposition, one or two characters different",
        levels=[
            lv.NullLevel(),
            lv.ExactLevel(),
            lv.TranspositionLevel(),
            lv.LevenshteinLevel(max_distance=1),
            lv.LevenshteinLevel(max_distance=2),
            lv.ElseLevel(),
        ],
    )


def from_template(name: str, column: str, template: str) -> Comparison:
    """A comparison of any column by a template (``matching.comparisons`` or ``extra_comparisons``):
    ``exact`` (a category: gender, title), ``text`` (a free text: a city, a company), ``name``,
    ``id`` (codes and numbers with typos) or ``date``."""
    if template == "id":
        return identifier(name, column)
    if template == "name":
        comp = first_name().model_copy(deep=True)
        comp.levels = [lv.NullLevel(), lv.ExactLevel(), lv.NicknameLevel(), lv.ShortFormLevel(),
                       lv.JaroWinklerLevel(threshold=0.92), lv.JaroWinklerLevel(threshold=0.8), lv.ElseLevel()]
        return comp.model_copy(update={"name": name, "column": column, "description": f"{name}: a name"})
    if template == "date":
        return dob().model_copy(update={"name": name, "column": column, "description": f"{name}: a date"})
    middle = {
        "exact": [],
        "text": [lv.JaroWinklerLevel(threshold=0.92), lv.TokenSimilarityLevel(threshold=0.8)],
    }
    if template not in middle:
        raise ValueError(f"comparison {name!r}: unknown template {template!r}; use exact, text, name, id or date")
    return Comparison(name=name, column=column, description=f"{name}: {template}", tf_adjustment=True,
                      levels=[lv.NullLevel(), lv.ExactLevel(), *middle[template], lv.ElseLevel()])


LIBRARY = {
    "first_name": first_name,
    "last_name": last_name,
    "dob": dob,
    "address": address,
    "postcode": postcode,
    "location": location,
    "email": email,
    "email_year": email_year,
    "phone": phone,
    "device": device,
    "profile": profile,
}


def default_comparisons() -> list[Comparison]:
    return [LIBRARY[k]() for k in ("first_name", "last_name", "dob", "location", "email", "email_year", "phone", "device")]
