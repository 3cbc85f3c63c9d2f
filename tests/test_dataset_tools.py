"""Dataset tools (show, describe_data, performance, mistakes, global_importance, keywords,
model_info, capabilities) and the dataset prediction cache: properties on the tiny model, a CSV
without a split, and the real demo (integration)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from saywhy.tools import registry
from saywhy.tools.context import Subset, ToolContext
from saywhy.tools.data import load_dataset, predictions
from saywhy.tools.data.dataset import from_frame
from saywhy.tools.errors import NotFoundError, UserError
from saywhy.tools.home import cache_dir


def run(ctx: ToolContext, name: str, **args: Any) -> Any:
    return registry.get(name).run(ctx, args)


@pytest.fixture
def csv_ctx(tmp_path: Path, tiny_classifier: Any) -> ToolContext:
    """A user's CSV: no split column, labels spelled differently from the model's."""
    rows = [("a witty , gorgeous film", "Positive"), ("dull and boring", "Negative"),
            ("great acting , great story", "Positive"), ("the plot is a mess", "Negative"),
            ("charming and fun", "Positive"), ("the acting is awful", "Negative")]
    path = tmp_path / "reviews.csv"
    pd.DataFrame({"review": [r for r, _ in rows], "sentiment": [s for _, s in rows]}).to_csv(
        path, index=False)
    return ToolContext(target=tiny_classifier, data=load_dataset(path))


# ---- predictions cache -----------------------------------------------------------------------
class Counting:
    """Wraps predict_proba to count the texts the model really sees."""

    def __init__(self, target: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.texts = 0
        original = target.predict_proba

        def counted(texts: list[str], batch_size: int = 32) -> np.ndarray:
            self.texts += len(texts)
            return original(texts, batch_size=batch_size)

        monkeypatch.setattr(target, "predict_proba", counted)


def test_predictions_are_cached_and_invalidated(tiny_classifier: Any, tiny_dataset: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from saywhy.tools.target.classifier import HFClassifier
    from tests.tiny import tiny_classifier_parts

    for f in cache_dir("predictions").glob("*"):
        f.unlink()
    direct = tiny_classifier.predict_proba(tiny_dataset.frame["text"].tolist())
    count = Counting(tiny_classifier, monkeypatch)
    first = predictions.dataset_predictions(ToolContext(target=tiny_classifier, data=tiny_dataset))
    assert count.texts == 12 and len(list(cache_dir("predictions").glob("*.npz"))) == 1
    again = predictions.dataset_predictions(ToolContext(target=tiny_classifier, data=tiny_dataset))
    assert count.texts == 12  # read from disk by a fresh context
    np.testing.assert_allclose(first.probs, again.probs)
    np.testing.assert_allclose(first.probs.sum(1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(first.probs, direct, atol=1e-5)

    # another model (fingerprint) or changed data: computed afresh, never the stale file
    model, tok = tiny_classifier_parts()
    other = HFClassifier(model, tok, name="tiny-bert", fingerprint="tiny-bert-retrained")
    count_other = Counting(other, monkeypatch)
    predictions.dataset_predictions(ToolContext(target=other, data=tiny_dataset))
    assert count_other.texts == 12
    frame = tiny_dataset.frame.copy()
    frame.loc[0, "text"] = "a dull film"
    changed = from_frame(frame.reset_index(), name="tiny-reviews")
    fresh = predictions.dataset_predictions(ToolContext(target=tiny_classifier, data=changed))
    assert count.texts == 24
    assert not np.allclose(fresh.probs[0], first.probs[0])
    assert len(list(cache_dir("predictions").glob("*.npz"))) == 3


def test_a_few_items_do_not_predict_the_whole_dataset(tiny_classifier: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.tiny import tiny_frame

    frame = tiny_frame()
    data = from_frame(frame.assign(text=frame["text"] + " !"), name="tiny-reviews")
    count = Counting(tiny_classifier, monkeypatch)
    run(ToolContext(target=tiny_classifier, data=data), "show", ids=[1, 2])
    assert count.texts == 2
    assert not list(cache_dir("predictions").glob(f"*{data.fingerprint()}*"))


# ---- show ------------------------------------------------------------------------------------
def test_show_ids_range_subset_and_pages(tiny_ctx: ToolContext) -> None:
    one = run(tiny_ctx, "show", id=3)
    assert [it.id for it in one.items] == [3] and one.items[0].gold == "negative"
    assert one.items[0].predicted in ("negative", "positive") and "#3" in one.summary()
    assert run(tiny_ctx, "show", ids="2-4").total == 3
    pages = [run(tiny_ctx, "show", page=p, page_size=5) for p in (1, 2, 3, 4)]
    assert [len(p.items) for p in pages] == [5, 5, 2, 0] and pages[0].pages == 3
    assert sum((p.items for p in pages), []) and "only 3 page" in pages[3].summary()
    assert [it.id for p in pages for it in p.items] == list(range(12))
    tiny_ctx.subset = Subset(ids=[4, 9], description="two reviews")
    shown = run(tiny_ctx, "show")
    assert [it.id for it in shown.items] == [4, 9] and "Two reviews" in shown.summary()
    for it in shown.items:
        assert it.correct == (it.gold == it.predicted)
    with pytest.raises(NotFoundError, match="no item with id 40"):
        run(tiny_ctx, "show", id=40)
    with pytest.raises(UserError, match="not both"):
        run(tiny_ctx, "show", id=1, ids=[2])


# ---- describe_data ---------------------------------------------------------------------------
def test_describe_data(tiny_ctx: ToolContext) -> None:
    res = run(tiny_ctx, "describe_data")
    assert res.size == 12 and sum(res.labels.values()) == 12
    assert res.splits == {"train": 8, "test": 4}
    assert res.words["min"] <= res.words["mean"] <= res.words["max"]
    assert 1 <= len(res.examples) <= 2 and "12 reviews" in res.summary()
    test = run(tiny_ctx, "describe_data", split="test")
    assert test.size == 4 and test.splits == {"test": 4}
    run(tiny_ctx, "filter", contains="xylophone")
    assert run(tiny_ctx, "describe_data").summary().startswith("No review matches")


# ---- performance -----------------------------------------------------------------------------
def test_performance_matches_a_plain_computation(tiny_ctx: ToolContext) -> None:
    pred = predictions.frame(tiny_ctx)
    res = run(tiny_ctx, "performance")
    assert [s.split for s in res.scores] == ["test", "train"]  # held-out first by default
    for s in res.scores:
        rows = pred[pred["split"] == s.split]
        assert s.n == len(rows)
        assert s.accuracy == pytest.approx((rows["gold"] == rows["predicted"]).mean())
        assert sum(sum(r.values()) for r in s.confusion.values()) == s.n
        assert sum(s.confusion[g][g] for g in s.confusion) == s.correct
        assert sum(v.support for v in s.per_label.values()) == s.n
        assert s.ci_low <= s.accuracy <= s.ci_high
    text = res.summary()
    assert "never saw" in text and "training split" in text and "means little" in text
    assert [s.split for s in run(tiny_ctx, "performance", split="all").scores] == ["all"]


def test_performance_on_csv_without_split(csv_ctx: ToolContext) -> None:
    res = run(csv_ctx, "performance")
    assert [s.split for s in res.scores] == ["all"] and res.scores[0].n == 6
    assert set(res.scores[0].per_label) == {"negative", "positive"}  # gold mapped to model labels
    with pytest.raises(UserError, match="no split column"):
        run(csv_ctx, "performance", split="test")
    described = run(csv_ctx, "describe_data")
    assert described.labels == {"Negative": 3, "Positive": 3} and described.splits == {}


def test_performance_needs_comparable_labels(tiny_classifier: Any) -> None:
    ctx = ToolContext(target=tiny_classifier,
                      data=from_frame(pd.DataFrame({"text": ["good", "bad"], "label": ["1", "0"]})))
    with pytest.raises(UserError, match="not the model's labels"):
        run(ctx, "performance")


def test_empty_subset_answers_plainly(tiny_ctx: ToolContext) -> None:
    tiny_ctx.subset = Subset(ids=[], description="reviews that mention 'xylophone'")
    for name in ("performance", "mistakes", "keywords", "global_importance", "show"):
        assert run(tiny_ctx, name).summary().startswith("No review matches"), name


# ---- mistakes --------------------------------------------------------------------------------
def test_mistakes(tiny_ctx: ToolContext) -> None:
    pred = predictions.frame(tiny_ctx)
    res = run(tiny_ctx, "mistakes", k=2, split="all")
    wrong = pred[pred["gold"] != pred["predicted"]]
    assert res.counts[0].wrong == len(wrong) and res.counts[0].n == 12
    assert {m.id for m in res.sample} <= set(wrong.index) and len(res.sample) == min(2, len(wrong))
    conf = [m.confidence for m in res.most_confident]
    assert conf == sorted(conf, reverse=True)
    assert conf[0] == pytest.approx(wrong["confidence"].max(), abs=1e-4)
    assert run(tiny_ctx, "mistakes", k=2, split="all").sample == res.sample  # seeded
    default = run(tiny_ctx, "mistakes")
    assert [c.split for c in default.counts] == ["test", "train"]
    assert sum(c.wrong for c in default.counts) == len(wrong)
    # a subset without held-out mistakes takes its examples from the training split
    train_wrong = [int(i) for i in wrong.index if pred.loc[i, "split"] == "train"]
    tiny_ctx.subset = Subset(ids=train_wrong, description="some reviews")
    only_train = run(tiny_ctx, "mistakes")
    assert only_train.counts[0].n == 0 and only_train.sample_split == "train"
    assert {m.id for m in only_train.sample} <= set(train_wrong) and only_train.sample
    assert "from the training split" in only_train.summary()
    # when the sample is every mistake, they are listed once, most confident first
    few = Subset(ids=train_wrong[:2], description="two reviews")
    tiny_ctx.subset = few
    both = run(tiny_ctx, "mistakes", k=5)
    assert {m.id for m in both.sample} == {m.id for m in both.most_confident}
    text = both.summary()
    assert "most confident first" in text and "random sample" not in text
    assert all(text.count(f"#{m.id}:") == 1 for m in both.sample)


# ---- keywords --------------------------------------------------------------------------------
def test_keywords_are_a_data_statistic(tiny_ctx: ToolContext) -> None:
    from saywhy.tools.keywords import log_odds_z

    res = run(tiny_ctx, "keywords", k=5)
    assert "statistics of the data, not of the model" in res.summary()
    assert "the" not in {w.word for w in res.frequent}  # stopwords removed
    texts = tiny_ctx.data.frame["text"]  # type: ignore[union-attr]
    for w in res.frequent:
        assert w.items == sum(f" {w.word} " in f" {t} " for t in texts)
    assert set(res.distinctive) == {"negative reviews", "positive reviews"}
    assert "boring" in [w.word for w in res.distinctive["negative reviews"]]
    g, r = np.array([5.0, 1, 0, 3]), np.array([1.0, 5, 2, 3])
    np.testing.assert_allclose(log_odds_z(g, r), -log_odds_z(r, g))
    run(tiny_ctx, "filter", contains="boring")
    sub = run(tiny_ctx, "keywords", k=3)
    assert sub.size == 2 and sub.contrast == "all other reviews"
    with pytest.raises(NotFoundError, match="labels in tiny-reviews"):
        run(tiny_ctx, "keywords", label="meh")


# ---- global_importance -----------------------------------------------------------------------
def test_global_importance_aggregates_attributions(tiny_ctx: ToolContext) -> None:
    from saywhy.tools.global_importance import SHRINK
    from saywhy.tools.methods import explain

    res = run(tiny_ctx, "global_importance", k=4, sample_size=12, method="occlusion")
    assert res.sample_size == 12 and res.population == 12 and res.method == "occlusion"
    assert [lab.label for lab in res.labels] == ["negative", "positive"]
    # totals are sums of per-text attributions, not counts
    pos = res.labels[1].towards[0]
    expected = 0.0
    for i in tiny_ctx.data.ids:  # type: ignore[union-attr]
        att = explain(tiny_ctx, tiny_ctx.resolve(i), "occlusion", label=1)
        expected += sum(s for w, s in zip(att.words, att.scores, strict=True)
                        if w.lower() == pos.word)
    assert pos.total == pytest.approx(expected, abs=1e-4) and pos.total > 0
    # two labels: towards negative is exactly against positive
    neg_words = {w.word for w in res.labels[0].towards}
    assert not neg_words & {w.word for w in res.labels[1].towards}
    for lab in res.labels:
        weights = [w.weight for w in lab.towards]
        assert weights == sorted(weights, reverse=True)
        for w in lab.towards:
            assert w.weight == pytest.approx(w.total / (w.texts + SHRINK), abs=1e-3)
            assert w.mean == pytest.approx(w.total / w.texts, abs=1e-3) and w.mean > 0
            assert w.kept is not None and 0.0 <= w.kept <= 1.0
        assert lab.stability == pytest.approx(np.mean([w.kept for w in lab.towards]))
    assert "Across all 12 reviews" in res.summary() and "Stability" in res.summary()


def test_global_importance_is_cached_on_disk(tiny_classifier: Any, tiny_dataset: Any) -> None:
    first = run(ToolContext(target=tiny_classifier, data=tiny_dataset), "global_importance",
                sample_size=6, label="positive", method="occlusion")
    again = run(ToolContext(target=tiny_classifier, data=tiny_dataset), "global_importance",
                sample_size=6, label="positive", method="occlusion")
    assert again.computed == 0 and again.labels == first.labels
    assert [lab.label for lab in again.labels] == ["positive"]
    assert again.labels[0].stability is None  # too few texts to say


# ---- model_info and capabilities ---------------------------------------------------------------
def test_model_info_and_capabilities(tiny_ctx: ToolContext, tiny_lm_ctx: ToolContext) -> None:
    info = run(tiny_ctx, "model_info")
    assert info.labels == ["negative", "positive"] and info.parameters > 0
    assert "not recorded" in info.summary()
    caps = run(tiny_ctx, "capabilities")
    titles = [s.title for s in caps.sections]
    assert "The data" in titles and all(s.examples for s in caps.sections)
    listed = {t for s in caps.sections for t in s.tools}
    assert listed <= set(registry.names())
    lm = run(tiny_lm_ctx, "capabilities")
    assert "How good the model is" not in [s.title for s in lm.sections]
    assert "The data" in lm.hidden
    assert run(tiny_lm_ctx, "model_info").kind == "causal_lm"


def test_causal_lm_tools_without_predictions(tiny_lm: Any, tiny_dataset: Any) -> None:
    ctx = ToolContext(target=tiny_lm, data=tiny_dataset)
    shown = run(ctx, "show", ids=[0, 1])
    assert [it.predicted for it in shown.items] == [None, None]
    assert run(ctx, "filter", contains="film").size >= 1
    with pytest.raises(UserError, match="classifier"):
        run(ctx, "performance")
    with pytest.raises(UserError, match="classifier"):
        run(ctx, "filter", predicted="positive")


# ---- the real demo -----------------------------------------------------------------------------
@pytest.mark.integration
def test_demo_performance_reproduces_held_out_accuracy(demo_ctx: ToolContext) -> None:
    res = run(demo_ctx, "performance")
    test, train = res.scores
    assert (test.split, test.n, train.n) == ("test", 2562, 10246)
    meta = demo_ctx.target.info["held_out_accuracy"]
    assert test.accuracy == pytest.approx(meta, abs=0.002)
    assert "2,562 reviews the model never saw" in res.summary()
    assert test.ci_high - test.ci_low < 0.05 and "means little" not in res.summary()


@pytest.mark.integration
def test_demo_subset_tools(demo_ctx: ToolContext) -> None:
    res = run(demo_ctx, "filter", contains="acting")
    assert res.size > 30 and "mention 'acting'" in res.summary()
    texts = demo_ctx.data.frame.loc[demo_ctx.subset.ids, "text"]  # type: ignore[union-attr]
    assert texts.str.contains(r"(?i)\bacting\b").all()
    wrong = run(demo_ctx, "filter", correct=False, combine="and")
    assert 0 < wrong.size < res.size
    mis = run(demo_ctx, "mistakes", k=3, split="all")
    assert mis.counts[0].wrong == mis.counts[0].n == wrong.size
    shown = run(demo_ctx, "show", page_size=3)
    assert all(not it.correct for it in shown.items)
    described = run(demo_ctx, "describe_data")
    assert described.size == wrong.size and described.total == 12808


SENTIMENT = {"best", "great", "good", "funny", "fun", "well", "beautiful", "enjoyable", "enjoy",
             "entertaining", "smart", "charming", "worth", "solid", "moving", "fine", "gripping",
             "bad", "dull", "boring", "mess", "tedious", "worst", "too", "not", "no", "nothing",
             "isn't", "little", "only", "dumb", "never", "fails", "lacks", "flat", "despite"}


@pytest.mark.integration
def test_demo_global_importance_and_keywords(demo_sentiment: Any, demo_data: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from saywhy.tools import global_importance

    # an empty store: other tests may already have stored attributions of some of these items
    monkeypatch.setattr(global_importance, "cache_dir", lambda *parts: tmp_path)
    ctx = ToolContext(target=demo_sentiment, data=demo_data)
    run(ctx, "filter", split="test")
    gi = run(ctx, "global_importance", k=10, sample_size=40)
    assert gi.sample_size == 40 and gi.population == 2562 and gi.method == "occlusion"
    assert gi.computed == 40 and "40 of the 2,562" in gi.summary()
    lists = [{w.word for w in lab.towards} for lab in gi.labels]
    assert not lists[0] & lists[1] and (lists[0] | lists[1]) & SENTIMENT
    for lab in gi.labels:
        assert all(w.mean > 0 and w.texts >= 2 for w in lab.towards)
        assert lab.stability is not None and 0.0 <= lab.stability <= 1.0
    fresh = ToolContext(target=demo_sentiment, data=demo_data, subset=ctx.subset)
    again = run(fresh, "global_importance", k=10, sample_size=40)
    assert again.computed == 0 and again.labels == gi.labels  # per-item attributions on disk
    demo_ctx = ToolContext(target=demo_sentiment, data=demo_data)
    kw = run(demo_ctx, "keywords", k=10)
    negative = {w.word for w in kw.distinctive["negative reviews"]}
    assert negative & {"bad", "dull", "boring", "mess", "tedious", "worst", "too", "not"}
    assert "statistics of the data" in kw.summary()
