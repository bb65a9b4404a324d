"""Incremental resolve: a 1,000-record batch into a graph of 1,000,000 records, on the embedded store.

    python benchmarks/bench_incremental.py [--customers 1000000] [--batch 1000] [--dir bench-incremental]

Builds the base store by writing customer rows straight through `store.write_customers` (the ingest
job's write path, without reading files), resolves it in full, then ingests a batch of `--batch`
records through the real ingest job from a CSV (a third new people, a third joining an existing
profile by its email, a third bridging two existing profiles by an email and a phone) and times the
incremental resolve that follows. It should take time in proportion to the batch, not the graph:
the second half of the output repeats the batch at a tenth of the graph to show it.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import shutil
import time
from pathlib import Path

import yaml

from idgraph.graph.records import CustomerRow
from idgraph.ingest.jobs.resolve import resolve
from idgraph.graph.sqlite_store import SQLiteStore
from idgraph.ingest.jobs.ingest import ingest
from idgraph.ingest.mapping import load_mapping

FIRST = ["james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "david", "susan",
         "william", "karen", "richard", "nancy", "thomas", "lisa", "oliver", "amelia", "harry", "isla"]
LAST = ["smith", "jones", "taylor", "brown", "williams", "wilson", "johnson", "davies", "patel", "wright",
        "robinson", "thompson", "evans", "walker", "white", "roberts", "green", "hall", "wood", "clarke"]
COLUMNS = ["id", "first", "last", "email", "phone", "dob", "postcode"]


def person_of(record: int) -> int:
    """Records 3k and 3k+1 are one person, 3k+2 another: 2/3 of a person per record."""
    return record * 2 // 3


def email(p: int) -> str:
    return f"p{p}@mailbox.co.uk"


def phone(p: int) -> str:
    return f"+4474{p:08d}"  # a valid UK mobile, so the batch's normaliser keeps it as written


def base_rows(n: int, rng: random.Random):
    """Customer rows straight for write_customers, in batches."""
    batch: list[CustomerRow] = []
    for r in range(n):
        p = person_of(r)
        idents = [("email", email(p))]
        if p % 2 == 0:
            idents.append(("phone", phone(p)))
        row = CustomerRow(
            uid=f"crm:B{r}", source="crm", source_id=f"B{r}", first_name=FIRST[p % len(FIRST)],
            last_name=LAST[(p // len(FIRST)) % len(LAST)], dob=f"19{50 + p % 50:02d}-0{1 + p % 9}-1{p % 10}",
            postcode=f"AB{p % 90 + 10} {p % 9}XY", updated_at="2024-01-01T00:00:00Z", row_hash=f"h{r}",
            identifiers=idents)
        batch.append(row)
        if len(batch) == 50_000:
            yield batch
            batch = []
    if batch:
        yield batch


def batch_csv(path: Path, n_base: int, size: int, rng: random.Random) -> None:
    people = person_of(n_base - 1) + 1
    rows = []
    for i in range(size):
        kind = i % 3
        if kind == 0:  # someone new
            p = people + 1_000_000 + i
            rows.append({"email": email(p), "phone": "", "first": FIRST[i % 20], "last": LAST[i % 20]})
        elif kind == 1:  # an existing person's new record: same email
            p = rng.randrange(people)
            rows.append({"email": email(p), "phone": "", "first": FIRST[p % 20], "last": LAST[(p // 20) % 20]})
        else:  # a record that bridges two existing people: one's email, the other's phone
            p, q = rng.randrange(people), rng.randrange(people // 2) * 2
            rows.append({"email": email(p), "phone": phone(q), "first": FIRST[p % 20], "last": LAST[(p // 20) % 20]})
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow({"id": f"N{i}", "dob": "", "postcode": "", **row})


def mapping_file(folder: Path) -> Path:
    spec = {"project": "bench", "phone_region": "GB", "store": "bench.idgraph.db",
            "guard": {"max_customers": 50, "check_conflicts": False},
            "sources": {"batch": {"path": "batch.csv", "kind": "customer", "id": "id", "fields": {
                "first_name": "first", "last_name": "last", "email": "email", "phone": "phone", "postcode": "postcode"}}}}
    path = folder / "idgraph.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def run(folder: Path, customers: int, batch: int, seed: int) -> dict:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    mapping = load_mapping(mapping_file(folder))
    store = SQLiteStore(mapping.store_path())
    store.init()
    figures: dict[str, float] = {}
    t = time.perf_counter()
    for rows in base_rows(customers, rng):
        store.write_customers(rows, "base")
    figures["write base records"] = time.perf_counter() - t
    t = time.perf_counter()
    full = resolve(store, mapping)
    figures["full resolve"] = time.perf_counter() - t
    batch_csv(folder / "batch.csv", customers, batch, rng)
    t = time.perf_counter()
    ingested = ingest(store, mapping)
    figures["ingest batch"] = time.perf_counter() - t
    t = time.perf_counter()
    inc = resolve(store, mapping)
    figures["incremental resolve"] = time.perf_counter() - t
    assert ingested.balanced and inc.scope == "incremental", (ingested, inc)
    print(f"\n{customers:,} records ({full.profiles_written:,} profiles), then a batch of {batch:,}:")
    for name, seconds in figures.items():
        print(f"  {name:<22} {seconds:8.2f} s")
    print(f"  incremental scope: {inc.customers_in_scope:,} customers, {inc.profiles_written:,} profiles written, "
          f"{inc.profiles_created:,} new, {inc.profiles_merged:,} merged away")
    store.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, default=Path("bench-incremental"))
    parser.add_argument("--keep", action="store_true", help="keep the store folder afterwards")
    args = parser.parse_args(argv)
    big = run(args.dir, args.customers, args.batch, args.seed)
    small = run(args.dir, args.customers // 10, args.batch, args.seed)
    ratio = big["incremental resolve"] / max(small["incremental resolve"], 1e-9)
    print(f"\nincremental resolve of {args.batch:,} records: {big['incremental resolve']:.2f} s into "
          f"{args.customers:,}, {small['incremental resolve']:.2f} s into {args.customers // 10:,} "
          f"(x{ratio:.1f} for x10 the graph)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    if not args.keep:
        shutil.rmtree(args.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
