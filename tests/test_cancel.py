"""Cooperative cancellation: `ctx.check()` and the turn's limits, on the tiny models.

A cancel event or a deadline stops a turn at its next check (between tool calls, between the
batches of a tool's loop), with the dialogue state as it was before the question; the next turn
is not affected. Long loops are shown to stop early by counting model calls, not by timing.
"""

from __future__ import annotations

import _thread
import asyncio
import io
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from rich.console import Console

from saywhy.agent.conversation import Conversation
from saywhy.agent.planner.base import Plan, ToolCall
from saywhy.agent.state import DialogueState
from saywhy.agent.terminal import worker
from saywhy.server.limits import WorkQueue
from saywhy.tools import counterfactual, registry
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import CancelledByUser, ToolTimeout, http_status
from saywhy.tools.registry import Result, Tool, ToolArgs
from saywhy.tools.turn import Limits
from tests.slow_tools import slowed

SLOW_STEPS = 2000  # the slow tool's length in 10 ms steps: 20 s if nothing stops it


class Planner:
    """Returns the given plans in order."""

    name = "scripted"

    def __init__(self, *plans: list[tuple[str, dict[str, Any]]]) -> None:
        self.plans = [Plan(calls=[ToolCall(tool=t, args=a) for t, a in p]) for p in plans]

    def plan(self, text: str, state: DialogueState) -> Plan:
        return self.plans.pop(0)


class NoArgs(ToolArgs):
    pass


class Done(Result):
    def summary(self) -> str:
        return "The slow tool finished."


class SlowTool:
    """A tool that works in 10 ms steps with a `ctx.check()` before each; counts its steps."""

    def __init__(self) -> None:
        self.steps = 0
        self.started = threading.Event()

    def __call__(self, ctx: ToolContext, args: NoArgs) -> Done:
        for _ in range(SLOW_STEPS):
            ctx.check()
            self.steps += 1
            self.started.set()
            time.sleep(0.01)
        return Done()


@pytest.fixture
def slow_tool(monkeypatch: pytest.MonkeyPatch) -> SlowTool:
    registry.names()  # load the real tools first
    fn = SlowTool()
    monkeypatch.setitem(registry._REGISTRY, "t_slow", Tool(name="t_slow", args_model=NoArgs,
                                                           fn=fn))
    return fn


def when(event: threading.Event, then: Any) -> None:
    """From another thread: once `event` is set, call `then()`."""
    threading.Thread(target=lambda: event.wait(10) and then(), daemon=True).start()


