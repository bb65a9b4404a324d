"""What `idgraph serve` is told: where the mapping and store are, where it listens, how it batches."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

DEFAULT_HOST = "127.0.0.1"  # loopback: put a reverse proxy in front to serve others (docs/serve.md)
DEFAULT_PORT = 8321


class ServeConfig(BaseModel):
    mapping_path: Path
    store_kind: str | None = None  # embedded (default) | neo4j
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    tokens_file: Path | None = None  # lines "name role sha256-of-token"; or IDGRAPH_SERVE_TOKENS
    no_auth: bool = False  # only for trying it out on one's own machine
    batch_ms: float = Field(5.0, ge=0, le=1000)  # how long the writer gathers requests into one batch
    max_batch_rows: int = Field(5000, ge=1)  # a batch closes early at this many rows
    max_rows_per_request: int = Field(10_000, ge=1)
    max_body_bytes: int = Field(8 * 1024 * 1024, ge=1024)
    link_interval_s: float = Field(0.0, ge=0)  # 0: link with every batch; else at most this often
    read_threads: int = Field(16, ge=1)
    log_level: str = "info"
