"""similar: nearest items in the target's own hidden space, cached once per (target, dataset)."""

from __future__ import annotations

import numpy as np
import pytest

from saywhy.tools import registry
from saywhy.tools.context import Subset, ToolContext
from saywhy.tools.errors import UserError
from saywhy.tools.home import cache_dir


def run(ctx, **args):  # type: ignore[no-untyped-def]
    return registry.get("similar").run(ctx, args)


def test_neighbours_are_the_cosine_nearest_and_exclude_the_item(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(tiny_ctx, id=3, k=4)
    assert len(res.items) == 4 and 3 not in [n.id for n in res.items]
    data = tiny_ctx.data
    hidden = tiny_ctx.target.hidden_states([data.text(i) for i in data.ids])
    unit = hidden / np.linalg.norm(hidden, axis=1, keepdims=True)
    sims = unit @ unit[3]
    expected = [i for i in np.argsort(-sims) if i != 3][:4]
    assert [n.id for n in res.items] == expected
    np.testing.assert_allclose([n.similarity for n in res.items], sims[expected], atol=1e-3)
    for n in res.items:
        assert n.gold == data.row(n.id)["label"]
        p = tiny_ctx.target.predict_proba([n.text])[0]
        assert n.predicted == tiny_ctx.target.labels[int(p.argmax())]
    assert "review #3" in res.summary() and "4 most similar" in res.summary()


def test_embeddings_are_cached_on_disk_once(tiny_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first = run(tiny_ctx, text="boring mess", k=3)
    files = list(cache_dir("embeddings").glob("tiny-bert-0-*.npy"))
    assert len(files) == 1
    fresh = ToolContext(target=tiny_ctx.target, data=tiny_ctx.data)

    def refuse(texts, batch_size=32):  # type: ignore[no-untyped-def]
        if len(texts) > 1:
            raise AssertionError("the dataset was embedded again")
        return original(texts, batch_size)

    original = tiny_ctx.target.hidden_states
    monkeypatch.setattr(tiny_ctx.target, "hidden_states", refuse)
    again = run(fresh, text="boring mess", k=3)
    assert [n.id for n in again.items] == [n.id for n in first.items]
    assert [n.similarity for n in again.items] == [n.similarity for n in first.items]


def test_subset_limits_the_search(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    tiny_ctx.subset = Subset(ids=[1, 4, 6, 8], description="the negative ones")
    res = run(tiny_ctx, id=1, k=5)
    assert {n.id for n in res.items} == {4, 6, 8} and res.searched == 3
    assert "the negative ones" in res.summary()


def test_bad_arguments(tiny_ctx, tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="between 1 and 50"):
        run(tiny_ctx, id=0, k=0)
    with pytest.raises(UserError, match="needs a dataset"):
        run(ToolContext(target=tiny_classifier), text="boring")
    with pytest.raises(UserError, match="no item with id 40"):
        run(tiny_ctx, id=40)


def test_causal_lm_similarity_without_predictions(tiny_lm, tiny_dataset) -> None:  # type: ignore[no-untyped-def]
    res = run(ToolContext(target=tiny_lm, data=tiny_dataset), text="a witty film", k=2)
    assert len(res.items) == 2 and all(n.predicted is None for n in res.items)


@pytest.mark.integration
def test_demo_similar_on_a_slice(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    from saywhy.tools.data.dataset import from_frame

    frame = demo_ctx.data.frame.iloc[:120].reset_index()
    ctx = ToolContext(target=demo_ctx.target, data=from_frame(frame, name="rt-slice"))
    res = run(ctx, id=5, k=5)
    sims = [n.similarity for n in res.items]
    assert sims == sorted(sims, reverse=True) and all(-1 <= s <= 1.0001 for s in sims)
    assert 5 not in [n.id for n in res.items]
