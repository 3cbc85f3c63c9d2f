"""what_if: identical inputs change nothing, edits really edit, missing targets are named."""

from __future__ import annotations

import numpy as np
import pytest

from saywhy.tools import registry
from saywhy.tools.errors import ToolArgsError, UserError
from saywhy.tools.what_if import Edit, apply_edits


def run(ctx, **args):  # type: ignore[no-untyped-def]
    return registry.get("what_if").run(ctx, args)


def test_identical_input_changes_nothing(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    same = run(tiny_ctx, id=0, edits=[{"action": "replace", "target": "film", "value": "film"}])
    assert same.edited == same.original
    assert all(d == 0.0 for d in same.delta.values()) and same.probs_after == same.probs_before
    rewritten = run(tiny_ctx, id=0, new_text=tiny_ctx.data.text(0))
    assert all(d == 0.0 for d in rewritten.delta.values())
    assert "unchanged" in same.summary()


def test_replace_really_changes_the_text_and_prediction(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(tiny_ctx, id=0, edits=[{"action": "replace", "target": "WITTY", "value": "dull"}])
    assert res.edited == "a gorgeous , dull film with great acting" != res.original
    fresh = tiny_ctx.target.predict_proba([res.edited])[0]
    np.testing.assert_allclose(list(res.probs_after.values()), fresh, atol=1e-5)
    np.testing.assert_allclose(
        list(res.delta.values()),
        np.array(list(res.probs_after.values())) - np.array(list(res.probs_before.values())),
        atol=1e-5)
    assert "review #0" in res.summary() and "'witty' replaced by 'dull'" in res.summary()


def test_edits_match_whole_words_case_insensitively() -> None:
    text = "Fun film, funny cast. FUN!"
    out, said = apply_edits(text, [Edit(action="replace", target="fun", value="dull")])
    assert out == "dull film, funny cast. dull!" and "2 times" in said[0]
    out, _ = apply_edits(text, [Edit(action="delete", target="funny")])
    assert out == "Fun film, cast. FUN!"
    out, _ = apply_edits("good film", [Edit(action="insert", target=None, value="A very"),
                                       Edit(action="insert", target="good", value="old")])
    assert out == "A very good old film"
    out, _ = apply_edits("not bad at all", [Edit(action="delete", target="not bad")])
    assert out == "at all"


def test_missing_target_is_named(tiny_ctx) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="'brilliant' is not in the text"):
        run(tiny_ctx, id=0, edits=[{"action": "replace", "target": "brilliant", "value": "x"}])
    with pytest.raises(UserError, match="'wit' is not in the text"):  # no partial-word matches
        run(tiny_ctx, id=0, edits=[{"action": "delete", "target": "wit"}])
    with pytest.raises(UserError, match="needs a value"):
        run(tiny_ctx, id=0, edits=[{"action": "replace", "target": "film"}])
    with pytest.raises(UserError, match="what to change"):
        run(tiny_ctx, id=0)
    with pytest.raises(UserError, match="nothing is left"):
        run(tiny_ctx, text="film", edits=[{"action": "delete", "target": "film"}])
    with pytest.raises(ToolArgsError):
        run(tiny_ctx, id=0, new_text="x", edits=[{"action": "delete", "target": "film"}])
    with pytest.raises(ToolArgsError):
        run(tiny_ctx, id=0, edits=[{"action": "swap", "target": "film"}])


def test_causal_lm_shows_both_generations(tiny_lm_ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(tiny_lm_ctx, text="is the film good ?",
              edits=[{"action": "replace", "target": "good", "value": "bad"}])
    assert res.edited == "is the film bad ?"
    assert res.generation_before and res.generation_after
    again = tiny_lm_ctx.target.generate("is the film bad ?", 32)
    assert res.generation_after["text"] == again.text


@pytest.mark.integration
def test_demo_what_if(demo_ctx) -> None:  # type: ignore[no-untyped-def]
    text = "A gorgeous, witty film with a wonderful cast."
    res = run(demo_ctx, text=text, edits=[{"action": "replace", "target": "gorgeous, witty",
                                           "value": "tedious, clumsy"},
                                          {"action": "replace", "target": "wonderful",
                                           "value": "terrible"}])
    assert res.label_before == "positive" and res.label_after == "negative"
