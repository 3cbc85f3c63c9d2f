"""An OpenAI-compatible chat endpoint, so existing chat front-ends can talk to saywhy.

`POST /v1/chat/completions` with `"model": "saywhy"`: the last user message is the question;
system and tool messages are ignored; sampling options are accepted and ignored.

A conversation belongs to whoever created it: the API token (when the server has one) together
with the request's `user` (the client's own id). Which conversation a request continues:
1. `metadata.conversation_id`: the id of a conversation of yours (from an earlier reply's
   `saywhy.conversation_id`, or `POST /api/v1/conversations`) continues it; any other string
   names a conversation of your own, created on first use. A name needs an owner: an API token
   or a `user`, otherwise anyone choosing the same name would share it.
2. Otherwise a hash of the owner and the earlier user and assistant messages: a client that
   resends the whole history, as chat front-ends do, lands in the conversation that produced
   it. When two conversations of one owner produced the same history (identical openings from
   two clients), the hash finds neither: a history alone never opens someone else's
   conversation. Edited, unknown or shared history starts a new conversation.
`stream: true` sends `chat.completion.chunk` events ending with `data: [DONE]`, framed and kept
alive by sse-starlette: FastAPI's own `EventSourceResponse` frames only what a generator path
operation yields, and this one route must also answer `stream: false` with JSON and refuse a bad
request with its status before any event. `usage` counts words, not tokens. The bearer token,
when set, is the client's API key.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, JSONServerSentEvent, ServerSentEvent

from saywhy.agent.answer import Answer
from saywhy.tools.errors import NotFoundError, SaywhyError, UserError
from saywhy.tools.turn import ProgressEvent

from ..dependencies import GUARDS, CredentialDep, ServicesDep, SessionsDep
from ..errors import PayloadTooLarge, error_body, jsonable
from ..schemas import (
    ChatChoice,
    ChatChoiceMessage,
    ChatCompletion,
    ChatMessage,
    ChatRequest,
    ErrorBody,
    ModelCard,
    ModelList,
    Usage,
)
from ..sessions import Sessions

MODEL = "saywhy"
KEEPALIVE = 15.0
log = logging.getLogger("saywhy.server")
STARTED = int(time.time())
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 404, 413, 429, 503, 504)}
router = APIRouter(prefix="/v1", tags=["openai-compatible"], dependencies=GUARDS, responses=ERRORS)
_background: set[asyncio.Task[Any]] = set()


def _text(message: ChatMessage) -> str:
    content = message.content
    if isinstance(content, list):
        content = " ".join(str(p.get("text", "")) for p in content
                           if isinstance(p, dict) and p.get("type", "text") == "text")
    return " ".join((content or "").split())


def _owner(credential: str, user: str | None) -> str:
    """The owner of the conversations a request creates: its credential and its `user`."""
    return f"{credential}|{user or ''}"


def _may_continue(owner: str, owned_by: str | None) -> bool:
    """Its owner may continue a conversation; so may any holder of the token for one made
    through `/api/v1` (no `user` there: its unguessable id is what the API hands out)."""
    return owned_by is not None and owned_by in (owner, owner.split("|", 1)[0])


def _key(owner: str, turns: list[tuple[str, str]]) -> str:
    raw = json.dumps({"owner": owner, "turns": turns}, ensure_ascii=False)
    return "h2:" + hashlib.sha256(raw.encode()).hexdigest()


def _conversation(sessions: Sessions, body: ChatRequest, prior: list[tuple[str, str]],
                  owner: str) -> str:
    """The conversation id this request continues (or a new one); blocking."""
    store = sessions.store
    wanted = (body.metadata or {}).get("conversation_id")
    if wanted:
        if _may_continue(owner, store.owner(wanted)):
            return wanted
        if owner == "|":
            raise UserError("A conversation named in metadata.conversation_id must have an owner, "
                            "or anyone choosing the same name would share it: also send `user` "
                            "(an id of your own), or use the server's API token, or continue "
                            "with the saywhy.conversation_id of an earlier reply.")
        key = "m2:" + hashlib.sha256(f"{owner}\0{wanted}".encode()).hexdigest()
    elif prior:
        key = _key(owner, prior)
    else:
        key = ""
    found = store.lookup_key(key) if key else None
    if found and _may_continue(owner, store.owner(found)):
        return found
    cid = str(sessions.create(owner=owner)["id"])
    if key:
        store.bind_key(key, cid)
    return cid


def _question(body: ChatRequest, limit: int) -> tuple[str, list[tuple[str, str]]]:
    if body.model.strip().lower() != MODEL:
        raise NotFoundError(f"Unknown model {body.model!r}; this server serves {MODEL!r}.")
    turns = [(m.role, _text(m)) for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user" or not turns[-1][1]:
        raise UserError("The last message must be the user's question.")
    if len(turns[-1][1]) > limit:
        raise PayloadTooLarge(f"The question is {len(turns[-1][1]):,} characters long; the limit "
                              f"is {limit:,}.")
    return turns[-1][1], turns[:-1]


def _usage(prior: list[tuple[str, str]], question: str, answer: str) -> Usage:
    prompt = sum(len(t.split()) for _, t in prior) + len(question.split())
    done = len(answer.split())
    return Usage(prompt_tokens=prompt, completion_tokens=done, total_tokens=prompt + done)


@router.get("/models", response_model=ModelList, summary="List models (OpenAI-compatible)")
async def list_models() -> ModelList:
    return ModelList(data=[ModelCard(id=MODEL, created=STARTED)])


@router.get("/models/{model}", response_model=ModelCard, summary="Describe a model")
async def get_model(model: str) -> ModelCard:
    if model != MODEL:
        raise NotFoundError(f"Unknown model {model!r}; this server serves {MODEL!r}.")
    return ModelCard(id=MODEL, created=STARTED)


@router.post("/chat/completions", response_model=ChatCompletion,
             summary="Chat completion (OpenAI-compatible)",
             responses={200: {"content": {"text/event-stream": {"schema": {"type": "string"}}},
                              "description": "JSON, or chunks as server-sent events when "
                                             "`stream` is true."}})
async def chat_completions(body: ChatRequest, sessions: SessionsDep,
                           svc: ServicesDep, credential: CredentialDep) -> Any:
    """The last user message is asked in the matching saywhy conversation (see the module
    notes in the API description: metadata.conversation_id, else a hash of earlier messages)."""
    question, prior = _question(body, svc.limits.max_message_chars)
    owner = _owner(credential, body.user)
    ticket = sessions.work.admit()
    try:
        cid = await run_in_threadpool(_conversation, sessions, body, prior, owner)
    except BaseException:
        ticket.release()
        raise
    created, ident = int(time.time()), "chatcmpl-" + secrets.token_hex(12)

    async def finish(answer: Answer) -> None:
        history = [*prior, ("user", question), ("assistant", " ".join(answer.text.split()))]
        await run_in_threadpool(sessions.store.bind_key, _key(owner, history), cid)

    if not body.stream:
        answer = await sessions.ask(cid, question, ticket=ticket)
        await finish(answer)
        return ChatCompletion(
            id=ident, created=created, model=MODEL,
            choices=[ChatChoice(message=ChatChoiceMessage(content=answer.text))],
            usage=_usage(prior, question, answer.text),
            saywhy={"conversation_id": cid, "answer": answer.model_dump(mode="json")})

    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def report(event: ProgressEvent) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, event.message)

    task = asyncio.create_task(sessions.ask(cid, question, ticket=ticket, on_progress=report))
    _background.add(task)
    task.add_done_callback(_background.discard)
    task.add_done_callback(lambda _: queue.put_nowait(None))
    return EventSourceResponse(_chunks(task, queue, ident, created, cid, finish),
                               ping=KEEPALIVE, sep="\n")


def _data(payload: Any) -> ServerSentEvent:
    """An unnamed event (OpenAI clients read only `data:`), framed by sse-starlette."""
    return JSONServerSentEvent(jsonable(payload), sep="\n")


def _chunk(ident: str, created: int, delta: dict[str, Any], finish: str | None = None,
           **extra: Any) -> ServerSentEvent:
    return _data({"id": ident, "object": "chat.completion.chunk", "created": created,
                  "model": MODEL, "choices": [{"index": 0, "delta": delta,
                                               "finish_reason": finish}], **extra})


async def _chunks(task: asyncio.Task[Answer], queue: asyncio.Queue[str | None], ident: str,
                  created: int, cid: str, finish: Any) -> AsyncIterator[ServerSentEvent]:
    yield _chunk(ident, created, {"role": "assistant", "content": ""})
    while (message := await queue.get()) is not None:  # progress as comments: clients skip them
        yield ServerSentEvent(comment=message, sep="\n")
    try:
        answer = task.result()
    except SaywhyError as exc:
        yield _data(error_body(exc.code, exc.user_text()))
        return
    except Exception:  # noqa: BLE001 - logged; the client gets a sentence
        log.exception("streamed chat completion failed")
        yield _data(error_body("internal_error", "Something went wrong."))
        return
    await finish(answer)
    for piece in re.findall(r"\S+\s*", answer.text):
        yield _chunk(ident, created, {"content": piece})
    yield _chunk(ident, created, {}, "stop", saywhy={"conversation_id": cid})
    yield ServerSentEvent("[DONE]", sep="\n")
