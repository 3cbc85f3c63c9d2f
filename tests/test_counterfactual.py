"""counterfactual: every returned edit set flips on an independent re-prediction, within k words;
the table speaks of the target label; substitutes come from the data when the model's embeddings
are noise; it works without data and without the language model; seeded results repeat.

The language model is the tiny Llama of tests/tiny.py (`lm` fixture) so the fluency code runs in
seconds; the demo LM is used by the integration test only.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from typing import Any

import pytest

from saywhy.tools import counterfactual as cf
from saywhy.tools import fluency, registry, substitutes
from saywhy.tools.context import ToolContext
from saywhy.tools.counterfactual import CounterfactualResult
from saywhy.tools.errors import ToolArgsError, UserError
from saywhy.tools.target.causal_lm import HFCausalLM
from saywhy.tools.target.classifier import HFClassifier
from saywhy.tools.views import TextPairs


def run(ctx: ToolContext, **args: Any) -> CounterfactualResult:
    result = registry.get("counterfactual").run(ctx, args)
    assert isinstance(result, CounterfactualResult)
    return result


@pytest.fixture
def lm(tiny_lm: HFCausalLM, monkeypatch: pytest.MonkeyPatch) -> fluency.FluencyLM:
    """The tiny LM stands in for the demo LM (loaded once per process in real use)."""
    scorer = fluency.FluencyLM(tiny_lm)
    monkeypatch.setattr(fluency, "fluency_lm", lambda: (scorer, "the tiny test LM"))
    return scorer


@pytest.fixture
def no_lm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fluency, "fluency_lm",
                        lambda: (None, "the demo LM's weights are not fetched"))


def _check(ctx: ToolContext, res: CounterfactualResult, k: int) -> None:
    """Every reported counterfactual re-predicts (no cache) to its target label, which is not
    the original's; its edits render its text; the view's columns are the target label's."""
    target = ctx.classifier
    wt = target.words(res.text)
    p0 = target.predict_proba([res.text])[0]
    for c in res.counterfactuals:
        assert 1 <= len(c.edits) <= k
        assert all(wt.words[e.position] == e.target for e in c.edits)
        assert cf.render(wt, {e.position: e.value for e in c.edits}) == c.text != res.text
        p = target.predict_proba([c.text])[0]  # independent re-prediction
        assert target.labels[int(p.argmax())] == c.label == c.predicted != res.label
        if res.wanted:
            assert c.label == res.wanted
        j = target.labels.index(c.label)
        assert math.isclose(c.before_prob, float(p0[j]), abs_tol=1e-3)
        assert math.isclose(c.target_prob, float(p[j]), abs_tol=1e-3)
    counts = [len(c.edits) for c in res.counterfactuals]
    assert counts == sorted(counts) and len({c.text for c in res.counterfactuals}) == len(counts)
    assert res.evaluations <= res.budget == cf.BUDGET
    shown = res.counterfactuals or ([res.closest] if res.closest else [])
    for view in res.views():
        assert isinstance(view, TextPairs)
        for pair, c in zip(view.pairs, shown, strict=True):
            assert pair.before_label == pair.after_label == f"p({c.label})"
            assert (pair.before_value, pair.after_value) == (c.before_prob, c.target_prob)
            assert pair.after == c.text


def test_counterfactuals_flip_within_k(tiny_ctx: ToolContext, lm: fluency.FluencyLM,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cf, "BUDGET", 200)  # keeps the test fast; the properties hold at any budget
    found = 0
    for i in tiny_ctx.items()[:6]:
        for k in (1, 3):
            res = run(tiny_ctx, id=i, k=k)
            _check(tiny_ctx, res, k)
            found += bool(res.counterfactuals)
            assert f"review #{i}" in res.summary() and res.fluency_by == lm.name
            assert all(c.fluency is not None and c.fluency > 0 for c in res.counterfactuals)
    assert found >= 6  # the tiny model is easy to flip; the search must find most


def test_the_summary_names_the_label_its_probabilities_and_the_edit(
        tiny_ctx: ToolContext, lm: fluency.FluencyLM) -> None:
    res = run(tiny_ctx, id=0, k=2)
    best = res.counterfactuals[0]
    said = res.summary()
    assert f"flips it to {best.label}, p({best.label}) {best.before_prob:.2f} -> " \
           f"{best.target_prob:.2f}" in said
    assert cf._describe(best.edits) in said and f'"{best.text}"' in said


