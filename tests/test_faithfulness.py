"""The faithfulness an answer reports: the verdict against a random distribution, which must be
able to say no, in one line; NAOPC beside the raw figures; the `faithfulness` tool."""

from __future__ import annotations

import numpy as np
import pytest

from saywhy.tools import registry
from saywhy.tools.errors import UserError
from saywhy.tools.faithfulness import check, details_text, rank_agreement, verdict_line
from saywhy.tools.methods import explain

TEXT = "boring and predictable , the plot is a mess but the music is great"


def test_verdict_follows_the_95th_percentile_of_the_random_rankings(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    ref = tiny_ctx.resolve(text=TEXT)
    f = check(tiny_ctx, ref, explain(tiny_ctx, ref, "occlusion"))
    assert {t.erasure for t in f.tests} == {"deletion", "replacement"}
    for t in f.tests:
        draws = t.random.comprehensiveness
        assert len(draws) >= 20
        assert t.random.p95_comprehensiveness == pytest.approx(np.percentile(draws, 95))
        assert t.beats_chance == (t.comprehensiveness > np.percentile(draws, 95))
        assert t.naopc is not None and t.naopc.value is not None  # normalised beside raw


def test_a_reversed_ranking_is_not_trusted(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    """The verdict can say no: the occlusion ranking read backwards (least supportive words
    first) must not beat chance, and the answer's line says not to rely on it."""
    ref = tiny_ctx.resolve(text=TEXT)
    a = explain(tiny_ctx, ref, "occlusion")
    backwards = a.model_copy(update={"scores": [-s for s in a.scores]})
    f = check(tiny_ctx, ref, backwards)
    assert not any(t.beats_chance for t in f.tests)
    line = verdict_line(f)
    assert "not better than random" in line and "don't rely on it" in line
    good = check(tiny_ctx, ref, a)
    if all(t.beats_chance for t in good.tests):
        assert "is faithful for this input" in verdict_line(good)


def test_the_verdict_is_one_line_and_the_details_carry_the_figures(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    ref = tiny_ctx.resolve(text=TEXT)
    f = check(tiny_ctx, ref, explain(tiny_ctx, ref, "integrated_gradients"))
    line = verdict_line(f)
    assert "\n" not in line and line.count(". ") == 0 and line.endswith(".")
    assert len(line.split()) <= 25
    more = details_text(f)
    assert "NAOPC" in more and "95th percentile" in more and "[MASK]" in more
    for k in f.k_percents:
        assert f"{k} % (" in more
    assert "0.00 " not in more and "0.00;" not in more


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
    assert "Spearman" in text and "base value" in text and res.unit == "log-odds"
    table = res.views()[0]
    assert len(table.rows) == 4  # two methods x two erasures
    assert all(row[-1] in ("beats chance", "not distinguishable from chance")
               for row in table.rows)


def test_faithfulness_on_a_causal_lm(tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    res = registry.get("faithfulness").run(tiny_lm_ctx, {"text": "is the film good or bad ?"})
    assert res.eraser.unit == "log-probability"
    assert np.isfinite(res.eraser.tests[0].comprehensiveness) and "log p(" in res.summary()


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
    deletion = res.eraser.test("deletion")
    assert deletion.beats_chance and "is faithful for this input" in res.summary()
    assert deletion.sufficiency < deletion.random.mean_sufficiency
    assert res.agreement["spearman"] > 0
