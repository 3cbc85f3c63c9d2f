"""Attribution methods and the `attribute` tool: properties on tiny models, a check on the demo."""

from __future__ import annotations

import numpy as np
import pytest

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import NotFoundError, UserError
from saywhy.tools.faithfulness import verdict_line
from saywhy.tools.methods import DEFAULT_METHOD, METHODS, build_objective, explain, names_for
from saywhy.tools.target.words import split_words
from saywhy.tools.views import significant

TEXTS = ["boring and predictable , the plot is a mess",
         "a gorgeous , witty film with great acting",
         "Boringly acted, charmingly written films"]  # subword tokens in the tiny vocabulary
PROMPT = "is the film good or bad ?"


def log_odds(p: np.ndarray, label: int) -> float:
    """log p(label) - log(1 - p(label)), the classifier objective."""
    return float(np.log(p[label]) - np.log(1 - p[label]))


def run(ctx: ToolContext, **args):  # type: ignore[no-untyped-def]
    return registry.get("attribute").run(ctx, args)


@pytest.mark.parametrize("text", TEXTS)
def test_shap_values_plus_base_equal_fx(tiny_ctx, text) -> None:  # type: ignore[no-untyped-def]
    a = explain(tiny_ctx, tiny_ctx.resolve(text=text), "shap")
    assert a.words == split_words(text)[0] and len(a.scores) == len(a.words)
    assert a.base_value + sum(a.scores) == pytest.approx(a.target_value, abs=1e-4)
    probs = tiny_ctx.probs([text])[0]
    assert a.label == tiny_ctx.target.labels[int(probs.argmax())]
    # in log-odds of the explained label, so the scores sum to log-odds(x) - log-odds(base)
    assert a.unit == "log-odds"
    assert a.target_value == pytest.approx(log_odds(probs, int(probs.argmax())), abs=1e-4)


@pytest.mark.parametrize("text", TEXTS)
def test_integrated_gradients_is_complete(tiny_ctx, text) -> None:  # type: ignore[no-untyped-def]
    a = explain(tiny_ctx, tiny_ctx.resolve(text=text), "integrated_gradients")
    delta = a.extras["convergence_delta"]
    assert abs(delta) < 0.05
    # word scores (subwords summed, special tokens untouched by the baseline) add up to
    # f(x) - f(baseline), up to the convergence delta
    assert sum(a.scores) == pytest.approx(a.target_value - a.base_value, abs=abs(delta) + 1e-4)


