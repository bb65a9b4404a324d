"""The service assembled: routers, auth, limits, metrics, errors, and the store's lifecycle.

Logs name the route template (`/v1/profiles/{profile_id}`), never a query string or a body, so no email,
phone or name reaches a log at INFO; the Neo4j password is only ever handed to the driver.
"""

from __future__ import annotations

import json
import logging
import time
from contextlib import asynccontextmanager

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Match

from idgraph import __version__
from idgraph.graph.errors import IdgraphError, JudgementConflict, NotFoundError, StoreError
from idgraph.graph.stores import open_store
from idgraph.ingest.jobs.people import AlreadyWithdrawn
from idgraph.ingest.mapping import load_mapping
from idgraph.service import people, profiles, records
from idgraph.service.auth import Caller, load_tokens, reader
from idgraph.service.config import ServeConfig
from idgraph.service.metrics import Metrics
from idgraph.service.pauses import freeze_what_start_made
from idgraph.service.reads import Commits, Reads
from idgraph.service.writer import Settings, WriterProcess

log = logging.getLogger("idgraph.serve")


def create_app(config: ServeConfig) -> FastAPI:
    """The ASGI app. Tokens and the mapping are read here, so a mistake stops the start with its reason."""
    tokens = None if config.no_auth else load_tokens(config.tokens_file)
    if tokens is not None and not tokens:
        raise IdgraphError("no tokens: set IDGRAPH_SERVE_TOKENS or --tokens-file (make one with `idgraph token`), "
                           "or --no-auth to try the service on your own machine")
    mapping = load_mapping(config.mapping_path)
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Reads run on anyio's thread pool; each thread holds its own connection to the embedded store.
        anyio.to_thread.current_default_thread_limiter().total_tokens = config.read_threads
        commits = Commits()
        settings = Settings(str(config.mapping_path), config.store_kind, config.batch_ms, config.max_batch_rows,
                            config.link_interval_s)
        app.state.writer = WriterProcess(settings, commits, on_answer=metrics.writer_answer)
        app.state.reads = Reads(lambda: open_store(mapping, config.store_kind), commits, metrics.read_retries.inc)
        app.state.writer.start()
        metrics.queue_depth.set_function(app.state.writer.waiting)
        freeze_what_start_made()
        log.info("serving the %s store on http://%s:%d (docs at /docs)", config.store_kind or "embedded",
                 config.host, config.port)
        try:
            yield
        finally:
            app.state.writer.stop()
            app.state.reads.close()

    app = FastAPI(title="identity-graph", version=__version__, lifespan=lifespan,
                  description="The single customer view, answered and updated in milliseconds. "
                              "Bearer tokens: read (profiles, lookups, explain, metrics) and write (everything).")
    app.state.config, app.state.mapping, app.state.tokens, app.state.metrics = config, mapping, tokens, metrics
    for router in (records.router, profiles.router, people.router):
        app.include_router(router)
    _errors(app)
    _health(app)
    app.add_middleware(Limits, max_body=config.max_body_bytes, metrics=metrics)
    return app


def _errors(app: FastAPI) -> None:
    """The library's typed errors as HTTP answers, with the library's own message."""
    codes = ((NotFoundError, 404), (JudgementConflict, 409), (AlreadyWithdrawn, 409), (StoreError, 503))

    @app.exception_handler(IdgraphError)
    async def idgraph_error(request: Request, exc: IdgraphError) -> JSONResponse:
        code = next((c for kind, c in codes if isinstance(exc, kind)), 409 if exc.exit_code == 3 else 400)
        return JSONResponse({"detail": str(exc)}, status_code=code)



def _health(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"], summary="The process answers")
    def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="The store answers and the writer has caught up")
    def readyz(request: Request) -> Response:
        writer = request.app.state.writer
        if not writer.alive():
            return JSONResponse({"status": f"writer stopped: {writer.failed or 'see the log'}"}, status_code=503)
        if not writer.ready.is_set():
            return JSONResponse({"status": "catching up"}, status_code=503)
        try:
            request.app.state.reads.run(lambda store: store.profile(""))
        except Exception as exc:
            return JSONResponse({"status": f"store unreachable ({type(exc).__name__})"}, status_code=503)
        return JSONResponse({"status": "ready"})

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics (read role)")
    def metrics(request: Request, who: Caller = Depends(reader)) -> Response:
        return PlainTextResponse(request.app.state.metrics.render(),
                                 media_type="text/plain; version=0.0.4; charset=utf-8")


def _route(scope: dict) -> str:
    """The route template a request matched: what logs and metrics name, never the path's values."""
    route = scope.get("route")  # set by the router once it has matched
    if route is None and "app" in scope:
        route = next((r for r in scope["app"].router.routes if r.matches(scope)[0] is Match.FULL), None)
    return getattr(route, "path_format", None) or getattr(route, "path", None) or "unmatched"


class Limits:
    """Pure ASGI middleware: refuses a body over the limit (413) and times every request by route."""

    def __init__(self, app, max_body: int, metrics: Metrics):
        self.app, self.max_body, self.metrics = app, max_body, metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            return await self._too_large(scope, send, started)
        seen = 0
        answer: dict = {"status": 500}

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge
            return message

        async def watched(message):
            if message["type"] == "http.response.start":
                answer["status"], answer["started"] = message["status"], True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            return await self._too_large(scope, send, started)
        except Exception as exc:
            # the type only: a message or a traceback may quote a value from the data
            log.error("%s %s failed: %s", scope["method"], _route(scope), type(exc).__name__)
            log.debug("traceback", exc_info=exc)
            if not answer.get("started"):
                await self._answer(send, 500, f"internal error ({type(exc).__name__}); see the service's log")
            answer["status"] = 500
        self._observe(scope, answer["status"], started)

    async def _too_large(self, scope, send, started):
        await self._answer(send, 413, f"the body is over {self.max_body} bytes: send fewer rows per request")
        self._observe(scope, 413, started)

    @staticmethod
    async def _answer(send, code: int, detail: str) -> None:
        body = json.dumps({"detail": detail}).encode()
        await send({"type": "http.response.start", "status": code,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    def _observe(self, scope, code: int, started: float) -> None:
        seconds = time.perf_counter() - started
        route = _route(scope)
        self.metrics.requests.labels(scope["method"], route, str(code)).observe(seconds)
        log.info("%s %s %d %.1f ms", scope["method"], route, code, seconds * 1000)


class _TooLarge(Exception):
    pass
