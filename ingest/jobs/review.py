"""The review queue: pairs the matcher scored between the thresholds (MAYBE_SAME), for a person to decide.

``queue`` lists them strongest first, the two records side by side with the evidence (each comparison's
level and weight). ``decide`` records the person's judgement (same or not the same; judgements win over
every rule and persist) and takes the pair off the queue. A later link run does not bring a decided pair
back as a question: a judged pair is dropped from the queue when it is listed.
"""

from __future__ import annotations

import json
from typing import Any

import polars as pl
from pydantic import BaseModel

from idgraph.graph import hooks
from idgraph.graph.errors import NotFoundError
from idgraph.graph.store import Store

SIDE_FIELDS = ("uid", "source", "first_name", "last_name", "dob", "address", "city", "postcode", "emails", "phones")


class ReviewItem(BaseModel):
    a_uid: str
    b_uid: str
    score: float
    a: dict[str, Any]
    b: dict[str, Any]
    evidence: dict[str, Any]


class Decision(BaseModel):
    a_uid: str
    b_uid: str
    same: bool
    judgement_id: str | None = None
    by: str
    reason: str | None = None


def _judged_pairs(store: Store, uids: list[str]) -> set[tuple[str, str]]:
    try:
        rows = store.judgements(uids)
    except Exception:  # a store without judgements yet: nothing decided
        return set()
    return {tuple(sorted((r["a_uid"], r["b_uid"]))) for r in rows}


def queue(store: Store, limit: int | None = 50) -> list[ReviewItem]:
    """The pairs awaiting review, strongest first, each with both records and the evidence."""
    links = store.links("review", None)
    if not links:
        return []
    uids = sorted({u for r in links for u in (r.a_uid, r.b_uid)})
    judged = _judged_pairs(store, uids)
    links = [r for r in links if (r.a_uid, r.b_uid) not in judged]
    if limit is not None:
        links = links[:limit]
    wanted = sorted({u for r in links for u in (r.a_uid, r.b_uid)})
    frame = store.customers_frame(wanted) if wanted else pl.DataFrame()
    records = {row["uid"]: {k: row.get(k) for k in SIDE_FIELDS} for row in frame.iter_rows(named=True)}
    out = []
    for r in links:
        try:
            ev = json.loads(r.evidence) if r.evidence else {}
        except ValueError:
            ev = {"raw": r.evidence}
        out.append(ReviewItem(a_uid=r.a_uid, b_uid=r.b_uid, score=r.score,
                              a=records.get(r.a_uid, {"uid": r.a_uid}), b=records.get(r.b_uid, {"uid": r.b_uid}),
                              evidence=ev))
    return out


def decide(store: Store, a: str, b: str, same: bool, *, by: str, reason: str | None = None) -> Decision:
    """Record a judgement on a queued pair and take it off the queue (refused if it contradicts others),
    in one transaction."""
    from idgraph.graph.judgements import record_judgement

    a, b = sorted((a, b))

    def work() -> dict:
        queued = {(r.a_uid, r.b_uid) for r in store.links("review", None)}
        if (a, b) not in queued and store.customers_frame([a, b]).height < 2:
            raise NotFoundError(f"{a} / {b}: not in the review queue, and not two known customer records")
        row = record_judgement(store, a, b, same, by, reason or ("accepted in review" if same else "rejected in review"))
        if (a, b) in queued:
            store.delete_link(a, b)
        hooks.at("review.write")
        return row

    row = store.atomic(work)
    return Decision(a_uid=a, b_uid=b, same=same, judgement_id=row.get("judgement_id"), by=by,
                    reason=row.get("reason"))