class CountingModel:
    """Counts the target's predict_proba calls; call number `stop_at` waits until another
    thread has set `cancel`, so "cancelled while a batch runs" happens deterministically."""

    def __init__(self, target: Any, monkeypatch: pytest.MonkeyPatch, cancel: threading.Event,
                 stop_at: int) -> None:
        self.calls = 0
        self.reached = threading.Event()
        original = target.predict_proba

        def counted(texts: list[str], *args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == stop_at:
                self.reached.set()
                assert cancel.wait(10)
            return original(texts, *args, **kwargs)

        monkeypatch.setattr(target, "predict_proba", counted)
        when(self.reached, cancel.set)


# ---- the token ----------------------------------------------------------------------------------
def test_check_passes_without_limits_and_a_past_deadline_is_a_timeout(tiny_ctx: ToolContext
                                                                      ) -> None:
    tiny_ctx.check()
    assert tiny_ctx.limits.deadline is None
    with tiny_ctx.turn(Limits.of(deadline_s=-1.0)):
        assert tiny_ctx.limits.deadline is not None
        assert tiny_ctx.limits.deadline <= time.monotonic()
        with pytest.raises(ToolTimeout) as caught:
            tiny_ctx.check()
    assert http_status(caught.value) == 504 and "time limit" in caught.value.user_text()
    tiny_ctx.check()  # the scope is over: nothing left behind
    assert tiny_ctx.limits.deadline is None


def test_a_cancel_is_scoped_to_its_turn_and_nested_scopes_combine(tiny_ctx: ToolContext) -> None:
    outer = threading.Event()
    with tiny_ctx.turn(Limits.of(cancel=outer)):
        with tiny_ctx.turn(Limits.of(deadline_s=60.0)):
            tiny_ctx.check()
            outer.set()
            with pytest.raises(CancelledByUser) as caught:  # the outer event still counts
                tiny_ctx.check()
        assert tiny_ctx.limits.cancelled
    assert "Cancelled" in caught.value.user_text() and caught.value.code == "cancelled"
    tiny_ctx.check()  # the event is still set, but it belonged to that turn only
    assert not tiny_ctx.limits.cancelled


def test_each_conversation_context_has_its_own_turn(tiny_ctx: ToolContext) -> None:
    """Contexts made for other conversations share the cache but not the turn: cancelling one
    conversation's question never stops another's."""
    cancel = threading.Event()
    other = tiny_ctx.for_conversation()
    assert other.cache is tiny_ctx.cache and other.subset is None
    with tiny_ctx.turn(Limits.of(cancel=cancel)):
        cancel.set()
        with pytest.raises(CancelledByUser):
            tiny_ctx.check()
        other.check()
        with other.turn(Limits.of(deadline_s=60.0)):
            other.check()
    tiny_ctx.check()


# ---- a conversation turn ------------------------------------------------------------------------
def test_cancel_while_a_slow_tool_runs_stops_it_and_leaves_no_trace(tiny_ctx: ToolContext,
                                                                    slow_tool: SlowTool) -> None:
    conv = Conversation(ctx=tiny_ctx, planner=Planner(
        [("predict", {"id": 3})], [("predict", {"id": 5}), ("t_slow", {})],
        [("predict", {"id": 1})]))
    conv.ask("review 3?")
    before = conv.state.model_dump()
    cancel = threading.Event()
    when(slow_tool.started, cancel.set)
    with pytest.raises(CancelledByUser):
        conv.ask("review 5, slowly", limits=Limits.of(cancel=cancel))
    assert 0 < slow_tool.steps < SLOW_STEPS  # stopped at a check, long before its end
    assert conv.state.model_dump() == before  # no focus on 5, no history entry
    answer = conv.ask("review 1?")  # the next turn is not poisoned by the set event
    assert answer.kind == "answer" and conv.state.focus == {"id": 1}
    assert [t.question for t in conv.state.history] == ["review 3?", "review 1?"]


def test_a_cancel_set_before_the_turn_runs_nothing(tiny_ctx: ToolContext,
                                                   slow_tool: SlowTool) -> None:
    conv = Conversation(ctx=tiny_ctx, planner=Planner([("t_slow", {})]))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledByUser):
        conv.ask("slowly", limits=Limits.of(cancel=cancel))
    assert slow_tool.steps == 0 and conv.state.history == [] and len(conv.planner.plans) == 1


def test_a_deadline_stops_the_turn_with_a_timeout(tiny_ctx: ToolContext,
                                                  slow_tool: SlowTool) -> None:
    conv = Conversation(ctx=tiny_ctx, planner=Planner(
        [("predict", {"id": 2}), ("t_slow", {})]))
    with pytest.raises(ToolTimeout):
        conv.ask("review 2, slowly", limits=Limits.of(deadline_s=0.3))
    assert slow_tool.steps < SLOW_STEPS
    assert conv.state.focus == {} and conv.state.history == []
    conv.planner = Planner([("predict", {"id": 4})])
    assert conv.ask("review 4?").kind == "answer"


