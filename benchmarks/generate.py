"""Generate the synthetic multi-source data set and report its size, time and peak memory.

    python benchmarks/generate.py OUT_DIR --people 100000 --seed 42 [--no-malformed]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from idgraph.lab.synthetic import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-malformed", dest="malformed", action="store_false",
                        help="write no malformed rows")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    result = generate(args.out_dir, people=args.people, seed=args.seed, malformed=args.malformed)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB

    print(f"people            {result.people:>10,}")
    for name, rows in result.counts.items():
        print(f"{name:<17} {rows:>10,}  (malformed {result.malformed[name]})")
    print(f"customer records  {result.customer_records:>10,}  ({result.customer_records / result.people:.2f} per person)")
    print(f"interactions      {result.interactions:>10,}  ({result.interactions / result.people:.2f} per person)")
    print(f"mapping           {result.mapping_path}")
    print(f"truth             {result.truth_path}")
    print(f"time              {elapsed:>10.2f} s")
    print(f"peak RSS          {peak_mb:>10.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
