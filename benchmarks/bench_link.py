"""Time the link job at N generated people: seconds and pairs/second per stage, peak memory, accuracy.

    python benchmarks/bench_link.py WORK_DIR --people 100000 --seed 42 [--retrain] [--evaluate]
    python benchmarks/bench_link.py WORK_DIR --records 1000000        # about 1.64 records per person

Generation and ingest (not what is measured) run in a child process the first time, so this process's
peak RSS is the link job's alone. Later runs on the same WORK_DIR reuse the ingested store. With
--evaluate the profiles are resolved and scored against the truth file (pairwise precision/recall).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

RECORDS_PER_PERSON = 1.64  # what the generator makes: CRM, loyalty and newsletter records per person

PREPARE = """
import sys
from pathlib import Path
from idgraph.lab.synthetic import generate
from idgraph.ingest.mapping import load_mapping
from idgraph.graph.stores import open_store
from idgraph.ingest.jobs.ingest import ingest
gen = generate(Path(sys.argv[1]), people=int(sys.argv[2]), seed=int(sys.argv[3]))
mapping = load_mapping(gen.mapping_path)
store = open_store(mapping, "embedded")
ingest(store, mapping)
store.close()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work_dir", type=Path)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=None, help="customer records instead of people")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--retrain", action="store_true", help="train the model again (else reuse it)")
    parser.add_argument("--evaluate", action="store_true", help="resolve and evaluate against truth.csv")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    people = int(args.records / RECORDS_PER_PERSON) if args.records else args.people

    mapping_path = args.work_dir / "idgraph.yaml"
    prepared = 0.0
    if not mapping_path.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", PREPARE, str(args.work_dir), str(people), str(args.seed)], check=True)
        prepared = time.perf_counter() - t

    from idgraph.graph.stores import open_store
    from idgraph.ingest.jobs.link import link
    from idgraph.ingest.mapping import load_mapping

    mapping = load_mapping(mapping_path)
    store = open_store(mapping, "embedded")
    started, cpu = time.perf_counter(), time.process_time()
    summary = link(store, mapping, full=True, retrain=args.retrain)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    result = {
        "people": people,
        "records": summary.records,
        "pairs_compared": summary.pairs_compared,
        "pairs_per_rule": summary.pairs_per_rule,
        "links": summary.links_written,
        "review_queue": summary.review_queue,
        "model_trained": summary.model_trained,
        "seconds": summary.seconds,
        "pairs_per_second": summary.pairs_per_second,
        "link_seconds": round(elapsed, 2),
        # CPU seconds of this process, all threads: on a busy machine the wall clock also counts waiting
        "link_cpu_seconds": round(cpu, 2),
        "load_average": [round(x, 1) for x in os.getloadavg()],
        "peak_rss_mb": round(peak_mb),
        "prepare_seconds": round(prepared, 1),
    }
    if args.evaluate:
        from idgraph.ingest.jobs.resolve import resolve
        from idgraph.queries.truth import evaluate

        resolve(store, mapping, full=True)
        ev = evaluate(store, args.work_dir / "truth.csv")
        result["evaluation"] = {
            "pairwise_precision": round(ev.pairwise_precision, 4),
            "pairwise_recall": round(ev.pairwise_recall, 4),
            "profiles_joining_more_than_3_people": ev.profiles_joining_more_than_3_people,
        }
    store.close()

    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"records           {result['records']:>12,}" + (f"  ({people:,} people)" if prepared else ""))
    print(f"pairs compared    {result['pairs_compared']:>12,}")
    for rule, n in summary.pairs_per_rule.items():
        print(f"  {rule:<16}{n:>12,}")
    print(f"links / review    {result['links']:>12,} / {result['review_queue']:,}")
    for stage, secs in summary.seconds.items():
        rate = summary.pairs_per_second.get(stage)
        print(f"{stage:<17} {secs:>10.2f} s" + (f"  {rate:>14,.0f} /s" if rate else ""))
    print(f"link job          {elapsed:>10.2f} s  ({cpu:.1f} CPU s; load average "
          f"{', '.join(str(x) for x in result['load_average'])})")
    print(f"peak RSS          {peak_mb:>10.0f} MB")
    if args.evaluate:
        e = result["evaluation"]
        print(f"pairwise precision {e['pairwise_precision']:.4f}  recall {e['pairwise_recall']:.4f}  "
              f"profiles joining >3 people {e['profiles_joining_more_than_3_people']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
