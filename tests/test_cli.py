"""The `saywhy` command: ask/parse JSON against their schemas, exit codes, plain output, cheap
parse (no model load), and the terminal views of each tool's result."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, TypeAdapter
from typer.testing import CliRunner

from saywhy.agent import cli_parse
from saywhy.agent.cli import app
from saywhy.agent.render import BLUES, ORANGES, highlight, render_result, swatch
from tests.conftest import REAL_HOME

ESC = re.compile(r"\x1b\[")


class Call(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tool: str
    args: dict[str, Any]


class AskTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    answer: str
    calls: list[Call]
    results: list[dict[str, Any]]
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
    from tests.tiny import tiny_classifier_parts, tiny_frame

    root = tmp_path_factory.mktemp("tiny-cli")
    model, tokenizer = tiny_classifier_parts()
    model.save_pretrained(root / "model")
    tokenizer.save_pretrained(root / "model")
    tiny_frame().to_csv(root / "reviews.csv", index=False)
    return str(root / "model"), str(root / "reviews.csv")


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

    from saywhy.agent.cli_misc import run_module

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


# ---- rendering ------------------------------------------------------------------------------
def _text(renderable: Any, *, color: bool = False) -> str:
    from rich.console import Console

    console = Console(record=True, width=100, color_system="truecolor" if color else None,
                      force_terminal=color)
    console.print(renderable)
    return console.export_text(styles=color)


def test_diverging_scale_is_orange_towards_and_blue_away() -> None:
    assert swatch(0.5, 0.5) == ORANGES[-1] and swatch(-0.5, 0.5) == BLUES[0]
    assert swatch(0.01, 0.5) is None and swatch(0.3, 0.0) is None
    assert swatch(0.2, 0.5) in ORANGES and swatch(-0.2, 0.5) in BLUES


def test_highlight_keeps_the_text_and_marks_top_words_in_plain_mode() -> None:
    text = "a gorgeous, witty film"
    words = [{"word": "a", "score": 0.0, "start": 0, "end": 1},
             {"word": "gorgeous", "score": 0.4, "start": 2, "end": 10},
             {"word": ",", "score": 0.0, "start": 10, "end": 11},
             {"word": "witty", "score": -0.2, "start": 12, "end": 17},
             {"word": "film", "score": 0.05, "start": 18, "end": 22}]
    assert highlight(text, words, plain=False).plain == text
    plain = highlight(text, words, plain=True, mark_top=2).plain
    assert "«gorgeous +0.40»" in plain and "«witty -0.20»" in plain and "«film" not in plain
    no_spans = [{k: v for k, v in w.items() if k in ("word", "score")} for w in words]
    assert highlight(text, no_spans, plain=False).plain == "a gorgeous , witty film"


SAMPLES: dict[str, dict[str, Any]] = {
    "attribute": {"tool": "attribute", "referent": "review #1", "text": "a witty film",
                  "kind": "classifier", "method": "shap", "label": "positive",
                  "unit": "probability",
                  "words": [{"word": "witty", "score": 0.3, "start": 2, "end": 7}],
                  "top": [{"word": "witty", "score": 0.3}], "summary": "S-attr",
                  "faithfulness": {"comprehensiveness": 0.4, "random_comprehensiveness": 0.1}},
    "performance": {"tool": "performance", "what": "all", "summary": "S-perf", "scores": [
        {"split": "test", "phrase": "held-out", "n": 10, "correct": 8, "accuracy": 0.8,
         "ci_low": 0.5, "ci_high": 0.9,
         "per_label": {"neg": {"precision": 0.8, "recall": 0.8, "f1": 0.8, "support": 5}},
         "confusion": {"neg": {"neg": 4, "pos": 1}, "pos": {"neg": 1, "pos": 4}}}]},
    "global_importance": {"tool": "global_importance", "method": "occlusion", "summary": "S-gi",
                          "labels": [{"label": "pos", "towards": [
                              {"word": "great", "total": 2.0, "mean": 0.2, "texts": 10}]}]},
    "show": {"tool": "show", "what": "reviews 1-2", "total": 2, "page": 1, "pages": 1,
             "summary": "S-show", "items": [{"id": 1, "text": "fine film", "gold": "pos",
                                             "predicted": "neg", "confidence": 0.7,
                                             "correct": False}]},
    "keywords": {"tool": "keywords", "summary": "S-kw", "frequent": [],
                 "distinctive": {"pos": [{"word": "gem", "items": 3, "share": 0.1, "z": 4.2}]}},
}
EXPECT = {"attribute": ["witty", "top words", "faithfulness"],
          "performance": ["accuracy 0.800", "confusion matrix", "precision"],
          "global_importance": ["towards pos", "great", "+0.20", "in 10 texts"],
          "show": ["fine film", "no"],
          "keywords": ["distinctive of pos", "gem", "z 4.2"]}


@pytest.mark.parametrize("tool", sorted(SAMPLES))
def test_each_view_shows_its_fields(tool: str) -> None:
    shown = _text(render_result(SAMPLES[tool], plain=True))
    for needle in EXPECT[tool]:
        assert needle in shown, (tool, needle, shown)


def test_a_view_missing_a_field_falls_back_to_the_summary() -> None:
    broken = {k: v for k, v in SAMPLES["performance"].items() if k != "scores"}
    assert "S-perf" in _text(render_result(broken, plain=True))
    assert render_result(broken, plain=True, answer_text="xx S-perf xx") is None  # said already
    assert "S-unknown" in _text(render_result({"tool": "new_tool", "summary": "S-unknown"},
                                              plain=True))


def test_colour_view_has_a_legend_and_colours() -> None:
    shown = _text(render_result(SAMPLES["attribute"], plain=False), color=True)
    assert "away from positive" in shown and "towards positive" in shown
    assert "\x1b[" in shown


def test_answer_json_round_trip_of_results() -> None:
    assert json.loads(json.dumps(SAMPLES))  # views read plain JSON dicts, nothing richer


TINY_ARGS: dict[str, dict[str, Any]] = {
    "predict": {"id": 0}, "attribute": {"id": 0, "method": "gradient_x_input"},
    "attention": {"id": 0}, "faithfulness": {"id": 0, "method": "gradient_x_input"},
    "counterfactual": {"id": 0, "k": 1}, "what_if": {"id": 0, "edits": [
        {"action": "replace", "target": "gorgeous", "value": "dull"}]},
    "show": {"ids": "0-3"}, "similar": {"id": 0, "k": 3}, "filter": {"contains": "film"},
    "performance": {}, "mistakes": {"k": 2}, "global_importance": {"k": 3, "sample_size": 4},
    "keywords": {"k": 3}, "layer_predictions": {"id": 0}, "describe_data": {},
    "model_info": {}, "capabilities": {},
}


@pytest.mark.parametrize("tool", sorted(TINY_ARGS))
def test_views_read_the_real_results_of_each_tool(tool: str, tiny_ctx: Any,
                                                  tiny_lm_ctx: Any) -> None:
    """Every view runs on a real result without falling back to the summary: a renamed field
    in a tool shows up here, not as a quietly degraded screen."""
    from saywhy.agent.render import VIEWS
    from saywhy.tools import registry
    from saywhy.tools.errors import SaywhyError

    render_result({"tool": "show"}, plain=True)  # registers the views
    ctxs = [tiny_ctx] + ([tiny_lm_ctx] if tool in ("predict", "attribute", "what_if") else [])
    for ctx in ctxs:
        args = dict(TINY_ARGS[tool])
        if ctx is tiny_lm_ctx:
            args = {"text": "is the film good ?"} | (
                {"new_text": "is the film bad ?"} if tool == "what_if" else {})
        try:
            result = registry.get(tool).run(ctx, args).to_json()
        except SaywhyError as exc:
            pytest.skip(f"{tool} does not run on the tiny target: {exc.message}")
        for plain in (True, False):
            _text(VIEWS[tool](result, plain))  # must not raise
