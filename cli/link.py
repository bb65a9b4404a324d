"""Commands of the probabilistic matcher: link, review, model show, model train.

Each calls one library function (``idgraph.ingest.jobs.link``, ``idgraph.ingest.jobs.review``) and renders its
result; ``--json`` prints the result instead. ``register(app)`` adds them to the main app.
"""

from __future__ import annotations

import getpass
import sys
from typing import Annotated, Optional

import typer
from rich.table import Table

from idgraph.cli.context import emit_json, guarded, out, progress, state
from idgraph.ingest.jobs import review as review_lib
from idgraph.ingest.jobs.link import LinkSummary, link as link_job, load_model, train_model
from idgraph.ingest.matcher import settings_for

JSON = Annotated[bool, typer.Option("--json", help="Print the result as JSON for scripts.")]

model_app = typer.Typer(help="The matcher's trained model: show its weights, retrain it.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("link")(link)
    app.command("review")(review)
    app.add_typer(model_app, name="model")


# ------------------------------------------------------------------ link

@guarded
def link(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="Relink every record, not just new or changed ones.")] = False,
    wait: Annotated[float, typer.Option("--wait", help="Seconds to wait for another link run to finish.")] = 0.0,
    as_json: JSON = False,
) -> None:
    """Score candidate pairs: PROBABLY_SAME links above the upper threshold, the review queue between."""
    st = state(ctx)
    summary = link_job(st.store(), st.mapping(), full=full, progress=progress(as_json), wait=wait)
    emit_json(summary) if as_json else render_link(summary)


def render_link(s: LinkSummary) -> None:
    if s.mode == "none":
        out.print("link: no new or changed records since the last run")
        return
    out.print(
        f"link ({s.mode}, {s.records_considered:,} of {s.records:,} records, {s.seconds.get('total', 0):.1f} s): "
        f"{s.pairs_compared:,} pairs compared, {s.links_written:,} links, {s.review_queue:,} to review"
    )
    table = Table(title="candidate pairs by blocking rule", title_justify="left")
    for col in ("rule", "keys", "pairs", "new pairs", "skipped blocks", "largest skipped"):
        table.add_column(col, justify="left" if col in ("rule", "keys", "largest skipped") else "right")
    for r in s.blocking:
        biggest = ", ".join(f"{b['example']} ({b['size']:,})" for b in r["largest_skipped"][:2])
        table.add_row(r["name"], " + ".join(r["keys"]), f"{r['pairs']:,}", f"{r['new_pairs']:,}",
                      f"{r['skipped_blocks']:,}", biggest)
    out.print(table)
    for p in s.blocking_plan:
        if p["decision"] == "tightened":
            out.print(f"rule {p['name']} tightened to {' + '.join(p['keys'])}: {p['reason']}")
        elif p["decision"] in ("dropped", "no data"):
            out.print(f"rule {p['name']} {p['decision']}: {p['reason']}")
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in s.seconds.items() if k != "total")
    out.print(f"stages: {stages}")
    if s.model_trained:
        why = f" ({s.model_trained_because})" if s.model_trained_because else ""
        out.print(f"model trained{why} and saved to {s.model_path}")
    if s.model_warning:
        out.print(f"[yellow]warning:[/] {s.model_warning}")


# ------------------------------------------------------------------ review

def _side_by_side(item: review_lib.ReviewItem) -> Table:
    table = Table(title=f"{item.a_uid}  vs  {item.b_uid}   (match probability {item.score:.3f})",
                  title_justify="left")
    table.add_column("field")
    table.add_column(item.a_uid)
    table.add_column(item.b_uid)
    for field in review_lib.SIDE_FIELDS[1:]:
        va, vb = item.a.get(field), item.b.get(field)
        fmt = lambda v: ", ".join(v) if isinstance(v, list) else ("" if v is None else str(v))  # noqa: E731
        table.add_row(field, fmt(va), fmt(vb))
    return table


