"""Messages: ask a question (plain or streamed as server-sent events) and rate an answer.

The stream is framed and kept alive by sse-starlette, from an ordinary route, so that problems
found before the turn starts are still JSON errors with their status (FastAPI's own
`EventSourceResponse` runs a generator path operation after the 200 has gone). The message
length is checked by hand: its limit is a setting read at run time, answered 413 like the body
limit, where a schema's `max_length` is fixed at import and answers 422.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, JSONServerSentEvent, ServerSentEvent

from saywhy.agent.answer import Answer
from saywhy.tools.errors import NotFoundError, SaywhyError, http_status
from saywhy.tools.turn import ProgressEvent

from ..dependencies import GUARDS, ServicesDep, SessionsDep
from ..errors import PayloadTooLarge, error_body, jsonable
from ..schemas import ErrorBody, Feedback, FeedbackOut, MessageIn

log = logging.getLogger("saywhy.server")
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 404, 413, 429, 503, 504)}
router = APIRouter(prefix="/api/v1/conversations/{conversation_id}/messages", tags=["messages"],
                   dependencies=GUARDS, responses=ERRORS)
_background: set[asyncio.Task[Any]] = set()  # streamed answers finish even if the client leaves
KEEPALIVE = 15.0


def _check_length(text: str, limit: int) -> None:
    if len(text) > limit:
        raise PayloadTooLarge(f"The message is {len(text):,} characters long; the limit is "
                              f"{limit:,}. Ask about a shorter text.")


@router.post("", response_model=Answer, summary="Ask a question")
async def post_message(conversation_id: str, body: MessageIn, sessions: SessionsDep,
                       svc: ServicesDep) -> Answer:
    """Ask one question; returns the Answer: its text, the tool calls made, their structured
    results, timings, and `error` when a tool refused the input (still a recorded turn).
    When the question could be read more than one way, the answer (kind `clarify`) asks which
    and offers the likeliest readings as `choices` [{number, text}], also listed in `text`;
    the next message picks one by its number ("2") or its words, and that turn runs it.
    504 when answering overruns SAYWHY_REQUEST_TIMEOUT (the turn is stopped at its tools' next
    check and dropped, the conversation stays usable); 503 when too many questions are
    waiting."""
    _check_length(body.text, svc.limits.max_message_chars)
    await run_in_threadpool(sessions.require, conversation_id)
    return await sessions.ask(conversation_id, body.text)


def sse(event: str, data: Any) -> ServerSentEvent:
    """One named event with a JSON payload, framed by sse-starlette (`\\n` line ends, which the
    page's reader splits on)."""
    return JSONServerSentEvent(jsonable(data), event=event, sep="\n")


def _progress(event: ProgressEvent) -> dict[str, Any]:
    out: dict[str, Any] = {"stage": event.stage, "message": event.message}
    if event.total is not None:
        out |= {"done": event.done, "total": event.total}
    return out


async def _events(task: asyncio.Task[Answer], queue: asyncio.Queue[ProgressEvent | None]
                  ) -> AsyncIterator[ServerSentEvent]:
    """Progress until the turn ends (its done-callback queues None, after every report the
    worker queued before it), then the answer or the error."""
    yield sse("progress", {"stage": "queued", "message": "queued"})
    while (event := await queue.get()) is not None:
        yield sse("progress", _progress(event))
    try:
        answer = task.result()
    except SaywhyError as exc:
        yield sse("error", {**error_body(exc.code, exc.user_text()), "status": http_status(exc)})
        return
    except Exception:  # noqa: BLE001 - logged; the client gets a sentence
        log.exception("streamed answer failed")
        yield sse("error", {**error_body("internal_error", "Something went wrong on the server; "
                                         "the details are in its log."), "status": 500})
        return
    yield sse("answer", answer.model_dump(mode="json"))


@router.post("/stream", summary="Ask a question, streamed (server-sent events)",
             response_class=EventSourceResponse,
             responses={200: {"description": "`event: progress` lines "
                              "(`{\"stage\": \"queued\"|\"planning\"|\"running\"|\"writing\", "
                              "\"message\": \"running predict\"}`), then one `event: answer` "
                              "(the Answer as JSON) or `event: error` "
                              "(`{\"error\": {code, message}, \"status\"}`).",
                              "content": {"text/event-stream": {"schema": {"type": "string"}}}}})
async def stream_message(conversation_id: str, body: MessageIn, sessions: SessionsDep,
                         svc: ServicesDep) -> EventSourceResponse:
    """Like POST .../messages, but reports progress while it works. Problems found before it
    starts (unknown conversation, too long, busy) are ordinary JSON errors with their status."""
    _check_length(body.text, svc.limits.max_message_chars)
    await run_in_threadpool(sessions.require, conversation_id)
    ticket = sessions.work.admit()
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[ProgressEvent | None] = asyncio.Queue()

    def report(event: ProgressEvent) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, event)

    task = asyncio.create_task(sessions.ask(conversation_id, body.text, ticket=ticket,
                                            on_progress=report))
    _background.add(task)
    task.add_done_callback(_background.discard)
    task.add_done_callback(lambda _: queue.put_nowait(None))
    return EventSourceResponse(_events(task, queue), ping=KEEPALIVE, sep="\n")


@router.put("/{turn}/feedback", response_model=FeedbackOut, summary="Rate an answer")
async def put_feedback(conversation_id: str, turn: Annotated[int, Path(ge=1, le=1_000_000)],
                       body: Feedback, sessions: SessionsDep) -> FeedbackOut:
    """Thumbs up or down (and an optional comment) for one answer, kept with the transcript."""
    await run_in_threadpool(sessions.require, conversation_id)
    ok = await run_in_threadpool(sessions.store.set_feedback, conversation_id, turn,
                                 body.rating, body.comment)
    if not ok:
        raise NotFoundError(f"This conversation has no turn {turn}.")
    return FeedbackOut(conversation_id=conversation_id, turn=turn, rating=body.rating,
                       comment=body.comment)
