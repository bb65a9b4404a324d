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
    """The surname, or for a record without one, the surname its email spells beside the given name.

    Only a mailbox name of two parts split by a dot, dash, underscore or plus, one of which is the given
    name (or a form of it: "abby" / "abigail.smith93@", a longer or shorter spelling: "cath" /
    "catherine.thompson@", or its initial: "j.smith@"), and the other at least three letters: the
    convention of "first.last@" mailboxes everywhere, and nothing else. A name run together with the
    surname ("rhudson@", "philippajones@") is left alone: where the given name ends cannot be told from
    the letters, and a wrong split makes a rare "surname" that two strangers then share. A sign-up form
    that asks only for a first name still tells the surname this way; the surname comparison (with its
    term frequencies) weighs it, so the same evidence is never counted twice.
    """
    idx = pl.int_range(0, frame.height, dtype=pl.Int64)
    if "emails" not in frame.columns:
        return frame.get_column("last_name")
    need = frame.select(idx.alias("i"), "first_name", "last_name", "emails").filter(
        pl.col("last_name").is_null() & pl.col("first_name").is_not_null() & (pl.col("emails").list.len() > 0)
    )
    parts = need.explode("emails").select(
        "i", "first_name",
        pl.col("emails").str.split("@").list.first().str.replace_all(r"\d+", "")
        .str.replace_all(r"[._\-+]+", " ").str.strip_chars().str.split(" ").alias("parts"),
    ).filter(pl.col("parts").list.len() == 2).select(
        "i", "first_name", pl.col("parts").list.get(0).alias("p0"), pl.col("parts").list.get(1).alias("p1"))
    forms = _given_forms(frame.get_column("first_name")).with_columns(pl.lit(True).alias("is_form"))

    def given(part: str) -> pl.Expr:
        first, token = pl.col("first_name"), pl.col(part)
        spelled = ((token.str.len_chars() >= 3) & (first.str.len_chars() >= 3)
                   & (token.str.starts_with(first) | first.str.starts_with(token)))
        initial = (token.str.len_chars() == 1) & (token == first.str.slice(0, 1))
        return pl.col(f"form_{part}").fill_null(False) | spelled | initial

    marked = parts
    for part in ("p0", "p1"):
        marked = marked.join(forms.rename({"form": part, "is_form": f"form_{part}"}), on=["first_name", part],
                             how="left")
    guesses = marked.with_columns(
        pl.when(given("p0") & ~given("p1") & (pl.col("p1").str.len_chars() >= 3)).then(pl.col("p1"))
        .when(given("p1") & ~given("p0") & (pl.col("p0").str.len_chars() >= 3)).then(pl.col("p0"))
        .alias("guess")
    ).filter(pl.col("guess").is_not_null()).sort("i", "guess").group_by("i", maintain_order=True).agg(
        pl.col("guess").first())
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
