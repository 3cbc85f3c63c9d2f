"""shap and lime on a long window: spans of words are their features, so their cost is that of a
few dozen evaluations whatever the window's length, and the answer says so.

The tiny classifier sees 64 tokens, so `LONG_WORDS` is lowered here to reach a "long" window; the
demo-sized case is measured with `evals/long_input.py`'s data (README figures).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.data.dataset import from_frame
from saywhy.tools.methods import build_objective, explain, long_input
from saywhy.tools.methods.perturbation import lime_budget, shap_budget

WORDS = "the film is good but the plot is a mess . the acting is fine and the end is slow .".split()


@pytest.fixture
def counted(tiny_ctx: ToolContext, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setattr(long_input, "LONG_WORDS", 16)
    monkeypatch.setattr(long_input, "FEATURE_SPANS", 4)
    seen = {"texts": 0}
    inner = tiny_ctx.target.predict_proba

    def predict_proba(texts: list[str], *args: Any, **kwargs: Any) -> Any:
        seen["texts"] += len(texts)
        return inner(texts, *args, **kwargs)

    monkeypatch.setattr(tiny_ctx.target, "predict_proba", predict_proba)
    return seen


@pytest.mark.parametrize("method, budget", [("shap", shap_budget), ("lime", lime_budget)])
def test_words_share_their_spans_score_and_the_cost_is_the_spans(
        tiny_ctx: ToolContext, counted: dict[str, int], method: str, budget: Any) -> None:
    ref = tiny_ctx.resolve(text=" ".join(WORDS * 3))  # 63 words, more than fit in 64 tokens
    obj = build_objective(tiny_ctx, ref)
    pieces = long_input.feature_spans(obj)
    assert pieces is not None and len(pieces) == 4
    counted["texts"] = 0
    attr = explain(tiny_ctx, ref, method)
    assert counted["texts"] <= budget(4) + 2 < budget(obj.n_words)
    for p in pieces:  # each word has an even share of its span's score
        assert len({round(s, 9) for s in attr.scores[p.start:p.end]}) == 1
    assert long_input.is_hierarchical(attr)
    assert "over 4 spans" in attr.extras["explained"]
    if method == "shap":  # Owen values add up: base + every score = f(x)
        assert attr.base_value + sum(attr.scores) == pytest.approx(attr.target_value, abs=1e-4)


def test_short_windows_keep_words_as_the_features(tiny_ctx: ToolContext,
                                                  counted: dict[str, int]) -> None:
    ref = tiny_ctx.resolve(text=" ".join(WORDS[:12]))
    attr = explain(tiny_ctx, ref, "shap")
    assert "spans" not in attr.extras and not long_input.is_hierarchical(attr)
    assert len(set(attr.scores)) > 4


@pytest.mark.parametrize("method", ["shap", "lime"])
def test_why_on_a_megabyte_with_shap_or_lime_costs_what_the_spans_cost(
        tiny_ctx: ToolContext, counted: dict[str, int], method: str) -> None:
    texts = [" ".join(WORDS * repeat) for repeat in (200, 50_000)]  # ~16 KB and ~4 MB
    ctx = ToolContext(target=tiny_ctx.target, data=from_frame(pd.DataFrame({"text": texts})))
    costs = []
    for key in (0, 1):
        ctx.cache.clear()
        counted["texts"] = 0
        res = registry.get("attribute").run(ctx, {"id": key, "method": method})
        costs.append(counted["texts"])
        said = res.summary()
        assert res.truncated and "over 4 spans" in said and "first" in said
        assert res.faithfulness is not None  # the bounded check of long explanations
        assert len(res.faithfulness.tests[0].random.comprehensiveness) == \
            long_input.LONG_ERASER["n_random"]
    assert costs[0] == costs[1]  # the cell's size does not change the cost