def test_ctrl_c_in_the_repl_stops_the_turn_at_its_next_check(tiny_ctx: ToolContext,
                                                             slow_tool: SlowTool,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    def press_ctrl_c() -> None:  # a moment after the tool started, as a person would
        time.sleep(0.2)
        _thread.interrupt_main()

    conv = Conversation(ctx=tiny_ctx, planner=Planner(
        [("predict", {"id": 3})], [("t_slow", {})], [("predict", {"id": 1})]))
    conv.ask("review 3?")
    before = conv.state.model_dump()
    out = io.StringIO()
    runner = worker.TurnRunner(Console(file=out))
    when(slow_tool.started, press_ctrl_c)
    assert runner.ask(conv, "slowly") is None
    assert not hasattr(worker, "interrupt")  # the event stopped it: there is no other way
    assert slow_tool.steps < SLOW_STEPS and "Cancelled" in out.getvalue()
    assert conv.state.model_dump() == before
    assert runner.ask(conv, "review 1?").kind == "answer"


def test_the_slow_tool_hook_checks_the_turn(tiny_ctx: ToolContext,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Tool, "run", slowed(Tool.run, 30, {"model_info"}))  # undone after
    naps: list[float] = []
    real_sleep = time.sleep

    def nap(seconds: float) -> None:
        naps.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", nap)
    with tiny_ctx.turn(Limits.of(deadline_s=0.2)), pytest.raises(ToolTimeout):
        registry.get("model_info").run(tiny_ctx, {})
    assert len(naps) < 30 / 0.05  # stopped long before its 600 naps


# ---- long loops stop within a batch -------------------------------------------------------------
def test_global_importance_stops_between_texts_and_keeps_what_it_explained(
        tiny_classifier: Any, tiny_dataset: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = ToolContext(target=tiny_classifier, data=tiny_dataset, seed=8128)  # its own store
    cancel = threading.Event()
    # calls: 1 for every f(x), then one occlusion batch per text; the 3rd is the 2nd text's
    model = CountingModel(tiny_classifier, monkeypatch, cancel, stop_at=3)
    with ctx.turn(Limits.of(cancel=cancel)), pytest.raises(CancelledByUser):
        registry.get("global_importance").run(ctx, {})
    assert model.calls == 3  # of 1 + 12
    again = registry.get("global_importance").run(ctx, {})  # no limits: runs to the end
    assert again.computed == len(tiny_dataset) - 2  # the two explained texts were kept
    assert model.calls == 3 + len(tiny_dataset) - 2


def test_counterfactual_search_stops_within_a_batch(tiny_ctx: ToolContext,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # nothing ever flips, so the search would spend its whole budget (15 batches on this text)
    monkeypatch.setattr(counterfactual._Search, "flips", lambda self, p: False)
    cancel = threading.Event()
    model = CountingModel(tiny_ctx.target, monkeypatch, cancel, stop_at=4)
    text = "a gorgeous , witty film with great acting and a moving story"
    with tiny_ctx.turn(Limits.of(cancel=cancel)), pytest.raises(CancelledByUser):
        registry.get("counterfactual").run(tiny_ctx, {"text": text, "k": 5})
    assert model.calls == 4  # f(x), occlusion, the first beam step, the second: then it stopped


# ---- the server's work queue --------------------------------------------------------------------
@pytest.fixture
def work() -> Iterator[WorkQueue]:
    queue = WorkQueue(workers=1, queue_limit=1, timeout=0.2)
    yield queue
    queue.shutdown()


def test_a_timed_out_job_is_cancelled_and_frees_its_slot(work: WorkQueue) -> None:
    steps: list[int] = []
    late: list[bool] = []

    def job(cancel: threading.Event) -> str:
        for i in range(SLOW_STEPS):
            Limits.of(cancel=cancel).check()
            steps.append(i)
            time.sleep(0.01)
        return "finished"

    async def main() -> None:
        with pytest.raises(ToolTimeout):
            await work.run(job, on_timeout=lambda: late.append(True))
        for _ in range(1000):  # the job stops at its next check and gives its worker back
            if not work.stats()["running"]:
                break
            await asyncio.sleep(0.01)
        assert work.stats()["running"] == 0
        assert await work.run(lambda cancel: "next", timeout=30) == "next"

    asyncio.run(main())
    assert late == [True] and 0 < len(steps) < SLOW_STEPS
