"""Integration: the two real demo targets, loaded exactly as a user's model is."""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.integration


def test_demo_sentiment_is_a_standard_classifier_directory(demo_sentiment) -> None:  # type: ignore[no-untyped-def]
    assert demo_sentiment.kind == "classifier"
    assert demo_sentiment.architecture == "BertForSequenceClassification"
    assert demo_sentiment.labels == ["negative", "positive"]
    assert demo_sentiment.info["held_out_accuracy"] > 0.78
    probs = demo_sentiment.predict_proba(["a gorgeous, witty, moving film",
                                          "a tedious, clumsy mess from start to finish"])
    assert probs[0].argmax() == 1 and probs[1].argmax() == 0


def test_demo_sentiment_truncates_long_texts_and_says_so(demo_sentiment) -> None:  # type: ignore[no-untyped-def]
    text = "a good film . " * 400
    wt = demo_sentiment.words(text)
    assert wt.truncated and len(wt.input_ids) == demo_sentiment.max_length == 512
    assert np.isfinite(demo_sentiment.predict_proba([text])).all()


def test_demo_dataset_split_and_ids(demo_data) -> None:  # type: ignore[no-untyped-def]
    frame = demo_data.frame
    assert len(frame) == 12_808
    assert (frame["split"] == "test").sum() == 2_562
    assert set(frame["label"]) == {"positive", "negative"}
    assert demo_data.ids == list(range(12_808))


def test_demo_lm_generates_greedily_with_probabilities(demo_lm) -> None:  # type: ignore[no-untyped-def]
    assert demo_lm.kind == "causal_lm" and demo_lm.architecture == "LlamaForCausalLM"
    gen = demo_lm.generate("What is the capital of France? Answer in one word.", max_new_tokens=8)
    assert "Paris" in gen.text
    assert all(0 < p <= 1 for p in gen.token_probs)
    _, att = demo_lm.attentions("Hello there")
    assert att.shape[0] == 30  # eager attention returns every layer
