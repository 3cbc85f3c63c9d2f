"""The generic views: every tool's real result lists views that validate, show only the
result's own numbers, and draw in the terminal with and without colour; the terminal and the page
draw every view kind and name no tool."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from rich.console import Console, RenderableType

from saywhy.agent.terminal.views import (
    BLUES,
    DRAW,
    ORANGES,
    highlight,
    render_view,
    render_views,
    swatch,
)
from saywhy.tools import registry
from saywhy.tools.views import (
    KINDS,
    Bars,
    Column,
    Matrix,
    Table,
    TextPair,
    TextPairs,
    View,
    WordScores,
)

ROOT = Path(__file__).resolve().parents[1]
ESC = re.compile(r"\x1b\[")
VIEW: TypeAdapter[Any] = TypeAdapter(View)


def drawn(renderable: RenderableType | None, *, color: bool = False) -> str:
    """What the terminal shows (with the escape codes when `color`)."""
    assert renderable is not None
    console = Console(record=True, width=100, color_system="truecolor" if color else None,
                      force_terminal=color, highlight=False)
    console.print(renderable)
    return console.export_text(styles=color)


# ---- the colour scale and highlighted words --------------------------------------------------
def test_diverging_scale_is_orange_towards_and_blue_away() -> None:
    assert swatch(0.5, 0.5) == ORANGES[-1] and swatch(-0.5, 0.5) == BLUES[0]
    assert swatch(0.01, 0.5) is None and swatch(0.3, 0.0) is None
    assert swatch(0.2, 0.5) in ORANGES and swatch(-0.2, 0.5) in BLUES
    assert swatch(0.5, 0.5, signed=False) == ORANGES[-1]


WITTY = WordScores(text="a gorgeous, witty film", words=["a", "gorgeous", ",", "witty", "film"],
                   spans=[(0, 1), (2, 10), (10, 11), (12, 17), (18, 22)],
                   scores=[0.0, 0.4, None, -0.2, 0.05], high="towards positive",
                   low="away from positive", marked=[1, 3])


def test_highlight_keeps_the_text_and_marks_top_words_in_plain_mode() -> None:
    assert highlight(WITTY, plain=False).plain == WITTY.text
    plain = highlight(WITTY, plain=True).plain
    assert "«gorgeous +0.40»" in plain and "«witty -0.20»" in plain and "«film" not in plain
    joined = WITTY.model_copy(update={"spans": None})
    assert highlight(joined, plain=False).plain == "a gorgeous , witty film"


def test_word_scores_have_a_legend_in_colour_and_words_in_plain() -> None:
    colour = drawn(render_view(WITTY, plain=False), color=True)
    assert "away from positive" in colour and "towards positive" in colour
    assert ESC.search(colour)
    plain = drawn(render_view(WITTY, plain=True))
    assert "+ towards positive, - away from positive" in plain and not ESC.search(plain)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(st.characters(categories=["L", "N"]) | st.sampled_from(",.!?'-"),
                                  min_size=1, max_size=8),
                          st.none() | st.floats(-5, 5, allow_nan=False)), min_size=1, max_size=12),
       st.booleans())
def test_highlighting_never_loses_a_character(words: list[tuple[str, float | None]],
                                              signed: bool) -> None:
    """Whatever the scores, the coloured text is the text, and plain mode only adds marks."""
    text = " ".join(w for w, _ in words)
    view = WordScores(text=text, words=[w for w, _ in words], scores=[s for _, s in words],
                      spans=None, signed=signed, marked=list(range(min(3, len(words)))))
    view = view.model_copy(update={"spans": _spans(text, view.words)})
    assert highlight(view, plain=False).plain == text
    plain = highlight(view, plain=True).plain
    assert re.sub(r"«(.*?) [+-]?\d+\.\d\d»", r"\1", plain) == text


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for w in words:
        spans.append((pos, pos + len(w)))
        pos += len(w) + 1
    return spans


# ---- every view kind, drawn -------------------------------------------------------------------
SAMPLES: dict[str, tuple[View, list[str]]] = {
    "word_scores": (WITTY, ["«gorgeous +0.40»"]),
    "bars": (Bars(title="p(label)", names=["positive", "negative"], values=[0.8, 0.2],
                  scale=1.0, notes=["top", "other"]), ["p(label)", "positive", "0.80", "other"]),
    "table": (Table(title="items", columns=[Column(name="id"), Column(name="ok", type="bool"),
                                            Column(name="conf", type="float"),
                                            Column(name="change", type="signed"),
                                            Column(name="text", type="text")],
                    rows=[[12345, False, 0.7, -0.25, "fine film"]], note="a note"),
              ["12,345", "no", "0.70", "-0.25", "fine film", "a note"]),
    "matrix": (Matrix(title="confusion", rows=["neg", "pos"], columns=["neg", "pos"],
                      values=[[4, 1], [1, 4]], row_title="gold", column_title="predicted",
                      format="count", diagonal=True), ["confusion", "gold \\ predicted", "4"]),
    "text_pairs": (TextPairs(title="what if", pairs=[TextPair(
        before="a gorgeous film", after="a dull film", note="'gorgeous' replaced",
        before_label="positive", before_value=0.9, after_label="negative", after_value=0.6)]),
        ["what if", "[-gorgeous-] {+dull+}", "positive 0.90", "negative 0.60"]),
}


def test_the_samples_cover_every_kind() -> None:
    assert sorted(SAMPLES) == sorted(KINDS) == sorted(DRAW)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_the_terminal_draws_every_kind(kind: str) -> None:
    view, needles = SAMPLES[kind]
    plain = drawn(render_view(view, plain=True))
    for needle in needles:
        assert needle in plain, (kind, needle, plain)
    assert not ESC.search(plain)
    assert ESC.search(drawn(render_view(view, plain=False), color=True))
    as_json = json.loads(json.dumps(view.model_dump(mode="json")))  # a stored turn's view
    assert drawn(render_view(as_json, plain=True)) == plain


def test_a_heat_map_is_shades_without_colour_and_cells_with_it() -> None:
    heat = Matrix(title="attention", rows=["a", "b"], columns=["a", "b"],
                  values=[[0.9, 0.1], [0.5, 0.5]], show_values=False)
    plain = drawn(render_view(heat, plain=True))
    assert "██" in plain and "0.9" in plain  # the scale's top is said
    assert ESC.search(drawn(render_view(heat, plain=False), color=True))


def test_empty_views_draw_nothing() -> None:
    assert render_view(Table(columns=["a"], rows=[]), plain=True) is None
    assert render_views([Table(columns=["a"], rows=[]), SAMPLES["bars"][0]], plain=True)


def test_a_view_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(ValidationError):
        WordScores(words=["a", "b"], scores=[0.1])
    with pytest.raises(ValidationError):
        WordScores(text="ab", words=["a", "b"], scores=[0.1, 0.2], spans=[(1, 2), (0, 1)])
    with pytest.raises(ValidationError):
        Table(columns=["a", "b"], rows=[[1]])
    with pytest.raises(ValidationError):
        Matrix(rows=["a"], columns=["b"], values=[[1, 2]])


# ---- the real results of every tool -----------------------------------------------------------
TINY_ARGS: dict[str, dict[str, Any]] = {
    "predict": {"id": 0}, "attribute": {"id": 0, "method": "gradient_x_input"},
    "attention": {"id": 0}, "faithfulness": {"id": 0, "method": "gradient_x_input",
                                             "compare": "occlusion"},
    "counterfactual": {"id": 0, "k": 1}, "what_if": {"id": 0, "edits": [
        {"action": "replace", "target": "gorgeous", "value": "dull"}]},
    "show": {"ids": "0-3"}, "similar": {"id": 0, "k": 3}, "filter": {"contains": "film"},
    "performance": {}, "mistakes": {"k": 2}, "global_importance": {"k": 3, "sample_size": 4},
    "keywords": {"k": 3}, "layer_predictions": {"id": 0}, "describe_data": {},
    "model_info": {}, "capabilities": {},
}
LM_TEXT = {"text": "is the film good ?"}


def numbers(value: Any) -> list[float]:
    """Every number (not a boolean) anywhere in a JSON-like value."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [x for v in value.values() for x in numbers(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in numbers(v)]
    return []


