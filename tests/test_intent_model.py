"""The intent model: the bank's fine-tuned encoder (seeded, cached, with a frozen fallback) and
the classifier over it (full distributions, thread-safe, every intent learnt from its own
examples). Properties only, no exact figures."""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REAL_HOME, needs_minilm

pytestmark = needs_minilm

TINY_BANK = {
    "predict": ["what do you predict for review 3", "label of item 9", "classify review 12",
                "what does the model say about 40", "prediction for #7", "which class is 22"],
    "attribute": ["why did it say that", "which words mattered for review 3", "explain item 9",
                  "why positive for 12", "what drove the decision on 40", "top words for #7"],
    "performance": ["how accurate is the model", "accuracy on the test split", "f1 score please",
                    "how good is it overall", "precision and recall", "what is the error rate"],
}
# a few steps only: enough to move the weights, short enough for a test
TINY_RECIPE_KW = {"epochs": 1.0, "classes_per_batch": 3, "per_class": 3, "seed": 7}


@pytest.fixture
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SAYWHY_HOME with the assets only, so that nothing tuned here lands in the real cache."""
    home = tmp_path / "home"
    home.mkdir()
    src = REAL_HOME / "assets"
    if src.exists():
        (home / "assets").symlink_to(src, target_is_directory=True)
    monkeypatch.setenv("SAYWHY_HOME", str(home))
    monkeypatch.delenv("SAYWHY_INTENT_ENCODER", raising=False)
    return home


def _tiny_arrays() -> tuple[list[str], list[str]]:
    from saywhy.agent.planner.intent.classifier import bank_arrays

    return bank_arrays(TINY_BANK)


def _recipe(**kw: object):  # type: ignore[no-untyped-def]
    from saywhy.tools import intent_encoder

    return dataclasses.replace(intent_encoder.RECIPE, **{**TINY_RECIPE_KW, **kw})


def test_batches_cover_every_intent_with_several_phrasings() -> None:
    from saywhy.tools.intent_encoder import _batches

    texts, ys = _tiny_arrays()
    batches = _batches(ys, _recipe(), np.random.default_rng(0))
    assert batches
    for b in batches:
        labels = [ys[i] for i in b]
        assert len(set(labels)) == 3 and all(labels.count(y) == 3 for y in set(labels))
        assert len(set(b)) == len(b)  # no phrasing twice in one batch


def test_supcon_prefers_embeddings_grouped_by_intent() -> None:
    import torch

    from saywhy.tools.intent_encoder import _supcon

    y = torch.tensor([0, 0, 1, 1])
    grouped = torch.nn.functional.normalize(torch.tensor(
        [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]]), dim=1)
    mixed = grouped[[0, 2, 1, 3]]
    assert float(_supcon(grouped, y, 0.1)) < float(_supcon(mixed, y, 0.1))


def test_finetune_is_deterministic_given_the_seed(own_home: Path) -> None:
    import torch

    from saywhy.tools.intent_encoder import finetune

    texts, ys = _tiny_arrays()
    a = finetune(texts, ys, _recipe())
    b = finetune(texts, ys, _recipe())
    assert a.keys() == b.keys() and a
    assert not any(k.startswith("embeddings.") for k in a)  # word embeddings stay frozen
    assert all(torch.equal(a[k], b[k]) for k in a)
    c = finetune(texts, ys, _recipe(seed=8))
    assert any(not torch.equal(a[k], c[k]) for k in a)


def test_prepare_caches_and_the_classifier_uses_the_tuned_encoder(
    own_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saywhy.agent.planner.intent.classifier import IntentClassifier
    from saywhy.tools import intent_encoder

    texts, ys = _tiny_arrays()
    clf = IntentClassifier(bank=TINY_BANK)
    key = intent_encoder.tuned_key(clf.bank_hash())
    path = intent_encoder.prepare(key, texts, ys, _recipe())
    assert path.is_file() and path.suffix == ".safetensors"

    def boom(*a: object, **k: object) -> None:
        raise AssertionError("tuned again although the weights were saved")

    monkeypatch.setattr(intent_encoder, "finetune", boom)
    assert intent_encoder.prepare(key, texts, ys, _recipe()) == path  # reused, not retrained

    assert clf.encoder.startswith("tuned-")
    preds = clf.predict(["why did the model say that about review 5"])
    assert set(preds[0].probs) == set(TINY_BANK)
    # the head is cached too: a second classifier loads it without fitting again
    heads = list((own_home / "cache" / "planner").glob("intent-head-*.npz"))
    assert len(heads) == 1
    import sklearn.linear_model

    monkeypatch.setattr(sklearn.linear_model, "LogisticRegression", boom)
    again = IntentClassifier(bank=TINY_BANK)
    assert again.encoder == clf.encoder
    np.testing.assert_allclose(again.predict(["f1 please"])[0].ranked[0][1],
                               clf.predict(["f1 please"])[0].ranked[0][1], rtol=1e-5)


def test_missing_tuned_encoder_falls_back_to_the_frozen_one(
    own_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from saywhy.agent.planner.intent.classifier import IntentClassifier
    from saywhy.tools.text_encoder import encoder_id

    clf = IntentClassifier(bank=TINY_BANK)
    with caplog.at_level(logging.INFO, logger="saywhy.agent.planner.intent.classifier"):
        assert clf.encoder == encoder_id()
    assert any("frozen" in r.getMessage() for r in caplog.records)
    pred = clf.predict(["how accurate is it on the test set"])[0]
    assert pred.intent == "performance"


def test_frozen_can_be_forced(own_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from saywhy.agent.planner.intent.classifier import IntentClassifier
    from saywhy.tools.text_encoder import encoder_id

    monkeypatch.setenv("SAYWHY_INTENT_ENCODER", "frozen")
    assert IntentClassifier(bank=TINY_BANK).encoder == encoder_id()
    assert IntentClassifier(bank=TINY_BANK, tuned=False).encoder == encoder_id()


def test_an_unreadable_weights_file_is_ignored(own_home: Path) -> None:
    from saywhy.agent.planner.intent.classifier import IntentClassifier
    from saywhy.tools import intent_encoder
    from saywhy.tools.text_encoder import encoder_id

    clf = IntentClassifier(bank=TINY_BANK)
    intent_encoder.weights_path(intent_encoder.tuned_key(clf.bank_hash())).write_bytes(b"junk")
    assert clf.encoder == encoder_id()


def test_loaded_encoders_are_kept_by_file_not_by_key(
    own_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key tuned under one SAYWHY_HOME says nothing about another home's file of that name."""
    from saywhy.tools import intent_encoder

    texts, ys = _tiny_arrays()
    key = "test-" + intent_encoder.tuned_key("tiny-bank")
    intent_encoder.prepare(key, texts, ys, _recipe())
    first = intent_encoder.load(key)
    assert first is not None and intent_encoder.load(key) is first  # kept in memory

    other = tmp_path / "other-home"
    (other / "cache" / "planner").mkdir(parents=True)
    (other / "assets").symlink_to(own_home / "assets", target_is_directory=True)
    monkeypatch.setenv("SAYWHY_HOME", str(other))
    assert intent_encoder.load(key) is None  # missing there
    intent_encoder.weights_path(key).write_bytes(b"junk")
    assert intent_encoder.load(key) is None  # unreadable there

    monkeypatch.setenv("SAYWHY_HOME", str(own_home))
    assert intent_encoder.load(key) is first
    intent_encoder.weights_path(key).unlink()
    assert intent_encoder.load(key) is None  # removed since it was loaded


