"""attention: row sums at token and word level, rollout, the attention sink, bad arguments."""

from __future__ import annotations

import numpy as np
import pytest

from saywhy.tools import registry
from saywhy.tools.attention import rollout, sink_mask, token_attentions, word_matrix
from saywhy.tools.errors import NotFoundError, UserError


def run(ctx, **args):  # type: ignore[no-untyped-def]
    return registry.get("attention").run(ctx, args)


def test_token_rows_sum_to_one(tiny_classifier, tiny_lm) -> None:  # type: ignore[no-untyped-def]
    for target, text in ((tiny_classifier, "Boringly, the actors acted!"),
                         (tiny_lm, "is the film good ?")):
        _, att = token_attentions(target, text)
        np.testing.assert_allclose(att.sum(-1), 1.0, atol=1e-5)


def test_word_rows_sum_to_one_without_specials(tiny_ctx, tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    for ctx, text in ((tiny_ctx, "Boringly, the actors acted!"), (tiny_lm_ctx, "the film is good")):
        for mode in ("average", "rollout"):
            res = run(ctx, text=text, mode=mode, k=50)
            m = np.array(res.matrix)
            assert m.shape == (len(res.words), len(res.words))
            np.testing.assert_allclose(m.sum(1), 1.0, atol=1e-3)
            assert sum(w.weight for w in res.top) == pytest.approx(1.0, abs=1e-3)
            assert 0.0 < res.special_mass < 1.0


def test_subwords_sum_to_words_and_specials_are_excluded(tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    wt, att = token_attentions(tiny_classifier, "Boringly, the actors acted!")
    sinks = sink_mask(wt, causal=False)
    assert sinks[0] and sinks[-1] and not sinks[1:-1].any()
    tok = att[0, 0]
    words = word_matrix(tok, wt, sinks)
    # "Boringly" = boring + ##ly: 'to' is the sum over both tokens, 'from' the mean of both rows
    raw_to = tok[3, 1] + tok[3, 2]                       # token 3 = ',' -> word 0
    assert words[1, 0] == pytest.approx(raw_to / tok[3, ~sinks].sum(), rel=1e-5)
    from_rows = tok[[1, 2]].mean(0)
    assert words[0, 2] == pytest.approx(from_rows[4] / from_rows[~sinks].sum(), rel=1e-5)


def test_rollout_rows_sum_to_one_and_first_layer_is_residual_mix() -> None:
    rng = np.random.default_rng(0)
    att = rng.random((3, 5, 5))
    att /= att.sum(-1, keepdims=True)
    r = rollout(att)
    np.testing.assert_allclose(r.sum(-1), 1.0, atol=1e-9)
    np.testing.assert_allclose(rollout(att[:1]), 0.5 * np.eye(5) + 0.5 * att[0], atol=1e-12)


def test_query_token_and_layer_head_choice(tiny_ctx, tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(tiny_ctx, id=0, layer=2, head=3, k=3)
    assert res.query == "[CLS] token" and res.layer == 2 and res.head == 3 and len(res.top) == 3
    assert all(w.word not in ("[CLS]", "[SEP]") for w in res.top)
    assert {t["token"] for t in res.special_tokens} <= {"[CLS]", "[SEP]"}
    assert "review #0" in res.summary() and "not why" in res.summary()
    assert run(tiny_ctx, id=0, layer=-1, head=3, k=3).top == res.top
    lm = run(tiny_lm_ctx, text="is the film good ?")
    assert lm.query == "last prompt token" and lm.words == ["is", "the", "film", "good", "?"]
    roll = run(tiny_ctx, id=0, mode="rollout", head=1)
    assert roll.head is None and roll.notes


def test_same_input_same_numbers(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    from saywhy.tools.context import ToolContext

    a = run(tiny_ctx, text="a witty film", mode="rollout")
    b = run(ToolContext(target=tiny_ctx.target), text="a witty film", mode="rollout")
    assert a.matrix == b.matrix and a.top == b.top


@pytest.mark.parametrize(("args", "match"), [
    ({"id": 0, "layer": 0}, "no layer 0"), ({"id": 0, "layer": 3}, "2 layers"),
    ({"id": 0, "head": 5}, "4 heads"), ({"id": 0, "k": 0}, "between 1 and 50"),
    ({"text": "   "}, "which input"),
])
def test_bad_arguments(tiny_ctx, args, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match=match):
        run(tiny_ctx, **args)


def test_unknown_id(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError, match="no item with id 999"):
        run(tiny_ctx, id=999)


@pytest.mark.integration
def test_demo_attention(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    text = ("The acting is wooden and the plot drags, but the score is gorgeous "
            "and the ending moving.")
    res = run(demo_ctx, text=text, k=5)
    assert res.n_layers == 6 and res.n_heads == 12 and len(res.top) == 5
    np.testing.assert_allclose(np.array(res.matrix).sum(1), 1.0, atol=1e-3)
    roll = run(demo_ctx, text=text, mode="rollout")
    np.testing.assert_allclose(np.array(roll.matrix).sum(1), 1.0, atol=1e-3)
