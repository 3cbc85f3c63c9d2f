"""The REPL: Ctrl-C stopping a running turn through its cancel event (unit, on the tiny model
with scripted plans and real SIGINTs), progress drawn from `on_progress`, and the real
`saywhy chat` on demo-sentiment driven in a pseudo-terminal (integration): two questions with a
follow-up, /state, Ctrl-C during a slow tool, /export, Ctrl-D."""

from __future__ import annotations

import io
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from saywhy.agent.conversation import Conversation
from saywhy.agent.planner.base import Plan, ToolCall
from saywhy.agent.state import DialogueState, Turn
from saywhy.agent.terminal.progress import ProgressBoard
from saywhy.agent.terminal.repl import ctrl_c_interrupts
from saywhy.agent.terminal.worker import TurnRunner
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.registry import Result, Tool, ToolArgs
from saywhy.tools.turn import ProgressEvent
from tests.conftest import REAL_HOME, fail_with_screen
from tests.slow_tools import slowed

REPO = Path(__file__).resolve().parents[1]


class QuickConversation:
    """Stands in for Conversation: ask() changes the state and answers at once."""

    def __init__(self) -> None:
        self.state = DialogueState()

    def ask(self, text: str, **turn: Any) -> str:
        self.state.focus_id = 99
        self.state.history.append(Turn(question=text, answer=""))
        return f"answer to {text}"


def test_turn_runner_returns_the_answer() -> None:
    conv: Any = QuickConversation()
    assert TurnRunner(Console(file=io.StringIO())).ask(conv, "hi") == "answer to hi"
    assert conv.state.focus_id == 99 and len(conv.state.history) == 1


def test_errors_from_the_turn_reach_the_caller() -> None:
    class Failing(QuickConversation):
        def ask(self, text: str, **turn: Any) -> str:
            raise ValueError("boom")

    failing: Any = Failing()
    with pytest.raises(ValueError, match="boom"):
        TurnRunner(Console(file=io.StringIO())).ask(failing, "x")


# ---- Ctrl-C on a real conversation turn ------------------------------------------------------
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
        return "The test tool finished."


class Checking:
    """Works in 10 ms steps with a `ctx.check()` before each (2,000 of them: 20 s)."""

    def __init__(self) -> None:
        self.steps = 0
        self.cancelled_during = 0  # steps during which the turn's cancel event was set
        self.started = threading.Event()

    def __call__(self, ctx: ToolContext, args: NoArgs) -> Done:
        for _ in range(2000):
            ctx.check()
            self.started.set()
            time.sleep(0.01)
            self.steps += 1
            self.cancelled_during += ctx.limits.cancelled
        return Done()


