"""The `saywhy` command: ask/parse JSON against their schemas, exit codes, plain output, cheap
parse (no model load). The terminal's drawing of results is tested in test_views.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter
from typer.testing import CliRunner

from saywhy.agent.terminal import parse as cli_parse
from saywhy.agent.terminal.app import app
from tests.conftest import REAL_HOME

ESC = re.compile(r"\x1b\[")


class Call(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tool: str
    args: dict[str, Any]


class Offered(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: int
    text: str


class AskTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    answer: str
    calls: list[Call]
    results: list[dict[str, Any]]
    choices: list[Offered]
    seconds: float


class ParseTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    calls: list[Call]
    clarify: str | None = None
    reply: str | None = None


def _need_planner_assets() -> None:
    if not (REAL_HOME / "assets" / "minilm").exists():
        pytest.skip("the MiniLM asset (offline planner) is missing; run `make setup`")


@pytest.fixture(scope="module")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """The tiny classifier saved as a model directory and the tiny reviews as a CSV."""
    from tests.tiny import save_tiny

    model, data = save_tiny(tmp_path_factory.mktemp("tiny-cli"))
    return str(model), str(data)


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env=env)


# ---- usage, help, version -------------------------------------------------------------------
def test_help_and_version() -> None:
    for cmd in ([], ["chat"], ["ask"], ["parse"], ["serve"], ["tool"], ["eval"]):
        res = run(*cmd, "--help")
        assert res.exit_code == 0 and "Example" in res.output, cmd
    res = run("--version")
    assert res.exit_code == 0 and res.output.startswith("saywhy ")


def test_usage_errors_exit_non_zero(tmp_path: Path) -> None:
    assert run("ask").exit_code != 0  # no question
    assert run("parse").exit_code != 0  # neither questions nor --batch
    (tmp_path / "q.txt").write_text("why?\n")
    assert run("parse", "why?", "--batch", str(tmp_path / "q.txt")).exit_code != 0
    assert run("parse", "--batch", str(tmp_path / "missing.txt")).exit_code != 0
    res = run("ask", "--model", str(tmp_path / "nowhere"), "hello")
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_eval_of_a_missing_module_says_so() -> None:
    from typer import Exit

    from saywhy.agent.terminal.evals import run_module

    with pytest.raises(Exit):
        run_module("saywhy.evals.no_such_eval", [])


# ---- ask and parse on the tiny classifier ----------------------------------------------------
def test_ask_json_follows_its_schema(tiny_files: tuple[str, str]) -> None:
    _need_planner_assets()
    model, data = tiny_files
    res = run("ask", "--model", model, "--data", data, "--json",
              "what do you predict for review 3?", "why?", "blorp the frobnicator")
    assert res.exit_code == 0, res.output
    turns = TypeAdapter(list[AskTurn]).validate_json(res.stdout)
    assert [t.question for t in turns][0] == "what do you predict for review 3?"
    assert turns[0].calls and turns[0].calls[0].args.get("id") == 3
    assert any(c.args.get("id") == 3 for c in turns[1].calls)  # the follow-up resolved
    assert all(r.get("tool") and "summary" in r for t in turns for r in t.results)
    assert turns[2].answer  # cannot answer: still exit 0, with words saying so


def test_ask_text_is_plain_when_piped_or_no_color(tiny_files: tuple[str, str]) -> None:
    _need_planner_assets()
    model, data = tiny_files
    for env in ({}, {"NO_COLOR": "1"}):
        res = run("ask", "--model", model, "--data", data, "why did you say that for review 2?",
                  env=env)
        assert res.exit_code == 0, res.output
        assert "item #2" in res.stdout and not ESC.search(res.stdout)


def test_parse_json_one_conversation_and_batch(tiny_files: tuple[str, str],
                                               tmp_path: Path) -> None:
    _need_planner_assets()
    model, data = tiny_files
    res = run("parse", "--model", model, "--data", data, "--json",
              "why did you say negative for review 3?", "and with shap?")
    assert res.exit_code == 0, res.output
    turns = TypeAdapter(list[ParseTurn]).validate_json(res.stdout)
    assert turns[0].calls[0].args.get("id") == 3
    assert turns[1].calls and turns[1].calls[0].args.get("id") == 3  # state carried over
    batch = tmp_path / "questions.txt"
    batch.write_text("why did you say negative for review 3?\n\nand with shap?\n")
    res = run("parse", "--model", model, "--data", data, "--json", "--batch", str(batch))
    assert res.exit_code == 0, res.output
    lines = [ParseTurn.model_validate_json(ln) for ln in res.stdout.splitlines()]
    assert [t.question for t in lines] == ["why did you say negative for review 3?",
                                           "and with shap?"]
    assert all(c.args.get("id") != 3 for c in lines[1].calls)  # a fresh conversation


def test_parse_reads_labels_without_loading_the_model(tiny_files: tuple[str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    model, data = tiny_files

    def no_load(*a: Any, **k: Any) -> None:
        raise AssertionError("parse must not load the target")

    monkeypatch.setattr("saywhy.agent.bootstrap.load_context", no_load)
    ctx = cli_parse.planning_context(model, data)
    assert ctx.target.kind == "classifier" and ctx.target.labels == ["negative", "positive"]
    assert len(ctx.data) == 12
    lm = cli_parse.cheap_target("demo-lm")
    assert lm is not None and lm.kind == "causal_lm" and lm.labels == []
    assert cli_parse.cheap_target("some/hub-id") is None  # only a full load can tell
