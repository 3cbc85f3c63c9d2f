"""`sample`, added through the catalogue alone (its module, its examples, its registration):
random items with their predictions, seeded and reported, from the subset or one label, planned
from plain questions and followed up with "why?"."""

from __future__ import annotations

import pytest

from saywhy.agent.conversation import Conversation
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from tests.serving import need_planner


def run(ctx: ToolContext, **args: object) -> object:
    return registry.get("sample").run(ctx, args)


def test_the_same_seed_draws_the_same_items_and_reports_it(tiny_ctx: ToolContext) -> None:
    first = run(tiny_ctx, k=3, seed=11)
    again = run(tiny_ctx, k=3, seed=11)
    assert [i.id for i in first.items] == [i.id for i in again.items]  # type: ignore[attr-defined]
    assert len({i.id for i in first.items}) == 3  # type: ignore[attr-defined]
    assert "seed 11" in first.summary()  # type: ignore[attr-defined]
    fresh = run(tiny_ctx)
    assert fresh.seed >= 0 and f"seed {fresh.seed}" in fresh.summary()  # type: ignore[attr-defined]


def test_items_come_from_the_label_and_the_subset_with_real_predictions(
        tiny_ctx: ToolContext) -> None:
    data = tiny_ctx.data
    assert data is not None
    got = run(tiny_ctx, k=50, label="negative", seed=1)
    gold = set(data.frame.loc[[i.id for i in got.items], "label"])  # type: ignore[attr-defined]
    assert gold == {"negative"} and len(got.items) == int((data.frame["label"] == "negative").sum())  # type: ignore[attr-defined]
    probs = tiny_ctx.probs([i.text for i in got.items])  # type: ignore[attr-defined]
    for item, p in zip(got.items, probs, strict=True):  # type: ignore[attr-defined]
        assert item.predicted == tiny_ctx.target.labels[int(p.argmax())]
        assert item.confidence == pytest.approx(float(p.max()), abs=1e-4)
    registry.get("filter").run(tiny_ctx, {"ids": [1, 2, 3]})
    inside = run(tiny_ctx, k=10, seed=3)
    assert {i.id for i in inside.items} == {1, 2, 3}  # type: ignore[attr-defined]


def test_a_random_example_is_planned_and_becomes_the_focus(tiny_ctx: ToolContext) -> None:
    need_planner()
    conv = Conversation(ctx=tiny_ctx)
    answer = conv.ask("show me a random example")
    assert [c.tool for c in answer.calls] == ["sample"]
    drawn = answer.results[0].items[0].id  # type: ignore[attr-defined]
    assert conv.state.focus == {"id": drawn} and f"#{drawn}" in answer.text
    why = conv.ask("why?")
    assert why.calls[0].tool == "attribute" and why.calls[0].args.get("id") == drawn
    three = conv.ask("pick 3 random negative reviews")
    assert three.calls[-1].tool == "sample" and three.calls[-1].args.get("k") == 3