def test_word_aggregation_conserves_the_sum(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    obj = build_objective(tiny_ctx, tiny_ctx.resolve(text=TEXTS[2]))
    assert len(obj.ids) > len(obj.words.words) + 2  # there are subwords to sum
    token_scores = np.random.default_rng(0).normal(size=len(obj.ids))
    words = obj.aggregate(token_scores)
    mapped = sum(s for s, w in zip(token_scores, obj.token_to_word, strict=True) if w is not None)
    assert sum(words) == pytest.approx(mapped)
    # the baseline only replaces word tokens, so special tokens carry no attribution
    assert all((b == i) == (w is None) for i, b, w in
               zip(obj.ids, obj.baseline_ids, obj.token_to_word, strict=True))


def test_every_method_same_seed_same_numbers(tiny_classifier, tiny_dataset) -> None:  # type: ignore[no-untyped-def]
    for name in names_for("classifier"):
        runs = []
        for _ in range(2):
            ctx = ToolContext(target=tiny_classifier, data=tiny_dataset, seed=3)
            runs.append(explain(ctx, ctx.resolve(id=4), name).scores)
        assert runs[0] == runs[1], name


def test_attributions_are_memoised(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    ref = tiny_ctx.resolve(text=TEXTS[0])
    assert explain(tiny_ctx, ref, "occlusion") is explain(tiny_ctx, ref, "occlusion")


def test_occlusion_is_the_drop_without_each_word(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    a = explain(tiny_ctx, tiny_ctx.resolve(text=TEXTS[1]), "occlusion", label="negative")
    without_first = " ".join(TEXTS[1].split()[1:])
    p = tiny_ctx.probs([TEXTS[1], without_first])
    assert a.scores[0] == pytest.approx(log_odds(p[0], 0) - log_odds(p[1], 0), abs=1e-4)


def test_contrast_explains_the_difference(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    ref = tiny_ctx.resolve(text=TEXTS[0])
    p = tiny_ctx.probs([TEXTS[0]])[0]
    a = explain(tiny_ctx, ref, "integrated_gradients", label="positive", contrast="negative")
    assert a.contrast == "negative"
    assert a.target_value == pytest.approx(float(np.log(p[1]) - np.log(p[0])), abs=1e-4)
    assert sum(a.scores) == pytest.approx(a.target_value - a.base_value,
                                          abs=abs(a.extras["convergence_delta"]) + 1e-4)
    s = explain(tiny_ctx, ref, "shap", label="positive", contrast="negative")
    assert s.base_value + sum(s.scores) == pytest.approx(s.target_value, abs=1e-4)


def test_attribute_tool_result_and_summary(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(tiny_ctx, id=1, method="shap", k=3)
    assert res.method == "shap" and len(res.top) == 3 and res.unit == "log-odds"
    assert [abs(w["score"]) for w in res.top] == sorted((abs(w["score"]) for w in res.words),
                                                        reverse=True)[:3]
    assert res.faithfulness is not None and len(res.faithfulness.tests) == 2
    text = res.summary()
    p = significant(res.predicted_probability)
    assert text.startswith(f"For review #1, the model says {res.label} (p = {p})")
    # the lead names the most supportive words and what removing them does to p(label)
    named = res.removal["words"]
    assert 1 <= len(named) <= 3 and all(w["score"] > 0 for w in named)
    assert all(f"\"{w['word']}\"" in text for w in named)
    assert (f"from {significant(res.removal['full'])} to "
            f"{significant(res.removal['without_top'])}") in text
    probs = tiny_ctx.probs([res.text])[0]
    assert res.removal["full"] == pytest.approx(float(probs.max()), abs=1e-6)
    assert verdict_line(res.faithfulness) in text
    # the details only on request: method, base value, ERASER at each k, the random baseline
    assert "base value" not in text and "ERASER" not in text
    more = res.details()
    assert "shap" in more and "base value" in more and "NAOPC" in more and "random" in more
    assert res.to_json()["summary"] == text and res.to_json()["details"] == more
    quick = run(tiny_ctx, id=1, faithfulness=False)
    assert quick.faithfulness is None and quick.method == DEFAULT_METHOD["classifier"]
    ig = run(tiny_ctx, id=1, method="integrated_gradients", faithfulness=False)
    assert ig.delta is not None and "convergence delta" in ig.details()


def test_asked_label_not_predicted_explains_the_prediction(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    """"Why did you say negative?" about an input predicted positive must not claim it said
    negative: the answer says so and explains the label it does predict, unless the user
    insists on the asked one."""
    said = run(tiny_ctx, id=1, faithfulness=False)
    other = next(name for name in tiny_ctx.target.labels if name != said.label)
    asked = run(tiny_ctx, id=1, label=other, faithfulness=False)
    assert asked.asked == other and asked.label == said.label == asked.predicted
    assert [w["score"] for w in asked.words] == [w["score"] for w in said.words]
    text = asked.summary()
    assert text.startswith(f"For review #1, the model does not say {other}: it says "
                           f"{said.label} (p = {significant(said.predicted_probability)})")
    assert f"the model says {other}" not in text
    insisted = run(tiny_ctx, id=1, label=other, insist=True, faithfulness=False)
    assert insisted.label == other and insisted.asked is None
    assert insisted.summary().startswith(f"For review #1, the model does not say {other}: "
                                         f"it says {said.label}")
    # two labels: the log-odds of one are minus the other's, and so are the scores
    assert [w["score"] for w in insisted.words] == pytest.approx(
        [-w["score"] for w in said.words], abs=1e-4)


def test_scores_never_print_as_zeros(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    """Every number a reader sees for a word has two significant figures, so a word that
    moved the prediction at all is never written 0.00, in the answer or its views."""
    res = run(tiny_ctx, id=2, k=5)
    for text in (res.summary(), res.details()):
        assert "(+0.00" not in text and "(-0.00" not in text and "(0.00" not in text
    scores, bars = res.views()[:2]
    assert any(round(abs(v), bars.digits) > 0 for v in bars.values)
    assert any(round(abs(s), scores.digits) > 0 for s in scores.scores if s is not None)


def test_truncated_text_explains_the_window(tiny_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tiny_ctx.target, "windows", 1)  # the first window only (SAYWHY_WINDOWS=1)
    long_text = " ".join(["a witty film , but the plot is boring ."] * 12)
    res = run(tiny_ctx, text=long_text, method="occlusion")
    assert res.truncated and res.n_words_seen < res.n_words_total == len(split_words(long_text)[0])
    assert len(res.words) == res.n_words_seen
    probs = tiny_ctx.probs([long_text])[0]
    assert res.target_value == pytest.approx(log_odds(probs, int(probs.argmax())), abs=1e-3)
    assert "window" in res.summary() and "never seen" in res.summary()


def test_lm_gradient_methods_explain_the_answer(tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    ref = tiny_lm_ctx.resolve(text=PROMPT)
    ig = explain(tiny_lm_ctx, ref, "integrated_gradients")
    gxi = explain(tiny_lm_ctx, ref, "gradient_x_input")
    assert ig.words == gxi.words == PROMPT.split() and ig.unit == "log-probability"
    assert ig.span == gxi.span and ig.span[0] == 0 and ig.span[1] >= 1  # the whole answer
    assert ig.target_value < 0 and ig.extras["span_probability"] == pytest.approx(
        np.exp(ig.target_value))
    delta = ig.extras["convergence_delta"]
    assert abs(delta) < 0.05
    assert sum(ig.scores) == pytest.approx(ig.target_value - ig.base_value, abs=abs(delta) + 1e-4)
    assert any(s != 0 for s in gxi.scores)
    first = explain(tiny_lm_ctx, ref, "integrated_gradients", span="0")
    assert first.span == (0, 1) and first.target_value >= ig.target_value - 1e-6


def test_lm_contrast_token_and_spans(tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    ref = tiny_lm_ctx.resolve(text=PROMPT)
    first = explain(tiny_lm_ctx, ref, "integrated_gradients", span="0")
    alt = "good" if "good" not in first.span_text else "bad"
    c = explain(tiny_lm_ctx, ref, "integrated_gradients", contrast=alt, span="0")
    assert c.contrast is not None and c.contrast.strip() == alt and c.span == (0, 1)
    assert sum(c.scores) == pytest.approx(c.target_value - c.base_value,
                                          abs=abs(c.extras["convergence_delta"]) + 1e-4)
    # no span: the position where the alternative was likeliest, one token long
    free = explain(tiny_lm_ctx, ref, "gradient_x_input", contrast=alt)
    assert free.span is not None and free.span[1] - free.span[0] == 1
    phrase = explain(tiny_lm_ctx, ref, "gradient_x_input", span=first.span_text.strip())
    assert phrase.span[0] == 0
    res = registry.get("attribute").run(tiny_lm_ctx, {"text": PROMPT, "contrast": alt})
    assert "rather than" in res.summary() and res.faithfulness.unit == "log-probability"


def test_unsupported_method_on_an_lm_lists_the_supported_ones(tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="integrated_gradients, gradient_x_input, occlusion"):
        run(tiny_lm_ctx, text=PROMPT, method="shap")


@pytest.mark.parametrize("args, error, match", [
    ({"id": 999}, NotFoundError, "no item with id 999"),
    ({"text": "   "}, UserError, "which input"),
    ({"id": 1, "label": "neutral"}, UserError, "labels are: negative, positive"),
    ({"id": 1, "method": "saliency"}, UserError,
     "choose one of: " + ", ".join(METHODS)),
    ({"id": 1, "k": 0}, UserError, "k must be between 1 and 100"),
    ({"id": 1, "k": 101}, UserError, "k must be between 1 and 100"),
    ({"id": 1, "label": "negative", "contrast": "negative"}, UserError, "must differ"),
    ({"id": 1, "contrast": "neutral"}, UserError, "labels are"),
    ({"id": 1, "span": "all"}, UserError, "span applies to a causal LM"),
])
def test_bad_arguments_are_user_errors(tiny_ctx, args, error, match) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=match):
        run(tiny_ctx, **args)


def test_bad_lm_arguments(tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="label applies to classifiers"):
        run(tiny_lm_ctx, text=PROMPT, label="positive")
    with pytest.raises(UserError, match="not part of the model's answer"):
        run(tiny_lm_ctx, text=PROMPT, span="zzzz qqq")
    with pytest.raises(UserError, match="outside it"):
        run(tiny_lm_ctx, text=PROMPT, span="999")


@pytest.mark.integration
def test_demo_shap_and_ig_beat_random(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    from saywhy.tools.faithfulness import check

    frame = demo_ctx.data.frame
    short = frame[(frame["split"] == "test") & (frame["text"].str.split().str.len() <= 25)]
    test_ids = short.index[:8].tolist()
    for name in ("shap", "integrated_gradients"):
        comp, rand = [], []
        for i in test_ids:
            ref = demo_ctx.resolve(id=i)
            a = explain(demo_ctx, ref, name)
            t = check(demo_ctx, ref, a).test("deletion")
            comp.append(t.comprehensiveness)
            rand.append(t.random.mean_comprehensiveness)
            if name == "shap":
                assert a.base_value + sum(a.scores) == pytest.approx(a.target_value, abs=1e-3)
            else:
                assert abs(a.extras["convergence_delta"]) < 0.05 * max(
                    1.0, abs(a.target_value - a.base_value))
        assert np.mean(comp) > np.mean(rand) + 0.2, name


def test_lead_names_words_not_punctuation(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    """The lead names the most supportive tokens that have a letter or digit: a "," or "."
    scored above them is passed over there (and what removing the named words does is
    measured without it), but keeps its score in the full table."""
    from saywhy.tools.attribute import removal
    from saywhy.tools.attribute_result import is_word

    ref = tiny_ctx.resolve(text=TEXTS[0])  # "boring and predictable , the plot is a mess"
    attr = explain(tiny_ctx, ref, "occlusion")
    comma = attr.words.index(",")
    # punctuation pushing hardest towards the label, then every other word by its own score
    scores = [abs(s) + 1.0 for s in attr.scores]
    scores[comma] = max(scores) + 1.0
    boosted = attr.model_copy(update={"scores": scores})
    assert boosted.ranking()[0] == comma
    lead = removal(tiny_ctx, ref, boosted)
    named = [w["word"] for w in lead["words"]]
    words_first = [attr.words[i] for i in boosted.ranking() if is_word(attr.words[i])]
    assert named == words_first[:3] and "," not in named
    # removing the three named words, not the comma: p(label) of the text without them
    kept = " ".join(w for i, w in enumerate(attr.words)
                    if i not in [attr.words.index(n) for n in named])
    p = tiny_ctx.probs([kept])[0, attr.label_index]
    assert lead["without_top"] == pytest.approx(float(p), abs=1e-5)
    # the tool: every lead word has a letter or digit; the table keeps punctuation
    res = run(tiny_ctx, text=TEXTS[1], faithfulness=False)  # "a gorgeous , witty film ..."
    assert all(is_word(w["word"]) for w in res.removal["words"])
    assert "," in [w["word"] for w in res.words]
    assert not is_word(",") and not is_word("...") and is_word("9") and is_word("film's")
