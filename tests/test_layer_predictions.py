"""layer_predictions: the last layer reproduces the model, the decision layer is where it stays."""

from __future__ import annotations

import numpy as np
import pytest

from saywhy.tools import layer_predictions as lp
from saywhy.tools import registry
from saywhy.tools.errors import UserError


def run(ctx, **args):  # type: ignore[no-untyped-def]
    return registry.get("layer_predictions").run(ctx, args)


def _check_decision(res) -> None:  # type: ignore[no-untyped-def]
    tops = [r.top for r in res.layers]
    assert all(t == res.final for t in tops[res.decision_layer:])
    assert res.decision_layer == 0 or tops[res.decision_layer - 1] != res.final


def test_classifier_last_layer_is_the_model(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    for i in tiny_ctx.data.ids[:6]:
        res = run(tiny_ctx, id=i)
        assert res.n_layers == 2 and [r.layer for r in res.layers] == [0, 1, 2]
        p = tiny_ctx.target.predict_proba([tiny_ctx.data.text(i)])[0]
        np.testing.assert_allclose(list(res.layers[-1].probs.values()), p, atol=1e-3)
        assert res.final == tiny_ctx.target.labels[int(p.argmax())] == res.followed
        assert all(abs(sum(r.probs.values()) - 1) < 1e-3 for r in res.layers)
        _check_decision(res)
        assert f"review #{i}" in res.summary() and "layer" in res.summary()


def test_following_another_label(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    pos = run(tiny_ctx, id=0, label="positive")
    neg = run(tiny_ctx, id=0, label="NEGATIVE")
    assert pos.followed == "positive" and neg.followed == "negative"
    for a, b in zip(pos.layers, neg.layers, strict=True):
        assert a.prob + b.prob == pytest.approx(1.0, abs=1e-3)
    with pytest.raises(UserError, match="Unknown label 'neutral'"):
        run(tiny_ctx, id=0, label="neutral")


def test_unknown_head_is_a_clear_error(tiny_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(lp, "_classifier_heads", lambda model: [])
    with pytest.raises(UserError, match="intermediate layers of a"):
        run(tiny_ctx, text="a dull film")


def test_causal_lm_logit_lens(tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(tiny_lm_ctx, text="is the film good ?")
    gen = tiny_lm_ctx.target.generate("is the film good ?", max_new_tokens=1)
    assert res.final == gen.answer_tokens[0] and res.layers[-1].rank == 1
    assert res.layers[-1].prob == pytest.approx(gen.token_probs[0], abs=1e-4)
    assert len(res.layers) == 3 and all(len(r.probs) == 5 for r in res.layers)
    _check_decision(res)
    followed = run(tiny_lm_ctx, text="is the film good ?", label="film")
    assert followed.followed.strip() == "film" and all(r.rank >= 1 for r in followed.layers)


def test_empty_text(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError):
        run(tiny_ctx, text="  ")


@pytest.mark.integration
def test_demo_layers(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(demo_ctx, text="A tedious, clumsy mess with a few good moments.")
    assert res.n_layers == 6 and res.final == "negative"
    p = demo_ctx.target.predict_proba([res.text])[0]
    assert res.layers[-1].prob == pytest.approx(float(p.max()), abs=1e-3)
    _check_decision(res)
