"""Prometheus metrics of one service: latency per route, rows written, the writer's queue and batches.

Each app has its own registry, so two apps in one process (tests) do not collide.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_LATENCY = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Histogram("idgraph_http_request_seconds", "Time to answer a request, by route template.",
                                  ["method", "route", "status"], buckets=_LATENCY, registry=self.registry)
        self.rows = Counter("idgraph_rows_total", "Rows received by the service and answered, by source and what "
                            "became of them (stored, refused, suppressed).",
                            ["source", "outcome"], registry=self.registry)
        self.queue_depth = Gauge("idgraph_write_queue_depth", "Write requests waiting for the writer's answer.",
                                 registry=self.registry)
        self.batch_rows = Histogram("idgraph_write_batch_rows", "Rows per batch the writer takes.",
                                    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000),
                                    registry=self.registry)
        self.stage = Histogram("idgraph_write_stage_seconds", "Time of each step of a write batch "
                               "(ingest, link, resolve, answer, judgement).", ["stage"], buckets=_LATENCY,
                               registry=self.registry)
        self.resolve = Histogram("idgraph_resolve_seconds", "Time of each resolve the writer runs.",
                                 buckets=_LATENCY, registry=self.registry)
        self.read_retries = Counter("idgraph_read_retries_total", "Reads run again because a resolve committed "
                                    "while they read (Neo4j, which has no snapshot reads).", registry=self.registry)

    def writer_answer(self, stages: dict[str, float], status: str, payload: object) -> None:
        """The writer process's timings and counts, as each answer comes back from it."""
        for stage, seconds in stages.items():
            if stage == "batch_rows":
                self.batch_rows.observe(seconds)
            else:
                self.stage.labels(stage).observe(seconds)
        if "resolve" in stages:
            self.resolve.observe(stages["resolve"])
        incoming = getattr(payload, "incoming", None)
        if status == "ok" and incoming is not None:
            source = incoming.summary.source
            refused = sum(r.refused is not None for r in incoming.rows)
            suppressed = sum(r.suppressed for r in incoming.rows)
            for outcome, n in (("stored", len(incoming.rows) - refused - suppressed), ("refused", refused),
                               ("suppressed", suppressed)):
                if n:
                    self.rows.labels(source, outcome).inc(n)

    def render(self) -> bytes:
        return generate_latest(self.registry)
