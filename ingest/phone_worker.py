"""Phones parsed in a second process while ingest's main thread makes the rest of a block.

libphonenumber is pure Python, about 50 us a number: at 100,000 people the 148,000 distinct phone texts
took 7-9 s of the main thread's 33 s, and no thread can take that work off it (the GIL). A child process
can: the block's distinct phone texts go to it first, the main thread makes names, dates, addresses and
attributes meanwhile, and takes the results back (`phone.remember`) just before it needs them. The child
runs `phone.parse_many`, the very function `phone()` memoises, so a block's records are the same with or
without it; anything wrong with the child (it cannot start, it dies, it answers nonsense) only means the
main thread parses the phones itself, as it always did.

The child is a plain interpreter reading one JSON request per line (not `multiprocessing`, whose `spawn`
imports the caller's main script again: a script without a main guard would run its ingest twice). It sees
the parent's `sys.path`, so it imports the same idgraph. Blocks with fewer than MIN_TEXTS distinct texts
are not worth a process start (about 0.3 s) or a round trip: the service's sign-ups never start one.
"""

from __future__ import annotations

import json
import subprocess
import sys

from idgraph.ingest.normalise.phone import forget, remember

MIN_TEXTS = 5_000

_CHILD = """
import json, sys
sys.path[:0] = json.loads(sys.argv[1])
from idgraph.ingest.normalise.phone import parse_many
for line in sys.stdin:
    request = json.loads(line)
    answer = {"block": request["block"], "results": parse_many(request["texts"], request["region"])}
    sys.stdout.write(json.dumps(answer) + "\\n")
    sys.stdout.flush()
"""


class Pending:
    """One block's texts under way; within `with`, their results are `phone()`'s (when they came)."""

    def __init__(self, worker: "PhoneWorker | None", texts: list[str], region: str | None, block: int = 0):
        self._worker, self.texts, self.region, self.block = worker, texts, region, block
        self.installed = False
        self.results: list[str | None | bool] = []  # parse_many's, once installed

    def __enter__(self) -> "Pending":
        if self._worker is not None:
            results = self._worker._answer(self.block, len(self.texts))
            self._worker = None
            if results is not None:
                remember(self.texts, self.region, results)
                self.installed, self.results = True, results
        return self

    def __exit__(self, *exc: object) -> None:
        if self.installed:
            forget()


class PhoneWorker:
    """The child process of one ingest job, started by the first block worth it; `close` ends it."""

    def __init__(self) -> None:
        self._child: subprocess.Popen | None = None
        self._broken = False
        self._blocks = 0

    def submit(self, texts: list[str], region: str | None) -> Pending:
        """Sends the distinct `texts` of a block; its answer is read by the Pending's `with`."""
        if len(texts) < MIN_TEXTS or self._broken:
            return Pending(None, texts, region)
        self._blocks += 1
        try:
            child = self._started()
            child.stdin.write(json.dumps({"block": self._blocks, "texts": texts, "region": region}) + "\n")
            child.stdin.flush()
        except (OSError, ValueError, TypeError):  # no interpreter to start, or a pipe closed
            self._fail()
            return Pending(None, texts, region)
        return Pending(self, texts, region, self._blocks)

    def _answer(self, block: int, expected: int) -> list | None:
        """The results for `block`, past the answers of blocks that never took theirs (a block that
        raised); None, and the worker given up, for anything else."""
        while True:
            try:
                answer = json.loads(self._child.stdout.readline())  # "" at its end reads as no JSON
                number, results = answer["block"], answer["results"]
            except (OSError, ValueError, TypeError, KeyError):
                break
            if not isinstance(number, int) or number > block:
                break
            if number < block:
                continue
            if isinstance(results, list) and len(results) == expected:
                return results
            break
        self._fail()
        return None

    def _started(self) -> subprocess.Popen:
        if self._child is None:
            self._child = subprocess.Popen([sys.executable, "-c", _CHILD, json.dumps(sys.path)],
                                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
        return self._child

    def _fail(self) -> None:
        self._broken = True
        self.close()

    def close(self) -> None:
        child, self._child = self._child, None
        forget()
        if child is None:
            return
        try:
            child.stdin.close()
            child.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            child.kill()
            child.wait()
        finally:
            child.stdout.close()
