"""``python -m idgraph.lab.retail_eu OUT_DIR --people N --seed S``: write the files, print a JSON summary.

Also runs as ``python lab/retail_eu OUT_DIR ...`` (the folder as a script) or with ``lab/`` on
``PYTHONPATH`` as ``python -m retail_eu``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):                      # run as a folder or file path
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from retail_eu.build import generate
else:
    from .build import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m idgraph.lab.retail_eu",
                                     description="Synthetic European retailer data with truth.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.people < 1:
        parser.error("--people must be at least 1")
    generated = generate(args.out_dir, people=args.people, seed=args.seed)
    print(json.dumps(generated.summary(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
