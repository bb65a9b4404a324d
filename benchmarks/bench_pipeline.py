"""Benchmark: generate N people of multi-source data, ingest and resolve them on the embedded store.

    python benchmarks/bench_pipeline.py --people 100000 [--seed 7] [--dir /tmp/bench]

Prints records per second per stage and the peak memory of this process (ru_maxrss). Targets for
100,000 people on a 2-core machine: ingest + resolve under 60 s, peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

from idgraph.ingest.jobs.resolve import resolve
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="idgraph-bench-"))
    if folder.exists():
        shutil.rmtree(folder)

    t0 = time.perf_counter()
    generated = generate(folder, people=args.people, seed=args.seed)
    t_gen = time.perf_counter() - t0
    mapping = load_mapping(generated.mapping_path)
    store = SQLiteStore(mapping.store_path())
    store.init()

    t0 = time.perf_counter()
    ingested = ingest(store, mapping)
    t_ingest = time.perf_counter() - t0
    t0 = time.perf_counter()
    resolved = resolve(store, mapping)
    t_resolve = time.perf_counter() - t0
    rows = ingested.total("rows_read")
    customers = store.customer_count()
    result = {
        "people": args.people,
        "customer_records": customers,
        "interactions": store.stats()["interactions"],
        "rows_read": rows,
        "generate_s": round(t_gen, 1),
        "ingest_s": round(t_ingest, 1),
        "ingest_rows_per_s": round(rows / t_ingest),
        "resolve_s": round(t_resolve, 1),
        "resolve_customers_per_s": round(customers / t_resolve),
        "ingest_plus_resolve_s": round(t_ingest + t_resolve, 1),
        "profiles": resolved.profiles_written,
        "peak_memory_mib": round(peak_mib()),
    }
    print(json.dumps(result, indent=2))
    store.close()
    if args.dir is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
