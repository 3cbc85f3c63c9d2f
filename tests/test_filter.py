"""`filter`: each condition, and/or/not composition, reset, descriptions and clear errors; a
property test checks random sequences of filters against a plain pandas reference."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.data import predictions
from saywhy.tools.errors import NotFoundError, ToolArgsError, UserError


def run(ctx: ToolContext, **args: Any) -> Any:
    return registry.get("filter").run(ctx, args)


def subset_ids(ctx: ToolContext) -> list[int]:
    assert ctx.subset is not None
    return ctx.subset.ids


def test_single_conditions(tiny_ctx: ToolContext) -> None:
    frame = tiny_ctx.data.frame  # type: ignore[union-attr]
    res = run(tiny_ctx, label="NEGATIVE")
    assert subset_ids(tiny_ctx) == list(frame.index[frame["label"] == "negative"])
    assert res.size == 6 and res.total == 12 and "labelled negative" in res.summary()

    run(tiny_ctx, contains="The")
    assert all(re.search(r"\bthe\b", frame.loc[i, "text"]) for i in subset_ids(tiny_ctx))
    run(tiny_ctx, contains="not bad")
    assert subset_ids(tiny_ctx) == [4]
    run(tiny_ctx, contains="act")  # whole words only: "acting" does not mention "act"
    assert subset_ids(tiny_ctx) == []

    run(tiny_ctx, ids="2-4")
    assert subset_ids(tiny_ctx) == [2, 3, 4]
    run(tiny_ctx, ids=[7, 1])
    assert subset_ids(tiny_ctx) == [1, 7]
    run(tiny_ctx, split="test")
    assert subset_ids(tiny_ctx) == list(frame.index[frame["split"] == "test"])
    run(tiny_ctx, min_words=7, max_words=8)
    lengths = {i: len(re.findall(r"[a-z]+", t)) for i, t in frame["text"].items()}
    assert subset_ids(tiny_ctx) == [i for i, n in lengths.items() if 7 <= n <= 8]
    run(tiny_ctx, column="SPLIT", value="Train")
    assert subset_ids(tiny_ctx) == list(frame.index[frame["split"] == "train"])


def test_predicted_and_correct_follow_the_predictions(tiny_ctx: ToolContext) -> None:
    pred = predictions.frame(tiny_ctx)
    run(tiny_ctx, predicted="positive")
    assert subset_ids(tiny_ctx) == list(pred.index[pred["predicted"] == "positive"])
    run(tiny_ctx, correct=False)
    wrong = list(pred.index[pred["predicted"] != pred["gold"]])
    assert subset_ids(tiny_ctx) == wrong and len(wrong) > 0
    run(tiny_ctx, correct=True)
    assert sorted(subset_ids(tiny_ctx) + wrong) == tiny_ctx.data.ids  # type: ignore[union-attr]


def test_compose_and_or_not_and_reset(tiny_ctx: ToolContext) -> None:
    run(tiny_ctx, contains="the")
    mention = set(subset_ids(tiny_ctx))
    res = run(tiny_ctx, correct=False, combine="and")
    wrong = set(predictions.frame(tiny_ctx).query("predicted != gold").index)
    assert set(subset_ids(tiny_ctx)) == mention & wrong
    assert res.description == "reviews that mention 'the' and that the model got wrong"
    run(tiny_ctx, label="positive", combine="or")
    positive = {i for i in range(12) if tiny_ctx.data.frame.loc[i, "label"] == "positive"}  # type: ignore[union-attr]
    assert set(subset_ids(tiny_ctx)) == (mention & wrong) | positive
    run(tiny_ctx, label="positive", negate=True)
    assert set(subset_ids(tiny_ctx)) == set(range(12)) - positive
    assert "except those labelled positive" in tiny_ctx.subset.description  # type: ignore[union-attr]
    assert tiny_ctx.subset.criteria == {"not": {"label": "positive"}}  # type: ignore[union-attr]
    res = run(tiny_ctx, reset=True)
    assert tiny_ctx.subset is None and res.size == 12 and "cleared" in res.summary()
    run(tiny_ctx, reset=True, ids="0-1")
    assert subset_ids(tiny_ctx) == [0, 1]


def test_empty_subset_is_reported_not_an_error(tiny_ctx: ToolContext) -> None:
    res = run(tiny_ctx, contains="xylophone")
    assert res.size == 0 and subset_ids(tiny_ctx) == []
    assert res.summary().startswith("No review matches")


def test_similar_to_keeps_the_text_itself(tiny_ctx: ToolContext) -> None:
    text = tiny_ctx.data.text(5)  # type: ignore[union-attr]
    res = run(tiny_ctx, similar_to=text, min_similarity=0.999)
    assert 5 in subset_ids(tiny_ctx) and "similar to" in res.description
    run(tiny_ctx, similar_to=text, min_similarity=-1.0)
    assert len(subset_ids(tiny_ctx)) == 12


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ({"label": "meh"}, NotFoundError, "labels in tiny-reviews are: negative, positive"),
        ({"predicted": "meh"}, UserError, "this model's labels are"),
        ({"column": "genre", "value": "x"}, NotFoundError, "no column 'genre'.*text, label, split"),
        ({"column": "split"}, UserError, "both the column and the value"),
        ({"ids": "10-13"}, NotFoundError, "no item with id 12"),
        ({"ids": "ten"}, UserError, "could not read 'ten'"),
        ({"min_words": 9, "max_words": 3}, UserError, "larger than max_words"),
        ({}, UserError, "Tell me what to select"),
        ({"combine": "xor", "label": "positive"}, ToolArgsError, "combine"),
        ({"genre": "drama"}, ToolArgsError, "genre"),
    ],
)
def test_clear_errors(tiny_ctx: ToolContext, args: dict[str, Any], error: type[Exception],
                      message: str) -> None:
    with pytest.raises(error, match=message):
        run(tiny_ctx, **args)


def test_split_and_labels_must_exist(tiny_classifier: Any) -> None:
    from saywhy.tools.data.dataset import from_frame

    ctx = ToolContext(target=tiny_classifier,
                      data=from_frame(pd.DataFrame({"text": ["good film", "bad film"]})))
    with pytest.raises(UserError, match="no split column"):
        run(ctx, split="test")
    with pytest.raises(UserError, match="no label column"):
        run(ctx, label="positive")
    with pytest.raises(UserError, match="no label column"):
        run(ctx, correct=True)


# ---- property: random filter sequences agree with a plain pandas reference ------------------
WORDS = ["the", "acting", "boring", "a", "not bad", "film", "and", "xylophone"]


def condition() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={
        "ids": st.one_of(st.lists(st.integers(0, 11), min_size=1, max_size=5),
                         st.tuples(st.integers(0, 11), st.integers(0, 11)).map(
                             lambda ab: f"{min(ab)}-{max(ab)}")),
        "label": st.sampled_from(["positive", "negative"]),
        "predicted": st.sampled_from(["positive", "negative"]),
        "correct": st.booleans(),
        "contains": st.sampled_from(WORDS),
        "min_words": st.integers(3, 9),
        "max_words": st.integers(5, 10),
        "split": st.sampled_from(["train", "test"]),
    })


def step() -> st.SearchStrategy[dict[str, Any]]:
    return st.tuples(condition(), st.booleans(), st.sampled_from(["replace", "and", "or"]),
                     st.integers(0, 9)).map(
        lambda t: {**t[0], "negate": t[1], "combine": t[2], "reset": t[3] == 0})


def reference_mask(ref: pd.DataFrame, cond: dict[str, Any]) -> pd.Series:
    mask = pd.Series(True, index=ref.index)
    if "ids" in cond:
        ids = cond["ids"]
        if isinstance(ids, str):
            lo, hi = map(int, ids.split("-"))
            ids = list(range(lo, hi + 1))
        mask &= ref.index.isin(ids)
    if "label" in cond:
        mask &= ref["label"] == cond["label"]
    if "predicted" in cond:
        mask &= ref["predicted"] == cond["predicted"]
    if "correct" in cond:
        mask &= (ref["label"] == ref["predicted"]) == cond["correct"]
    if "contains" in cond:
        mask &= ref["text"].map(lambda t: f" {cond['contains']} " in f" {t.lower()} ")
    if "min_words" in cond:
        mask &= ref["n_words"] >= cond["min_words"]
    if "max_words" in cond:
        mask &= ref["n_words"] <= cond["max_words"]
    if "split" in cond:
        mask &= ref["split"] == cond["split"]
    return mask


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step(), min_size=1, max_size=5))
def test_filters_compose_like_pandas(tiny_classifier: Any, tiny_dataset: Any,
                                     steps: list[dict[str, Any]]) -> None:
    ctx = ToolContext(target=tiny_classifier, data=tiny_dataset)
    ref = tiny_dataset.frame.copy()
    ref["predicted"] = predictions.frame(ctx)["predicted"]
    ref["n_words"] = ref["text"].map(lambda t: len(re.findall(r"[a-z]+", t)))
    current: pd.Series | None = None
    for s in steps:
        cond = {k: v for k, v in s.items() if k not in ("negate", "combine", "reset")}
        if (cond.get("min_words", 0) > cond.get("max_words", 99)
                or (not cond and not s["reset"])):
            continue  # refused with a UserError, tested above
        run(ctx, **s)
        if s["reset"]:
            current = None
        if not cond:
            assert ctx.subset is None
            continue
        mask = reference_mask(ref, cond)
        if s["negate"]:
            mask = ~mask
        if current is not None and s["combine"] == "and":
            mask &= current
        elif current is not None and s["combine"] == "or":
            mask |= current
        current = mask
        assert subset_ids(ctx) == [int(i) for i in ref.index[mask]]