def _evidence(item: review_lib.ReviewItem) -> Table:
    table = Table(title="evidence", title_justify="left")
    table.add_column("comparison")
    table.add_column("level")
    table.add_column("weight", justify="right")
    for name, value in item.evidence.items():
        if isinstance(value, dict):
            table.add_row(name, str(value.get("level", "")), f"{value.get('weight', 0):+.2f}")
    for key in ("prior", "match_weight"):
        if key in item.evidence:
            table.add_row(key, "", f"{item.evidence[key]:+.2f}")
    return table


@guarded
def review(
    ctx: typer.Context,
    list_: Annotated[bool, typer.Option("--list", help="List the queue and exit.")] = False,
    accept: Annotated[Optional[tuple[str, str]], typer.Option("--accept", metavar="A B",
                                                                help="The two records are one person.")] = None,
    reject: Annotated[Optional[tuple[str, str]], typer.Option("--reject", metavar="A B",
                                                                help="The two records are different people.")] = None,
    limit: Annotated[int, typer.Option(help="How many pairs to list.")] = 50,
    by: Annotated[Optional[str], typer.Option(help="Who decides (default: the user name).")] = None,
    reason: Annotated[Optional[str], typer.Option(help="Why, kept with the judgement.")] = None,
    as_json: JSON = False,
) -> None:
    """The review queue: list it, accept or reject a pair, or go through it interactively on a terminal."""
    st = state(ctx)
    store = st.store()
    who = by or getpass.getuser()
    if accept or reject:
        decisions = []
        for pair, same in ((accept, True), (reject, False)):
            if pair:
                decisions.append(review_lib.decide(store, pair[0], pair[1], same, by=who, reason=reason))
        if as_json:
            emit_json([d.model_dump() for d in decisions])
        else:
            for d in decisions:
                out.print(f"{'accepted' if d.same else 'rejected'}: {d.a_uid} / {d.b_uid} ({d.judgement_id})")
        return
    items = review_lib.queue(store, limit)
    interactive = not list_ and not as_json and sys.stdin.isatty() and sys.stdout.isatty()
    if as_json:
        emit_json([i.model_dump() for i in items])
        return
    if not items:
        out.print("review queue: empty")
        return
    if not interactive:
        table = Table(title=f"review queue (first {len(items)})", title_justify="left")
        for col in ("score", "a", "b", "a name", "b name", "strongest evidence"):
            table.add_column(col, justify="right" if col == "score" else "left")
        for i in items:
            levels = sorted(((v.get("weight", 0), k, v.get("level")) for k, v in i.evidence.items()
                             if isinstance(v, dict) and v.get("level") != "null"), reverse=True)[:3]
            table.add_row(f"{i.score:.3f}", i.a_uid, i.b_uid,
                          f"{i.a.get('first_name') or ''} {i.a.get('last_name') or ''}".strip(),
                          f"{i.b.get('first_name') or ''} {i.b.get('last_name') or ''}".strip(),
                          "; ".join(f"{k}: {lvl}" for _, k, lvl in levels))
        out.print(table)
        return
    for item in items:
        out.print(_side_by_side(item))
        out.print(_evidence(item))
        answer = typer.prompt("same person? [y]es / [n]o / [s]kip / [q]uit", default="s").strip().lower()
        if answer.startswith("q"):
            break
        if answer[:1] in ("y", "n"):
            d = review_lib.decide(store, item.a_uid, item.b_uid, answer.startswith("y"), by=who, reason=reason)
            out.print(f"{'accepted' if d.same else 'rejected'} ({d.judgement_id})")


# ------------------------------------------------------------------ model

