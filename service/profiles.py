"""GET profiles (by id, by any identifier or record), a profile's timeline, and explain.

Each request is one consistent read (reads.py) through the library's queries, on a thread of the
pool, so reads run while the writer writes.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from idgraph.queries import profile as profiles
from idgraph.queries.explain import Explanation, explain
from idgraph.queries.profile import TIMELINE_LIMIT, ProfileView, Timeline, show_profile, timeline
from idgraph.service.auth import Caller, reader

router = APIRouter(prefix="/v1", tags=["read"])
BUILT_IN = ("email", "phone", "device", "record")


async def _read(request: Request, work):
    """On the embedded store a read is a few index lookups in SQLite (under a millisecond): it runs on the
    event loop, since handing it to a thread cost more than the read (waking the thread and passing the
    interpreter lock back and forth was a quarter of the serving process's time at 200 lookups/s). A
    Neo4j read waits on the network, so it runs on the thread pool."""
    reads = request.app.state.reads
    if reads.inline():
        return reads.run(work)
    return await run_in_threadpool(reads.run, work)


def _moved(response: Response, asked: str, view) -> None:
    if view.profile_id != asked:  # an old id: the answer is the profile it went to, and says so
        response.headers["Content-Location"] = f"/v1/profiles/{view.profile_id}"


@router.get("/profiles/{profile_id}", response_model=ProfileView,
            summary="A profile by id; an old id answers with the profile it went to and how (lineage)")
async def get_profile(profile_id: str, request: Request, response: Response,
                limit: Annotated[int, Query(ge=0, le=1000, description="Interactions to include")] = TIMELINE_LIMIT,
                who: Caller = Depends(reader)) -> ProfileView:
    view = await _read(request, lambda store: show_profile(store, profile_id, limit=limit))
    _moved(response, profile_id, view)
    return view


@router.get("/profiles", response_model=ProfileView,
            summary="A profile by one identifier: email, phone, device, record, or any kind the mapping declares")
async def find_profile(request: Request,
                 email: str | None = None, phone: str | None = None, device: str | None = None,
                 record: Annotated[str | None, Query(description="A record SOURCE:ID")] = None,
                 limit: Annotated[int, Query(ge=0, le=1000)] = TIMELINE_LIMIT,
                 who: Caller = Depends(reader)) -> ProfileView:
    """Name exactly one: `?email=…`, `?phone=…`, `?device=…`, `?record=crm:42`, or `?KIND=…` for a kind
    the mapping declares under `identifiers:` (e.g. `?national_id=123-45-6789`). The value is normalised
    as ingest normalises it."""
    known = {*BUILT_IN, *request.app.state.mapping.identifier_kinds()}
    asked = [(k, v) for k, v in request.query_params.multi_items() if k in known]
    unknown = sorted({k for k in request.query_params if k not in known and k != "limit"})
    if unknown or len(asked) != 1:
        raise HTTPException(422,
                            [{"loc": ["query", *unknown], "type": "value_error",
                              "msg": f"name exactly one of {', '.join(sorted(known))}"
                                     + (f"; unknown: {', '.join(unknown)}" if unknown else "")}])
    kind, value = asked[0]

    mapping = request.app.state.mapping
    return await _read(request, lambda store: profiles.find_profile(store, mapping, kind, value, limit))


@router.get("/profiles/{profile_id}/timeline", response_model=Timeline, summary="A profile's interactions, paged")
async def get_timeline(profile_id: str, request: Request, response: Response,
                 offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 50,
                 who: Caller = Depends(reader)) -> Timeline:
    page = await _read(request, lambda store: timeline(store, profile_id, offset, limit))
    _moved(response, profile_id, page)
    return page


@router.get("/explain", response_model=Explanation, summary="Why two records or profiles are together, or apart")
async def get_explain(request: Request, a: Annotated[str, Query(description="A record SOURCE:ID or a profile id")],
                b: Annotated[str, Query(description="A record SOURCE:ID or a profile id")],
                who: Caller = Depends(reader)) -> Explanation:
    return await _read(request, lambda store: explain(store, a, b))
