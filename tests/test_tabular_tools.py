"""The catalogue's tools on a tabular target (their tabular implementations, called with the
tools' own argument models): the parts of an input are features, scores add up, edits and flips
are predicted again, statistics and rankings agree with the table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from saywhy.tools.attribute import AttributeArgs
from saywhy.tools.context import ToolContext
from saywhy.tools.counterfactual import CounterfactualArgs
from saywhy.tools.describe import DescribeArgs
from saywhy.tools.errors import UserError
from saywhy.tools.global_importance import GlobalImportanceArgs
from saywhy.tools.predict import PredictArgs
from saywhy.tools.tabular import variants, variants_data, variants_edit
from saywhy.tools.tabular.demo import demo_table, load_demo_tabular
from saywhy.tools.what_if import Edit as WordEdit
from saywhy.tools.what_if import WhatIfArgs


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ToolContext:
    target = load_demo_tabular(folder=Path(tmp_path_factory.mktemp("demo")) / "demo-tabular")
    return ToolContext(target=target, data=demo_table(target))


def test_predict_gives_the_models_probabilities(ctx: ToolContext) -> None:
    r = variants.predict(ctx, PredictArgs(id=12))
    probs = ctx.target.predict_proba(ctx.data.X([12]))[0]  # type: ignore[attr-defined,union-attr]
    assert r.probs == {n: pytest.approx(p, abs=1e-6)
                       for n, p in zip(ctx.target.labels, probs, strict=True)}
    assert r.label == ctx.target.labels[int(np.argmax(probs))] and r.kind == "tabular"


def test_why_scores_every_feature_and_adds_up(ctx: ToolContext) -> None:
    r = variants.attribute(ctx, AttributeArgs(id=3))
    names = ctx.target.feature_names  # type: ignore[attr-defined]
    assert [w["feature"] for w in r.words] == names
    for w in r.words:
        assert r.text[w["start"]:w["end"]] == w["word"] and w["word"].startswith(w["feature"])
    assert r.base_value + sum(w["score"] for w in r.words) == pytest.approx(r.target_value,
                                                                            abs=1e-5)
    assert r.label == r.predicted
    p = r.predicted_probability
    assert r.target_value == pytest.approx(np.log(p / (1 - p)), abs=1e-6)
    scores = [abs(w["score"]) for w in r.top]
    assert scores == sorted(scores, reverse=True) and len(r.top) == 5
    assert r.top[0]["feature"] in r.summary()
    assert {v.kind for v in r.views()} == {"word_scores", "bars"}
    other = variants.attribute(ctx, AttributeArgs(id=3, label="diabetes"))
    assert [w["score"] for w in other.words] == pytest.approx([-w["score"] for w in r.words])
    with pytest.raises(UserError):
        variants.attribute(ctx, AttributeArgs(id=3, method="integrated_gradients"))


def test_a_row_written_out_is_the_row(ctx: ToolContext) -> None:
    row_text = ctx.data.text(5)  # type: ignore[union-attr]
    by_text = variants.predict(ctx, PredictArgs(text=row_text))
    assert by_text.probs == variants.predict(ctx, PredictArgs(id=5)).probs
    with pytest.raises(UserError):
        variants.predict(ctx, PredictArgs(text="a lovely patient"))


def test_what_if_sets_and_shifts_features(ctx: ToolContext) -> None:
    edits = [WordEdit(action="replace", target="bmi", value="25"),
             WordEdit(action="replace", target="Glucose", value="-40")]
    r = variants_edit.what_if(ctx, WhatIfArgs(id=0, edits=edits))
    assert "BMI = 25" in r.edited and "Glucose = 108" in r.edited  # 148 - 40
    row = ctx.data.X([0]).iloc[0].copy()  # type: ignore[union-attr]
    row["BMI"], row["Glucose"] = 25, 108
    fresh = ctx.target.predict_proba(pd.DataFrame([row]))[0]  # type: ignore[attr-defined]
    assert list(r.probs_after.values()) == pytest.approx(fresh.tolist(), abs=1e-6)
    assert sum(r.delta.values()) == pytest.approx(0, abs=1e-6)


def test_counterfactuals_are_verified_and_keep_fixed_features(ctx: ToolContext) -> None:
    r = variants_edit.counterfactual(ctx, CounterfactualArgs(id=0))
    assert r.counterfactuals and r.evaluations > 0
    for cf in r.counterfactuals:
        fresh = variants.predict(ctx, PredictArgs(text=cf.text))
        assert fresh.label == cf.predicted != r.label
    args = CounterfactualArgs(id=0)
    object.__setattr__(args, "fixed", ["glucose"])
    kept = variants_edit.counterfactual(ctx, args)
    assert kept.counterfactuals
    assert all("Glucose = 148" in cf.text for cf in kept.counterfactuals)
    assert "Glucose" in kept.summary()


def test_describe_and_rank_the_features(ctx: ToolContext) -> None:
    d = variants_data.describe_data(ctx, DescribeArgs(split="test"))
    assert d.size == 308
    test = ctx.data.frame[ctx.data.frame["split"] == "test"]  # type: ignore[union-attr]
    age = next(f for f in d.features if f["name"] == "Age")
    assert age["numbers"]["mean"] == pytest.approx(test["Age"].mean())
    imp = variants_data.global_importance(ctx, GlobalImportanceArgs(k=8))
    values = [f["mean_abs"] for f in imp.features]
    assert values == sorted(values, reverse=True) and len(values) == 8
    assert imp.features[0]["feature"] == "Glucose"
    assert "Glucose" in imp.summary() and imp.views()[0].kind == "bars"


def test_occlusion_and_lime_explain_the_probability(ctx: ToolContext) -> None:
    occ = variants.attribute(ctx, AttributeArgs(id=3, method="occlusion"))
    lime = variants.attribute(ctx, AttributeArgs(id=3, method="lime"))
    for r in (occ, lime):
        assert r.unit == "probability" and r.method in r.summary()
        assert r.target_value == pytest.approx(r.predicted_probability)
        assert len(r.words) == len(ctx.target.feature_names)  # type: ignore[attr-defined]
    shap_top = variants.attribute(ctx, AttributeArgs(id=3)).top[0]["feature"]
    assert occ.top[0]["feature"] == shap_top  # Glucose dominates this row by every method
    assert lime.top[0]["feature"] == shap_top


def test_similar_rows_are_the_nearest_in_standardised_features(ctx: ToolContext) -> None:
    from saywhy.tools.similar import SimilarArgs

    r = variants_data.similar(ctx, SimilarArgs(id=3, k=4))
    distances = [n.distance for n in r.items]  # type: ignore[attr-defined]
    assert distances == sorted(distances) and 3 not in [n.id for n in r.items]
    X = ctx.data.X()  # type: ignore[union-attr]
    z = (X - X.mean()) / X.std()
    far = np.sqrt(((z - z.loc[3]) ** 2).sum(1)).drop(3)
    assert distances[0] == pytest.approx(far.min(), abs=1e-4)
    assert r.items[0].id == int(far.idxmin())


def test_warming_builds_the_explainer_the_first_why_uses(ctx: ToolContext) -> None:
    target = ctx.target
    target.explainers.clear()  # type: ignore[attr-defined]
    variants.warm(ctx)
    built = dict(target.explainers)  # type: ignore[attr-defined]
    assert built
    variants.attribute(ctx, AttributeArgs(id=9))
    assert target.explainers == built  # type: ignore[attr-defined]
