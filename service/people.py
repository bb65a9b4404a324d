"""POST /v1/merge, /v1/split, /v1/undo, /v1/forget: the CLI's judgements and erasure, by the caller.

Each is handed to the writer by name with its arguments (writer.OPERATIONS: the library functions of
ingest/jobs/people.py and forget.py) and is followed by a resolve recorded with the caller's name as
`by`, as `idgraph merge` (and the others) do.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Depends, Request

from idgraph.ingest.lookup import parse_identifier
from idgraph.service.auth import Caller, writer
from idgraph.service.models import ForgetIn, ForgetOut, JudgedOut, MergeIn, SplitIn, UndoIn

router = APIRouter(prefix="/v1", tags=["people in the loop"])


async def _done(request: Request, operation: str, who: Caller, **arguments):
    return await asyncio.wrap_future(request.app.state.writer.judge(operation, who.name, **arguments))


async def _judged(request: Request, operation: str, who: Caller, **arguments) -> JudgedOut:
    made, summary = await _done(request, operation, who, **arguments)
    return JudgedOut(judgements=[j.model_dump() for j in made], resolve=summary.model_dump())


@router.post("/merge", response_model=JudgedOut, summary="Judge A and B the same person")
async def merge(body: MergeIn, request: Request, who: Caller = Depends(writer)) -> JudgedOut:
    return await _judged(request, "merge", who, a=body.a, b=body.b, reason=body.reason)


@router.post("/split", response_model=JudgedOut, summary="Judge records of a profile different people")
async def split(body: SplitIn, request: Request, who: Caller = Depends(writer)) -> JudgedOut:
    return await _judged(request, "split", who, profile=body.profile, keep_apart=body.keep_apart, record=body.record,
                         reason=body.reason)


@router.post("/undo", response_model=JudgedOut, summary="Withdraw judgements")
async def undo(body: UndoIn, request: Request, who: Caller = Depends(writer)) -> JudgedOut:
    return await _judged(request, "undo", who, judgement_ids=body.judgement_ids, reason=body.reason)


@router.post("/forget", response_model=ForgetOut, summary="Erase a person (right to erasure)")
async def forget(body: ForgetIn, request: Request, who: Caller = Depends(writer)) -> ForgetOut:
    found = parse_identifier(request.app.state.mapping, f"{body.identifier.kind}={body.identifier.value}",
                             "identifier") if body.identifier else None
    summary, resolved = await _done(request, "forget", who, email=body.email, phone=body.phone, record=body.record,
                                    profile=body.profile, identifier=found, suppress=body.suppress)
    return ForgetOut(forget=summary.model_dump(), resolve=resolved.model_dump())
