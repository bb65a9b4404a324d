"""Benchmark: `idgraph report` on N generated people (embedded store): how long it takes, how big the file is.

    python benchmarks/bench_report.py --people 100000 [--seed 7] [--dir /tmp/bench-report] [--reuse]

Generates the people (idgraph.lab.synthetic), ingests, links and resolves them, then writes the report
with the generator's truth file (the heaviest report: every section, the accuracy curve included) and
prints the seconds, the size of the HTML file and the time of each step. --reuse skips the pipeline when
--dir already holds a resolved project. Targets for 100,000 people: under 30 s, under 5 MB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.jobs.link import link
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate
from idgraph.queries.report import write_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep a project already built in --dir")
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="idgraph-bench-report-"))
    mapping_path, truth = folder / "idgraph.yaml", folder / "truth.csv"
    pipeline = {}
    if not (args.reuse and mapping_path.is_file()):
        if folder.exists():
            shutil.rmtree(folder)
        t0 = time.perf_counter()
        generated = generate(folder, people=args.people, seed=args.seed)
        pipeline["generate_s"] = round(time.perf_counter() - t0, 1)
        mapping_path, truth = generated.mapping_path, generated.truth_path
    mapping = load_mapping(mapping_path)
    store = SQLiteStore(mapping.store_path())
    store.init()
    if pipeline:
        for name, job in (("ingest", ingest), ("link", link), ("resolve", resolve)):
            t0 = time.perf_counter()
            job(store, mapping)
            pipeline[f"{name}_s"] = round(time.perf_counter() - t0, 1)

    out = folder / "report" / "report.html"
    written = write_report(store, mapping, out, truth=truth)
    result = {
        "people": args.people,
        "customer_records": store.customer_count(),
        "interactions": written.report.stats["interactions"],
        "profiles": written.report.stats["profiles"],
        "report_s": written.seconds,
        "report_bytes": written.bytes,
        "report_mb": round(written.bytes / 1e6, 2),
        "steps_s": written.report.seconds,
        "targets": {"seconds": 30, "mb": 5},
        "within_targets": written.seconds < 30 and written.bytes < 5e6,
        "pipeline": pipeline,
        "html": str(out),
    }
    print(json.dumps(result, indent=2))
    store.close()
    if args.dir is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
