"""Liveness (the process answers) and readiness (the model is loaded and the store works).

Readiness also says what is loaded, in its own words: the model's labels, the data's item noun,
what was guessed when the data was read, and example questions filled from the model and data
(the catalogue's showcase, `capabilities`), which the page shows as its chips.
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from saywhy.tools.data.views import plural

from ..dependencies import GUARDS, ServicesDep
from ..errors import NotReady
from ..schemas import ErrorBody, Health, Readiness

if TYPE_CHECKING:
    from saywhy.tools.context import ToolContext

log = logging.getLogger(__name__)
EXAMPLES = 6  # chips on the page

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
    ctx, data = svc.ctx, svc.ctx.data
    return Readiness(ready=True, target=str(getattr(ctx.target, "name", "")),
                     kind=ctx.target.kind, labels=[str(x) for x in ctx.target.labels],
                     data=None if data is None else str(getattr(data, "name", "")),
                     items=None if data is None else len(data),
                     item_name=None if data is None else data.item_name,
                     item_plural=None if data is None else plural(data.item_name),
                     notes=notes_of(ctx), examples=await run_in_threadpool(examples_for, ctx),
                     conversations=await run_in_threadpool(svc.store.count),
                     queue=svc.sessions.work.stats())


def notes_of(ctx: ToolContext) -> list[str]:
    """The data's load notes as sentences (what was guessed or matched), none without data."""
    notes = [] if ctx.data is None else ctx.data.notes
    return [n[:1].upper() + n[1:] for n in notes if n.strip()]


def examples_for(ctx: ToolContext) -> list[str]:
    """The first showcase question of each capability that fits the loaded model and data, in
    their words (real ids, labels, noun); computed once per target and data (memoised)."""
    def compute() -> list[str]:
        from saywhy.tools import registry

        try:
            sections = registry.get("capabilities").run(ctx.for_conversation(), {}).sections
        except Exception:  # noqa: BLE001 - readiness must not fail over its examples
            log.exception("could not fill the example questions")
            return []
        return [s.examples[0] for s in sections if s.examples][:EXAMPLES]

    key = ("page_examples", None if ctx.data is None else ctx.data.fingerprint(),
           None if ctx.data is None else ctx.data.item_name)
    found: list[str] = ctx.memo(key, compute)
    return list(found)
