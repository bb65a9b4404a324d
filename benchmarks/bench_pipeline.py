"""Benchmark: the whole pipeline (ingest, link, resolve, export) on N generated people, on the embedded store.

    python benchmarks/bench_pipeline.py --people 100000 [--seed 7] [--dir DIR] [--splink] [--rows] [--json]
    python benchmarks/bench_pipeline.py --records 1000000          # about 1.64 customer records per person

Generation is not measured (a DIR that already holds generated data at that size and seed is reused). Each
stage prints its seconds, its rows per second (ingest: rows read; link, resolve and export: customer
records) and the peak memory while it ran: the resident set of this process and its children, sampled
every 50 ms with psutil (and the kernel's own high-water mark of this process, ru_maxrss, at the end).

``--splink`` then runs Splink 5 (DuckDB; benchmarks/splink_baseline.py's standard dedupe) in a child
process on the customer records this run ingested, and prints its linkage seconds (training, predict,
clustering) and the ratio pipeline / Splink, where pipeline = ingest + link + resolve. Splink is a benchmark
dependency: ``pip install -e '.[bench]'``. ``--rows`` ingests through the row path instead of the columnar
one (for comparison). Targets (issue 14): at 100,000 people ingest >= 60,000 rows/s, ratio <= 1.0, peak
<= 2 GB; 1,000,000 customer records through the pipeline in <= 4 minutes and <= 6 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

RECORDS_PER_PERSON = 1.64  # customer records the generator makes per person (CRM, loyalty, newsletter)

SPLINK = """
import json, sys
sys.path.insert(0, sys.argv[1])
import polars as pl
from splink_baseline import run_splink_table
frame = pl.read_parquet(sys.argv[2])
result = run_splink_table(frame, __import__("pathlib").Path(sys.argv[3]))
print(json.dumps({"seconds": result.seconds, "records": result.records, "pairs": result.pairs_predicted,
                  "f1": result.evaluation.pairwise_f1}))