class Uncheckable:
    """One long step without checks (a long forward pass), then done."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = threading.Event()
        self.finished = threading.Event()

    def __call__(self, ctx: ToolContext, args: NoArgs) -> Done:
        self.started.set()
        time.sleep(self.seconds)
        self.finished.set()
        return Done()


class Counting:
    """Reports its progress over 20 steps of 30 ms."""

    def __call__(self, ctx: ToolContext, args: NoArgs) -> Done:
        for i in range(20):
            ctx.progress(i, 20, "Counting 20 things (once)")
            time.sleep(0.03)
        ctx.progress(20, 20, "Counting 20 things (once)")
        return Done()


def _register(monkeypatch: pytest.MonkeyPatch, name: str, fn: Any) -> Any:
    registry.names()  # load the real tools first
    monkeypatch.setitem(registry._REGISTRY, name, Tool(name=name, args_model=NoArgs, fn=fn))
    return fn


@pytest.fixture
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored, as a process started in the background by a non-interactive shell
    inherits it: the runner must take Ctrl-C over by itself, and a stray press does nothing."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def press_ctrl_c(when: threading.Event, *delays: float) -> threading.Thread:
    """From another thread, once `when` is set: a real SIGINT after each delay."""
    def press() -> None:
        when.wait(10)
        for delay in delays:
            time.sleep(delay)
            os.kill(os.getpid(), signal.SIGINT)

    thread = threading.Thread(target=press, daemon=True)
    thread.start()
    return thread


def _conversation(tiny_ctx: ToolContext, *plans: list[tuple[str, dict[str, Any]]]
                  ) -> tuple[Conversation, dict[str, Any]]:
    """A conversation that has answered "review 3?", and its state as it is then."""
    conv = Conversation(ctx=tiny_ctx, planner=Planner([("predict", {"id": 3})], *plans))
    conv.ask("review 3?")
    return conv, conv.state.model_dump()


def test_ctrl_c_stops_a_turn_whose_tool_checks_within_one_check(
        tiny_ctx: ToolContext, monkeypatch: pytest.MonkeyPatch, sigint_ignored: None) -> None:
    tool = _register(monkeypatch, "t_checking", Checking())
    conv, before = _conversation(tiny_ctx, [("predict", {"id": 5}), ("t_checking", {})],
                                 [("predict", {"id": 1})])
    out = io.StringIO()
    runner = TurnRunner(Console(file=out))
    press_ctrl_c(tool.started, 0.2)
    started = time.monotonic()
    assert runner.ask(conv, "review 5, slowly") is None
    assert time.monotonic() - started < 5 and tool.steps < 2000
    assert tool.cancelled_during <= 1  # the first check after Ctrl-C stopped it
    assert "Cancelled" in out.getvalue()
    assert conv.state.model_dump() == before  # restored by Conversation.ask itself
    assert runner.ask(conv, "review 1?").kind == "answer"  # the next turn is not poisoned


def _abandon(tiny_ctx: ToolContext, monkeypatch: pytest.MonkeyPatch, out: io.StringIO
             ) -> tuple[TurnRunner, Conversation, dict[str, Any], Uncheckable]:
    """A turn stuck in a long step without checks; Ctrl-C twice: the runner stops waiting."""
    tool = _register(monkeypatch, "t_long", Uncheckable(3.0))
    conv, before = _conversation(tiny_ctx, [("predict", {"id": 5}), ("t_long", {})],
                                 [("predict", {"id": 1})])
    runner = TurnRunner(Console(file=out, force_terminal=True, width=100), spinner_after=0.0)
    press_ctrl_c(tool.started, 0.2, 0.3)
    started = time.monotonic()
    assert runner.ask(conv, "review 5, slowly") is None
    assert time.monotonic() - started < 2.5 and not tool.finished.is_set()  # did not wait
    assert "Cancelling" in out.getvalue() and "Stopped waiting" in out.getvalue()
    return runner, conv, before, tool


def test_a_second_ctrl_c_stops_waiting_and_the_answer_is_dropped(
        tiny_ctx: ToolContext, monkeypatch: pytest.MonkeyPatch, sigint_ignored: None) -> None:
    runner, conv, before, tool = _abandon(tiny_ctx, monkeypatch, io.StringIO())
    assert not runner.idle()
    assert tool.finished.wait(10)
    assert runner.wait_idle() and runner.idle()
    assert conv.state.model_dump() == before  # its answer dropped, the state as it was


def test_the_next_turn_waits_for_an_abandoned_one(
        tiny_ctx: ToolContext, monkeypatch: pytest.MonkeyPatch, sigint_ignored: None) -> None:
    out = io.StringIO()
    runner, conv, before, tool = _abandon(tiny_ctx, monkeypatch, out)
    answer = runner.ask(conv, "review 1?")  # at once: the abandoned turn is still running
    assert tool.finished.is_set()
    assert "Waiting for the cancelled question to finish" in out.getvalue()
    assert answer is not None and answer.kind == "answer" and conv.state.focus == {"id": 1}
    assert [t.question for t in conv.state.history] == ["review 3?", "review 1?"]


def test_the_repl_turns_ctrl_c_into_keyboard_interrupt_whatever_it_inherited(
        sigint_ignored: None) -> None:
    with pytest.raises(KeyboardInterrupt), ctrl_c_interrupts():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1.0)  # the handler runs in this thread, at its next bytecode
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # given back afterwards


# ---- progress ------------------------------------------------------------------------------
def test_the_board_shows_the_stage_and_a_bar_per_long_loop() -> None:
    board = ProgressBoard("Thinking", "(Ctrl-C cancels)")
    board.report(ProgressEvent("running", "running predict, performance"))
    board.report(ProgressEvent("tool", "Predicting 12,808 texts (once)", 2560, 12808))
    console = Console(record=True, width=120, color_system=None)
    console.print(board)
    shown = console.export_text()
    assert "Running predict, performance" in shown and "(Ctrl-C cancels)" in shown
    assert "Predicting 12,808 texts (once)" in shown and "2,560/12,808" in shown
    board.report(ProgressEvent("writing", "writing the answer"))  # a new stage: loops are over
    console.print(board)
    shown = console.export_text()
    assert "Writing the answer" in shown and "Predicting" not in shown


def test_a_turn_draws_its_progress_from_on_progress(tiny_ctx: ToolContext,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _register(monkeypatch, "t_counting", Counting())
    conv = Conversation(ctx=tiny_ctx, planner=Planner([("t_counting", {})]))
    out = io.StringIO()
    runner = TurnRunner(Console(file=out, force_terminal=True, width=100), spinner_after=0.0)
    assert runner.ask(conv, "count") is not None
    assert "Counting 20 things (once)" in out.getvalue() and "/20" in out.getvalue()


def test_slow_tools_nap_briefly_and_only_the_named_ones(monkeypatch: pytest.MonkeyPatch,
                                                        tiny_ctx: Any) -> None:
    monkeypatch.setattr(Tool, "run", slowed(Tool.run, 0.3, {"model_info"}))  # undone after
    naps: list[float] = []
    real_sleep = time.sleep

    def nap(seconds: float) -> None:
        naps.append(seconds)
        real_sleep(seconds)

    monkeypatch.setattr(time, "sleep", nap)
    registry.get("predict").run(tiny_ctx, {"text": "a good film"})
    assert naps == []  # not the named tool: no delay
    registry.get("model_info").run(tiny_ctx, {})
    assert naps and all(n <= 0.05 for n in naps)  # short naps, so Ctrl-C lands at once


# ---- the real REPL in a pseudo-terminal ------------------------------------------------------
PROMPT = "you ›"  # prompt_toolkit draws the trailing space as a cursor move


def _need_chat_assets() -> None:
    if not (REAL_HOME / "models" / "demo-sentiment" / "saywhy.json").is_file():
        pytest.skip("demo-sentiment is not built; run `make setup`")
    if not (REAL_HOME / "assets" / "rt-corpus").exists():
        pytest.skip("the demo corpus is missing; run `make setup`")


def _default_sigint() -> None:
    """In the child: Ctrl-C as a terminal user gets it, even when the tests were started from
    a shell that ignores SIGINT (the child would inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.integration
def test_chat_session_in_a_terminal(_saywhy_home: Path, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    _need_chat_assets()
    env = {**os.environ, "SAYWHY_HOME": str(_saywhy_home), "PROMPT_TOOLKIT_NO_CPR": "1",
           "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "tests.slow_tools", "model_info=60", "chat"],
                          env=env, cwd=str(REPO), encoding="utf-8", timeout=180,
                          codec_errors="replace",  # Ctrl-C flushes output mid-character
                          dimensions=(40, 120), preexec_fn=_default_sigint)
    screen = io.StringIO()
    child.logfile_read = screen
    try:
        child.expect("demo-sentiment")
        child.expect("Try, for example")
        child.expect(PROMPT)

        child.sendline("what do you predict for review 12?")
        child.expect("review #12")
        child.expect("predicts (positive|negative)")
        child.expect(PROMPT)

        child.sendline("why?")  # the follow-up resolves to review 12
        child.expect("review #12")
        child.expect("top words")
        child.expect(PROMPT)

        child.sendline("/state")
        child.expect(r"focus\s+review #12")
        child.expect(r"last tool\s+attribute")
        child.expect(r"turns\s+2")
        child.expect(r"planner\s+\w+")
        child.expect(PROMPT)

        child.sendline("what model is this?")  # model_info sleeps 60 s: cancel it
        child.expect("Running model_info")
        child.sendintr()
        child.expect("Cancelled", timeout=30)
        child.expect(PROMPT)

        child.sendline("/state")  # the cancelled turn left no trace
        child.expect(r"focus\s+review #12")
        child.expect(r"turns\s+2")
        child.expect(PROMPT)

        out = tmp_path / "talk.md"
        child.sendline(f"/export {out}")
        child.expect("Saved 2 turns")
        child.expect(PROMPT)

        child.sendeof()
        child.expect("Bye")
        child.expect(pexpect.EOF)
    except (pexpect.TIMEOUT, pexpect.EOF) as exc:
        fail_with_screen(exc, screen.getvalue())
    finally:
        child.close(force=True)
    assert child.exitstatus == 0
    text = out.read_text(encoding="utf-8")
    assert "what do you predict for review 12?" in text and "why?" in text
    assert "`attribute" in text and "what model is this" not in text
    assert (_saywhy_home / "chat-history").read_text(encoding="utf-8").count("review 12") >= 1


def test_chat_reads_plain_lines_from_a_pipe(tmp_path: Path) -> None:
    """Without a terminal, chat reads lines from stdin, echoes them and prints plain text."""
    if not (REAL_HOME / "assets" / "minilm").exists():
        pytest.skip("the MiniLM asset (offline planner) is missing; run `make setup`")
    from typer.testing import CliRunner

    from saywhy.agent.terminal.app import app
    from tests.tiny import save_tiny

    save_tiny(tmp_path)
    out = tmp_path / "t.md"
    res = CliRunner().invoke(app, ["chat", "--model", str(tmp_path / "model"), "--data",
                                   str(tmp_path / "reviews.csv")],
                             input=f"what do you predict for review 2?\n/state\n/export {out}\n")
    assert res.exit_code == 0, res.output
    assert "you › what do you predict for review 2?" in res.stdout
    assert "item #2" in res.stdout and re.search(r"focus\s+item #2", res.stdout)
    assert "\x1b[" not in res.stdout and out.is_file() and "Bye." in res.stdout