def test_the_closest_try_speaks_of_its_target_label(tiny_ctx: ToolContext, no_lm: None,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cf._Search, "flips", lambda self, p: False)  # nothing ever flips
    monkeypatch.setattr(cf, "BUDGET", 60)
    res = run(tiny_ctx, id=0, k=2)
    assert res.counterfactuals == [] and res.closest is not None
    c = res.closest
    p0 = tiny_ctx.classifier.predict_proba([res.text])[0]
    p = tiny_ctx.classifier.predict_proba([c.text])[0]
    j = tiny_ctx.target.labels.index(c.label)
    assert c.label != res.label  # the label it aims for, not the one it still predicts
    assert math.isclose(c.before_prob, float(p0[j]), abs_tol=1e-3)
    assert math.isclose(c.target_prob, float(p[j]), abs_tol=1e-3)
    (view,) = res.views()
    assert isinstance(view, TextPairs)
    (pair,) = view.pairs
    assert pair.before_label == pair.after_label == f"p({c.label})"
    assert f"moves p({c.label}) from {c.before_prob:.2f} only to {c.target_prob:.2f}" \
        in res.summary()


def test_named_label_and_seeded_results_repeat(tiny_classifier: HFClassifier,
                                               tiny_dataset: Any, lm: fluency.FluencyLM) -> None:
    first = run(ToolContext(target=tiny_classifier, data=tiny_dataset), id=0, label="positive",
                k=2)
    _check(ToolContext(target=tiny_classifier, data=tiny_dataset), first, 2)
    again = run(ToolContext(target=tiny_classifier, data=tiny_dataset), id=0, label="positive",
                k=2)  # a fresh context: nothing memoised in memory
    assert again.model_dump(exclude={"seconds"}) == first.model_dump(exclude={"seconds"})


def test_without_data_it_still_works(tiny_classifier: HFClassifier, lm: fluency.FluencyLM) -> None:
    ctx = ToolContext(target=tiny_classifier)
    res = run(ctx, text="a gorgeous , witty film with great acting", k=2)
    _check(ctx, res, 2)
    assert res.counterfactuals
    assert "No dataset is loaded, so no substitutes came from data" in res.summary()
    assert not any({"attribution", "frequency"} & set(e.sources)
                   for c in res.counterfactuals for e in c.edits)


def test_without_the_language_model_it_says_so(tiny_ctx: ToolContext, no_lm: None) -> None:
    res = run(tiny_ctx, id=1, k=2)
    _check(tiny_ctx, res, 2)
    assert res.counterfactuals and res.fluency_by is None
    assert all(c.fluency is None for c in res.counterfactuals)
    assert "Without a language model (the demo LM's weights are not fetched)" in res.summary()


def test_a_missing_lm_asset_is_a_reason_not_a_download(monkeypatch: pytest.MonkeyPatch) -> None:
    from saywhy.tools import assets

    real = assets.get_asset("smollm2")
    absent = assets.Asset(name="smollm2", package=real.package, version=real.version,
                          wheel_sha256=real.wheel_sha256, files={"none/here.gguf": "0"})
    monkeypatch.setattr(assets, "get_asset", lambda name: absent)
    scorer, why = fluency._load("demo-lm")
    assert scorer is None and "not fetched" in why


def test_unlabelled_data_gives_words_of_predicted_items(tiny_classifier: HFClassifier,
                                                        no_lm: None) -> None:
    from saywhy.tools.data.dataset import from_frame
    from tests.tiny import tiny_frame

    data = from_frame(tiny_frame().drop(columns=["label"]), name="plain", item_name="review")
    ctx = ToolContext(target=tiny_classifier, data=data)
    res = run(ctx, id=2, k=2)
    _check(ctx, res, 2)
    assert "reviews predicted" in res.summary()


def test_nothing_found_is_said_honestly(tiny_ctx: ToolContext,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cf, "SOURCES", ())  # deletion only, of a one-word text: nothing left
    res = run(tiny_ctx, text="film", k=1)
    assert res.counterfactuals == [] and "flipped the prediction" in res.summary()
    assert "none of the 0 edits" in res.summary()


