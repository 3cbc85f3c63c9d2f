"""Clarifying choices in the conversation and the terminal: an unclear question is answered with
its likeliest readings numbered; the next message picks one by number, ordinal or words and the
turn runs that reading. In `saywhy chat` (read from a pipe) the readings are a numbered list under
the question with how to pick one; `saywhy ask --json` carries them as {number, text}.

The offline planner is made torn on purpose (its intent classifier patched, as in
test_planner_targets.py) for questions containing TORN, so the offer comes from the real planner
and the picked reading runs the real tools on the tiny model.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from saywhy.agent.answer import Answer, offer_text
from saywhy.agent.conversation import Conversation, pick, picked_number
from saywhy.agent.planner.base import Choice, ToolCall
from saywhy.tools.context import ToolContext
from tests.conftest import REAL_HOME
from tests.tiny import save_tiny

TORN = "review 3 then"  # the question the patched planner cannot decide on
READINGS = {"predict": 0.40, "attribute": 0.39, "similar": 0.11, "show": 0.10}


def need_planner() -> None:
    if not (REAL_HOME / "assets" / "minilm").exists():
        pytest.skip("the MiniLM asset (offline planner) is missing; run `make setup`")


def tear(monkeypatch: pytest.MonkeyPatch) -> None:
    """The offline planner's intent classifier finds "predict" and "attribute" equally likely
    for any text containing "then" (and classifies everything else as it would)."""
    from saywhy.agent.planner.intent.classifier import IntentClassifier, Prediction

    real = IntentClassifier.predict

    def torn(self: IntentClassifier, texts: list[str]) -> list[Prediction]:
        out = real(self, texts)
        return [Prediction.of(READINGS) if "then" in t else p
                for t, p in zip(texts, out, strict=True)]

    monkeypatch.setattr(IntentClassifier, "predict", torn)


def offered(answer: Answer) -> list[tuple[int, str]]:
    return [(o.number, o.text) for o in answer.choices]


@pytest.fixture
def torn_conv(tiny_ctx: ToolContext, monkeypatch: pytest.MonkeyPatch) -> Conversation:
    need_planner()
    tear(monkeypatch)
    return Conversation(ctx=tiny_ctx)


# ---- picking ---------------------------------------------------------------------------------
@pytest.mark.parametrize("said,number", [
    ("2", 2), ("2.", 2), ("(2)", 2), ("#2", 2), ("option 2", 2), ("the second one", 2),
    ("2nd please", 2), ("no, the second", 2), ("ok 1", 1), ("the first", 1), ("three", 3),
    ("I meant the first one", 1), ("3rd", 3),
])
def test_a_bare_number_or_ordinal_picks(said: str, number: int) -> None:
    assert picked_number(said) == number


@pytest.mark.parametrize("said", ["12", "item 2", "why 2?", "two words matter",
                                  "what about 1 and 2", "predict review 2", ""])
def test_a_question_with_a_number_in_it_is_not_a_pick(said: str) -> None:
    assert picked_number(said) is None


def test_a_reading_is_picked_by_its_words_in_any_case_and_punctuation() -> None:
    one = Choice(text="What the model says, for review 12",
                 calls=[ToolCall(tool="predict", args={"id": 12})])
    two = Choice(text="Why it said that, for review 12",
                 calls=[ToolCall(tool="attribute", args={"id": 12})])
    assert pick("what the model says, for REVIEW 12!", [one, two]) is one
    assert pick("Why it said that", [one, two]) is two  # the words before the comma
    assert pick("for review 12", [one, two]) is None  # shared by both: no pick
    assert pick("why did it say that?", [one, two]) is None  # a new question
    assert pick("2", [one]) is None and pick("1", []) is None


def test_the_listing_is_in_the_text_and_lead_is_the_question_alone() -> None:
    readings = ["What the model says, for review 3", "Why it said that, for review 3",
                "Similar reviews, for review 3"]
    answer = Answer(text="(a notice) " + offer_text("Which did you mean?", readings),
                    kind="clarify", choices=readings)
    assert offered(answer) == list(enumerate(readings, 1))
    assert answer.lead() == "(a notice) Which did you mean?"
    lines = answer.text.splitlines()
    assert [ln for ln in lines if ln[:2] in ("1.", "2.", "3.")] == [
        f"{n}. {r}" for n, r in enumerate(readings, 1)]
    assert "1, 2 or 3" in lines[-1]
    assert Answer(text="plain").lead() == "plain"
    stored = Answer.model_validate(json.loads(answer.model_dump_json()))
    assert offered(stored) == offered(answer) and stored.lead() == answer.lead()


# ---- the conversation ------------------------------------------------------------------------
def test_the_planner_offers_readings_and_a_number_runs_one(torn_conv: Conversation) -> None:
    first = torn_conv.ask(TORN)
    assert first.kind == "clarify" and not first.calls
    assert [n for n, _ in offered(first)] == [1, 2]
    assert all("review 3" in text for _, text in offered(first))
    second = torn_conv.ask("2")
    assert [(c.tool, c.args.get("id")) for c in second.calls] == [("attribute", 3)]
    assert second.kind == "answer" and second.results and not second.choices
    assert torn_conv.state.choices == []  # the offer is used up


def test_a_reading_picked_by_its_words_runs(torn_conv: Conversation) -> None:
    first = torn_conv.ask(TORN)
    words = offered(first)[0][1]
    answer = torn_conv.ask(words.upper())
    assert [(c.tool, c.args.get("id")) for c in answer.calls] == [("predict", 3)]


def test_a_number_beyond_the_readings_offers_them_again(torn_conv: Conversation) -> None:
    first = torn_conv.ask(TORN)
    again = torn_conv.ask("3")
    assert again.kind == "clarify" and not again.calls and offered(again) == offered(first)
    assert "only 2" in again.lead()
    assert torn_conv.ask("1").calls[0].tool == "predict"


def test_a_new_question_forgets_the_offer(torn_conv: Conversation) -> None:
    torn_conv.ask(TORN)
    answer = torn_conv.ask("what does the model predict for review 5?")
    assert [(c.tool, c.args.get("id")) for c in answer.calls] == [("predict", 5)]
    assert torn_conv.state.choices == []


# ---- the terminal ----------------------------------------------------------------------------
def test_the_terminal_lists_the_readings_under_the_question_once() -> None:
    from saywhy.agent.terminal.render import answer_renderable

    readings = ["What the model says, for review 3", "Why it said that, for review 3"]
    answer = Answer(text=offer_text("Did you want:", readings), kind="clarify", choices=readings)
    for plain in (True, False):
        console = Console(file=io.StringIO(), width=100, color_system=None if plain else "standard",
                          force_terminal=not plain)
        console.print(answer_renderable(answer, plain=plain))
        shown = re.sub(r"\x1b\[[0-9;]*m", "", console.file.getvalue())  # type: ignore[attr-defined]
        lines = [ln.strip() for ln in shown.splitlines()]
        assert lines[0] == "Did you want:"
        for n, text in enumerate(readings, 1):
            assert sum(text in ln for ln in lines) == 1  # listed once, not again in the words
            assert any(re.fullmatch(rf"{n}\.? +{re.escape(text)}", ln) for ln in lines)
        assert "1 or 2" in lines[-1]


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return save_tiny(tmp_path_factory.mktemp("choices"))


def _saywhy(*args: str, stdin: str | None = None) -> Any:
    from typer.testing import CliRunner

    from saywhy.agent.terminal.app import app

    return CliRunner().invoke(app, list(args), input=stdin)


def test_chat_shows_the_readings_numbered_and_a_number_picks_one(
        tiny_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    need_planner()
    tear(monkeypatch)
    model, data = tiny_files
    res = _saywhy("chat", "--model", str(model), "--data", str(data),
                  stdin=f"{TORN}\n2\n/state\n")
    assert res.exit_code == 0, res.output
    out = res.stdout
    listed = re.findall(r"^ +([12])\. (.+ item 3)$", out, re.M)
    assert [n for n, _ in listed] == ["1", "2"], out
    assert re.search(r"Type 1 or 2 .*to pick", out)
    after = out.split("you › 2", 1)[1]
    assert "item #3" in after and re.search(r"last tool\s+attribute", after), out


def test_ask_json_carries_the_choices_and_the_next_question_picks(
        tiny_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    need_planner()
    tear(monkeypatch)
    model, data = tiny_files
    res = _saywhy("ask", "--json", "--model", str(model), "--data", str(data), TORN,
                  "the first one")
    assert res.exit_code == 0, res.output
    turns = json.loads(res.stdout)
    first, second = turns
    assert [c["number"] for c in first["choices"]] == [1, 2] and first["calls"] == []
    assert all(f"{c['number']}. {c['text']}" in first["answer"] for c in first["choices"])
    assert [c["tool"] for c in second["calls"]] == ["predict"] and second["choices"] == []
    assert second["calls"][0]["args"]["id"] == 3


def test_saywhy_parse_shows_the_readings_offered(capsys: pytest.CaptureFixture[str]) -> None:
    from types import SimpleNamespace

    from saywhy.agent.planner.base import Choice, Plan, ToolCall
    from saywhy.agent.terminal.parse import plan_turn
    from saywhy.agent.terminal.talk import _print_calls

    plan = Plan(clarify="Did you want:", choices=[
        Choice(text="explain item 3", calls=[ToolCall(tool="attribute", args={"id": 3})]),
        Choice(text="predict item 3", calls=[ToolCall(tool="predict", args={"id": 3})])])
    turn = plan_turn(SimpleNamespace(plan=lambda q: plan), "item 3 then")
    assert [c["calls"][0]["tool"] for c in turn["choices"]] == ["attribute", "predict"]
    _print_calls([turn])
    out = capsys.readouterr().out
    assert '1. explain item 3: attribute {"id": 3}' in out and "2. predict item 3" in out