# ---- the real bank, with whatever encoder `make setup` prepared ---------------------------------
@pytest.fixture(scope="module")
def real() -> object:
    from saywhy.agent.planner.intent.classifier import IntentClassifier

    return IntentClassifier()


def test_the_tests_plan_with_the_encoder_users_get(real) -> None:  # type: ignore[no-untyped-def]
    """conftest links the real home's planner cache, so once `make setup` has tuned the encoder
    the planner tests use it, as a user's planner does."""
    from saywhy.tools import intent_encoder

    key = intent_encoder.tuned_key(real.bank_hash())
    tuned = REAL_HOME / "cache" / "planner" / intent_encoder.weights_path(key).name
    if not tuned.is_file():
        pytest.skip("the intent encoder is not tuned; run `saywhy models --prepare`")
    assert real.encoder == f"tuned-{key}" + ("+int8" if _quantized() else "")


def _quantized() -> bool:
    from saywhy.tools.text_encoder import QUANTIZE

    return bool(QUANTIZE)


def test_distributions_are_full_and_sorted(real) -> None:  # type: ignore[no-untyped-def]
    preds = real.predict(["why did you say negative for review 12?", "hello there", ""])
    for p in preds:
        assert set(p.probs) == set(real.bank)
        assert abs(sum(p.probs.values()) - 1.0) < 1e-4
        assert all(v >= 0 for v in p.probs.values())
        probs = [v for _, v in p.ranked]
        assert probs == sorted(probs, reverse=True) and p.ranked[0] == (p.intent, p.prob)
    assert preds[0].intent == "attribute" and preds[1].intent == "greeting"


def test_every_intent_is_predicted_for_its_own_examples(real) -> None:  # type: ignore[no-untyped-def]
    head = real.ensure()
    probs = head.probs(head.X)
    got = probs.argmax(axis=1)
    for c, name in enumerate(head.classes):
        own = head.y == c
        assert own.sum() >= 5
        assert (got[own] == c).mean() >= 0.8, name


def test_bank_hash_follows_the_bank(real) -> None:  # type: ignore[no-untyped-def]
    from saywhy.agent.planner.intent.classifier import IntentClassifier

    h = real.bank_hash()
    assert h == IntentClassifier().bank_hash() and len(h) == 16
    other = {k: list(v) for k, v in real.bank.items()}
    other["greeting"] = [*other["greeting"], "howdy partner"]
    assert IntentClassifier(bank=other).bank_hash() != h


def test_predict_is_thread_safe(real) -> None:  # type: ignore[no-untyped-def]
    texts = ["show me review 4", "how accurate is the model", "what if I drop 'not'",
             "which words matter overall", "hi", "are the explanations faithful"]
    alone = [p.probs for p in real.predict(texts)]
    out: dict[int, list[dict[str, float]]] = {}

    def work(n: int) -> None:
        out[n] = [real.predict([t])[0].probs for t in texts]

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n in range(4):
        for a, b in zip(out[n], alone, strict=True):
            assert a.keys() == b.keys()
            assert max(abs(a[k] - b[k]) for k in a) < 1e-5
