"""Limits that keep one busy client from hurting the others on a 2-core machine.

- `RateLimiter`: requests per client IP, on the `limits` library (429 with Retry-After).
- `BodyLimitMiddleware`: request bodies over a size are refused with 413 before they are parsed.
  Kept by hand because Starlette's `RequestBodyLimitMiddleware` answers in plain text (or
  FastAPI's `{"detail": ...}`), not in the API's `{"error": {code, message}}` shape that every
  other refusal uses and that clients branch on.
- `WorkQueue`: model work runs in a small thread pool, at most `workers` at once, with at most
  `capacity` requests admitted (running or waiting; more get 503). Each job has a time budget
  (504 when it runs over). A Python thread cannot be killed, so each job is given a cancel event
  (which it passes as its turn's limits) and an overrun sets it: the tools stop at their next
  `ctx.check()` (between batches) and the slot is freed then. Its slot is only freed when the
  thread is really done, so the cores are never oversubscribed by work that does not check.
  Kept by hand because no library bounds blocking work this way: `anyio.to_thread` limiters
  and executors queue without bound (no 503), and none hands the job a cancel event to stop at.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from saywhy.tools.errors import ToolTimeout

from .errors import RateLimited, ServerBusy, error_response

T = TypeVar("T")


# ---- request body size ------------------------------------------------------------------------
class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {limit:,} bytes.")


class BodyLimitMiddleware:
    """Refuse bodies over `limit` bytes: by Content-Length up front, else while reading."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(self.limit)  # FastAPI re-raises HTTPExceptions from the body
            return message

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, sending)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "payload_too_large", f"The request body is larger than "
                                  f"the limit of {self.limit:,} bytes.")
        await response(scope, receive, send)


# ---- rate limit ---------------------------------------------------------------------------------
class RateLimiter:
    """Requests per client key on the `limits` library (the one slowapi is built on).

    A moving window of `burst` requests per `burst / per_minute` minutes: a client may send a
    burst of `burst` at once and, over time, `per_minute` a minute, which is what a token bucket of
    that size and rate allows. It is called from the `guard` dependency rather than through
    slowapi's decorator and app-level exception handler, because the token has to be checked
    first and a request without it charged to a key of its own (see `dependencies.guard`).
    The in-memory storage drops a key once its window has passed, so idle clients cost nothing.
    """

    def __init__(self, per_minute: float, burst: int) -> None:
        self.enabled = per_minute > 0
        seconds = max(1, round(burst * 60 / per_minute)) if self.enabled else 1
        self.item = RateLimitItemPerSecond(burst, seconds)
        self._window = MovingWindowRateLimiter(MemoryStorage())

    def check(self, key: str) -> None:
        """Count one request for `key`, or raise RateLimited saying when to come back."""
        if not self.enabled or self._window.hit(self.item, key):
            return
        wait = max(1.0, self._window.get_window_stats(self.item, key).reset_time - time.time())
        raise RateLimited(f"Too many requests from this client; try again in {round(wait)} s.",
                          retry_after=wait)


# ---- bounded model work -------------------------------------------------------------------------
class Ticket:
    """An admitted request's place in the queue; `release()` is idempotent."""

    def __init__(self, queue: WorkQueue) -> None:
        self._queue: WorkQueue | None = queue

    def release(self) -> None:
        queue, self._queue = self._queue, None
        if queue is not None:
            with queue._lock:
                queue.admitted -= 1


class WorkQueue:
    """A bounded pool for blocking model work, driven from asyncio."""

    def __init__(self, workers: int = 2, queue_limit: int = 32, queue_timeout: float = 300.0,
                 timeout: float = 300.0) -> None:
        self.workers = workers
        self.capacity = workers + queue_limit
        self.queue_timeout = queue_timeout
        self.timeout = timeout
        self.admitted = 0  # requests holding a ticket (running or waiting)
        self.running = 0  # jobs on a worker thread, including ones that overran their budget
        self._lock = threading.Lock()
        self._slots: asyncio.Semaphore | None = None  # made on the serving loop, FIFO
        self._loop: asyncio.AbstractEventLoop | None = None
        self._executor: ThreadPoolExecutor | None = None  # made on first use, again after shutdown

    def admit(self) -> Ticket:
        """A ticket, or ServerBusy when `capacity` requests are already in."""
        with self._lock:
            if self.admitted >= self.capacity:
                raise ServerBusy(f"The server is busy ({self.admitted} questions in progress or "
                                 "waiting); please try again shortly.")
            self.admitted += 1
        return Ticket(self)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"workers": self.workers, "running": self.running,
                    "admitted": self.admitted, "capacity": self.capacity}

    async def run(self, fn: Callable[[threading.Event], T], *, timeout: float | None = None,
                  on_timeout: Callable[[], Any] | None = None) -> T:
        """Run `fn(cancel)` on a worker once one is free; its time budget starts when it
        starts. On overrun `cancel` is set (the turn stops at its next check), then
        `on_timeout()`."""
        loop = asyncio.get_running_loop()
        if self._slots is None or self._loop is not loop:
            self._slots, self._loop = asyncio.Semaphore(self.workers), loop
        slots = self._slots
        try:
            await asyncio.wait_for(slots.acquire(), self.queue_timeout)
        except TimeoutError:
            raise ServerBusy("No worker became free in time; please try again shortly.") from None
        with self._lock:
            self.running += 1
        cancel = threading.Event()  # set on overrun: the job stops and frees its slot

        def free(_future: Future[Any] | None = None) -> None:
            with self._lock:
                self.running -= 1
            try:
                loop.call_soon_threadsafe(slots.release)
            except RuntimeError:  # the loop is closed: the server is stopping
                pass

        try:
            with self._lock:
                if self._executor is None:
                    self._executor = ThreadPoolExecutor(max_workers=self.workers,
                                                        thread_name_prefix="saywhy-work")
                executor = self._executor
            future: Future[T] = executor.submit(fn, cancel)
        except BaseException:
            free()
            raise
        future.add_done_callback(free)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future),
                                          timeout if timeout is not None else self.timeout)
        except TimeoutError:
            cancel.set()
            if on_timeout is not None:
                on_timeout()
            budget = timeout if timeout is not None else self.timeout
            raise ToolTimeout(f"Answering took longer than the server's limit of {budget:g} s, "
                              "so it was abandoned and not added to the conversation.",
                              hint="The conversation is still usable: ask again, perhaps about a "
                                   "shorter text or a smaller sample.") from None

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)

