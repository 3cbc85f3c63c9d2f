"""Target adapters on tiny in-process models, and loading errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from saywhy.tools.errors import NotFoundError, UserError
from saywhy.tools.target import load_target
from saywhy.tools.target.words import split_words


def test_classifier_probabilities_and_labels(tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    probs = tiny_classifier.predict_proba(["a gorgeous witty film", "boring mess", "the"])
    assert probs.shape == (3, 2)
    np.testing.assert_allclose(probs.sum(1), 1.0, atol=1e-5)
    # batching and sorting by length do not change the numbers
    single = np.stack([tiny_classifier.predict_proba([t])[0] for t in ["boring mess", "the"]])
    np.testing.assert_allclose(probs[1:], single, atol=1e-5)
    assert tiny_classifier.labels == ["negative", "positive"]
    with pytest.raises(UserError, match="this model's labels are: negative, positive"):
        tiny_classifier.label_index("neutral")


def test_words_and_tokens_align(tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    wt = tiny_classifier.words("Boringly, the actors acted!")
    assert wt.words == ["Boringly", ",", "the", "actors", "acted", "!"]
    assert wt.tokens[:3] == ["[CLS]", "boring", "##ly"]
    assert wt.token_to_word[1] == wt.token_to_word[2] == 0
    assert wt.token_to_word[0] is None and wt.token_to_word[-1] is None
    scores = list(np.arange(len(wt.tokens), dtype=float))
    words = wt.aggregate(scores)
    specials = sum(s for s, w in zip(scores, wt.token_to_word, strict=True) if w is None)
    assert sum(words) == pytest.approx(sum(scores) - specials)


def test_truncation_is_reported(tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    long_text = " ".join(["good film"] * 100)
    wt = tiny_classifier.words(long_text)
    assert wt.truncated and len(wt.input_ids) == tiny_classifier.max_length
    # only what the model sees is tokenised: the words are those inside the window
    assert 0 < wt.n_words_kept == len(wt.words) < len(long_text.split())
    assert tiny_classifier.predict_proba([long_text]).shape == (1, 2)
    assert not tiny_classifier.words("good film").truncated


def test_empty_text_is_a_user_error(tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="empty"):
        tiny_classifier.words("   ")


def test_attentions_and_hidden_states(tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    wt, att = tiny_classifier.attentions("a witty film")
    assert att.shape[0] == 2 and att.shape[1] == 4 and att.shape[2] == len(wt.input_ids)
    np.testing.assert_allclose(att.sum(-1), 1.0, atol=1e-5)
    hidden = tiny_classifier.hidden_states(["a witty film", "dull"])
    assert hidden.shape == (2, 32)


def test_causal_lm_generation_has_token_probabilities(tiny_lm) -> None:  # type: ignore[no-untyped-def]
    gen = tiny_lm.generate("is the film good ?", max_new_tokens=4)
    assert 1 <= len(gen.answer_ids) <= 4
    assert all(0.0 < p <= 1.0 for p in gen.token_probs)
    assert gen.prompt_words is not None
    assert gen.prompt_words.words == ["is", "the", "film", "good", "?"]
    mapped = [w for w in gen.prompt_words.token_to_word if w is not None]
    assert sorted(set(mapped)) == [0, 1, 2, 3, 4]
    again = tiny_lm.generate("is the film good ?", max_new_tokens=4)
    assert again.answer_ids == gen.answer_ids  # greedy: deterministic


def test_split_words_keeps_punctuation_and_contractions() -> None:
    words, spans = split_words("It's not bad, really!")
    assert words == ["It's", "not", "bad", ",", "really", "!"]
    assert spans[0] == (0, 4)


def test_bad_model_paths(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="No model at"):
        load_target(str(tmp_path / "missing"))
    with pytest.raises(UserError, match="not a model directory"):
        load_target(str(tmp_path))
    (tmp_path / "config.json").write_text(json.dumps(
        {"architectures": ["BertForSequenceClassification"], "model_type": "bert"}))
    (tmp_path / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(UserError, match="pickle") as info:
        load_target(str(tmp_path))
    assert "--allow-pickle" in info.value.user_text()
    with pytest.raises(NotFoundError, match="does not exist"):
        load_target(str(tmp_path / "nope.gguf"))


def test_saved_tiny_model_loads_through_the_user_path(tmp_path: Path) -> None:
    from tests.tiny import tiny_classifier_parts

    model, tokenizer = tiny_classifier_parts()
    model.save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    target = load_target(str(tmp_path))
    assert target.kind == "classifier" and target.labels == ["negative", "positive"]
    assert target.fingerprint == load_target(str(tmp_path)).fingerprint
    np.testing.assert_allclose(target.predict_proba(["great acting"]),
                               model_probs(model, tokenizer, "great acting"), atol=1e-5)


def model_probs(model, tokenizer, text):  # type: ignore[no-untyped-def]
    import torch

    with torch.inference_mode():
        return torch.softmax(model(**tokenizer([text], return_tensors="pt")).logits, -1).numpy()
