"""POST /v1/sources/{source}/records and /events: rows in, each answered with its profile.

The rows go to the one writer (writer.py); the answer comes once they are stored and resolved.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, HTTPException, Request, status

from idgraph.graph.errors import MappingError
from idgraph.ingest.mapping import Kind, Mapping
from idgraph.service.auth import Caller, writer
from idgraph.service.models import Counts, EventAnswer, EventsOut, RecordAnswer, RecordsOut, RowsIn
from idgraph.service.writer import RowsDone

router = APIRouter(prefix="/v1/sources", tags=["write"])


def _source(mapping: Mapping, name: str, kind: Kind):
    try:
        source = mapping.source(name)
    except MappingError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from None
    if source.kind is not kind:
        other = "events" if kind is Kind.customer else "records"
        raise HTTPException(status.HTTP_404_NOT_FOUND,
                            f"source {name!r} holds {source.kind.value} rows: post them to /v1/sources/{name}/{other}")
    return source


async def _written(request: Request, source: str, body: RowsIn) -> RowsDone:
    limit = request.app.state.config.max_rows_per_request
    if len(body.rows) > limit:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                            f"{len(body.rows)} rows in one request; at most {limit}: send them in several")
    # Handing the rows over is a write to the writer's pipe, which blocks once its buffer (64 KiB) is full
    # until the writer takes them, after the batch it is resolving: off the event loop, so lookups do not
    # wait for that resolve too (500 rows pickle to about 27 KiB; a few such requests fill it).
    handed = await asyncio.to_thread(request.app.state.writer.rows, source, body.rows)
    return await asyncio.wrap_future(handed)


def _counts(done: RowsDone) -> Counts:
    rows = done.incoming.rows
    refused, suppressed = sum(r.refused is not None for r in rows), sum(r.suppressed for r in rows)
    return Counts(rows=len(rows), stored=len(rows) - refused - suppressed, refused=refused, suppressed=suppressed)


@router.post("/{source}/records", response_model=RecordsOut,
             summary="Customer rows: stored, linked, resolved; each answered with its profile")
async def post_records(source: str, body: RowsIn, request: Request, who: Caller = Depends(writer)) -> RecordsOut:
    _source(request.app.state.mapping, source, Kind.customer)
    done = await _written(request, source, body)
    answers = []
    for i, row in enumerate(done.incoming.rows):
        pid = done.profiles.get(row.uid) if row.uid else None
        answers.append(RecordAnswer(row=i, uid=row.uid, profile_id=pid, refused=row.refused, suppressed=row.suppressed,
                                    profile=done.changes.get(pid, "same") if pid else None))
    return RecordsOut(source=source, counts=_counts(done), rows=answers)


@router.post("/{source}/events", response_model=EventsOut,
             summary="Interaction rows: stored and attributed; each answered with its profile")
async def post_events(source: str, body: RowsIn, request: Request, who: Caller = Depends(writer)) -> EventsOut:
    _source(request.app.state.mapping, source, Kind.interaction)
    done = await _written(request, source, body)
    answers = [EventAnswer(row=i, uid=row.uid, profile_id=done.profiles.get(row.uid) if row.uid else None,
                           refused=row.refused, suppressed=row.suppressed)
               for i, row in enumerate(done.incoming.rows)]
    return EventsOut(source=source, counts=_counts(done), rows=answers)