def shown_numbers(view: Any) -> list[float]:
    """The numbers a view draws (positions, spans and scales are not drawn as numbers)."""
    if isinstance(view, WordScores):
        return [s for s in view.scores if s is not None]
    if isinstance(view, Bars):
        return list(view.values)
    if isinstance(view, Table):
        return numbers(view.rows)
    if isinstance(view, Matrix):
        return numbers(view.values)
    assert isinstance(view, TextPairs)
    return numbers([[p.before_value, p.after_value] for p in view.pairs])


def real_results(tool: str, ctxs: list[Any]) -> list[Any]:
    out = []
    for ctx in ctxs:
        t = registry.get(tool)
        if not t.fits(ctx):
            continue
        args = dict(TINY_ARGS[tool])
        if ctx.data is None and t.scope == "input":  # no dataset with the tiny LM: a text
            args = LM_TEXT | ({"new_text": "is the film bad ?"} if tool == "what_if" else {})
        out.append(t.run(ctx, args))
    return out


@pytest.mark.parametrize("tool", sorted(TINY_ARGS))
def test_each_tool_shows_its_own_numbers_in_views_that_draw(tool: str, tiny_ctx: Any,
                                                            tiny_lm_ctx: Any) -> None:
    """Every view of a real result validates, round-trips through JSON, draws with and without
    colour, and every number it draws is one of the result's own fields."""
    results = real_results(tool, [tiny_ctx, tiny_lm_ctx])
    assert results
    for result in results:
        data = result.to_json()
        views = result.views()
        assert [v.model_dump(mode="json") for v in views] == data["views"]
        fields = numbers({k: v for k, v in data.items() if k not in ("views", "summary")})
        for view in views:
            assert VIEW.validate_json(json.dumps(data["views"][views.index(view)])) == view
            for x in shown_numbers(view):
                assert any(x == f or math.isclose(x, f, rel_tol=1e-9) for f in fields), \
                    (tool, view.kind, x)
            plain = render_view(view, plain=True)
            if plain is not None:
                assert not ESC.search(drawn(plain))
                drawn(render_view(view, plain=False), color=True)


