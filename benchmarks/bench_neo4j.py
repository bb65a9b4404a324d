"""Ingest and resolve the synthetic data into a running Neo4j, and report records per second per stage.

    NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=... \\
        python benchmarks/bench_neo4j.py --people 100000 [--data DIR] [--batch-size 5000] [--gds auto|on|off]
                                         [--wipe] [--json]

The data (N people, about 1.65 customer records and 4 interactions each) is generated into --data (a
temporary folder by default) unless it is there already. The database must be empty, or --wipe must be
given: the identity graph in it is then deleted first. Stages: each source's ingest, a full resolve, a
second ingest of the same files (must change nothing), a second resolve (must find nothing to do).
The password is read from NEO4J_PASSWORD only and never printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from idgraph.graph.neo4j_store import Neo4jStore
from idgraph.ingest.jobs.resolve import resolve
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping
from idgraph.lab.synthetic import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--data", type=Path, default=None, help="where the generated sources are (or go)")
    parser.add_argument("--batch-size", type=int, default=5000, help="records per ingest transaction")
    parser.add_argument("--gds", choices=("auto", "on", "off"), default="auto",
                        help="components by GDS WCC (auto: where installed) or in-process")
    parser.add_argument("--wipe", action="store_true", help="delete the identity graph in the database first")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)

    data = args.data or Path(tempfile.mkdtemp(prefix="idgraph-bench-"))
    mapping_path = data / "idgraph.yaml"
    started = time.perf_counter()
    if not mapping_path.exists():
        generate(data, people=args.people, seed=args.seed)
    generated = time.perf_counter() - started
    mapping = load_mapping(mapping_path)

    store = Neo4jStore.from_env(gds={"auto": None, "on": True, "off": False}[args.gds])
    try:
        before = store.stats()
        if before["customers"] or before["interactions"]:
            if not args.wipe:
                print(f"{store!r} holds {before['customers']:,} customers and {before['interactions']:,} "
                      "interactions: give --wipe to delete them first, or use an empty database", file=sys.stderr)
                return 2
            store.wipe()
        store.init()
        stages: list[dict] = [{"stage": "generate", "records": None, "seconds": round(generated, 2)}]

        # One source at a time, customer sources first (the ingest job's own order), to time each.
        order = sorted(mapping.sources, key=lambda s: s.kind.value != "customer")
        total_records, total_seconds = 0, 0.0
        for source in order:
            t = time.perf_counter()
            done = ingest(store, mapping, [source.name], batch_size=args.batch_size)
            seconds = time.perf_counter() - t
            total_records, total_seconds = total_records + done.total("stored"), total_seconds + seconds
            stages.append({"stage": f"ingest {source.name} ({source.kind.value})", "records": done.total("stored"),
                           "seconds": round(seconds, 2)})
        stages.append({"stage": "ingest (all sources)", "records": total_records, "seconds": round(total_seconds, 2)})
        t = time.perf_counter()
        resolved = resolve(store, mapping, full=True)
        stages.append({"stage": "resolve (full)", "records": resolved.customers_in_scope,
                       "seconds": round(time.perf_counter() - t, 2),
                       "components_by": getattr(resolved, "components_by", None)})
        t = time.perf_counter()
        again = ingest(store, mapping, batch_size=args.batch_size)
        stages.append({"stage": "re-ingest (unchanged)", "records": again.total("stored"),
                       "seconds": round(time.perf_counter() - t, 2),
                       "changed": again.total("new") + again.total("updated")})
        t = time.perf_counter()
        noop = resolve(store, mapping)
        stages.append({"stage": "resolve (nothing to do)", "records": 0, "seconds": round(time.perf_counter() - t, 2),
                       "scope": noop.scope})
        for s in stages:
            if s["records"] and s["seconds"]:
                s["records_per_second"] = round(s["records"] / s["seconds"])
        result = {"store": repr(store), "people": args.people, "data": str(data), "batch_size": args.batch_size,
                  "stages": stages, "stats": store.stats(), "profiles_written": resolved.profiles_written}
    finally:
        store.close()

    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['store']}  people {args.people:,}  batch {args.batch_size:,}  data {data}")
    print(f"{'stage':<26} {'records':>10} {'seconds':>9} {'records/s':>10}")
    for s in stages:
        records = "" if s["records"] is None else f"{s['records']:,}"
        seconds = "" if s["seconds"] is None else f"{s['seconds']:.2f}"
        rate = f"{s['records_per_second']:,}" if s.get("records_per_second") else ""
        extra = "  " + ", ".join(f"{k} {s[k]}" for k in ("components_by", "changed", "scope") if k in s)
        print(f"{s['stage']:<26} {records:>10} {seconds:>9} {rate:>10}{extra if extra.strip() else ''}")
    print("store: " + ", ".join(f"{k} {v:,}" for k, v in result["stats"].items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
