"""The REPL: Ctrl-C cancellation of a running turn (unit, with a fake conversation), and the real
`saywhy chat` on demo-sentiment driven in a pseudo-terminal (integration): two questions with a
follow-up, /state, Ctrl-C during a slow tool, /export, Ctrl-D."""

from __future__ import annotations

import _thread
import io
import os
import re
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from saywhy.agent.cli_worker import Cancelled, TurnRunner, install_test_delay, interrupt
from saywhy.agent.state import DialogueState, Turn
from tests.conftest import REAL_HOME


class BusyConversation:
    """Stands in for Conversation: ask() changes the state, then spins in a Python loop."""

    def __init__(self, seconds: float) -> None:
        self.state = DialogueState()
        self.ctx = type("Ctx", (), {"subset": None})()
        self.seconds = seconds
        self.finished = False
        self.started = threading.Event()

    def ask(self, text: str, *, cancel: threading.Event | None = None) -> str:
        # ignores `cancel` on purpose: a loop without checks needs the async-exception fallback
        self.state.focus_id = 99
        self.state.history.append(Turn(question=text, answer=""))
        self.started.set()
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            pass
        self.finished = True
        return f"answer to {text}"


def _press_ctrl_c_after(conv: BusyConversation, delay: float) -> None:
    def press() -> None:
        conv.started.wait(5)
        time.sleep(delay)
        _thread.interrupt_main()

    threading.Thread(target=press, daemon=True).start()


def test_turn_runner_returns_the_answer() -> None:
    conv = BusyConversation(0.0)
    assert TurnRunner(Console(file=io.StringIO())).ask(conv, "hi") == "answer to hi"
    assert conv.state.focus_id == 99 and len(conv.state.history) == 1


def test_ctrl_c_cancels_the_running_turn_and_restores_the_state() -> None:
    conv = BusyConversation(30.0)
    conv.state.focus_id = 7
    out = io.StringIO()
    runner = TurnRunner(Console(file=out))
    _press_ctrl_c_after(conv, 0.2)
    assert runner.ask(conv, "slow") is None
    runner.wait_idle()
    assert not conv.finished  # the loop was interrupted, not run to its end
    assert conv.state.focus_id == 7 and conv.state.history == []
    assert "Cancelled" in out.getvalue()
    assert runner.ask(BusyConversation(0.0), "next") == "answer to next"  # still usable


def test_errors_from_the_turn_reach_the_caller() -> None:
    class Failing(BusyConversation):
        def ask(self, text: str, *, cancel: threading.Event | None = None) -> str:
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        TurnRunner(Console(file=io.StringIO())).ask(Failing(0), "x")


def test_interrupt_is_held_back_while_a_thread_is_not_alive() -> None:
    t = threading.Thread(target=lambda: None)
    assert interrupt(t, Cancelled) is False


def test_slow_tool_hook_is_off_by_default_and_filters_by_name(monkeypatch: pytest.MonkeyPatch,
                                                              tiny_ctx: Any) -> None:
    from saywhy.tools import registry
    from saywhy.tools.registry import Tool

    monkeypatch.delenv("SAYWHY_TEST_SLOW_TOOL_SECONDS", raising=False)
    assert install_test_delay() == 0.0
    monkeypatch.setattr(Tool, "run", Tool.run)  # undone after the test
    monkeypatch.setenv("SAYWHY_TEST_SLOW_TOOL_SECONDS", "0.3")
    monkeypatch.setenv("SAYWHY_TEST_SLOW_TOOL", "model_info")
    assert install_test_delay() == 0.3
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


def _saywhy() -> str:
    exe = Path(sys.executable).with_name("saywhy")
    return str(exe) if exe.exists() else shutil.which("saywhy") or "saywhy"


@pytest.mark.integration
def test_chat_session_in_a_terminal(_saywhy_home: Path, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    _need_chat_assets()
    env = {**os.environ, "SAYWHY_HOME": str(_saywhy_home), "PROMPT_TOOLKIT_NO_CPR": "1",
           "SAYWHY_TEST_SLOW_TOOL_SECONDS": "60", "SAYWHY_TEST_SLOW_TOOL": "model_info",
           "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(_saywhy(), ["chat"], env=env, encoding="utf-8", timeout=180,
                          dimensions=(40, 120))
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
        child.expect("Thinking")
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
        shown = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]", "", screen.getvalue())[-3000:]
        pytest.fail(f"{type(exc).__name__} waiting for {exc.args[0].splitlines()[-1]!r}; "
                    f"the screen ended with:\n{shown}")
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

    from saywhy.agent.cli import app
    from tests.tiny import tiny_classifier_parts, tiny_frame

    model, tokenizer = tiny_classifier_parts()
    model.save_pretrained(tmp_path / "model")
    tokenizer.save_pretrained(tmp_path / "model")
    tiny_frame().to_csv(tmp_path / "reviews.csv", index=False)
    out = tmp_path / "t.md"
    res = CliRunner().invoke(app, ["chat", "--model", str(tmp_path / "model"), "--data",
                                   str(tmp_path / "reviews.csv")],
                             input=f"what do you predict for review 2?\n/state\n/export {out}\n")
    assert res.exit_code == 0, res.output
    assert "you › what do you predict for review 2?" in res.stdout
    assert "review #2" in res.stdout and re.search(r"focus\s+review #2", res.stdout)
    assert "\x1b[" not in res.stdout and out.is_file() and "Bye." in res.stdout