def test_the_pictures_of_today_are_still_drawn(tiny_ctx: Any, tiny_lm_ctx: Any) -> None:
    """Which tool shows which kind: the pictures the terminal and the page drew per tool before
    the views were generic."""
    expected = {"predict": {"bars"}, "attribute": {"word_scores", "bars", "table"},
                "attention": {"word_scores", "bars", "matrix"}, "faithfulness": {"table"},
                "counterfactual": {"text_pairs"}, "what_if": {"text_pairs", "table"},
                "show": {"table"}, "similar": {"table"}, "filter": {"bars"},
                "performance": {"table", "matrix"}, "mistakes": {"bars", "table"},
                "global_importance": {"bars"}, "keywords": {"bars"},
                "layer_predictions": {"bars", "matrix"}, "describe_data": {"bars"},
                "model_info": {"table"}, "capabilities": set()}
    for tool, kinds in expected.items():
        (result,) = real_results(tool, [tiny_ctx])
        assert {v.kind for v in result.views()} == kinds, tool
    (lm,) = real_results("predict", [tiny_lm_ctx])
    (tokens,) = lm.views()
    assert isinstance(tokens, WordScores) and not tokens.signed
    assert tokens.marked == [i for i, s in enumerate(tokens.scores) if s is not None and s < 0.5]


# ---- nothing outside tools/ decides a picture by a tool's name --------------------------------
@pytest.mark.parametrize("path", ["agent/terminal/views.py", "server/static/app.js"])
def test_the_renderers_name_no_tool_and_draw_every_kind(path: str) -> None:
    source = (ROOT / path).read_text()
    for name in registry.names():
        assert f'"{name}"' not in source and f"'{name}'" not in source, (path, name)
    for kind in KINDS:
        assert re.search(rf"\b{kind}\b", source), (path, kind)
