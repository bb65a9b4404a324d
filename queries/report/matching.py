"""Section 4, Matching: what the model weighs, where its scores fall, and what blocking fed it.

The weights, prior, thresholds and training come from the model file; the scores from the links and the
review queue in the store; the candidate pairs per blocking rule from the last link run in the run log.
Scores are drawn as match weights, log2(p / (1 - p)), where a probability near 1 still has room.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import polars as pl
from pydantic import BaseModel

from idgraph.ingest.matcher import Model

from .blocks import ChartBlock, Figure, Figures, Note, Section, num, table
from .charts import chart

INTRO = "What the model weighs, where its scores fall, and what blocking fed it."
BIN_WIDTH = 0.5  # match weight per bar of the score histogram (charts/score_histogram.json says the same step)
EDGE = 1e-6  # probabilities are kept to 6 decimals: 1.0 is drawn as 1 - EDGE


class LevelWeight(BaseModel):
    comparison: str
    level: int
    label: str
    m: float | None
    u: float | None
    weight: float
    tf_adjusted: bool


class ScoreBin(BaseModel):
    start: float
    end: float
    kind: str  # "link" | "review"
    pairs: int


class RuleCount(BaseModel):
    rule: str
    keys: str
    pairs: int  # pairs the rule made
    new_pairs: int  # of those, not made by an earlier rule
    skipped_blocks: int


class PlannedRule(BaseModel):
    rule: str
    decision: str
    estimated_pairs: int
    reason: str


class QueueSummary(BaseModel):
    pairs: int
    lowest: float | None = None
    median: float | None = None
    highest: float | None = None


class MatchingSection(BaseModel):
    model_path: str
    model_problem: str | None
    model_created_at: str | None = None
    trained_on: int | None = None
    prior: float | None = None  # lambda at the store's size
    prior_weight: float | None = None
    thresholds: dict[str, float]
    weights: list[LevelWeight]
    training: dict[str, Any]
    labels: Any = None  # the model file's training.labels, when people's labels were learned
    links: int
    scores: list[ScoreBin]
    queue: QueueSummary
    link_run: dict[str, Any] | None  # run_tag, started_at, mode, records_considered, pairs_compared
    blocking: list[RuleCount]
    plan: list[PlannedRule]


def weight(p: np.ndarray | float) -> np.ndarray | float:
    """Match weight of a probability."""
    q = np.clip(p, EDGE, 1 - EDGE)
    return np.log2(q / (1 - q))


def build(model: Model | None, model_path: str, model_problem: str | None, links: pl.DataFrame,
          runs: list[dict], records: int) -> MatchingSection:
    run = next((r for r in runs if r["job"] == "link"), None)
    summary = run["summary"] if run else {}
    thresholds = dict(summary.get("thresholds") or {})
    if not thresholds and model is not None:
        thresholds = {"upper": model.thresholds.upper, "lower": model.thresholds.lower}
    weights, training, prior, prior_w = [], {}, None, None
    if model is not None:
        weights = [LevelWeight(comparison=r["comparison"], level=r["level"], label=r["label"], m=r["m"], u=r["u"],
                               weight=r["weight"], tf_adjusted=r["tf_adjusted"])
                   for r in model.table() if r["m"] is not None]
        training = {k: v for k, v in model.training.items() if k in ("records", "candidate_pairs", "expected_matches",
                                                                     "u_random_pairs")}
        training["em_sessions"] = len(model.training.get("sessions", []))
        prior = model.prior.at(records or model.prior.records)
        prior_w = round(math.log2(prior / (1 - prior)), 3)
    probable = links.filter(pl.col("kind") == "probable")["score"].to_numpy()
    review = links.filter(pl.col("kind") == "review")["score"].to_numpy()
    return MatchingSection(
        model_path=model_path, model_problem=model_problem,
        model_created_at=model.created_at if model else None,
        trained_on=model.prior.records if model else None,
        prior=prior, prior_weight=prior_w,
        thresholds=thresholds, weights=weights, training=training,
        labels=_learned(model.training.get("labels")) if model else None,
        links=len(probable),
        scores=_bins(probable, "link") + _bins(review, "review"),
        queue=QueueSummary(pairs=len(review), **({} if not len(review) else {
            "lowest": float(review.min()), "median": float(np.median(review)), "highest": float(review.max())})),
        link_run=None if run is None else {
            "run_tag": run["run_tag"], "started_at": run["started_at"], "mode": summary.get("mode"),
            "records_considered": summary.get("records_considered"), "pairs_compared": summary.get("pairs_compared")},
        blocking=[RuleCount(rule=b["name"], keys=" + ".join(b.get("keys", [])), pairs=b.get("pairs", 0),
                            new_pairs=b.get("new_pairs", 0), skipped_blocks=b.get("skipped_blocks", 0))
                  for b in summary.get("blocking", [])],
        plan=[PlannedRule(rule=p["name"], decision=p.get("decision", ""), estimated_pairs=p.get("estimated_pairs", 0),
                          reason=p.get("reason", "")) for p in summary.get("blocking_plan", [])],
    )


def _bins(scores: np.ndarray, kind: str) -> list[ScoreBin]:
    """Scores binned in Python by match weight (bars BIN_WIDTH wide): only the counts reach the page."""
    if not len(scores):
        return []
    w = weight(scores.astype(np.float64))
    index = np.floor(w / BIN_WIDTH).astype(np.int64)
    values, counts = np.unique(index, return_counts=True)
    return [ScoreBin(start=round(float(v) * BIN_WIDTH, 3), end=round(float(v + 1) * BIN_WIDTH, 3), kind=kind,
                     pairs=int(c)) for v, c in zip(values, counts)]


def _learned(labels: Any) -> Any:
    """The model's label report when it learned from some judgement, else None."""
    if isinstance(labels, dict) and not labels.get("judgements"):
        return None
    return labels