def test_data_words_reuse_the_global_importance_store(tiny_classifier: HFClassifier,
                                                      tiny_dataset: Any, no_lm: None) -> None:
    ctx = ToolContext(target=tiny_classifier, data=tiny_dataset, seed=4242)  # its own store
    run(ctx, id=0, k=1)
    again = registry.get("global_importance").run(
        ToolContext(target=tiny_classifier, data=tiny_dataset, seed=4242), {})
    assert again.computed == 0  # every sampled item was already explained
    names = [p.name for p in (substitutes.cache_dir("counterfactual")).iterdir()]
    assert any(n.startswith(f"{tiny_classifier.fingerprint}-{tiny_dataset.fingerprint()}-")
               and "-s4242-" in n for n in names)


def test_neighbours_are_whole_words_from_the_vocabulary(tiny_ctx: ToolContext) -> None:
    near = cf.neighbours(tiny_ctx, "Boring", 8)
    assert len(near) == 8 and all(w[0].isupper() and w.isalpha() for w in near)
    assert "Boring" not in near and not any(w.lower().startswith(("cls", "sep", "pad", "mask"))
                                            for w in near)


def test_edit_costs_are_the_perplexity_ratio(lm: fluency.FluencyLM,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The cached-prefix estimate equals full scoring when the window covers the sentence."""
    monkeypatch.setattr(fluency, "WINDOW", 100)
    text = "the film is good and the acting is great ."
    edited = ["the film is bad and the acting is great .", "the film is good .",
              "the movie is good and the acting is great .", "film is good and the acting is"]
    reading = lm.read(text)
    estimated = lm.edit_costs(reading, edited, lambda: None)
    exact = fluency.perplexity_ratios(lm, text, edited, lambda: None)
    for e, x in zip(estimated, exact, strict=True):
        assert math.isclose(math.exp(e), x, rel_tol=1e-3)


def test_bad_arguments(tiny_ctx: ToolContext, tiny_lm_ctx: ToolContext,
                       no_lm: None) -> None:
    predicted = run(tiny_ctx, id=0, k=1).label
    with pytest.raises(UserError, match=f"already predicts {predicted}"):
        run(tiny_ctx, id=0, label=predicted)
    with pytest.raises(UserError, match="Unknown label 'neutral'"):
        run(tiny_ctx, id=0, label="neutral")
    for k in (0, 6):
        with pytest.raises(UserError, match="between 1 and 5"):
            run(tiny_ctx, id=0, k=k)
    with pytest.raises(UserError, match="classifier"):
        run(tiny_lm_ctx, text="is it good ?")
    with pytest.raises(ToolArgsError):
        run(tiny_ctx, id=0, text="both")


# ---- a user's own 3-class model whose embeddings barely moved --------------------------------
FILLER = 1000  # made-up words: the random embeddings of most rows make noise neighbours
TOPICS = {"sports": ["football", "goal", "match", "team"],
          "politics": ["election", "senate", "vote", "minister"],
          "tech": ["software", "laptop", "chip", "server"]}


def _filler(n: int) -> list[str]:
    """n made-up alphabetic words: the vocabulary most of the model's embedding rows belong to."""
    rng = random.Random(7)
    out: set[str] = set()
    while len(out) < n:
        out.add("".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(2)))
    return sorted(out)


def _topic_texts(filler: list[str], groups: int, seed: int) -> list[tuple[str, str]]:
    """Eight-word texts: two to four words of their topic, at most one word of another topic,
    filler words for the rest; in groups of three that share their filler words (one per
    topic), so that only the topic words, by majority, tell the classes apart."""
    rng = random.Random(seed)
    rows = []
    for _ in range(groups):
        shared = rng.sample(filler, 8)
        for topic, words in TOPICS.items():
            own = rng.randint(2, 4)
            other = rng.choice([t for t in TOPICS if t != topic])
            mixed = rng.randint(0, 1)
            text = ([rng.choice(words) for _ in range(own)]
                    + [rng.choice(TOPICS[other]) for _ in range(mixed)])
            text += shared[:8 - len(text)]
            rng.shuffle(text)
            rows.append((" ".join(text), topic))
    return rows


