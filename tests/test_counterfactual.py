"""counterfactual: every returned edit set flips on an independent re-prediction, within k words."""

from __future__ import annotations

import pytest

from saywhy.tools import counterfactual as cf
from saywhy.tools import registry
from saywhy.tools.errors import ToolArgsError, UserError


def run(ctx, **args):  # type: ignore[no-untyped-def]
    return registry.get("counterfactual").run(ctx, args)


def _check(ctx, res, k: int) -> None:  # type: ignore[no-untyped-def]
    target = ctx.target
    wt = target.words(res.text)
    for c in res.counterfactuals:
        assert 1 <= len(c.edits) <= k
        edits = {e.position: e.value for e in c.edits}
        assert all(wt.words[e.position] == e.target for e in c.edits)
        assert cf.render(wt, edits) == c.text != res.text
        p = target.predict_proba([c.text])[0]           # independent re-prediction
        assert target.labels[int(p.argmax())] == c.label != res.label
        if res.wanted:
            assert c.label == res.wanted
    counts = [len(c.edits) for c in res.counterfactuals]
    assert counts == sorted(counts) and len({c.text for c in res.counterfactuals}) == len(counts)
    assert res.evaluations <= res.budget == cf.BUDGET


def test_counterfactuals_flip_within_k(tiny_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cf, "BUDGET", 200)  # keeps the test fast; the properties hold at any budget
    found = 0
    for i in tiny_ctx.data.ids[:6]:
        for k in (1, 3):
            res = run(tiny_ctx, id=i, k=k)
            _check(tiny_ctx, res, k)
            found += bool(res.counterfactuals)
            assert f"review #{i}" in res.summary()
    assert found >= 6  # the tiny model is easy to flip; the search must find most


def test_named_label_and_determinism(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(tiny_ctx, id=0, label="positive", k=2)
    _check(tiny_ctx, res, 2)
    again = run(tiny_ctx, id=0, label="positive", k=2)
    assert [c.model_dump() for c in again.counterfactuals] == [
        c.model_dump() for c in res.counterfactuals]


def test_nothing_found_is_said_honestly(tiny_ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(cf, "NEIGHBOURS", 0)  # only deletion of a one-word text: nothing left
    res = run(tiny_ctx, text="film", k=1)
    assert res.counterfactuals == [] and "flipped the prediction" in res.summary()
    assert "none of the 0 edits" in res.summary()


def test_neighbours_are_whole_words_from_the_vocabulary(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    near = cf.neighbours(tiny_ctx, "Boring", 8)
    assert len(near) == 8 and all(w[0].isupper() and w.isalpha() for w in near)
    assert "Boring" not in near and not any(w.lower().startswith(("cls", "sep", "pad", "mask"))
                                            for w in near)


def test_bad_arguments(tiny_ctx, tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
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


@pytest.mark.integration
def test_demo_counterfactual(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(demo_ctx, id=7013, k=3)  # "A perfectly charming, disarmingly moving little film."
    _check(demo_ctx, res, 3)
    assert res.label == "positive" and res.counterfactuals
    assert res.counterfactuals[0].label == "negative"
