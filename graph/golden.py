"""The golden record: one value per field for each profile, chosen by survivorship rules.

Rules, per field (configurable in the mapping's `survivorship.rules`):
- most_frequent: the value most members agree on (ties: source priority, then most recent);
- most_recent: the value of the most recently updated member (ties: source priority, then frequency);
- source_priority: the value from the most trusted source (ties: most recent, then frequency).
Computed for all changed profiles at once with polars group-bys: no loop per profile.
"""

from __future__ import annotations

import polars as pl

DEFAULT_RULES = {
    "first_name": "most_frequent",
    "last_name": "most_recent",
    "dob": "most_frequent",
    "email": "most_frequent",
    "phone": "most_frequent",
    "address": "most_recent",
    "city": "most_recent",
    "postcode": "most_recent",
    "country": "most_frequent",
}
GOLDEN_FIELDS = tuple(DEFAULT_RULES)
_ORDER = {
    "most_frequent": (["n", "rank", "latest"], [True, False, True]),
    "most_recent": (["latest", "rank", "n"], [True, False, True]),
    "source_priority": (["rank", "latest", "n"], [False, True, True]),
}


def golden_records(customers: pl.DataFrame, source_priority: list[str],
                   rules: dict[str, str] | None = None) -> pl.DataFrame:
    """customers: CUSTOMER_COLUMNS with profile_id set. Returns profile_id, each golden field,
    customer_count and sources (a JSON list)."""
    rules = {**DEFAULT_RULES, **(rules or {})}
    ranks = {s: i for i, s in enumerate(source_priority)}
    base = customers.with_columns(
        pl.col("source").replace_strict(ranks, default=len(ranks), return_dtype=pl.Int64).alias("rank"),
        pl.col("updated_at").fill_null(""),
        pl.col("emails").list.first().alias("email"),
        pl.col("phones").list.first().alias("phone"),
    )
    out = base.group_by("profile_id").agg(
        pl.len().alias("customer_count"),
        pl.col("source").unique().sort().alias("sources"),
    ).with_columns(  # a JSON list; source names are plain identifiers (mapping keys)
        pl.format('["{}"]', pl.col("sources").list.join('", "')).alias("sources"))
    for field in GOLDEN_FIELDS:
        values = base
        if field in ("email", "phone"):
            values = base.drop(field).explode(f"{field}s").rename({f"{field}s": field})
        candidates = values.filter(pl.col(field).is_not_null() & (pl.col(field) != "")).group_by(
            "profile_id", field).agg(pl.len().alias("n"), pl.col("rank").min(), pl.col("updated_at").max().alias("latest"))
        by, desc = _ORDER[rules[field]]
        best = candidates.sort(["profile_id", *by, field], descending=[False, *desc, False]).unique(
            "profile_id", keep="first", maintain_order=True).select("profile_id", field)
        out = out.join(best, on="profile_id", how="left")
    return out
