"""`Conversation.ask(text) -> Answer`: the one entry point of the terminal, the server and evals.

A conversation owns the dialogue state. Each turn: plan (offline or LLM planner), run the planned
catalogue tools with validated arguments, update the state from what ran (as each tool declares:
focus, subset, label, method), and write the answer (embedded or LLM writer). Results stay typed
(`Result` objects) until they leave the process. Errors become words for their audience: a
UserError is a plain sentence, a planner's bad arguments are retried once (LLM) or become a
clarifying question, a system failure is a short apology; stack traces go to the log only.

One turn, one way to control it: `ask(text, limits=Limits.of(deadline_s, cancel),
on_progress=callback)` scopes both on the ToolContext (`ctx.turn`). Tools call `ctx.check()`
between batches and `ctx.progress()` in long loops; the conversation reports its own stages
(planning, running, writing). A stopped turn raises `CancelledByUser` / `ToolTimeout` with the
dialogue state as it was before the question. `plan(text)` is the planner-only turn of
`saywhy parse`. How calls run and move the state is in `tool_runs.py`, how errors become words in
`error_words.py`, how a reply picks an offered reading in `picking.py`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING, Any

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import ToolArgsError, UserError
from saywhy.tools.registry import Result
from saywhy.tools.turn import Limits, OnProgress

from .answer import Answer, AnswerError, AnswerKind, numbered, offer_text
from .error_words import clarify, failure_answer
from .picking import pick, picked_number
from .planner.base import Plan
from .planner.llm import NOTICE
from .planner.protocol import Planner
from .state import DialogueState, Turn
from .tool_runs import move_state, run_calls
from .transcript import markdown
from .writer.base import Writer, WriteRequest, subset_phrase
from .writer.embedded import EmbeddedWriter
from .writer.llm import compact

if TYPE_CHECKING:
    from saywhy.tools.data.dataset import Dataset
    from saywhy.tools.target.base import Target

log = logging.getLogger(__name__)
FORMAT_VERSION = 1
EMPTY = ("Ask me about the model: for example \"what does it predict for item 3?\", "
         "\"why?\" or \"which words matter most?\".")


class Conversation:
    """One dialogue with one target. Thread-safe: one question at a time."""

    def __init__(self, target: Target | None = None, data: Dataset | None = None,
                 planner: Planner | None = None, writer: Writer | None = None, *,
                 ctx: ToolContext | None = None, state: DialogueState | None = None,
                 seed: int = 0) -> None:
        if ctx is None:
            if target is None:
                raise ValueError("Conversation needs a target or a ToolContext")
            ctx = ToolContext(target=target, data=data, seed=seed)
        self.ctx = ctx
        self.seed = seed
        self.state = state or DialogueState()
        if planner is None:
            from .planner.offline import OfflinePlanner

            planner = OfflinePlanner.for_context(ctx)
        self.planner: Planner = planner
        self.writer: Writer = writer or EmbeddedWriter(seed)
        self._lock = threading.Lock()

    # ---- one turn -------------------------------------------------------------------------
    def ask(self, text: str, *, limits: Limits | None = None,
            on_progress: OnProgress | None = None) -> Answer:
        """Answer one question and record it in the history.

        `limits` (a deadline, a cancel event another thread sets, e.g. on Ctrl-C; a new event
        per turn) stop the turn at its next check; `on_progress` hears its stages and the
        progress of long tools. A stopped turn raises CancelledByUser or ToolTimeout and leaves
        the dialogue state as it was before the question; so does any other exception escaping.
        """
        with self._lock, self.ctx.turn(limits, on_progress):
            snapshot = self.state.model_copy(deep=True)
            try:
                self.ctx.check()
                started = time.perf_counter()
                answer = self._ask((text or "").strip())
                answer.timings["total"] = round(time.perf_counter() - started, 4)
                self.ctx.check()  # stopped while writing: still no trace
                self._record(text, answer)
            except BaseException:
                self._restore(snapshot)
                raise
            return answer

    def plan(self, text: str) -> Plan:
        """Plan `text` without running any tool (`saywhy parse`), and advance the state as if
        the planned calls had run: the focus and the last tool/method/label follow their
        arguments (a `filter` sets no subset: nothing ran), and the turn joins the history
        with the reply or clarifying question as its answer."""
        with self._lock:
            question = (text or "").strip()
            try:
                plan = (self.planner.plan(question, self.state) if question
                        else Plan(clarify="(empty question)"))
                for call in plan.calls:  # the one validation `_run` would do, without running
                    found = registry.find(call.tool)
                    if found is None:
                        raise ToolArgsError(f"Unknown tool {call.tool!r}.")
                    found.validate(call.args)
            except ToolArgsError as exc:
                plan = Plan(clarify=clarify(exc))
            for call in plan.calls:
                move_state(self.ctx, self.state, call, None)
            self.state.last_calls = list(plan.calls)
            self.state.history.append(Turn(question=text, answer=plan.reply or plan.clarify or "",
                                           calls=list(plan.calls)))
            return plan

    def _restore(self, snapshot: DialogueState) -> None:
        self.state = snapshot
        self.ctx.subset = snapshot.subset

    def _ask(self, text: str) -> Answer:
        self.ctx.subset = self.state.subset  # the state is the truth (it may have been restored)
        if not text:
            return Answer(text=EMPTY, kind="clarify")
        t0 = time.perf_counter()
        self.ctx.stage("planning", "planning")
        offered = list(self.state.choices)
        chosen = pick(text, offered)
        self.state.choices = []
        if chosen is None and offered and picked_number(text) is not None:
            self.state.choices = offered  # a number beyond the readings: offer them again
            return Answer(text=offer_text(f"There {'is' if len(offered) == 1 else 'are'} only "
                                          f"{len(offered)} readings to pick from:",
                                          [c.text for c in offered]),
                          kind="clarify", choices=numbered([c.text for c in offered]))
        try:
            plan = (Plan(calls=list(chosen.calls), intent="choice") if chosen is not None
                    else self.planner.plan(text, self.state))
        except ToolArgsError as exc:
            plan = Plan(clarify=clarify(exc))
        except Exception as exc:
            return self._failure(exc)
        timings = {"plan": round(time.perf_counter() - t0, 4)}
        notices = [n[len(NOTICE):] for n in plan.notes if n.startswith(NOTICE)]
        planner_name = plan.planner or getattr(self.planner, "name", "")

        def done(words: str, kind: AnswerKind, **fields: Any) -> Answer:
            return Answer(text=_with_notices(words, notices), kind=kind, timings=timings,
                          planner=planner_name, notices=list(notices), **fields)

        if plan.reply or plan.clarify or not plan.calls:
            self.state.choices = list(plan.choices)
            words = (plan.reply or plan.clarify
                     or f"I am not sure what you would like to know. {EMPTY}")
            if plan.choices:
                words = offer_text(words, [c.text for c in plan.choices])
            return done(words, "reply" if plan.reply else "clarify",
                        choices=numbered([c.text for c in plan.choices]))

        previous_focus = dict(self.state.focus)
        snapshot = self.state.model_copy(deep=True)
        t1 = time.perf_counter()
        calls, results, error, failed = run_calls(self.ctx, self.state, plan.calls)
        retry = getattr(self.planner, "retry", None)
        if isinstance(error, ToolArgsError) and retry is not None:
            self.state, self.ctx.subset = snapshot, snapshot.subset  # undo the partial turn
            try:
                plan = retry(text, self.state, plan.calls, error, failed)
            except Exception as exc:
                return self._failure(exc)
            if not plan.calls:
                return done(plan.reply or plan.clarify or clarify(error),
                            "reply" if plan.reply else "clarify")
            calls, results, error, failed = run_calls(self.ctx, self.state, plan.calls)
        timings["tools"] = round(time.perf_counter() - t1, 4)
        for i, r in enumerate(results, 1):
            timings[f"{i}:{r.tool or '?'}"] = float(r.seconds)

        error_text: str | None = None
        answer_error: AnswerError | None = None
        kind: AnswerKind = "answer"
        if isinstance(error, ToolArgsError):  # the planner's mistake: ask back
            error_text, kind = clarify(error), "clarify"
        elif isinstance(error, UserError):  # the user's: say it plainly
            error_text = error.user_text()
            answer_error = AnswerError(code=error.code, message=error_text,
                                       http_status=error.http_status)
        elif error is not None:  # the system's: apologise
            failure = self._failure(error)
            failure.calls, failure.results, failure.timings = calls, results, timings
            return failure
        if not results:
            return done(error_text or EMPTY, "clarify" if kind == "clarify" else "error",
                        calls=calls, error=answer_error)

        self.state.last_calls = calls
        self.state.last_results = [r.to_json() for r in results]
        t2 = time.perf_counter()
        self.ctx.stage("writing", "writing the answer")
        request = WriteRequest(question=text, calls=calls, results=results, state=self.state,
                               turn=len(self.state.history) + 1, error=error_text,
                               previous_focus=previous_focus)
        try:
            written = self.writer.write(request)
        except Exception:
            log.exception("the writer failed; using the embedded writer")
            written = EmbeddedWriter(self.seed).write(request)
        timings["write"] = round(time.perf_counter() - t2, 4)
        answer = done(written.text, kind, calls=calls, results=results, error=answer_error,
                      refers_to=_referent(results, self.state), writer=written.writer)
        answer.notices += [n for n in written.notes if n not in notices]
        return answer

    def _failure(self, exc: BaseException) -> Answer:
        self.ctx.check()  # a failure because the turn was stopped is not an answer: stop
        return failure_answer(exc)

    def _record(self, question: str, answer: Answer) -> None:
        answer.turn = len(self.state.history) + 1
        if self.state.subset is not None:
            answer.subset = {"size": len(self.state.subset.ids),
                             "description": self.state.subset.description}
        self.state.history.append(Turn(
            question=question, answer=answer.text, calls=answer.calls,
            results=[compact(r.to_json(), max_list=50, max_str=2000) for r in answer.results],
            seconds=answer.timings.get("total", 0.0)))

    # ---- state, persistence ----------------------------------------------------------------
    def reset(self) -> None:
        """Forget focus, subset and last results (the history stays)."""
        with self._lock:
            self.state.reset()
            self.ctx.subset = None

    def to_dict(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, "seed": self.seed,
                "target": getattr(self.ctx.target, "name", ""),
                "data": getattr(self.ctx.data, "name", None),
                "state": self.state.model_dump(mode="json")}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, ctx: ToolContext | None = None,
                  target: Target | None = None, dataset: Dataset | None = None,
                  planner: Planner | None = None, writer: Writer | None = None) -> Conversation:
        if data.get("version") != FORMAT_VERSION:
            raise UserError(f"This conversation was saved in format {data.get('version')!r}; "
                            f"this saywhy reads format {FORMAT_VERSION}.")
        state = DialogueState.model_validate(data.get("state") or {})
        conv = cls(target=target, data=dataset, planner=planner, writer=writer, ctx=ctx,
                   state=state, seed=int(data.get("seed", 0)))
        conv.ctx.subset = state.subset
        return conv

    def export_markdown(self) -> str:
        """The transcript with each turn's tool calls and results, for sharing or a report."""
        return markdown(self.state, self.ctx)


# ---- helpers ---------------------------------------------------------------------------------
def _with_notices(text: str, notices: list[str]) -> str:
    return " ".join([f"({n})" for n in notices] + [text]) if notices else text


def _referent(results: list[Result], state: DialogueState) -> str | None:
    for r in results:
        referent = getattr(r, "referent", None)
        if referent:
            return str(referent)
    return subset_phrase(state)
