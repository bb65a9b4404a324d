"""The profile service under load: concurrent clients on loopback, lookups and writes, for a fixed time.

    python benchmarks/bench_serve.py [--store embedded|neo4j] [--customers 1000000] [--dir bench-serve]
                                     [--seconds 60] [--lookup-rate 200] [--one-row-writers 2]
                                     [--batch-writers 2] [--batch-rows 500] [--link-interval 0]

Builds the base store once (customer rows written through `store.write_customers`, as
bench_incremental.py does, then a full resolve; `--rebuild` makes it again), starts `idgraph serve` as a
subprocess on a free port with a write token, and runs two phases of `--seconds` each:
  1. lookups at `--lookup-rate` requests/s (open loop: by email, phone, record and profile id of base
     people) while `--one-row-writers` clients each post one row at a time;
  2. the same lookups while `--batch-writers` clients post `--batch-rows` rows a request.
Rows are 45 % new people, 50 % a known person's new record (their email), 5 % bridging two known
people (one's email, the other's phone). It prints p50/p95/p99 per route, requests and rows per
second and errors, stops the server, then opens the store and checks that every acknowledged row is
stored and in a profile. Neo4j: NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD as for the store (the graph is
wiped and rebuilt when `--rebuild` is given or it holds no customers).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx
import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_incremental import FIRST, LAST, base_rows, email, person_of, phone  # noqa: E402

from idgraph.graph import work  # noqa: E402
from idgraph.graph.stores import open_store  # noqa: E402
from idgraph.ingest.jobs.resolve import resolve  # noqa: E402
from idgraph.ingest.mapping import load_mapping  # noqa: E402
from idgraph.queries.profile import profiles_of_records  # noqa: E402
from idgraph.service.pauses import freeze_what_start_made  # noqa: E402

TOKEN = "bench-write-token"


def mapping_file(folder: Path) -> Path:
    spec = {"project": "bench-serve", "phone_region": "GB", "store": "bench.idgraph.db",
            # The synthetic base has 400 names for 666,667 people: the model trained on it weighs an exact
            # name as no evidence, and resolve's check for chains of strangers would cut every person's
            # two records apart. Off, so profiles are people (and bridging rows grow components).
            "guard": {"max_customers": 50, "check_conflicts": False, "component_min_probability": 0},
            "sources": {
                "crm": {"path": "crm.csv", "kind": "customer", "id": "id", "fields": {
                    "first_name": "first", "last_name": "last", "email": "email", "phone": "phone",
                    "postcode": "postcode"}},
                "web": {"path": "web.csv", "kind": "interaction", "id": "event_id", "fields": {
                    "timestamp": {"column": "ts", "format": "iso"}, "email": "email", "event_type": "event",
                    "channel": {"value": "web"}}}}}
    path = folder / "idgraph.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def build(folder: Path, store_kind: str, customers: int, rebuild: bool) -> int:
    """Make the base store unless it is there; the number of records it holds past the base (earlier runs'
    rows), so that this run's rows are new records too."""
    folder.mkdir(parents=True, exist_ok=True)
    mapping = load_mapping(mapping_file(folder))
    if store_kind == "embedded" and rebuild:
        for f in folder.glob("bench.idgraph.db*"):
            f.unlink()
        for f in folder.glob("*.model.json"):
            f.unlink()
    store = open_store(mapping, store_kind)
    try:
        if store_kind == "neo4j" and rebuild:
            store.wipe()
        if store.customer_count() >= customers:
            print(f"base store: {store.customer_count():,} customer records (kept; --rebuild to make it again)")
        else:
            t = time.perf_counter()
            for rows in base_rows(customers, random.Random(7)):
                store.write_customers(rows, "base")
            print(f"base store: wrote {customers:,} records in {time.perf_counter() - t:.1f} s", flush=True)
            t = time.perf_counter()
            summary = resolve(store, mapping)
            print(f"base store: full resolve ({summary.profiles_written:,} profiles) in "
                  f"{time.perf_counter() - t:.1f} s", flush=True)
        # The base's people are joined by their identifiers, as the rows were made: the link job has
        # nothing to find there, and would otherwise run over every base record when the server starts.
        store.advance_watermark("link", work.sequence(store))
        return max(store.customer_count() - customers, 0)
    finally:
        store.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(folder: Path, store_kind: str, port: int, link_interval: float) -> subprocess.Popen:
    env = {**os.environ, "IDGRAPH_SERVE_TOKENS": f"bench:write:{TOKEN}", "POLARS_MAX_THREADS": "2"}
    cmd = [sys.executable, "-c", "from idgraph.cli.app import main; main()", "-m", str(folder / "idgraph.yaml"),
           "--store", store_kind, "serve", "--port", str(port), "--link-interval", str(link_interval),
           "--log-level", "warning"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "w"))
    deadline = time.time() + 600
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server stopped (exit {proc.returncode}): see {folder / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not become ready in 10 minutes")


class Load:
    """Latencies per route, errors, acknowledged rows."""

    def __init__(self, people: int, base: int, seed: int):
        self.rng = random.Random(seed)
        self.people, self.base = people, base
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.not_found: dict[str, int] = defaultdict(int)
        self.acked: list[str] = []
        self.rows_written = 0
        self.next_row = 0
        self.profile_ids: list[str] = []

    def row(self) -> dict:
        """Nine in twenty rows are new people, ten a known person's new record (their email), one bridges
        two known people (one's email, the other's phone): bridging at a third of the rows, as a batch of
        bench_incremental.py has, would chain a growing share of the graph into one component."""
        i, self.next_row = self.next_row, self.next_row + 1
        kind = i % 20
        if kind < 9:
            p = self.people + 10_000_000 + i
            return {"id": f"S{i}", "first": FIRST[i % 20], "last": LAST[i % 20], "email": email(p)}
        p = self.rng.randrange(self.people)
        row = {"id": f"S{i}", "first": FIRST[p % 20], "last": LAST[(p // 20) % 20], "email": email(p)}
        if kind == 19:
            row["phone"] = phone(self.rng.randrange(self.people // 2) * 2)
        return row

    def lookup(self) -> tuple[str, str]:
        r = self.rng.randrange(self.base)
        p = person_of(r)
        way = self.rng.randrange(4)
        if way == 0:
            return "GET /v1/profiles?email", f"/v1/profiles?email={email(p)}&limit=20"
        if way == 1 and p % 2 == 0:
            return "GET /v1/profiles?phone", f"/v1/profiles?phone={phone(p)}&limit=20"
        if way == 3 and self.profile_ids:
            return "GET /v1/profiles/{id}", f"/v1/profiles/{self.rng.choice(self.profile_ids)}?limit=20"
        return "GET /v1/profiles?record", f"/v1/profiles?record=crm:B{r}&limit=20"


class Http:
    """A small HTTP/1.1 client on asyncio streams, with keep-alive connections. httpx spent more CPU per
    request than the server it measured (19 CPU seconds against the server's 8 in a 30 s run on 2 cores),
    so its own queueing was in every latency; this one does no more than the measurement needs."""

    def __init__(self, port: int, token: str, connections: int = 64, timeout: float = 60):
        self.port, self.timeout = port, timeout
        self.head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(connections)

    async def request(self, method: str, url: str, body: dict | None = None) -> tuple[int, bytes]:
        data = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {url} HTTP/1.1\r\n{self.head}Content-Length: {len(data)}\r\n"
        if body is not None:
            head += "Content-Type: application/json\r\n"
        request = head.encode() + b"\r\n" + data
        async with self.slots:
            reused = bool(self.idle)
            conn = self.idle.pop() if reused else await asyncio.open_connection("127.0.0.1", self.port)
            try:
                answer = await asyncio.wait_for(self._exchange(conn, request), self.timeout)
            except (asyncio.IncompleteReadError, ConnectionError) as exc:
                conn[1].close()
                # the server closed a kept-alive connection while it sat idle (uvicorn after 5 s), so
                # the request never reached it: send it once more on a new connection, as browsers do
                if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                    raise
                conn = await asyncio.open_connection("127.0.0.1", self.port)
                try:
                    answer = await asyncio.wait_for(self._exchange(conn, request), self.timeout)
                except BaseException:
                    conn[1].close()
                    raise
            except BaseException:
                conn[1].close()
                raise
            self.idle.append(conn)
            return answer

    @staticmethod
    async def _exchange(conn, request: bytes) -> tuple[int, bytes]:
        reader, writer = conn
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
        return int(lines[0].split(" ", 2)[1]), await reader.readexactly(length)

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def timed(client: Http, load: Load, route: str, method: str, url: str, body: dict | None = None) -> bytes | None:
    t = time.perf_counter()
    try:
        status, answer = await client.request(method, url, body)
    except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, StopIteration) as exc:
        load.errors[f"{route} {type(exc).__name__}"] += 1
        return None
    load.latency[route].append(time.perf_counter() - t)
    if status == 404 and method == "GET":
        # an answer, not a failure: the identifier has become ambiguous (held by several profiles since a
        # bridging row made the guard mark it shared) or its record was merged away; counted apart
        load.not_found[route] += 1
        return None
    if status != 200:
        load.errors[f"{route} {status}"] += 1
        return None
    return answer


async def lookups(client: Http, load: Load, rate: float, until: float) -> None:
    """Open loop: a request every 1/rate seconds whether or not the last one has answered."""
    tasks = []
    start = time.perf_counter()
    n = 0
    while time.perf_counter() < until:
        route, url = load.lookup()
        tasks.append(asyncio.create_task(timed(client, load, route, "GET", url)))
        n += 1
        await asyncio.sleep(max(start + n / rate - time.perf_counter(), 0))
    await asyncio.gather(*tasks)


async def writer(client: Http, load: Load, rows_per_request: int, until: float) -> None:
    route = "POST records (1 row)" if rows_per_request == 1 else f"POST records ({rows_per_request} rows)"
    while time.perf_counter() < until:
        rows = [load.row() for _ in range(rows_per_request)]
        answer = await timed(client, load, route, "POST", "/v1/sources/crm/records", {"rows": rows})
        if answer is None:
            continue
        body = json.loads(answer)
        for answer in body["rows"]:
            if answer["uid"] and answer["profile_id"]:
                load.acked.append(answer["uid"])
                if len(load.profile_ids) < 10_000:
                    load.profile_ids.append(answer["profile_id"])
            elif not answer["refused"]:
                load.errors[f"{route} row without profile"] += 1
        load.rows_written += len(rows)


async def phase(port: int, load: Load, seconds: float, rate: float, writers: int, rows_per_request: int,
                pids: dict[str, int]) -> dict:
    client = Http(port, TOKEN)
    try:
        before = (load.rows_written, sum(map(len, load.latency.values())))
        cpu = {k: cpu_seconds(p) for k, p in pids.items()}
        started = time.perf_counter()
        until = started + seconds
        await asyncio.gather(lookups(client, load, rate, until),
                             *(writer(client, load, rows_per_request, until) for _ in range(writers)))
        took = time.perf_counter() - started
    finally:
        client.close()
    return {"seconds": took, "rows": load.rows_written - before[0],
            "requests": sum(map(len, load.latency.values())) - before[1], "load": os.getloadavg()[0],
            "cpu": {k: cpu_seconds(p) - cpu[k] for k, p in pids.items()}}


def cpu_seconds(pid: int) -> float:
    """CPU seconds a process has used (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def processes(server: int) -> dict[str, int]:
    """The bench client, the serving process and its writer process, by role."""
    try:
        children = [int(c) for c in Path(f"/proc/{server}/task/{server}/children").read_text().split()]
    except OSError:
        children = []
    writers = [c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()
               and b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]
    return {"client": os.getpid(), "server": server, **({"writer": writers[0]} if writers else {})}


def report(title: str, load: Load, figures: dict) -> None:
    print(f"\n{title}: {figures['seconds']:.1f} s, {figures['requests'] / figures['seconds']:.0f} requests/s, "
          f"{figures['rows'] / figures['seconds']:.0f} rows/s written; load average {figures['load']:.1f}; "
          "CPU seconds " + ", ".join(f"{k} {v:.1f}" for k, v in figures["cpu"].items()))
    print(f"  {'route':<28} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for route, values in sorted(load.latency.items()):
        ms = np.array(values) * 1000
        print(f"  {route:<28} {len(ms):>7} {np.percentile(ms, 50):8.1f} {np.percentile(ms, 95):8.1f} "
              f"{np.percentile(ms, 99):8.1f} {ms.max():8.1f}")
    print(f"  errors: {dict(load.errors) or 0}; lookups answered 404 (ambiguous or absent): {dict(load.not_found) or 0}")


def check(folder: Path, store_kind: str, acked: list[str]) -> int:
    """Every acknowledged row is stored and in a profile: the number that are not."""
    mapping = load_mapping(folder / "idgraph.yaml")
    store = open_store(mapping, store_kind)
    try:
        found: dict[str, str | None] = {}
        for i in range(0, len(acked), 5000):
            found.update(profiles_of_records(store, acked[i:i + 5000]))
    finally:
        store.close()
    lost = [u for u in set(acked) if not found.get(u)]
    print(f"\nacknowledged rows: {len(set(acked)):,}; stored and in a profile: {len(set(acked)) - len(lost):,}; "
          f"lost: {len(lost)}" + (f" (e.g. {lost[:5]})" if lost else ""))
    return len(lost)


def run(coroutine):
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="embedded", choices=["embedded", "neo4j"])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path("bench-serve"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--lookup-rate", type=float, default=200)
    parser.add_argument("--one-row-writers", type=int, default=2)
    parser.add_argument("--batch-writers", type=int, default=2)
    parser.add_argument("--batch-rows", type=int, default=500)
    parser.add_argument("--link-interval", type=float, default=0.0,
                        help="the server's --link-interval (seconds between link runs; 0: with every batch)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    # Rows are numbered past what earlier runs wrote: posting their rows again would measure unchanged
    # records, which cost next to nothing to resolve.
    earlier = build(args.dir, args.store, args.customers, args.rebuild)
    port = free_port()
    proc = start_server(args.dir, args.store, port, args.link_interval)
    people = person_of(args.customers - 1) + 1
    # The client's own full collections (50 ms walking what its imports made) would be timed as the
    # server's latency: what was made so far lives to the end, so the collector is told to leave it.
    freeze_what_start_made()
    errors = 0
    acked: list[str] = []
    try:
        print(f"\nserver on 127.0.0.1:{port}, store {args.store} with {args.customers:,} records; load "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for title, writers, size in (("lookups + one-row writes", args.one_row_writers, 1),
                                     ("lookups + batched writes", args.batch_writers, args.batch_rows)):
            load = Load(people, args.customers, args.seed + size)
            load.next_row = earlier + len(acked) + size * 1_000_000
            figures = run(phase(port, load, args.seconds, args.lookup_rate, writers, size, processes(proc.pid)))
            report(title, load, figures)
            errors += sum(load.errors.values())
            acked += load.acked
        print(f"\nload average after the run: {os.getloadavg()[0]:.1f}")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
    lost = check(args.dir, args.store, acked)
    return 1 if errors or lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
