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

from idgraph.ingest.nicknames import group_members, nickname_groups


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
    groups, members = nickname_groups(), group_members()
    rows_first, rows_form = [], []
    for v in first.drop_nulls().unique().to_list():
        forms = [v]
        for f in groups.get(v, ()):
            forms += [f, *members.get(f, ())]
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

    Two ways, both general mailbox conventions:
    - a name of two parts split by a dot, dash, underscore or plus, one the given name (or a form of it:
      "abby" / "abigail.smith93@", a longer or shorter spelling: "cath" / "catherine.thompson@", or its
      initial: "j.smith@"), the other of three letters or more;
    - a name run together ("jsmith82@", "johnsmith@", "smithj@"): what is left after the given name, a
      form of it or its initial, kept only when it is a surname some record of this data carries. Where
      a given name ends cannot be told from the letters ("charles153@" with given name Chas is not
      C + "harles"), and a wrong split makes a rare "surname" that two strangers then share; the data's
      own surnames are the check.
    A sign-up form that asks only for a first name still tells the surname this way; the surname
    comparison (with its term frequencies) weighs it, so the same evidence is never counted twice.
    """
    idx = pl.int_range(0, frame.height, dtype=pl.Int64)
    if "emails" not in frame.columns:
        return frame.get_column("last_name")
    need = frame.select(idx.alias("i"), "first_name", "last_name", "emails").filter(
        pl.col("last_name").is_null() & pl.col("first_name").is_not_null() & (pl.col("emails").list.len() > 0)
    )
    local = need.explode("emails").select(
        "i", "first_name",
        pl.col("emails").str.split("@").list.first().str.replace_all(r"\d+", "")
        .str.replace_all(r"[._\-+]+", " ").str.strip_chars().str.split(" ").alias("parts"),
    ).filter(pl.col("parts").list.len() > 0)
    forms = _given_forms(frame.get_column("first_name"))
    split = _split_guesses(local.filter(pl.col("parts").list.len() == 2), forms)
    joined = _joined_guesses(local.filter(pl.col("parts").list.len() == 1), forms, frame.get_column("last_name"))
    guesses = (pl.concat([split.with_columns(pl.lit(0).alias("rank")), joined.with_columns(pl.lit(1).alias("rank"))])
               .sort("i", "rank", "guess").group_by("i", maintain_order=True).agg(pl.col("guess").first()))
    out = frame.select(idx.alias("i"), "last_name").join(guesses, on="i", how="left", maintain_order="left")
    return out.select(pl.coalesce("last_name", "guess")).to_series()


def _given(token: pl.Expr, form_mark: pl.Expr) -> pl.Expr:
    """The token is the given name: a form of it, a longer or shorter spelling, or its initial."""
    first = pl.col("first_name")
    spelled = ((token.str.len_chars() >= 3) & (first.str.len_chars() >= 3)
               & (token.str.starts_with(first) | first.str.starts_with(token)))
    initial = (token.str.len_chars() == 1) & (token == first.str.slice(0, 1))
    return form_mark.fill_null(False) | spelled | initial


def _split_guesses(two: pl.DataFrame, forms: pl.DataFrame) -> pl.DataFrame:
    """i, guess from "given.surname" / "surname.given" mailbox names."""
    marked = two.select("i", "first_name", pl.col("parts").list.get(0).alias("p0"), pl.col("parts").list.get(1).alias("p1"))
    mark = forms.with_columns(pl.lit(True).alias("is_form"))
    for part in ("p0", "p1"):
        marked = marked.join(mark.rename({"form": part, "is_form": f"form_{part}"}), on=["first_name", part], how="left")
    g0, g1 = _given(pl.col("p0"), pl.col("form_p0")), _given(pl.col("p1"), pl.col("form_p1"))
    return marked.select("i", pl.when(g0 & ~g1 & (pl.col("p1").str.len_chars() >= 3)).then(pl.col("p1"))
                         .when(g1 & ~g0 & (pl.col("p0").str.len_chars() >= 3)).then(pl.col("p0"))
                         .alias("guess")).filter(pl.col("guess").is_not_null())


def _joined_guesses(one: pl.DataFrame, forms: pl.DataFrame, surnames: pl.Series) -> pl.DataFrame:
    """i, guess from run-together names ("jsmith", "johnsmith", "smithj"), checked against the data's
    own surnames."""
    letters = one.select("i", "first_name", pl.col("parts").list.first().alias("letters"))
    starts = pl.concat([forms, forms.select("first_name", pl.col("first_name").str.slice(0, 1).alias("form"))]).unique()
    fits = pl.col("letters").str.starts_with(pl.col("form")) | pl.col("letters").str.ends_with(pl.col("form"))
    # the longest form that fits decides: "pamela230" with given name Pam is Pamela and no surname
    best = (letters.join(starts, on="first_name").filter(fits)
            .sort("i", "letters", pl.col("form").str.len_chars(), descending=[False, False, True])
            .group_by("i", "letters", maintain_order=True).first())
    cut = best.select(
        "i",
        pl.when(pl.col("letters").str.starts_with(pl.col("form")))
        .then(pl.col("letters").str.slice(pl.col("form").str.len_chars()))
        .otherwise(pl.col("letters").str.slice(0, pl.col("letters").str.len_chars() - pl.col("form").str.len_chars()))
        .alias("guess"),
    ).filter(pl.col("guess").str.len_chars() >= 3)
    known = surnames.drop_nulls().unique().to_frame("guess")
    return cut.join(known, on="guess").unique()


VIRTUAL_COLUMNS: dict[str, Callable[[pl.DataFrame], pl.Series]] = {
    "name_pair": _name_pair,
    "surname": _surname_guess,
}
# the record columns each virtual column is made of (a training session on names must not use them)
VIRTUAL_BASES: dict[str, set[str]] = {
    "name_pair": {"first_name", "last_name"},
    "surname": {"last_name", "emails"},
}
# every record column each one's derivation reads (the surname guess checks the given name too): two
# frames equal in these give the same values
VIRTUAL_READS: dict[str, set[str]] = {
    "name_pair": {"first_name", "last_name"},
    "surname": {"first_name", "last_name", "emails"},
}


def base_columns(feature: str) -> set[str]:
    """The record columns a feature name reads: ``name_pair`` -> first_name, last_name."""
    column = feature.split(".", 1)[0]
    return set(VIRTUAL_BASES.get(column, {column}))
