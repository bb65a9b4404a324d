"""Section 6, Change: what happened since the previous report.

Each report writes a small snapshot beside itself (`report.json` for `report.html`): the counts of the
store, the highest record sequence number and the highest audit entry. The next report reads it (or the
one `--since` names) and says what changed: records added (those with a higher sequence number), and
from the audit entries written since, the profiles created, merged into another and split off.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from pydantic import BaseModel, Field, ValidationError

from idgraph.graph.errors import SourceError

from .blocks import ChartBlock, Figure, Figures, Note, Section, num, table
from .charts import chart

INTRO = "What changed since the previous report."
FORMAT = "idgraph-report-snapshot/1"
PROFILE_ACTIONS = (("created", "created"), ("merged", "merged into another"), ("split", "split off"))


class Snapshot(BaseModel):
    format: str = FORMAT
    generated_at: str
    store: str
    customers: int
    customer_seq: int  # the highest record sequence number
    records_by_source: dict[str, int]
    interactions: int
    interactions_by_source: dict[str, int]
    profiles: int
    audit_seq: int  # the highest audit entry
    links: int
    review_queue: int
    judgements: int
    shared_identifiers: int


class ChangeSection(BaseModel):
    previous: str | None = None  # the snapshot compared with
    previous_at: str | None = None
    problem: str | None = None  # why there is nothing to compare
    records_added: int = 0
    records_added_by_source: dict[str, int] = Field(default_factory=dict)
    interactions_added: int = 0
    profiles_created: int = 0
    profiles_merged: int = 0
    profiles_split: int = 0
    audit_actions: dict[str, int] = Field(default_factory=dict)  # every audit action written since, counted
    then: dict[str, int] = Field(default_factory=dict)
    now: dict[str, int] = Field(default_factory=dict)


def now_text() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def snapshot(store_label: str, stats: dict, customers: pl.DataFrame, records: pl.DataFrame,
             audit: pl.DataFrame) -> Snapshot:
    """audit: seq, action of every audit entry."""
    events = records.filter(pl.col("kind") == "interaction")
    return Snapshot(
        generated_at=now_text(), store=store_label, customers=customers.height,
        customer_seq=int(customers["seq"].max() or 0) if customers.height else 0,
        records_by_source=dict(sorted(customers.group_by("source").agg(pl.len()).iter_rows())),
        interactions=events.height,
        interactions_by_source=dict(sorted(events.group_by("source").agg(pl.len()).iter_rows())),
        profiles=int(stats.get("profiles", 0)), audit_seq=int(audit["seq"].max() or 0) if audit.height else 0,
        links=int(stats.get("probable_links", 0)), review_queue=int(stats.get("review_queue", 0)),
        judgements=int(stats.get("judgements", 0)), shared_identifiers=int(stats.get("shared_identifiers", 0)))


def read_snapshot(path: Path, asked: bool) -> tuple[Snapshot | None, str | None]:
    """The snapshot at `path` and None, or None and why not. A file asked for (--since) that is missing or
    unreadable is an error; the default one beside the report may be missing (a first report)."""
    if not path.is_file():
        if asked:
            raise SourceError(f"{path}: no such report snapshot (--since names the report.json of a previous report)")
        return None, f"no previous report: {path} does not exist yet (this report writes it)"
    try:
        return Snapshot.model_validate(json.loads(path.read_text(encoding="utf-8"))), None
    except (OSError, ValueError, ValidationError) as exc:
        problem = f"{path} is not a report snapshot ({exc.__class__.__name__})"
        if asked:
            raise SourceError(problem) from None
        return None, problem


def build(previous: Snapshot | None, previous_path: Path, problem: str | None, current: Snapshot,
          customers: pl.DataFrame, audit: pl.DataFrame) -> ChangeSection:
    if previous is None:
        return ChangeSection(problem=problem)
    base = ChangeSection(previous=str(previous_path), previous_at=previous.generated_at)
    if previous.store != current.store:
        base.problem = f"the previous report was of another store ({previous.store})"
        return base
    if current.audit_seq < previous.audit_seq or current.customer_seq < previous.customer_seq:
        base.problem = "the store was rebuilt since the previous report: nothing to compare"
        return base
    added = customers.filter(pl.col("seq") > previous.customer_seq).group_by("source").agg(pl.len())
    actions = dict(audit.filter(pl.col("seq") > previous.audit_seq).group_by("action").agg(pl.len()).sort("action")
                   .iter_rows())
    keys = ("customers", "interactions", "profiles", "links", "review_queue", "judgements", "shared_identifiers")
    return base.model_copy(update={
        "records_added": int(added["len"].sum()) if added.height else 0,
        "records_added_by_source": dict(sorted(added.iter_rows())),
        "interactions_added": max(current.interactions - previous.interactions, 0),
        "profiles_created": actions.get("created", 0),
        "profiles_merged": actions.get("merged", 0),
        "profiles_split": actions.get("split", 0),
        "audit_actions": actions,
        "then": {k: getattr(previous, k) for k in keys},
        "now": {k: getattr(current, k) for k in keys},
    })


def view(s: ChangeSection) -> Section:
    if s.previous is None or s.problem:
        return Section(key="change", title="Change", intro=INTRO, blocks=[Note(text=(
            f"Compared with {s.previous} ({s.previous_at}): " if s.previous else "") + (s.problem or ""))])
    blocks: list = [Figures(items=[
        Figure(label="records added", value=num(s.records_added)),
        Figure(label="events added", value=num(s.interactions_added)),
        Figure(label="profiles created", value=num(s.profiles_created)),
        Figure(label="profiles merged into another", value=num(s.profiles_merged)),
        Figure(label="profiles split off", value=num(s.profiles_split)),
    ])]
    counts = [{"change": label, "order": i, "profiles": getattr(s, f"profiles_{key}")}
              for i, (key, label) in enumerate(PROFILE_ACTIONS)]
    if any(c["profiles"] for c in counts):
        blocks.append(ChartBlock(title="Profiles since the previous report", chart=chart(
            "profile_changes", f"From the audit entries written since {s.previous_at}.", counts=counts)))
    else:
        blocks.append(Note(text=f"No profile was created, merged or split since {s.previous_at}."))
    blocks.append(table("Then and now", [("", False), ("previous report", True), ("this report", True),
                                         ("change", True)],
                        [[k.replace("_", " "), s.then[k], s.now[k], f"{s.now[k] - s.then[k]:+,}"] for k in s.now],
                        caption=f"Previous report: {s.previous} ({s.previous_at})."))
    if s.records_added_by_source:
        blocks.append(table("Records added, by source", [("source", False), ("records", True)],
                            [[k, v] for k, v in s.records_added_by_source.items()]))
    return Section(key="change", title="Change", intro=INTRO, blocks=blocks)