@model_app.command("show")
@guarded
def model_show(ctx: typer.Context, as_json: JSON = False) -> None:
    """The weight of every comparison level of the trained model, and what it learned from people."""
    mapping = state(ctx).mapping()
    model, path = load_model(mapping)
    if as_json:
        emit_json(model)
        return
    p = model.prior
    out.print(f"model {path} (trained {model.created_at} on {p.records:,} records)")
    out.print(f"prior: {p.probability:.3g} that two random records are one person "
              f"({p.matches_per_record:.2f} other records per person); thresholds: link >= {model.thresholds.upper}, "
              f"review >= {model.thresholds.lower}")
    if "thresholds" in (getattr(mapping, "matching", None) or {}):
        t = settings_for(mapping).thresholds
        out.print(f"the mapping's thresholds win over the model's: link >= {t.upper}, review >= {t.lower}")
    for line in label_lines(model.training.get("labels")):
        out.print(line)
    table = Table(title_justify="left")
    for col in ("comparison", "level", "m", "u", "weight", "tf"):
        table.add_column(col, justify="right" if col in ("m", "u", "weight") else "left")
    last = None
    for r in model.table():
        table.add_row(r["comparison"] if r["comparison"] != last else "", r["label"],
                      "" if r["m"] is None else f"{r['m']:.4f}", "" if r["u"] is None else f"{r['u']:.3g}",
                      f"{r['weight']:+.2f}" if r["m"] is not None else "",
                      "yes" if r["tf_adjusted"] else "")
        last = r["comparison"]
    out.print(table)
    for ctx in model.contexts:
        when = "; ".join(f"{k}: {', '.join(v)}" for k, v in ctx.when.items())
        t = Table(title=f"context {ctx.name!r}: pairs with {when} (u among such pairs)", title_justify="left")
        for col in ("comparison", "level", "u", "weight"):
            t.add_column(col, justify="right" if col in ("u", "weight") else "left")
        last = None
        for r in model.context_table():
            if r["context"] != ctx.name:
                continue
            t.add_row(r["comparison"] if r["comparison"] != last else "", r["label"], f"{r['u']:.3g}",
                      f"{r['weight']:+.2f}")
            last = r["comparison"]
        out.print(t)


def label_lines(labels: dict | None, most: int = 5) -> list[str]:
    """What the model learned from people's judgements, in a few lines."""
    if not labels or not (labels.get("same") or labels.get("not_same")):
        return ["labels: none (learned from the data alone; judgements from `idgraph review`, `merge` and "
                "`split` are labels)"]
    gone = f"; {labels['ignored']:,} judgements about records no longer here" if labels.get("ignored") else ""
    lines = [f"labels: learned from {labels['same']:,} same and {labels['not_same']:,} not-same judged pairs{gone}"]
    moved = [c for c in labels.get("levels_changed", []) if abs(c["change"]) >= 0.01][:most]
    if moved:
        levels = "; ".join(f"{c['comparison']} {c['level']} {c['weight_em']:+.2f} -> {c['weight']:+.2f} "
                           f"({c['labels']} labels)" for c in moved)
        lines.append(f"  m from labels (EM's m worth {labels.get('prior_weight', 0):g} pairs); moved most: {levels}")
    else:
        lines.append("  m from labels: no level moved")
    t = labels.get("thresholds") or {}
    if t.get("from") == "labels":
        lines.append(f"  thresholds from labels: link >= {t['upper']}, review >= {t['lower']} "
                     f"(F{t['beta']:g} {t['f']:.3f}, precision {t['precision']:.3f}, recall {t['recall']:.3f} "
                     "on the judged pairs)")
    else:
        lines.append(f"  thresholds from the settings: {t.get('why', 'not enough labels')}")
    return lines


@model_app.command("train")
@guarded
def model_train(ctx: typer.Context, as_json: JSON = False) -> None:
    """Retrain the model on every customer record and save it (the next `idgraph link` uses it)."""
    st = state(ctx)
    model, path = train_model(st.store(), st.mapping(), progress=progress(as_json))
    if as_json:
        emit_json({"model_path": str(path), "prior": model.prior.model_dump(),
                   "thresholds": model.thresholds.model_dump(), "labels": model.training.get("labels"),
                   "training": model.training})
        return
    out.print(f"model trained on {model.prior.records:,} records and saved to {path}; "
              f"see it with `idgraph model show`, rescore every pair with `idgraph link --full`")
    for line in label_lines(model.training.get("labels")):
        out.print(line)
