"""Live conversations: each with its own ToolContext, answered on the work queue, saved per turn.

Every conversation gets its own `ToolContext` (`ToolContext.for_conversation()`: the one loaded
target, dataset and memo cache, its own subset and turn). Conversations are kept in a small LRU
and rebuilt from the store when needed, so a restart or an eviction loses nothing. One question
at a time per conversation (an asyncio lock, so waiting costs no worker thread). When a question overruns its
time budget the conversation is rebuilt from the store and the overrunning job's answer is
dropped, so the next question does not wait behind it.
"""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from saywhy.agent.answer import Answer
from saywhy.agent.conversation import Conversation
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import NotFoundError
from saywhy.tools.turn import Limits, OnProgress

from .errors import ServerBusy
from .limits import Ticket, WorkQueue
from .store import Store

Factory = Callable[[ToolContext], Conversation]


@dataclass
class Session:
    id: str
    conversation: Conversation
    abandoned: bool = False


@dataclass
class _Job:
    session: Session | None = None
    abandoned: bool = False


class Sessions:
    def __init__(self, base: ToolContext, store: Store, work: WorkQueue, factory: Factory,
                 cache_size: int = 64) -> None:
        self.base, self.store, self.work, self.factory = base, store, work, factory
        self.cache_size = cache_size
        self._cache: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()
        self._turns: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    # ---- building --------------------------------------------------------------------------
    def build(self, saved: dict[str, Any] | None = None) -> Conversation:
        ctx = self.base.for_conversation()
        fresh = self.factory(ctx)
        if not saved:
            return fresh
        return Conversation.from_dict(saved, ctx=ctx, planner=fresh.planner, writer=fresh.writer)

    def create(self, title: str = "", owner: str = "") -> dict[str, Any]:
        """A new conversation row owned by `owner`; its Conversation is built on first use."""
        cid = secrets.token_urlsafe(18)
        data = self.base.data
        return self.store.create(cid, {}, title=title, owner=owner,
                                 target=str(getattr(self.base.target, "name", "")),
                                 data=None if data is None else str(getattr(data, "name", "")))

    def session(self, cid: str) -> Session:
        """The live session (blocking: may rebuild it from the store)."""
        with self._lock:
            found = self._cache.get(cid)
            if found is not None:
                self._cache.move_to_end(cid)
                return found
        saved = self.store.state(cid)
        if saved is None:
            raise NotFoundError("There is no conversation with that id (it may have been deleted).")
        made = Session(cid, self.build(saved))
        with self._lock:
            found = self._cache.get(cid)
            if found is not None:
                return found
            self._cache[cid] = made
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return made

    def exists(self, cid: str) -> bool:
        return self.store.get(cid) is not None

    def require(self, cid: str) -> dict[str, Any]:
        row = self.store.get(cid)
        if row is None:
            raise NotFoundError("There is no conversation with that id (it may have been deleted).")
        return row

    def forget(self, cid: str) -> None:
        with self._lock:
            gone = self._cache.pop(cid, None)
            if gone is not None:
                gone.abandoned = True

    def delete(self, cid: str) -> None:
        self.forget(cid)
        if not self.store.delete(cid):
            raise NotFoundError("There is no conversation with that id (it may have been deleted).")
        self.forget(cid)

    # ---- asking ------------------------------------------------------------------------------
    @asynccontextmanager
    async def _one_at_a_time(self, cid: str) -> AsyncIterator[None]:
        lock, users = self._turns.setdefault(cid, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            try:
                await asyncio.wait_for(lock.acquire(), self.work.queue_timeout)
            except TimeoutError:
                raise ServerBusy("An earlier question in this conversation is still being "
                                 "answered; please try again shortly.") from None
            try:
                yield
            finally:
                lock.release()
        finally:
            users[0] -= 1
            if users[0] == 0:
                self._turns.pop(cid, None)

    async def ask(self, cid: str, text: str, *, ticket: Ticket | None = None,
                  on_progress: OnProgress | None = None) -> Answer:
        """Answer one question in conversation `cid` and save the turn; `on_progress` hears
        the turn's stages (called from the worker thread)."""
        ticket = ticket or self.work.admit()
        job = _Job()

        def run(cancel: threading.Event) -> Answer:
            session = self.session(cid)
            job.session = session
            answer = session.conversation.ask(text, limits=Limits.of(cancel=cancel),
                                              on_progress=on_progress)
            with self._lock:  # a timed-out job's answer is dropped, never saved
                if job.abandoned or session.abandoned:
                    return answer
                saved = self.store.save_turn(cid, session.conversation.to_dict(), answer.turn,
                                             text, answer.model_dump(mode="json"))
            if not saved:  # deleted while answering
                self.forget(cid)
                raise NotFoundError("The conversation was deleted while answering.")
            return answer

        def abandon() -> None:
            with self._lock:
                job.abandoned = True
                if job.session is not None:
                    job.session.abandoned = True
                    if self._cache.get(cid) is job.session:
                        del self._cache[cid]

        try:
            async with self._one_at_a_time(cid):
                return await self.work.run(run, on_timeout=abandon)
        finally:
            ticket.release()

    # ---- reading -----------------------------------------------------------------------------
    def transcript(self, cid: str) -> dict[str, Any]:
        row = self.require(cid)
        return {**row, "messages": self.store.messages(cid)}

    def export_markdown(self, cid: str) -> str:
        return self.session(cid).conversation.export_markdown()

    def cached(self) -> int:
        with self._lock:
            return len(self._cache)
