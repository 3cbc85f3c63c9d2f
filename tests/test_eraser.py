"""tools/eraser.py: properties of the faithfulness measures, on the tiny targets.

An additive objective (f = the sum of per-word weights, on the tiny classifier's words) has a
known best ordering: occlusion recovers each word's true effect there, so its ranking must get
NAOPC 1 and the reverse 0, under exact and beam bounds alike. On the tiny BERT itself (strong
word interactions) the exact bounds must be the extremes of brute force over every ordering.
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Any

import numpy as np
import pytest

from saywhy.tools.context import ToolContext
from saywhy.tools.eraser import (
    ERASURES,
    Erasure,
    aopc_bounds,
    edited_text,
    measure,
    measure_ranking,
    replacement_token,
    sizes,
)
from saywhy.tools.methods import METHODS, explain, objective_of
from saywhy.tools.target.words import split_words

TEXT = "boring and predictable , the plot is a mess but the music is great"
SHORT = "a witty film with great acting"


def _objective(ctx: ToolContext, text: str) -> Any:
    ref = ctx.resolve(text=text)
    return objective_of(ctx, ref, explain(ctx, ref, "occlusion"))


def _additive(ctx: ToolContext, text: str) -> Any:
    """The tiny classifier's objective for `text` with f replaced by a sum of word weights (a
    [MASK] weighs nothing): the true effect of each word is its weight."""
    obj = _objective(ctx, text)
    rng = np.random.default_rng(7)
    weight = {w: float(rng.normal()) for w in obj.words.words}

    def score(texts: list[str], cached: bool = False) -> np.ndarray:
        return np.array([sum(weight.get(w, 0.0) for w in split_words(t)[0]) for t in texts])

    return dataclasses.replace(obj, score=score, value=float(score([obj.words.text])[0]))


def _aopc(obj: Any, order: list[int], erasure: Erasure) -> float:
    n = obj.n_words
    texts = [edited_text(obj, [i not in order[:k] for i in range(n)], erasure)
             for k in range(1, n + 1)]
    return float(np.mean(obj.value - obj.score(texts)))


@pytest.mark.parametrize("exact_max", [20, 0])  # exact bounds, then the beam search
def test_true_effect_ranking_gets_naopc_one_and_its_reverse_zero(tiny_classifier: Any,
                                                                 exact_max: int) -> None:
    ctx = ToolContext(target=tiny_classifier)
    obj = _additive(ctx, SHORT if exact_max else TEXT)
    effect, _, _ = METHODS["occlusion"].fn(obj, 0)
    truth = sorted(range(obj.n_words), key=lambda i: -effect[i])
    best = measure_ranking(ctx, obj, truth, exact_max=exact_max, beam_size=2)
    worst = measure_ranking(ctx, obj, truth[::-1], exact_max=exact_max, beam_size=2)
    for b, w in zip(best.tests, worst.tests, strict=True):
        assert b.naopc is not None and w.naopc is not None
        assert b.naopc.bounds.exact == bool(exact_max)
        assert b.naopc.value == pytest.approx(1.0, abs=1e-6)
        assert w.naopc.value == pytest.approx(0.0, abs=1e-6)
        assert b.verdict == "beats chance" and w.verdict == "not distinguishable from chance"
        assert b.random.naopc is not None and 0.0 <= b.random.naopc <= 1.0


def test_exact_bounds_are_the_extremes_over_every_ordering(tiny_ctx: ToolContext) -> None:
    obj = _objective(tiny_ctx, SHORT)
    for erasure in ERASURES:
        b = aopc_bounds(tiny_ctx, obj, erasure)
        every = [_aopc(obj, list(p), erasure) for p in itertools.permutations(range(obj.n_words))]
        assert b.exact and b.n_scored == 2 ** obj.n_words - 1
        assert b.upper == pytest.approx(max(every), abs=1e-5)
        assert b.lower == pytest.approx(min(every), abs=1e-5)
        assert _aopc(obj, b.upper_order, erasure) == pytest.approx(b.upper, abs=1e-5)
        beam = aopc_bounds(tiny_ctx, obj, erasure, beam_size=3, exact_max=0)
        assert b.lower - 1e-6 <= beam.lower <= beam.upper <= b.upper + 1e-6


def test_a_random_ranking_falls_inside_the_random_distribution(tiny_ctx: ToolContext) -> None:
    obj = _objective(tiny_ctx, TEXT)
    rng = np.random.default_rng(123)
    inside = chance = 0
    for _ in range(10):
        f = measure_ranking(tiny_ctx, obj, rng.permutation(obj.n_words).tolist(), naopc=False)
        for t in f.tests:
            assert len(t.random.comprehensiveness) == 20
            inside += min(t.random.comprehensiveness) <= t.comprehensiveness \
                <= max(t.random.comprehensiveness)
            chance += t.verdict == "not distinguishable from chance"
    assert inside >= 16 and chance >= 16  # of 20 (10 rankings x 2 erasures)


def test_deletion_and_replacement_differ_exactly_in_the_chosen_words(tiny_ctx: ToolContext) -> None:
    obj = _objective(tiny_ctx, TEXT)
    tok = tiny_ctx.target.tokenizer
    mask = tok.convert_tokens_to_ids(replacement_token(tok))
    groups = obj.words.word_to_tokens()
    ids = obj.words.input_ids
    chosen = {0, 3, 7, 12}
    keep = [i not in chosen for i in range(obj.n_words)]
    gone = {t for w in chosen for t in groups[w]}
    deleted = tok(edited_text(obj, keep, "deletion"))["input_ids"]
    replaced = tok(edited_text(obj, keep, "replacement"))["input_ids"]
    assert deleted == [t for i, t in enumerate(ids) if i not in gone]
    assert replaced == [mask if i in gone else t for i, t in enumerate(ids)]
    assert len(replaced) == len(ids)


def test_seeded_results_repeat(tiny_classifier: Any) -> None:
    found = []
    for seed in (5, 5, 6):
        ctx = ToolContext(target=tiny_classifier, seed=seed)
        ref = ctx.resolve(text=TEXT)
        found.append(measure(ctx, ref, explain(ctx, ref, "occlusion")))
    assert found[0] == found[1]
    a, c = found[0].test("deletion"), found[2].test("deletion")
    assert a.random.comprehensiveness != c.random.comprehensiveness
    assert a.comprehensiveness == c.comprehensiveness
    assert a.naopc is not None and c.naopc is not None  # equal up to batching noise
    assert a.naopc.value == pytest.approx(c.naopc.value, abs=1e-6)


def test_figures_match_their_definition_with_one_batched_call(tiny_ctx: ToolContext) -> None:
    obj = _objective(tiny_ctx, TEXT)
    calls: list[int] = []
    real = obj.score

    def counting(texts: list[str], cached: bool = False) -> np.ndarray:
        calls.append(len(texts))
        return real(texts, cached=cached)

    obj = dataclasses.replace(obj, score=counting)
    ranking = list(range(obj.n_words))
    f = measure_ranking(tiny_ctx, obj, ranking, naopc=False)
    assert len(calls) == 1
    n = obj.n_words
    for t in f.tests:
        for row, s in zip(t.per_k, sizes(n), strict=True):
            keep = [i >= s for i in range(n)]
            without, only = real([edited_text(obj, keep, t.erasure),
                                  edited_text(obj, [not k for k in keep], t.erasure)])
            # float32 forward passes batched with different padding: log-odds agree to ~1e-5
            assert row.comprehensiveness == pytest.approx(obj.value - without, abs=1e-5)
            assert row.sufficiency == pytest.approx(obj.value - only, abs=1e-5)
        assert t.comprehensiveness == pytest.approx(np.mean([r.comprehensiveness
                                                             for r in t.per_k]))
        assert t.beats_chance == (t.comprehensiveness > np.percentile(
            t.random.comprehensiveness, 95))


def test_causal_lm_replaces_with_its_unknown_token(tiny_lm_ctx: ToolContext) -> None:
    ref = tiny_lm_ctx.resolve(text="is the film good or bad ?")
    f = measure(tiny_lm_ctx, ref, explain(tiny_lm_ctx, ref, "gradient_x_input"),
                sufficiency=False)
    assert f.unit == "log-probability"
    rep = f.test("replacement")
    assert rep.replacement == "<|endoftext|>" and rep.sufficiency is None
    assert rep.naopc is not None and rep.naopc.bounds.exact
