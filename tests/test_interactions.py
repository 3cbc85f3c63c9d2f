"""The `interactions` tool: a row's SHAP interaction matrix adds up to its output, a pair built
to interact is found before an additive one (trees and any other model, one row and across the
rows), the text variant is the occlusion formula it states, and names that are not parts of the
input are refused with the real ones listed."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.data.table import table_from_frame
from saywhy.tools.errors import UserError
from saywhy.tools.interactions import InteractionsResult
from saywhy.tools.methods.objective import log_odds
from saywhy.tools.tabular.demo import demo_table, load_demo_tabular
from saywhy.tools.target.tabular import TabularTarget


def run(ctx: ToolContext, **args: Any) -> InteractionsResult:
    result = registry.get("interactions").run(ctx, args)
    assert isinstance(result, InteractionsResult)
    return result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> ToolContext:
    target = load_demo_tabular(folder=Path(tmp_path_factory.mktemp("demo")) / "demo-tabular")
    return ToolContext(target=target, data=demo_table(target))


def built(kind: str, n: int = 1200) -> ToolContext:
    """y depends on x1 * x2 (an interaction) and on x3 (added on), never on x4."""
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import PolynomialFeatures

    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.uniform(-1, 1, size=(n, 4)), columns=["x1", "x2", "x3", "x4"])
    logit = 4 * X["x1"] * X["x2"] + 2 * X["x3"]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    if kind == "trees":
        model = GradientBoostingClassifier(random_state=0, max_depth=3).fit(X, y)
    else:  # any other model: a pipeline, read through partial dependence and occlusion
        model = make_pipeline(PolynomialFeatures(2, interaction_only=True),
                              LogisticRegression(max_iter=2000)).fit(X, y)
    target = TabularTarget(model, name=kind, fingerprint=kind, labels=["no", "yes"])
    frame = X.assign(label=y)
    return ToolContext(target=target, data=table_from_frame(frame, target=target,
                                                            label_column="label"))


# ---- trees: SHAP interaction values ------------------------------------------------------------
def test_a_rows_interactions_and_main_effects_add_up_to_its_output(demo: ToolContext) -> None:
    r = run(demo, id=12, features=["glucose", "AGE"])
    assert (r.a, r.b) == ("Glucose", "Age") and r.matrix is not None
    assert r.expected is not None and r.output is not None
    total = float(np.sum(r.matrix))
    assert r.output - r.expected == pytest.approx(total, abs=1e-4)
    probs = demo.target.predict_proba(demo.data.X([12]))  # type: ignore[attr-defined,union-attr]
    k = demo.target.labels.index(r.label)
    assert r.output == pytest.approx(float(log_odds(probs, k, None)[0]), abs=1e-4)
    i, j = r.parts.index("Glucose"), r.parts.index("Age")
    assert r.value == pytest.approx(r.matrix[i][j] + r.matrix[j][i], abs=1e-5)
    assert r.main_a == pytest.approx(r.matrix[i][i], abs=1e-6)
    assert "Glucose and Age" in r.summary() and r.verdict() in r.summary()


def test_the_built_in_interaction_ranks_first_over_the_additive_distractor() -> None:
    ctx = built("trees")
    ranked = run(ctx, k=6).pairs
    assert {ranked[0].a, ranked[0].b} == {"x1", "x2"}
    strength = {frozenset((p.a, p.b)): p.strength for p in ranked}
    assert strength[frozenset(("x1", "x2"))] > 2 * strength[frozenset(("x1", "x3"))]
    pair, additive = run(ctx, features=["x1", "x2"]), run(ctx, features=["x1", "x3"])
    assert pair.h is not None and additive.h is not None and pair.h > 2 * additive.h
    with_x3 = run(ctx, features=["x3"]).pairs
    assert all("x3" in (p.a, p.b) for p in with_x3) and len(with_x3) == 3


def test_any_other_model_finds_it_too_across_rows_and_in_one_row() -> None:
    ctx = built("pipeline")
    ranked = run(ctx).pairs
    assert {ranked[0].a, ranked[0].b} == {"x1", "x2"}
    h_pair, h_additive = run(ctx, features=["x1", "x2"]).h, run(ctx, features=["x1", "x3"]).h
    assert h_pair is not None and h_additive is not None and h_pair > h_additive
    frame = ctx.data.frame  # type: ignore[union-attr]
    row = int(frame.index[(frame["x1"].abs() > 0.6) & (frame["x2"].abs() > 0.6)][0])
    one = run(ctx, id=row, features=["x1", "x2"])
    other = run(ctx, id=row, features=["x1", "x3"])
    assert abs(one.value) > 5 * abs(other.value)  # type: ignore[arg-type]


def test_names_that_are_not_features_are_refused_with_the_real_ones(demo: ToolContext) -> None:
    with pytest.raises(UserError) as err:
        run(demo, features=["glucose", "height"])
    assert "height" in str(err.value) and "Glucose" in str(err.value) and "BMI" in str(err.value)
    with pytest.raises(UserError):
        run(demo, features=["bmi", "BMI"])


# ---- text: two words of one text ---------------------------------------------------------------
def test_two_words_interact_by_the_occlusion_formula(tiny_ctx: ToolContext) -> None:
    from saywhy.tools.methods.objective import classifier_objective

    text = "not a good film but not a bad story either"
    r = run(tiny_ctx, text=text, features=["Not", "bad"])
    k = tiny_ctx.target.labels.index(r.label)
    obj = classifier_objective(tiny_ctx, tiny_ctx.resolve(None, text), k, None)
    words = obj.words.words

    def f(*gone: str) -> float:
        return float(obj.score([obj.text_keeping([w.lower() not in gone for w in words])])[0])

    expected = f() - f("not") - f("bad") + f("not", "bad")
    assert r.value == pytest.approx(expected, abs=1e-4)
    assert r.main_a == pytest.approx(f() - f("not"), abs=1e-4)
    ranked = run(tiny_ctx, text=text, k=20).pairs
    sizes = [abs(p.strength) for p in ranked]
    assert sizes == sorted(sizes, reverse=True) and len(ranked) <= 15
    with pytest.raises(UserError):
        run(tiny_ctx, text=text, features=["not", "wonderful"])
    with pytest.raises(UserError):
        run(tiny_ctx, features=["not", "bad"])  # no text or item: nothing to occlude


def test_views_draw_only_the_results_numbers(demo: ToolContext) -> None:
    from saywhy.agent.terminal.views import render_view
    from tests.test_views import drawn, numbers, shown_numbers

    for result in (run(demo, features=["glucose", "age"]), run(demo, id=3),
                   run(demo, id=3, features=["bmi", "age"])):
        data = result.to_json()
        fields = numbers({k: v for k, v in data.items() if k not in ("views", "summary")})
        assert result.views()
        for view in result.views():
            for x in shown_numbers(view):
                assert any(math.isclose(x, f, rel_tol=1e-9, abs_tol=1e-12) for f in fields)
            assert "Glucose" in drawn(render_view(view, plain=True)) or "BMI" in drawn(
                render_view(view, plain=True))


def test_the_writer_can_cite_every_figure_and_no_other(demo: ToolContext) -> None:
    from saywhy.agent.writer.grounding import check

    for result in (run(demo, features=["glucose", "age"]), run(demo),
                   run(demo, id=12, features=["glucose", "age"])):
        source = [{k: v for k, v in result.to_json().items() if k != "views"}]
        assert check(result.summary(), source).ok, result.summary()
    pair = run(demo, features=["glucose", "age"])
    source = [{k: v for k, v in pair.to_json().items() if k != "views"}]
    wrong = f"Glucose and Age interact weakly: H = {pair.h + 0.3:.2f}."  # type: ignore[operator]
    assert not check(wrong, source).ok
