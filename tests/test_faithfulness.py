"""ERASER comprehensiveness/sufficiency, random baselines and rank agreement."""

from __future__ import annotations

import numpy as np
import pytest

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import UserError
from saywhy.tools.faithfulness import K_PERCENTS, eraser, rank_agreement
from saywhy.tools.methods import explain

TEXT = "boring and predictable , the plot is a mess but the music is great"


def test_eraser_matches_its_definition(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    ref = tiny_ctx.resolve(text=TEXT)
    a = explain(tiny_ctx, ref, "integrated_gradients")
    f = eraser(tiny_ctx, ref, a)
    n = len(a.words)
    assert [row["k_percent"] for row in f["per_k"]] == list(K_PERCENTS)
    assert all(1 <= row["n_words"] <= n for row in f["per_k"])
    label = tiny_ctx.target.labels.index(a.label)
    for row in f["per_k"]:
        top = set(a.ranking()[:row["n_words"]])
        words = TEXT.split()
        without = " ".join(w for i, w in enumerate(words) if i not in top)
        only = " ".join(w for i, w in enumerate(words) if i in top)
        p = tiny_ctx.probs([TEXT, without, only])[:, label]
        assert row["comprehensiveness"] == pytest.approx(float(p[0] - p[1]), abs=1e-5)
        assert row["sufficiency"] == pytest.approx(float(p[0] - p[2]), abs=1e-5)
    assert f["comprehensiveness"] == pytest.approx(
        np.mean([r["comprehensiveness"] for r in f["per_k"]]))
    assert f["random_sufficiency"] == pytest.approx(
        np.mean([r["random_sufficiency"] for r in f["per_k"]]))
    assert f["removal"]["n_words"] == 3


def test_occlusion_top_word_beats_every_random_first_word(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    # with one word removed, occlusion's top word is by definition the most damaging one
    ref = tiny_ctx.resolve(text=TEXT)
    f = eraser(tiny_ctx, ref, explain(tiny_ctx, ref, "occlusion"), k_percents=(1,), n_random=8)
    assert f["per_k"][0]["n_words"] == 1
    assert f["comprehensiveness"] >= f["random_comprehensiveness"] - 1e-6


def test_same_seed_same_figures(tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    figures = []
    for seed in (5, 5, 6):
        ctx = ToolContext(target=tiny_classifier, seed=seed)
        ref = ctx.resolve(text=TEXT)
        figures.append(eraser(ctx, ref, explain(ctx, ref, "occlusion")))
    assert figures[0] == figures[1]
    assert figures[0]["random_comprehensiveness"] != figures[2]["random_comprehensiveness"]
    assert figures[0]["comprehensiveness"] == figures[2]["comprehensiveness"]


def test_rank_agreement(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    a = explain(tiny_ctx, tiny_ctx.resolve(text=TEXT), "occlusion")
    same = rank_agreement(a, a)
    assert same["spearman"] == pytest.approx(1.0) and same["top_k_overlap"] == same["k"] == 5
    flipped = a.model_copy(update={"scores": [-s for s in a.scores]})
    assert rank_agreement(a, flipped)["spearman"] == pytest.approx(-1.0)


def test_faithfulness_tool_with_compare(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    res = registry.get("faithfulness").run(
        tiny_ctx, {"id": 3, "method": "occlusion", "compare": "gradient_x_input"})
    assert res.method == "occlusion" and res.compare == "gradient_x_input"
    assert res.compare_eraser is not None and res.agreement is not None
    assert -1 <= res.agreement["spearman"] <= 1
    text = res.summary()
    assert "ERASER for occlusion" in text and "ERASER for gradient_x_input" in text
    assert "Spearman" in text


def test_faithfulness_on_a_causal_lm(tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    res = registry.get("faithfulness").run(tiny_lm_ctx, {"text": "is the film good or bad ?"})
    assert res.eraser["unit"] == "log-probability"
    assert np.isfinite(res.eraser["comprehensiveness"]) and "log p(" in res.summary()


def test_faithfulness_bad_arguments(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    tool = registry.get("faithfulness")
    with pytest.raises(UserError, match="choose one of"):
        tool.run(tiny_ctx, {"id": 1, "compare": "attention_rollout"})
    with pytest.raises(UserError, match="labels are"):
        tool.run(tiny_ctx, {"id": 1, "label": "neutral"})
    with pytest.raises(UserError, match="no item with id"):
        tool.run(tiny_ctx, {"id": 12345})


@pytest.mark.integration
def test_demo_faithfulness_beats_random(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    res = registry.get("faithfulness").run(demo_ctx, {"text": "A dull, lifeless and tedious "
                                                              "film with a wonderful cast.",
                                                      "method": "shap",
                                                      "compare": "integrated_gradients"})
    assert res.label == "negative"
    assert res.eraser["comprehensiveness"] > res.eraser["random_comprehensiveness"]
    assert res.eraser["sufficiency"] < res.eraser["random_sufficiency"]
    assert res.agreement["spearman"] > 0