def _labels_text(labels: Any) -> str:
    if not labels:
        return "none"
    if isinstance(labels, dict):
        return ", ".join(f"{k}: {v}" for k, v in labels.items() if not isinstance(v, list | dict)) or \
            f"{len(labels)} entries"
    if isinstance(labels, list):
        return f"{len(labels):,} labelled pairs"
    return str(labels)


def threshold_rows(thresholds: dict[str, float]) -> list[dict]:
    names = {"upper": "link", "lower": "review"}
    return [{"threshold": f"{names.get(k, k)} \u2265 {p:g}", "probability": p, "weight": round(float(weight(p)), 3)}
            for k, p in sorted(thresholds.items(), key=lambda kv: -kv[1])]


def view(s: MatchingSection) -> Section:
    blocks: list = []
    q = s.queue
    blocks.append(Figures(items=[
        Figure(label="links", value=num(s.links), note=f"probability \u2265 {s.thresholds['upper']:g}"
               if "upper" in s.thresholds else ""),
        Figure(label="review queue", value=num(q.pairs),
               note=f"scores {q.lowest:.3f} to {q.highest:.3f}, median {q.median:.3f}" if q.pairs else ""),
        Figure(label="model trained on", value=num(s.trained_on) if s.trained_on else "no model",
               note="records" if s.trained_on else ""),
        Figure(label="prior", value=f"{s.prior:.3g}" if s.prior else "",
               note=f"match weight {s.prior_weight:+.1f}" if s.prior_weight is not None else ""),
        Figure(label="labels learned from people", value=_labels_text(s.labels)),
    ]))
    if s.model_problem:
        blocks.append(Note(text=f"No model: {s.model_problem}"))
    if s.weights:
        rows = [{"comparison": "prior", "c_order": -1, "level": 0, "label": "two records, before any comparison",
                 "weight": s.prior_weight, "m": None, "u": None}] if s.prior_weight is not None else []
        order = {c: i for i, c in enumerate(dict.fromkeys(w.comparison for w in s.weights))}
        rows += [{"comparison": w.comparison, "c_order": order[w.comparison], "level": w.level, "label": w.label,
                  "weight": w.weight, "m": w.m, "u": w.u} for w in s.weights]
        blocks.append(ChartBlock(title="Match weight of every comparison level", chart=chart(
            "match_weights", f"log2(m / u) of each level: what agreeing (or not) on a field adds to the odds that two "
                             f"records are one person. Model {s.model_path}, trained {s.model_created_at}.",
            levels=rows)))
    if s.scores:
        blocks.append(ChartBlock(title="Scores of the links and the review queue", chart=chart(
            "score_histogram", "Scored pairs by match weight, log2(p / (1 - p)), with both thresholds: above the "
                               "link threshold a pair is linked, between the two it waits for a person. Scores are "
                               "kept to 6 decimals: those of 1.0 make the bar at the right end.",
            bins=[b.model_dump() for b in s.scores], thresholds=threshold_rows(s.thresholds))))
    else:
        blocks.append(Note(text="No scored link and no pair to review: run `idgraph link`."))
    if s.blocking:
        run = s.link_run or {}
        blocks.append(ChartBlock(title="Candidate pairs per blocking rule", chart=chart(
            "blocking_pairs", f"Last link run {run.get('run_tag')} ({run.get('mode')}, "
                              f"{run.get('records_considered') or 0:,} records, {run.get('pairs_compared') or 0:,} pairs "
                              "compared): the pairs each rule made, and those no earlier rule had made.",
            rules=[{"rule": r.rule, "keys": r.keys, "measure": m, "pairs": n}
                   for r in s.blocking for m, n in (("made", r.pairs), ("new", r.new_pairs))])))
        if s.plan:
            blocks.append(table("Blocking plan of that run", [("rule", False), ("decision", False),
                                                              ("estimated pairs", True), ("why", False)],
                                [[p.rule, p.decision, p.estimated_pairs, p.reason] for p in s.plan]))
    else:
        blocks.append(Note(text="No link run is in the run log: run `idgraph link`."))
    if s.training:
        blocks.append(table("Training", [("what", False), ("value", True)],
                            [[k.replace("_", " "), v] for k, v in s.training.items()]))
    return Section(key="matching", title="Matching", intro=INTRO, blocks=blocks)
