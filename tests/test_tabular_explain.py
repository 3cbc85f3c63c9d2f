"""Properties of the tabular computations on the diabetes demo and on small models of known
structure: SHAP adds up, tree SHAP equals exact Shapley values, ignored features get nothing,
counterfactuals flip when predicted afresh and respect fixed features and observed values,
conditions select what pandas selects, importance and interactions find what was built in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from saywhy.tools.errors import NotFoundError, UserError
from saywhy.tools.tabular import contributions as C
from saywhy.tools.tabular.conditions import Condition, describe, mask, parse_conditions
from saywhy.tools.tabular.demo import demo_table, load_demo_tabular
from saywhy.tools.tabular.edits import FeatureEdit, apply_edits, what_if
from saywhy.tools.tabular.importance import global_importance
from saywhy.tools.tabular.interactions import interaction, shap_interactions
from saywhy.tools.tabular.search import counterfactuals
from saywhy.tools.tabular.stats import feature_stats
from saywhy.tools.target.tabular import TabularTarget


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    target = load_demo_tabular(folder=Path(tmp_path_factory.mktemp("demo")) / "demo-tabular")
    data = demo_table(target)
    return target, data, C.background(data.X(data.frame.index[data.frame["split"] == "train"]))


def synthetic(kind: str, n: int = 400, seed: int = 0):  # type: ignore[no-untyped-def]
    """A model over a, b, c, d where d is never used; `kind` picks how a and b act."""
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    if kind == "xor":
        y = ((X["a"] > 0) ^ (X["b"] > 0)).astype(int)
        model = GradientBoostingClassifier(random_state=0, max_depth=3).fit(X[["a", "b", "c"]], y)
        X = X[["a", "b", "c"]]
    elif kind == "forest":
        y = (X["a"] + 0.5 * X["b"] > 0).astype(int)
        model = RandomForestClassifier(30, random_state=0).fit(X, y)
    else:
        y = (X["a"] - X["b"] + 0.3 * X["c"] + rng.normal(0, 0.3, n) > 0).astype(int)
        model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
        model[-1].coef_[0, 3] = 0.0  # d is ignored, exactly
    target = TabularTarget(model, name=kind, fingerprint=kind, labels=["no", "yes"])
    target.bind(X)
    return target, X


def test_demo_builds_with_tabletalk_split_and_measured_accuracy(demo) -> None:  # type: ignore[no-untyped-def]
    target, data, _ = demo
    assert (data.frame["split"] == "test").sum() == 308 and len(data) == 768
    assert 0.6 < target.info["held_out_accuracy"] <= 1
    test = data.frame[data.frame["split"] == "test"]
    probs = target.predict_proba(data.X(test.index))
    acc = float(np.mean(np.array(target.labels)[probs.argmax(1)] == test["label"].to_numpy()))
    assert acc == pytest.approx(target.info["held_out_accuracy"], abs=1e-4)


def test_demo_shap_adds_up_to_the_log_odds_and_equals_exact_shapley(demo) -> None:  # type: ignore[no-untyped-def]
    target, data, bg = demo
    rows = data.X()
    for label in target.labels:
        c = C.contributions(target, rows, label, bg)
        assert c.scale == "log-odds"
        assert np.allclose(c.base + c.values.sum(1), c.output, atol=1e-6)
        p = target.predict_proba(rows)[:, target.label_index(label)]
        assert np.allclose(c.output, np.log(p / (1 - p)), atol=1e-6)
    exact, _, _ = C._agnostic(target, rows.iloc[:15], bg, 1, 0, "log-odds")
    tree = C.contributions(target, rows.iloc[:15], "diabetes", bg).values
    assert np.allclose(exact, tree, atol=1e-6)


@pytest.mark.parametrize("kind", ["pipeline", "forest"])
def test_shap_adds_up_and_ignored_features_get_nothing(kind: str) -> None:
    target, X = synthetic(kind)
    bg = C.background(X, size=40)
    c = C.contributions(target, X.iloc[:12], "yes", bg)
    assert c.scale == "probability"
    assert np.allclose(c.base + c.values.sum(1), target.predict_proba(X.iloc[:12])[:, 1],
                       atol=1e-6)
    assert set(c.methods) == ({"exact"} if kind == "pipeline" else {"tree"})
    d = c.features.index("d")
    if kind == "pipeline":
        assert np.allclose(c.values[:, d], 0, atol=1e-12)
    other = C.contributions(target, X.iloc[:12], "no", bg)
    assert np.allclose(other.values, -c.values, atol=1e-9)


def test_kernel_shap_beyond_ten_features_still_adds_up() -> None:
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(150, 12)), columns=[f"x{i}" for i in range(12)])
    y = (X["x0"] + X["x5"] > 0).astype(int)
    target = TabularTarget(LogisticRegression().fit(X, y), name="wide", fingerprint="w")
    target.bind(X)
    c = C.contributions(target, X.iloc[:3], 1, C.background(X, size=30))
    assert set(c.methods) == {"kernel"}
    assert np.allclose(c.base + c.values.sum(1), c.output, atol=1e-6)


def test_what_if_edits_predict_the_edited_row(demo) -> None:  # type: ignore[no-untyped-def]
    target, data, _ = demo
    row = data.X().loc[0]
    w = what_if(target, row, [FeatureEdit(feature="bmi", value=25),
                              FeatureEdit(feature="Glucose", op="decrease", value="40")])
    assert w.after["BMI"] == 25 and w.after["Glucose"] == row["Glucose"] - 40
    assert w.changed == ["Glucose", "BMI"]
    expect = target.predict_proba(pd.DataFrame([w.after]))[0]
    assert np.allclose(w.probs_after, expect)
    up, down = (FeatureEdit(feature="age", op=op, value=7) for op in ("increase", "decrease"))
    there, _ = apply_edits(row, [up], target.schema)
    back, _ = apply_edits(there, [down], target.schema)
    assert back.equals(row)
    _, notes = apply_edits(row, [FeatureEdit(feature="age", value=140)], target.schema)
    assert notes and "outside" in notes[0]
    with pytest.raises(NotFoundError):
        apply_edits(row, [FeatureEdit(feature="height", value=1)], target.schema)
    with pytest.raises(UserError):
        apply_edits(row, [], target.schema)


def test_counterfactuals_flip_when_predicted_again_and_respect_the_rules(demo) -> None:  # type: ignore[no-untyped-def]
    target, data, _ = demo
    X = data.X()
    schema = target.schema
    for i, fixed in [(0, []), (3, []), (12, []), (0, ["glucose", "BMI"]), (17, ["Age"])]:
        row = X.loc[i]
        before = target.predict(row)["label"]
        search = counterfactuals(target, row, X, fixed=fixed)
        found = search.found
        assert search.evaluations >= len(found)
        assert found, f"no counterfactual for row {i}"
        sizes = [len(cf.changes) for cf in found]
        assert sizes == sorted(sizes) and max(sizes) <= 3
        for cf in found:
            fresh = target.predict(cf.row)["label"]
            assert fresh != before and fresh == cf.label
            for name in {schema.resolve(f) for f in fixed}:
                assert cf.row[name] == row[name]
            for name, (old, new) in cf.changes.items():
                assert old == row[name] and schema[name].inside(new)
            unchanged = [n for n in schema.names if n not in cf.changes]
            assert (cf.row[unchanged] == row[unchanged]).all()
    with pytest.raises(UserError):
        counterfactuals(target, X.loc[0], X, fixed=schema.names)
    with pytest.raises(UserError):
        counterfactuals(target, X.loc[0], X, want=target.predict(X.loc[0])["label"])


def test_conditions_select_what_pandas_selects(demo) -> None:  # type: ignore[no-untyped-def]
    target, data, _ = demo
    X, schema = data.X(), target.schema
    cases = {
        "age > 50 and bmi under 30": (X.Age > 50) & (X.BMI < 30),
        "Glucose between 100 and 120, pregnancies >= 2": X.Glucose.between(100, 120)
        & (X.Pregnancies >= 2),
        "age at least 60 or blood pressure = 0": (X.Age >= 60) | (X.BloodPressure == 0),
        "insulin != 0 and diabetes pedigree function below 0.3": (X.Insulin != 0)
        & (X.DiabetesPedigreeFunction < 0.3),
        "pregnancies in (0, 1, 2)": X.Pregnancies.isin([0, 1, 2]),
    }
    for text, expected in cases.items():
        groups = parse_conditions(text, schema)
        assert (mask(X, groups, schema) == expected.to_numpy()).all(), text
        again = parse_conditions(describe(groups), schema)
        assert (mask(X, again, schema) == expected.to_numpy()).all(), describe(groups)
    structured = [[Condition(feature="BMI", op=">=", value=40)]]
    assert mask(X, structured, schema).sum() == (X.BMI >= 40).sum()
    with pytest.raises(NotFoundError):
        parse_conditions("height > 3", schema)
    with pytest.raises(UserError):
        parse_conditions("age between 30", schema)


def test_conditions_on_categories_and_booleans() -> None:
    from saywhy.tools.tabular.schema import infer_schema

    df = pd.DataFrame({"sex": ["female", "male", "male", "female"], "smoker": [1, 0, 1, 0],
                       "age": [30, 40, 50, 60]})
    schema = infer_schema(df)
    assert mask(df, parse_conditions("Sex = Female and not smoker", schema), schema).tolist() \
        == [False, False, False, True]
    assert mask(df, parse_conditions("smoker or age over 55", schema), schema).tolist() \
        == [True, False, True, True]
    with pytest.raises(UserError):
        parse_conditions("sex > male", schema)


def test_a_category_value_with_an_ampersand_or_comma_stays_whole() -> None:
    from saywhy.tools.tabular.schema import infer_schema

    df = pd.DataFrame({"dept": ["Research & Development", "Sales", "Research & Development",
                                "Human Resources"],
                       "city": ["Salt Lake, UT", "Reno", "Reno", "Salt Lake, UT"],
                       "overtime": [1, 1, 0, 0]})
    schema = infer_schema(df)
    got = mask(df, parse_conditions("dept == Research & Development & overtime", schema), schema)
    assert got.tolist() == [True, False, False, False]
    got = mask(df, parse_conditions("city == Salt Lake, UT and dept != Sales", schema), schema)
    assert got.tolist() == [True, False, False, True]


def test_importance_finds_the_used_features_and_is_stable(demo) -> None:  # type: ignore[no-untyped-def]
    target, X = synthetic("pipeline", n=200)
    imp = global_importance(target, X.iloc[:60], C.background(X, size=30))
    assert imp.features[-1] == "d" and imp.mean_abs[-1] == pytest.approx(0, abs=1e-12)
    assert set(imp.features[:2]) == {"a", "b"}
    assert all(0 <= k <= 1 for k in imp.rank_kept) and 0 <= imp.top_kept <= 1
    c = C.contributions(target, X.iloc[:60], "yes", C.background(X, size=30))
    assert np.allclose(sorted(np.abs(c.values).mean(0), reverse=True), imp.mean_abs)
    dtarget, data, bg = demo
    first = global_importance(dtarget, data.X(), bg, seed=3)
    assert first == global_importance(dtarget, data.X(), bg, seed=3)
    assert first.features[0] == "Glucose" and first.stable


def test_interactions_see_xor_and_add_up(demo) -> None:  # type: ignore[no-untyped-def]
    target, X = synthetic("xor")
    bg = C.background(X, size=60)
    ab = interaction(target, X, bg, "a", "b")
    ac = interaction(target, X, bg, "a", "c")
    assert ab.h > 2 * ac.h and ab.shap_strength is not None and ac.shap_strength is not None
    assert ab.shap_strength > 3 * ac.shap_strength
    dtarget, data, dbg = demo
    values, expected = shap_interactions(dtarget, data.X().iloc[:40], 1)  # type: ignore[misc]
    raw = dtarget.model.decision_function(data.X().iloc[:40])
    assert np.allclose(values.sum((1, 2)) + expected, raw, atol=1e-6)
    with pytest.raises(UserError):
        interaction(dtarget, data.X(), dbg, "age", "Age")


def test_feature_statistics_agree_with_the_table(demo) -> None:  # type: ignore[no-untyped-def]
    target, data, _ = demo
    X = data.X()
    stats = {s.name: s for s in feature_stats(X, target.schema, data.frame["label"])}
    assert stats["Age"].numbers["mean"] == pytest.approx(X.Age.mean())
    assert stats["BMI"].numbers["50%"] == pytest.approx(X.BMI.median())
    sick = data.frame["label"] == "diabetes"
    assert stats["Glucose"].mean_by_label["diabetes"] == pytest.approx(X.Glucose[sick].mean())
    from saywhy.tools.tabular.schema import infer_schema

    df = pd.DataFrame({"sex": ["f", "m", "m", None]})
    counts = feature_stats(df, infer_schema(df))[0]
    assert counts.counts == {"m": 2, "f": 1} and counts.missing == 1


def test_occlusion_gives_an_ignored_feature_nothing() -> None:
    from saywhy.tools.tabular.methods import lime_scores, occlusion

    target, X = synthetic("pipeline")
    bg = C.background(X, size=40)
    for i in range(3):
        s = occlusion(target, X.iloc[i], "yes", bg)
        assert s.values[3] == pytest.approx(0, abs=1e-12)
        assert s.output == pytest.approx(target.predict_proba(X.iloc[[i]])[0, 1])
    lime = lime_scores(target, X.iloc[0], "yes", bg)
    assert abs(lime.values[3]) < max(abs(lime.values[:2]))
