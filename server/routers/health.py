"""Liveness (the process answers) and readiness (the model is loaded and the store works)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from ..dependencies import GUARDS, ServicesDep
from ..errors import NotReady
from ..schemas import ErrorBody, Health, Readiness

router = APIRouter(prefix="/api/v1", tags=["health"], dependencies=GUARDS,
                   responses={401: {"model": ErrorBody}, 429: {"model": ErrorBody}})


def _version() -> str:
    try:
        return version("saywhy")
    except PackageNotFoundError:
        return "0"


@router.get("/health", response_model=Health, summary="Liveness")
async def health() -> Health:
    """The server process is up (the model may still be loading)."""
    return Health(version=_version())


@router.get("/ready", response_model=Readiness, summary="Readiness",
            responses={503: {"model": ErrorBody}})
async def ready(svc: ServicesDep) -> Readiness:
    """200 once the model is loaded and the conversation store answers; 503 before."""
    if svc.sessions is None or svc.ctx is None:
        raise NotReady(f"The model could not be loaded: {svc.load_error}" if svc.load_error
                       else "The model is still loading.")
    if not await run_in_threadpool(svc.store.ping):
        raise NotReady("The conversation store does not answer.")
    ctx = svc.ctx
    return Readiness(ready=True, target=str(getattr(ctx.target, "name", "")),
                     kind=ctx.target.kind,
                     data=None if ctx.data is None else str(getattr(ctx.data, "name", "")),
                     items=None if ctx.data is None else len(ctx.data),
                     conversations=await run_in_threadpool(svc.store.count),
                     queue=svc.sessions.work.stats())
