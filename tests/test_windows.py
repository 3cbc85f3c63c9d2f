"""A classifier reads a text longer than its window in overlapping windows: the windows cover the
text in order without splitting a word, each fits the model, the prediction is the mean of the
windows' predictions, and the perturbation methods explain words beyond the first window.

The tiny classifier's window is 64 tokens, so a few sentences already need several windows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import UserError
from saywhy.tools.methods import build_objective, explain, long_input
from saywhy.tools.target.windows import window_tokens

SENTENCES = ["the acting was wonderful and warm .", "the plot was a dull and tired mess .",
             "some scenes dragged on forever .", "a brilliant ending saved the film ."]


def long_text(n: int) -> str:
    return " ".join(SENTENCES[i % len(SENTENCES)] for i in range(n))


def test_windows_cover_the_text_in_order_without_splitting_words(tiny_classifier: Any,
                                                                 monkeypatch: Any) -> None:
    monkeypatch.setattr(tiny_classifier, "windows", 4)
    tok = tiny_classifier.tokenizer
    text = long_text(14)  # about 110 words: more than one window, fewer than four
    reading = tiny_classifier.reading(text)
    ranges = reading.ranges
    assert 1 < len(ranges) <= 4 and not reading.truncated
    assert ranges[0][0] == 0 and ranges[-1][1] == len(text)
    size, _ = window_tokens(tiny_classifier.max_length, tok.num_special_tokens_to_add())
    for (a, b), (c, d) in zip(ranges, ranges[1:], strict=False):
        assert a < c < b < d  # each window starts inside the one before: they overlap
    for a, b in ranges:
        assert len(tok(text[a:b], add_special_tokens=False)["input_ids"]) <= size
        assert a == 0 or text[a - 1] == " "  # starts and ends at word boundaries
        assert b == len(text) or text[b] == " "


def test_a_text_beyond_the_windows_is_read_in_part_and_says_so(tiny_classifier: Any,
                                                             monkeypatch: Any) -> None:
    monkeypatch.setattr(tiny_classifier, "windows", 2)
    text = long_text(200)
    reading = tiny_classifier.reading(text)
    assert len(reading.ranges) == 2 and reading.truncated
    assert reading.end < len(text)
    monkeypatch.setattr(tiny_classifier, "windows", 1)  # one window: what the model sees
    one = tiny_classifier.reading(text)
    assert one.ranges == [(0, len(tiny_classifier.visible(text)[0]))] and one.truncated


def test_the_prediction_is_the_mean_of_the_windows(tiny_classifier: Any,
                                                    monkeypatch: Any) -> None:
    monkeypatch.setattr(tiny_classifier, "windows", 4)
    text = long_text(14)
    short = SENTENCES[0]
    ranges = tiny_classifier.reading(text).ranges
    each = tiny_classifier.predict_proba([text[a:b] for a, b in ranges])
    both = tiny_classifier.predict_proba([short, text])
    np.testing.assert_allclose(both[1], each.mean(axis=0), atol=1e-6)
    monkeypatch.setattr(tiny_classifier, "windows", 1)
    np.testing.assert_allclose(both[0], tiny_classifier.predict_proba([short])[0], atol=1e-6)
    first = tiny_classifier.predict_proba([text])[0]  # one window: the first window's own
    np.testing.assert_allclose(first, each[0], atol=1e-5)


def test_occlusion_explains_words_beyond_the_first_window(tiny_ctx: ToolContext,
                                                          monkeypatch: Any) -> None:
    target = tiny_ctx.target
    monkeypatch.setattr(target, "windows", 4)
    monkeypatch.setattr(long_input, "LONG_WORDS", 200)  # word by word, to see every word
    text = long_text(14)
    ranges = target.reading(text).ranges
    first_window_words = len(text[:ranges[0][1]].split())
    attr = explain(tiny_ctx, tiny_ctx.resolve(text=text), "occlusion")
    assert len(attr.words) == len(text.split()) > first_window_words
    assert attr.extras.get("windows") == len(ranges) and not attr.truncated
    assert any(abs(s) > 0 for s in attr.scores[first_window_words:])
    # occlusion's score of a word is exactly f(text) - f(text without it), through the windows
    obj = build_objective(tiny_ctx, tiny_ctx.resolve(text=text))
    last = len(attr.words) - 2
    keep = [i != last for i in range(len(attr.words))]
    without = float(obj.score([obj.text_keeping(keep)])[0])
    assert attr.scores[last] == pytest.approx(obj.value - without, abs=1e-4)


def test_gradient_methods_refuse_a_text_in_several_windows(tiny_ctx: ToolContext,
                                                           monkeypatch: Any) -> None:
    monkeypatch.setattr(tiny_ctx.target, "windows", 4)
    with pytest.raises(UserError, match="occlusion"):
        explain(tiny_ctx, tiny_ctx.resolve(text=long_text(14)), "integrated_gradients")


def test_predict_says_the_text_was_read_in_windows(tiny_ctx: ToolContext,
                                                    monkeypatch: Any) -> None:
    monkeypatch.setattr(tiny_ctx.target, "windows", 4)
    res = registry.get("predict").run(tiny_ctx, {"text": long_text(14)})
    assert res.windows > 1 and not res.truncated
    assert f"read in {res.windows} overlapping windows" in res.summary()