"""


def _cpu_seconds() -> float:
    return sum(resource.getrusage(w).ru_utime + resource.getrusage(w).ru_stime
               for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


class PeakMemory:
    """The largest resident set of this process and its children, sampled on a thread."""

    def __init__(self, every: float = 0.05):
        self.every, self.peak = every, 0
        self._me = psutil.Process(os.getpid())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _rss(self) -> int:
        total = 0
        for proc in [self._me, *self._me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a child that just ended
                pass
        return total

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, self._rss())

    def reset(self) -> None:
        self.peak = self._rss()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _generated(folder: Path, people: int, seed: int) -> Path:
    """The mapping of data generated at this size and seed, generated once."""
    stamp = folder / "bench.json"
    wanted = {"people": people, "seed": seed}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return folder / "idgraph.yaml"
    from idgraph.lab.synthetic import generate

    if folder.exists():
        shutil.rmtree(folder)
    generated = generate(folder, people=people, seed=seed)
    stamp.write_text(json.dumps(wanted))
    return generated.mapping_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=None, help="customer records instead of people")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=None, help="keep the generated data here (reused)")
    parser.add_argument("--splink", action="store_true", help="also run Splink on the same records; print the ratio")
    parser.add_argument("--rows", action="store_true", help="ingest through the row path (comparison)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    people = int(args.records / RECORDS_PER_PERSON) if args.records else args.people
    folder = args.dir or Path(tempfile.mkdtemp(prefix="idgraph-bench-"))

    from idgraph.graph.sqlite_store import SQLiteStore
    from idgraph.ingest.jobs.ingest import ingest
    from idgraph.ingest.jobs.link import link
    from idgraph.ingest.jobs.resolve import resolve
    from idgraph.ingest.mapping import load_mapping
    from idgraph.queries.export import export

    mapping = load_mapping(_generated(folder, people, args.seed))
    store_path = mapping.store_path()
    for old in store_path.parent.glob(store_path.name + "*"):
        old.unlink()
    for old in (mapping.base_dir / mapping.quarantine_dir, folder / "export"):
        shutil.rmtree(old, ignore_errors=True)
    store = SQLiteStore(store_path)
    store.init()
    memory = PeakMemory()
    stages: dict[str, dict] = {}

    @contextmanager
    def stage(name: str):
        memory.reset()
        started, cpu = time.perf_counter(), _cpu_seconds()
        figures: dict = {}
        yield figures
        seconds = time.perf_counter() - started
        rows = figures.pop("rows")
        # CPU seconds of the process (all threads) and of the children it ended (ingest's phone worker): on
        # a shared machine the wall clock also counts waiting
        stages[name] = {"seconds": round(seconds, 2), "cpu_s": round(_cpu_seconds() - cpu, 2), "rows": rows,
                        "rows_per_s": round(rows / seconds), "peak_mib": round(memory.peak / 2**20), **figures}

    try:
        with stage("ingest") as f:
            ingested = ingest(store, mapping, columnar=not args.rows)
            f["rows"] = ingested.total("rows_read")
            f["balanced"] = ingested.balanced
        customers = store.customer_count()
        with stage("link") as f:
            linked = link(store, mapping, full=True, retrain=True)
            f["rows"], f["pairs"], f["links"] = customers, linked.pairs_compared, linked.links_written
            f["steps"] = linked.seconds  # read, train, guard, blocking, compare, score, write
        with stage("resolve") as f:
            resolved = resolve(store, mapping)
            f["rows"], f["profiles"] = customers, resolved.profiles_written
        with stage("export") as f:
            export(store, folder / "export")
            f["rows"] = customers
        frame = store.customers_frame() if args.splink else None
    finally:
        memory.close()
        store.close()
    pipeline = sum(stages[s]["seconds"] for s in ("ingest", "link", "resolve"))
    result = {
        "people": people, "customer_records": customers, "rows_read": stages["ingest"]["rows"],
        "ingest_path": "rows" if args.rows else "columnar", "stages": stages,
        "pipeline_s": round(pipeline, 2), "pipeline_with_export_s": round(pipeline + stages["export"]["seconds"], 2),
        "peak_mib": max(s["peak_mib"] for s in stages.values()),
        "ru_maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average": os.getloadavg(),
    }
    if frame is not None:
        result["splink"] = _splink(frame, folder)
        result["ratio_pipeline_to_splink"] = round(pipeline / result["splink"]["seconds"]["total"], 2)
    result["cpu_s"] = round(_cpu_seconds(), 1)  # Splink's too
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)
    if args.dir is None:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


def _splink(frame, folder: Path) -> dict:
    """Splink in a child process (its memory is its own; the sampler sees it as part of the tree)."""
    parquet = folder / "splink_input.parquet"
    frame.write_parquet(parquet)
    memory = PeakMemory()
    try:
        out = subprocess.run([sys.executable, "-c", SPLINK, str(Path(__file__).resolve().parent), str(parquet),
                              str(folder / "truth.csv")], check=True, capture_output=True, text=True)
    finally:
        memory.close()
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["peak_mib"] = round(memory.peak / 2**20)
    return result


def _print(r: dict) -> None:
    print(f"{r['people']:,} people, {r['customer_records']:,} customer records, {r['rows_read']:,} rows read "
          f"(ingest: {r['ingest_path']} path); load average {', '.join(f'{x:.1f}' for x in r['load_average'])}; "
          f"CPU seconds of the whole run {r['cpu_s']}")
    print(f"{'stage':<10}{'seconds':>10}{'CPU s':>10}{'rows/s':>12}{'peak MiB':>10}")
    for name, s in r["stages"].items():
        print(f"{name:<10}{s['seconds']:>10.2f}{s['cpu_s']:>10.2f}{s['rows_per_s']:>12,}{s['peak_mib']:>10,}"
              + ("   " + ", ".join(f"{k} {v}" for k, v in s["steps"].items()) if "steps" in s else ""))
    print(f"{'pipeline':<10}{r['pipeline_s']:>10.2f}{'':>22}{r['peak_mib']:>10,}   (ingest + link + resolve)")
    if "splink" in r:
        s = r["splink"]
        print(f"{'splink':<10}{s['seconds']['total']:>10.2f}{'':>22}{s['peak_mib']:>10,}   "
              f"(train {s['seconds']['train']}, predict {s['seconds']['predict']}, cluster {s['seconds']['cluster']})")
        print(f"ratio pipeline / Splink: {r['ratio_pipeline_to_splink']:.2f}")


if __name__ == "__main__":
    sys.exit(main())