@pytest.fixture(scope="module")
def topic_ctx() -> Iterator[tuple[ToolContext, float]]:
    """A tiny 3-class BERT trained for a few seconds on toy topic texts, its word embeddings on
    a learning rate 1,000x smaller than the rest (they barely move from initialisation, as in a
    user's briefly trained model); and a dataset whose topic words separate the classes."""
    import pandas as pd
    import torch
    from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordLevel
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    from saywhy.tools.data.dataset import from_frame

    filler = _filler(FILLER)
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    vocab = {t: i for i, t in enumerate(special + [w for ws in TOPICS.values() for w in ws]
                                        + filler)}
    tok = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]",
                                        pad_token="[PAD]", cls_token="[CLS]", sep_token="[SEP]",
                                        mask_token="[MASK]", model_max_length=32)
    labels = list(TOPICS)
    torch.manual_seed(0)
    settings: dict[str, Any] = {
        "vocab_size": len(vocab), "hidden_size": 32, "num_hidden_layers": 2,
        "num_attention_heads": 4, "intermediate_size": 64, "max_position_embeddings": 32,
        "num_labels": 3, "id2label": dict(enumerate(labels)),
        "label2id": {n: i for i, n in enumerate(labels)}, "attn_implementation": "eager"}
    config = BertConfig(**settings)
    model = BertForSequenceClassification(config)
    start = model.bert.embeddings.word_embeddings.weight.detach().clone()
    train = _topic_texts(filler, 40, seed=1)  # 120 texts
    batch = tokenizer([t for t, _ in train], padding=True, return_tensors="pt")
    gold = torch.tensor([labels.index(lab) for _, lab in train])
    embed = [model.bert.embeddings.word_embeddings.weight]
    rest = [p for p in model.parameters() if p is not embed[0]]
    opt = torch.optim.Adam([{"params": rest, "lr": 3e-3}, {"params": embed, "lr": 3e-6}])
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a few seconds even on a busy machine (2 threads contend there)
    try:
        model.train()
        for _ in range(400):
            opt.zero_grad()
            model(**batch, labels=gold).loss.backward()
            opt.step()
        model.eval()
    finally:
        torch.set_num_threads(threads)
    with torch.no_grad():
        moved = float((model.bert.embeddings.word_embeddings.weight - start).norm() / start.norm())
    target = HFClassifier(model, tokenizer, name="topics", fingerprint="tiny-topics-0")
    frame = pd.DataFrame(_topic_texts(filler, 150, seed=2), columns=["body", "topic"])
    data = from_frame(frame, name="tickets", item_name="ticket")
    yield ToolContext(target=target, data=data), moved


def test_a_three_class_model_with_noise_embeddings_flips_with_data_words(
        topic_ctx: tuple[ToolContext, float], no_lm: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    ctx, moved = topic_ctx
    assert ctx.data is not None
    assert moved < 0.01  # the embeddings are (nearly) their random initialisation
    probs = ctx.classifier.predict_proba(ctx.data.frame["text"].tolist())
    gold = ctx.data.frame["label"].tolist()
    right = sum(ctx.target.labels[int(p.argmax())] == g for p, g in zip(probs, gold, strict=True))
    assert right / len(gold) > 0.8  # yet the model tells the topics apart
    # a text of the topic the model falls back to on filler words: deleting its topic words
    # does not flip it, only words of another topic do
    f, labels = _filler(FILLER), ctx.target.labels
    source = labels[int(ctx.classifier.predict_proba([" ".join(f[10:18])])[0].argmax())]
    goal = next(t for t in labels if t != source)
    w = TOPICS[source]
    text = f"{w[0]} {f[10]} {w[1]} {f[11]} {w[2]} {w[3]} {f[12]} {f[13]}"
    assert labels[int(ctx.classifier.predict_proba([text])[0].argmax())] == source

    monkeypatch.setattr(cf, "SOURCES", ("embedding",))  # the only source before: no flip
    before = run(ctx, text=text, label=goal, k=3)
    assert before.counterfactuals == [] and before.evaluations == cf.BUDGET

    monkeypatch.setattr(cf, "SOURCES", cf.ALL_SOURCES)
    res = run(ctx, text=text, label=goal, k=3)
    _check(ctx, res, 3)
    assert res.counterfactuals and res.counterfactuals[0].label == goal
    used = {s for c in res.counterfactuals for e in c.edits for s in e.sources}
    assert used & {"attribution", "frequency"}
    assert f"tickets labelled {goal}" in res.summary()


@pytest.mark.integration
def test_demo_counterfactual(demo_ctx: ToolContext) -> None:
    res = run(demo_ctx, id=7013, k=3)  # "A perfectly charming, disarmingly moving little film."
    _check(demo_ctx, res, 3)
    assert res.label == "positive" and res.counterfactuals
    assert res.counterfactuals[0].label == "negative"
    if res.fluency_by is not None:  # the demo LM is fetched: every flip says how readable it is
        assert all(c.fluency is not None for c in res.counterfactuals)
