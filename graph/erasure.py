"""What an erasure removes: decided here, once, for both stores, from what the store reads by key.

The forget job (ingest/jobs/forget.py) runs, in one write transaction: the store reads what the
person's records touch (`Erasure.erasure_facts`), `people_plan` decides which profiles and identifiers go,
the store reads the interactions those lead to (`erasure_events`), `events_plan` decides which go with
them and which identifiers only they carried, `texts_plan` redacts the text that stays (`erasure_texts`),
and the store deletes and scrubs by key (`erase`). The rules:

* every record asked for goes, with its links and judgements (hard deleted: erasure outranks the
  append-only log);
* a profile goes when none of its records stays, with the retired profiles merged into it at any depth
  (they hold golden records of the same people), their audit entries, traits and household
  memberships (the profile's own, keyed by it); the profiles that shared a household with one that goes
  are resolved again (their records stamped), so their households are found anew; a profile that keeps other
  records loses its golden record (resolve computes it again from the records left) and its records
  and interactions are stamped for resolve; a profile split from one that goes forgets where it came
  from (`split_from`);
* an identifier goes when only erased records hold it; a shared one that stays is un-marked (its reason
  names them) and its holders stamped, so the guard judges it afresh;
* an interaction goes when it names an erased record, or, unless it names someone else still in the
  store, when it is attributed to a profile that goes or carries an identifier that goes; then the
  identifiers that only erased interactions carried, and that no record holds, go too;
* in the audit and judgement text that stays, what goes is replaced by a salted hash (graph/redact.py):
  exact tokens in machine text, every written form of the identifiers and the names in free text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from idgraph.graph.redact import Redactor

# The frames the store reads (column names and types), so both stores answer in one shape.
CUSTOMERS = {"uid": pl.Utf8, "profile_id": pl.Utf8, "first_name": pl.Utf8, "last_name": pl.Utf8}
TIES = {"uid": pl.Utf8, "kind": pl.Utf8, "value": pl.Utf8, "shared": pl.Boolean, "holders": pl.Int64}
LINEAGE = {"profile_id": pl.Utf8, "root": pl.Utf8, "status": pl.Utf8, "members": pl.Int64}
EVENTS = {"uid": pl.Utf8, "customer_ref": pl.Utf8, "ref_exists": pl.Boolean, "profile_id": pl.Utf8}
CARRIED = {"uid": pl.Utf8, "kind": pl.Utf8, "value": pl.Utf8, "holders": pl.Int64, "carriers": pl.Int64}


@dataclass
class Plan:
    """What goes and what is scrubbed; `store_plan()` is what `Store.erase` takes."""

    customers: list[str]
    names: list[tuple[str | None, str | None]]
    whole: list[str]  # profiles that go
    partial: list[str]  # profiles that keep other records: scrubbed and resolved again
    active_partial: int
    own: list[tuple[str, str]]  # identifiers only the erased records hold
    rejudge: list[tuple[str, str]]  # shared identifiers of theirs that stay: un-marked, holders stamped
    shared_held: int  # shared identifiers they held (those that go and those that stay)
    held: pl.DataFrame  # kind, value, erased: how many of the erased records hold each of their identifiers
    interactions: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # own + those only their events carried
    texts: list[dict] = field(default_factory=list)  # {kind: audit|judgement, key, reason, details}
    housemates: list[str] = field(default_factory=list)  # profiles in a household with one that goes: resolved again

    def tokens(self) -> list[str]:
        """What machine text may name exactly: uids, event uids, profile ids, identifier keys and values."""
        return sorted({*self.customers, *self.interactions, *self.whole,
                       *(f"{k}:{v}" for k, v in self.identifiers), *(v for _, v in self.identifiers)})

    def store_plan(self) -> dict:
        return {"customers": self.customers, "interactions": self.interactions,
                "identifiers": [{"kind": k, "value": v} for k, v in self.identifiers], "whole": self.whole,
                "partial": self.partial, "rejudge": [{"kind": k, "value": v} for k, v in self.rejudge],
                "texts": self.texts, "housemates": self.housemates}


def people_plan(facts: dict[str, pl.DataFrame]) -> Plan:
    """From erasure_facts: the records that go, their profiles (whole or partial), their identifiers."""
    customers = facts["customers"]
    gone = customers["uid"].sort().to_list()
    lineage = facts["lineage"]
    erased_members = customers.filter(pl.col("profile_id").is_not_null()).group_by("profile_id").agg(
        pl.len().alias("erased"))
    roots = lineage.filter(pl.col("profile_id") == pl.col("root")).join(
        erased_members.rename({"profile_id": "root"}), on="root", how="left")
    whole_roots = set(roots.filter(pl.col("members") <= pl.col("erased").fill_null(0))["root"].to_list())
    whole = sorted(set(lineage.filter(pl.col("root").is_in(list(whole_roots)))["profile_id"].to_list()))
    partial_rows = lineage.filter(~pl.col("profile_id").is_in(whole)).unique("profile_id")
    ties = facts["ties"]
    per_identifier = ties.group_by("kind", "value").agg(pl.col("uid").n_unique().alias("erased"),
                                                        pl.col("holders").max(), pl.col("shared").any())
    own = per_identifier.filter(pl.col("holders") <= pl.col("erased"))
    stays = per_identifier.filter(pl.col("holders") > pl.col("erased"))
    return Plan(
        customers=gone,
        names=[(f, l) for f, l in customers.select("first_name", "last_name").iter_rows()],
        whole=whole,
        partial=sorted(partial_rows["profile_id"].to_list()),
        active_partial=int(partial_rows.filter(pl.col("status") == "active").height),
        own=sorted(own.select("kind", "value").iter_rows()),
        rejudge=sorted(stays.filter(pl.col("shared")).select("kind", "value").iter_rows()),
        shared_held=int(per_identifier.filter(pl.col("shared")).height),
        held=per_identifier.select("kind", "value", "erased"),
    )


def events_plan(plan: Plan, events: dict[str, pl.DataFrame]) -> Plan:
    """From erasure_events (the interactions naming the records, attributed to a whole profile or
    carrying an own identifier): the interactions that go, and the identifiers only they carried."""
    found = events["interactions"]
    gone_c = set(plan.customers)
    names_erased = pl.col("customer_ref").is_in(list(gone_c))
    names_no_one_else = pl.col("customer_ref").is_null() | names_erased | ~pl.col("ref_exists")
    carried = events["carried"]
    own = pl.DataFrame(plan.own, schema={"kind": pl.Utf8, "value": pl.Utf8}, orient="row")
    carries_own = set(carried.join(own, on=["kind", "value"])["uid"].to_list())
    gone = found.filter(names_erased | (names_no_one_else & (pl.col("profile_id").is_in(plan.whole)
                                                             | pl.col("uid").is_in(list(carries_own)))))
    plan.interactions = sorted(set(gone["uid"].to_list()))
    # Identifiers carried only by interactions that go, and held by no record that stays.
    theirs = carried.filter(pl.col("uid").is_in(plan.interactions)).group_by("kind", "value").agg(
        pl.col("uid").n_unique().alias("gone"), pl.col("carriers").max(), pl.col("holders").max())
    only = theirs.join(plan.held, on=["kind", "value"], how="left").filter(
        (pl.col("carriers") <= pl.col("gone")) & (pl.col("holders") <= pl.col("erased").fill_null(0)))
    plan.identifiers = sorted(set(plan.own) | set(only.select("kind", "value").iter_rows()))
    return plan


def texts_plan(plan: Plan, texts: list[dict], mask: Callable[[str], str]) -> Plan:
    """The audit and judgement text that stays, redacted; only what changed is written back."""
    redactor = Redactor(plan.tokens(), plan.identifiers, plan.names)
    for row in texts:
        reason = redactor.free(row.get("reason"), mask)
        details = redactor.machine(row.get("details"), mask)
        if (reason, details) != (row.get("reason"), row.get("details")):
            plan.texts.append({"kind": row["kind"], "key": row["key"], "reason": reason, "details": details})
    return plan


def households_plan(plan: Plan, members: pl.DataFrame) -> Plan:
    """From the Households role's `household_members(plan.whole)` (household_id, profile_id, ...): the other
    members of the households of the profiles that go, to be resolved again (a household left with one
    member is no household)."""
    gone = set(plan.whole) | set(plan.partial)  # a partial profile is resolved again anyway
    plan.housemates = sorted(set(members["profile_id"].to_list()) - gone)
    return plan


def counts(plan: Plan, erased: dict) -> dict:
    """The counts the forget summary reports, from the plan and what the store deleted."""
    return {"customers": len(plan.customers), "interactions": len(plan.interactions),
            "identifiers": len(plan.identifiers), "links": erased["links"], "judgements": erased["judgements"],
            "profiles": erased["profiles"], "profiles_to_resolve": plan.active_partial,
            "texts_redacted": len(plan.texts), "identifiers_rejudged": plan.shared_held}
