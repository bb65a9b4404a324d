"""``generate()``: people and households first, then each source in turn from one seeded
``random.Random`` (the order matters for byte-identical output), then the truth and the mappings."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from . import mapping, population, src_app, src_maison, src_orders, src_pos, src_shop, src_support, src_web
from .common import Context
from .truth import Truth

WRITERS = (src_pos, src_shop, src_maison, src_app, src_orders, src_support, src_web)


@dataclass
class Generated:
    out_dir: Path
    people: int
    seed: int
    mapping_path: Path
    basic_mapping_path: Path
    truth_path: Path
    households_path: Path
    malformed_path: Path
    files: dict[str, Path]
    counts: dict[str, int]

    def summary(self) -> dict:
        return {"out_dir": str(self.out_dir), "people": self.people, "seed": self.seed,
                "mapping": self.mapping_path.name, "basic_mapping": self.basic_mapping_path.name,
                "truth": self.truth_path.name, "households": self.households_path.name,
                "malformed": self.malformed_path.name,
                "files": {k: v.name for k, v in self.files.items()}, "counts": dict(self.counts),
                "rows": sum(self.counts.values())}


def generate(out_dir: Path | str, people: int = 5000, seed: int = 1) -> Generated:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    pop = population.build(rng, people)
    ctx = Context(rng=rng, pop=pop, out_dir=out_dir, truth=Truth())
    for writer in WRITERS:
        writer.write(ctx)
    truth_path, households_path, malformed_path = ctx.truth.write(out_dir, pop)
    mapping_path, basic_path = mapping.write(out_dir)
    order = [w.SOURCE for w in WRITERS]
    return Generated(out_dir=out_dir, people=people, seed=seed, mapping_path=mapping_path,
                     basic_mapping_path=basic_path, truth_path=truth_path, households_path=households_path,
                     malformed_path=malformed_path, files={k: ctx.files[k] for k in order},
                     counts={k: ctx.counts[k] for k in order})
