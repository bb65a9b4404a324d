"""Accuracy on fresh seeds: deterministic linking alone, then with the probabilistic link job.

    python benchmarks/bench_accuracy.py --people 100000 --seeds 11 22 33 [--dir /tmp/acc]

For each seed: generate the five sources, ingest, resolve and evaluate against truth.csv (deterministic
only); then link (training the model on that data, no labels), resolve and evaluate again. Prints one
JSON line per seed and stage, the figures `idgraph evaluate` reports.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from idgraph.ingest.jobs.resolve import resolve
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from idgraph.lab.evaluate import evaluate

FIGURES = ("pairwise_precision", "pairwise_recall", "pairwise_f1", "bcubed_f1", "profiles_joining_more_than_3_people",
           "attribution_precision")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[11, 22, 33])
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="idgraph-acc-"))
    for seed in args.seeds:
        folder = root / f"seed{seed}"
        shutil.rmtree(folder, ignore_errors=True)
        generated = generate(folder, people=args.people, seed=seed)
        mapping = load_mapping(generated.mapping_path)
        store = SQLiteStore(mapping.store_path())
        store.init()
        ingest(store, mapping)
        resolve(store, mapping)
        ev = evaluate(store, generated.truth_path)
        print(json.dumps({"seed": seed, "stage": "deterministic", **{f: getattr(ev, f) for f in FIGURES}}))
        started = time.perf_counter()
        summary = link(store, mapping)
        link_s = time.perf_counter() - started
        resolve(store, mapping)
        ev = evaluate(store, generated.truth_path)
        print(json.dumps({"seed": seed, "stage": "with link", "link_s": round(link_s, 1),
                          "links": summary.links_written, "review_queue": summary.review_queue,
                          **{f: getattr(ev, f) for f in FIGURES}}), flush=True)
        store.close()
    if args.dir is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
