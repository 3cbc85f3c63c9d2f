"""Long inputs: "why?" costs what the model's window costs, not what the cell costs, and says which
part of the text it explained; `show` never prints a whole megabyte.

The tiny classifier sees 64 tokens, so the threshold for the span-first occlusion
(`LONG_WORDS`) is lowered here to reach it on tiny windows; the demo-sized case is measured by
`evals/long_input.py`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.methods import build_objective, explain, long_input
from saywhy.tools.methods.long_input import Piece, hierarchical_occlusion, sentence_spans, split

WORDS = "the film is good but the plot is a mess and the acting is fine .".split()


def _partition(pieces: list[Piece], start: int, end: int) -> None:
    """The pieces cover [start, end) in order, without gaps or overlaps."""
    assert pieces[0].start == start and pieces[-1].end == end
    assert all(a.end == b.start for a, b in zip(pieces, pieces[1:], strict=False))
    assert all(p.size >= 1 for p in pieces)


@pytest.mark.parametrize("n, spans", [(5, 8), (40, 8), (401, 8), (97, 3)])
def test_spans_and_parts_partition_the_words(n: int, spans: int) -> None:
    words = [("w." if i % 7 == 6 else "w") for i in range(n)]
    pieces = sentence_spans(words, spans)
    _partition(pieces, 0, n)
    assert len(pieces) == min(n, spans)
    for p in pieces:
        _partition(split(p, 4), p.start, p.end)


def test_spans_end_at_sentence_ends_when_one_is_near() -> None:
    words = (WORDS * 8)[:120]  # a sentence end every 16 words; even cuts every 15
    ends = {i + 1 for i, w in enumerate(words) if w == "."}
    cuts = [p.end for p in sentence_spans(words, 8)[:-1]]
    assert sum(c in ends for c in cuts) >= 3
    for j, cut in enumerate(cuts, 1):  # at a sentence end, or none was near the even cut
        assert cut in ends or not any(abs(e - j * 15) <= 15 / 4 for e in ends)


def _additive(tiny_ctx: ToolContext, weights: dict[str, float]) -> Any:
    """A real objective over a tiny-window text, with f = the sum of the kept words' weights:
    occlusion of any set of words is then known exactly."""
    text = " ".join(weights)
    obj = build_objective(tiny_ctx, tiny_ctx.resolve(text=text))
    assert obj.n_words == len(weights)
    calls = {"texts": 0}

    def score(texts: list[str], cached: bool = False) -> np.ndarray:
        calls["texts"] += len(texts)
        return np.array([sum(weights.get(w, 0.0) for w in t.split()) for t in texts])

    return replace(obj, score=score, value=float(sum(weights.values()))), calls


def test_the_word_that_matters_is_found_at_a_fraction_of_the_cost(tiny_ctx: ToolContext) -> None:
    rng = np.random.default_rng(0)
    weights = {f"w{i}": float(rng.normal(0, 0.01)) for i in range(60)}
    weights["w37"] = 2.0  # one word carries the prediction
    obj, calls = _additive(tiny_ctx, weights)
    scores, base, extras = hierarchical_occlusion(obj, seed=0)
    names = list(weights)
    assert names[int(np.argmax(scores))] == "w37"
    assert scores[names.index("w37")] == pytest.approx(2.0)  # scored alone: exact occlusion
    assert base == pytest.approx(0.0)  # f with every word deleted
    # additive f: each first-level span's word scores add up to its own occlusion
    for p in sentence_spans(names, long_input.SPANS):
        assert sum(scores[p.start:p.end]) == pytest.approx(sum(
            weights[w] for w in names[p.start:p.end]), abs=0.05 + 1e-9)
    assert calls["texts"] == extras["hierarchy"]["model_calls"] < len(names) / 1.5
    assert "spans" in extras["explained"] and extras["hierarchy"]["words_alone"] >= 1


def test_long_occlusion_keeps_exact_scores_for_the_words_it_scores_alone(
        tiny_ctx: ToolContext, monkeypatch: pytest.MonkeyPatch) -> None:
    text = " ".join(WORDS * 3)  # 48 words: inside the tiny model's window
    ref = tiny_ctx.resolve(text=text)
    plain = explain(tiny_ctx, ref, "occlusion")
    monkeypatch.setattr(long_input, "LONG_WORDS", 16)
    tiny_ctx.cache.clear()
    long_ = explain(tiny_ctx, ref, "occlusion")
    assert "hierarchy" in long_.extras and "hierarchy" not in plain.extras
    assert long_.target_value == pytest.approx(plain.target_value)
    assert long_.base_value == pytest.approx(plain.base_value, abs=1e-5)
    finest = long_.extras["hierarchy"]
    assert finest["model_calls"] < len(plain.words) + 1
    # the top-ranked word was scored on its own, so its score is plain occlusion's
    top = long_.ranking()[0]
    assert long_.scores[top] == pytest.approx(plain.scores[top], abs=1e-4)


def test_why_on_a_megabyte_costs_what_the_window_costs(
        tiny_ctx: ToolContext, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(long_input, "LONG_WORDS", 16)
    target = tiny_ctx.target
    counted = {"texts": 0}
    inner = target.predict_proba

    def predict_proba(texts: list[str], *args: Any, **kwargs: Any) -> Any:
        counted["texts"] += len(texts)
        return inner(texts, *args, **kwargs)

    monkeypatch.setattr(target, "predict_proba", predict_proba)
    import pandas as pd

    from saywhy.tools.data.dataset import from_frame

    texts = [" ".join(WORDS * repeat) for repeat in (2_000, 60_000)]  # ~64 KB and ~2 MB
    ctx = ToolContext(target=target, data=from_frame(pd.DataFrame({"text": texts})))
    costs, answers = [], []
    for key in (0, 1):
        ctx.cache.clear()
        counted["texts"] = 0
        res = registry.get("attribute").run(ctx, {"id": key})
        costs.append(counted["texts"])
        answers.append(res)
    assert costs[0] == costs[1]  # the cell's size does not change the cost
    for res in answers:
        said = res.summary()
        windows = target.windows  # tiny's window is 64 tokens
        assert res.truncated and res.n_words_seen < 64 * windows < res.n_words_total
        assert res.extras.get("windows") == windows
        assert f"first {res.n_words_seen} of {res.n_words_total:,}".replace(",", "") \
            in said.replace(",", "")
        assert "spans first" in said and len(said) < 3_000
        assert res.faithfulness is not None
        assert len(res.faithfulness.tests[0].random.comprehensiveness) == \
            long_input.LONG_ERASER["n_random"]


def test_show_clips_a_long_text_and_keeps_it_whole_in_the_json(tiny_classifier: Any) -> None:
    import pandas as pd

    from saywhy.tools.data.dataset import from_frame

    big = " ".join(WORDS * 70_000)  # ~1 MB
    data = from_frame(pd.DataFrame({"id": [3, 4], "text": ["good film", big]}))
    ctx = ToolContext(target=tiny_classifier, data=data)
    res = registry.get("show").run(ctx, {"id": 4})
    said = res.summary()
    assert len(said) < 5_000 and "more characters not shown" in said
    assert res.to_json()["items"][0]["text"] == big
    [table] = res.views()
    cell = table.rows[0][[c.name for c in table.columns].index("text")]
    assert len(cell) < 5_000
    short = registry.get("show").run(ctx, {"id": 3}).summary()
    assert "good film" in short and "not shown" not in short
