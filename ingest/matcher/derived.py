"""Columns derived from several record columns.

``name_pair`` (both names in a fixed order, for cards filled in as "SMITH, BOB") and ``surname`` (the
surname, or the one a record's email spells around its given name) are used in feature names like record
columns: ``surname.metaphone``. ``base_columns`` says which record columns a feature reads, so a training
session blocked on names leaves out every comparison that reads them.
"""

from __future__ import annotations

import re
from typing import Callable

import polars as pl

from idgraph.ingest.nicknames import nickname_groups


# Columns derived from several record columns, usable like record columns in feature names.
def _name_pair(frame: pl.DataFrame) -> pl.Series:
    """The two names in a fixed order: "bob smith" for both Bob Smith and a card filled in as SMITH, BOB."""
    return frame.select(
        pl.concat_str(
            [pl.min_horizontal("first_name", "last_name"), pl.max_horizontal("first_name", "last_name")],
            separator=" ",
        )
    ).to_series()


def _letters(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_all(r"[^a-z]", "")


def _given_forms(first: pl.Series) -> pl.DataFrame:
    """Each distinct given name with its nickname-group forms (joe -> joe, joseph, jo, joey...), at most 16."""
    groups = nickname_groups()
    members: dict[str, set[str]] = {}
    for name, formal in groups.items():
        for f in formal:
            members.setdefault(f, set()).add(name)
    rows_first, rows_form = [], []
    for v in first.drop_nulls().unique().to_list():
        forms = [v]
        for f in groups.get(v, ()):
            forms += [f, *sorted(members.get(f, ()))]
        seen: list[str] = []
        for f in forms:
            f = re.sub(r"[^a-z]", "", f)
            if f and f not in seen:
                seen.append(f)
        for f in seen[:16]:
            rows_first.append(v)
            rows_form.append(f)
    return pl.DataFrame({"first_name": rows_first, "form": rows_form}, schema={"first_name": pl.String, "form": pl.String})


def _surname_guess(frame: pl.DataFrame) -> pl.Series:
    """The surname, or for a record without one, the surname its email spells around the given name.

    "abigail.smith93@..." with given name Abby gives "smith" (Abby's forms include abigail); "smithr@"
    and "rhudson@" with given name Ryan give "smith" and "hudson". A sign-up form that asks only for a
    first name still tells the surname this way; the surname comparison (with its term frequencies)
    then weighs it, so the same evidence is never counted twice.
    """
    idx = pl.int_range(0, frame.height, dtype=pl.Int64)
    if "emails" not in frame.columns:
        return frame.get_column("last_name")
    need = frame.select(idx.alias("i"), "first_name", "last_name", "emails").filter(
        pl.col("last_name").is_null() & pl.col("first_name").is_not_null() & (pl.col("emails").list.len() > 0)
    )
    letters = need.explode("emails").select(
        "i", "first_name", _letters(pl.col("emails").str.split("@").list.first()).alias("letters")
    ).filter(pl.col("letters").str.len_chars() >= 4)
    forms = _given_forms(frame.get_column("first_name"))
    by_form = letters.join(forms, on="first_name").with_columns(
        pl.when(pl.col("letters").str.starts_with(pl.col("form")))
        .then(pl.col("letters").str.slice(pl.col("form").str.len_chars()))
        .when(pl.col("letters").str.ends_with(pl.col("form")))
        .then(pl.col("letters").str.slice(0, pl.col("letters").str.len_chars() - pl.col("form").str.len_chars()))
        .alias("guess"),
        (10 + pl.col("form").str.len_chars()).cast(pl.Int64).alias("rank"),
    ).filter(pl.col("guess").is_not_null())
    # the longest form that fits decides: "pamela230" with given name Pam is Pamela and no surname,
    # not Pam + "ela"; an email that is just the given name spells no surname, nor does its initial
    best = by_form.sort(["i", "letters", "rank"], descending=[False, False, True]).group_by(
        ["i", "letters"], maintain_order=True
    ).first()
    init = pl.col("first_name").str.slice(0, 1)
    by_initial = letters.join(best.select("i", "letters"), on=["i", "letters"], how="anti").with_columns(
        pl.when(pl.col("letters").str.starts_with(init))
        .then(pl.col("letters").str.slice(1))
        .when(pl.col("letters").str.ends_with(init))
        .then(pl.col("letters").str.slice(0, pl.col("letters").str.len_chars() - 1))
        .alias("guess"),
        pl.lit(1, dtype=pl.Int64).alias("rank"),
    )
    guesses = (
        pl.concat([best.select("i", "guess", "rank"), by_initial.select("i", "guess", "rank")])
        .filter(pl.col("guess").str.len_chars() >= 3)
        .sort(["i", "rank", "guess"], descending=[False, True, False])
        .group_by("i", maintain_order=True)
        .agg(pl.col("guess").first())
    )
    out = frame.select(idx.alias("i"), "last_name").join(guesses, on="i", how="left", maintain_order="left")
    return out.select(pl.coalesce("last_name", "guess")).to_series()


VIRTUAL_COLUMNS: dict[str, Callable[[pl.DataFrame], pl.Series]] = {
    "name_pair": _name_pair,
    "surname": _surname_guess,
}
# the record columns each virtual column is made of (a training session on names must not use them)
VIRTUAL_BASES: dict[str, set[str]] = {
    "name_pair": {"first_name", "last_name"},
    "surname": {"last_name", "emails"},
}


def base_columns(feature: str) -> set[str]:
    """The record columns a feature name reads: ``name_pair`` -> first_name, last_name."""
    column = feature.split(".", 1)[0]
    return set(VIRTUAL_BASES.get(column, {column}))
