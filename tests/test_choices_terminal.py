"""Clarifying choices in the real `saywhy chat`, driven in a pseudo-terminal (pexpect, as in
test_repl.py) on the tiny model: the readings appear numbered under the question with how to
pick one, typing 2 at the prompt runs the second, and /state shows it ran.

As a module it runs the saywhy command with the offline planner made torn for questions with
"then" (tests/test_choices.py), for the test to drive:

    python -m tests.test_choices_terminal chat --model DIR --data FILE
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from tests.conftest import fail_with_screen
from tests.test_choices import TORN, need_planner, tear
from tests.tiny import save_tiny

REPO = Path(__file__).resolve().parents[1]
PROMPT = "you ›"
STYLE = r"(?:\x1b\[[0-9;]*m)*"  # colour codes between a number and its reading


@pytest.mark.integration
def test_chat_in_a_terminal_offers_numbered_readings_and_2_picks(
        _saywhy_home: Path, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    need_planner()
    model, data = save_tiny(tmp_path)
    env = {**os.environ, "SAYWHY_HOME": str(_saywhy_home), "PROMPT_TOOLKIT_NO_CPR": "1",
           "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(sys.executable, ["-m", "tests.test_choices_terminal", "chat",
                                           "--model", str(model), "--data", str(data)],
                          env=env, cwd=str(REPO), encoding="utf-8", timeout=180,
                          codec_errors="replace", dimensions=(40, 120))
    screen = io.StringIO()
    child.logfile_read = screen
    try:
        child.expect(PROMPT)
        child.sendline(TORN)
        child.expect("Did you want")
        child.expect(rf"1 {STYLE}What the model says, for item 3")
        child.expect(rf"2 {STYLE}Why it said that, for item 3")
        child.expect("Type 1 or 2")
        child.expect(PROMPT)

        child.sendline("2")
        child.expect("item #3")
        child.expect(PROMPT)
        child.sendline("/state")
        child.expect(r"last tool\s+attribute")
        child.expect(PROMPT)

        child.sendeof()
        child.expect("Bye")
        child.expect(pexpect.EOF)
    except (pexpect.TIMEOUT, pexpect.EOF) as exc:
        fail_with_screen(exc, screen.getvalue())
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


def main(argv: list[str]) -> None:
    """Run saywhy with the planner torn for questions containing "then"."""
    tear(pytest.MonkeyPatch())
    from saywhy.agent.terminal.app import main as saywhy

    sys.argv = ["saywhy", *argv]
    saywhy()


if __name__ == "__main__":
    main(sys.argv[1:])
