"""Table models through the catalogue: the same tool names run their tabular implementations,
the planner's roles stay what they were, and a user's own skops pipeline with its CSV answers
"why did you predict item N?" end to end."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from saywhy.agent.bootstrap import DataSpec, load_context
from saywhy.tools import registry
from saywhy.tools.errors import UserError
from saywhy.tools.target import DEMO_MODELS, load_target
from tests.table_files import loan_files


@pytest.fixture(scope="module")
def user_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return loan_files(tmp_path_factory.mktemp("loans"), n=300, seed=4, trees=40)


def test_a_table_model_runs_the_same_tool_names(user_files) -> None:  # type: ignore[no-untyped-def]
    model, csv = user_files
    ctx = load_context(str(model), DataSpec(path=str(csv)))
    fitting = {t.name for t in registry.all_tools() if t.fits(ctx)}
    assert {"predict", "attribute", "what_if", "counterfactual", "filter", "performance",
            "mistakes", "describe_data", "global_importance", "similar"} <= fitting
    assert not {"attention", "layer_predictions", "keywords"} & fitting
    why = registry.get("attribute").run(ctx, {"id": 105})
    assert why.tool == "attribute" and why.method == "exact shap"
    assert why.base_value + sum(w["score"] for w in why.words) == pytest.approx(
        why.target_value, abs=1e-6)
    chosen = registry.get("filter").run(ctx, {"where": "income > 60 and owner = yes"})
    frame = pd.read_csv(csv)
    assert chosen.size == int(((frame.income > 60) & (frame.owner == "yes")).sum())
    scored = registry.get("performance").run(ctx, {})
    assert scored.scores and scored.scores[0].n == chosen.size


def test_text_tools_keep_their_kinds_and_the_planner_its_roles() -> None:
    from saywhy.agent.planner.catalogue import catalogue

    cat = catalogue()
    assert cat.flipper == "counterfactual" and cat.describer == "describe_data"
    assert registry.get("counterfactual").kinds == frozenset({"classifier"})
    assert cat.fits("counterfactual", "tabular") and not cat.fits("attention", "tabular")


def test_pickle_is_refused_by_name_and_the_demo_is_listed(tmp_path: Path) -> None:
    import joblib
    from sklearn.linear_model import LogisticRegression

    path = tmp_path / "m.pkl"
    joblib.dump(LogisticRegression().fit([[0.0], [1.0]], [0, 1]), path)
    with pytest.raises(UserError) as err:
        load_target(str(path))
    assert "--allow-pickle" in err.value.user_text()
    assert load_target(str(path), allow_pickle=True).kind == "tabular"
    assert "demo-tabular" in DEMO_MODELS


def test_why_about_an_item_of_the_users_table_end_to_end(user_files) -> None:  # type: ignore[no-untyped-def]
    from saywhy.agent.compose import build_conversation

    model, csv = user_files
    conv = build_conversation(load_context(str(model), DataSpec(path=str(csv))))
    answer = conv.ask("why did you predict item 103?")
    assert [r.tool for r in answer.results] == ["attribute"]
    top = answer.results[0].top[0]["feature"]
    assert top in answer.text and "103" in answer.text


def test_feature_arguments_are_refused_for_a_text_model(tiny_classifier, tiny_dataset) -> None:  # type: ignore[no-untyped-def]
    from saywhy.tools.context import ToolContext

    ctx = ToolContext(target=tiny_classifier, data=tiny_dataset)
    for name, args in [("what_if", {"id": 0, "features": [{"feature": "x", "value": 1}]}),
                       ("filter", {"where": "x > 1"}),
                       ("counterfactual", {"id": 0, "fixed": ["x"]})]:
        with pytest.raises(UserError) as err:
            registry.get(name).run(ctx, args)
        assert "table model" in err.value.message


def test_the_six_table_questions_in_one_dialogue(user_files) -> None:  # type: ignore[no-untyped-def]
    """Why, what-if, the smallest flip, accuracy on a subset, what matters, interactions: each
    planned from the user's own words and feature names, each number checked against the
    model and the table."""
    import skops.io as sio

    from saywhy.agent.compose import build_conversation

    model_path, csv = user_files
    conv = build_conversation(load_context(str(model_path), DataSpec(path=str(csv))))
    frame = pd.read_csv(csv)
    model = sio.load(model_path, trusted=sio.get_untrusted_types(file=model_path))
    features = ["age", "income", "owner"]

    why = conv.ask("why did you predict that for case 103?")
    assert [r.tool for r in why.results] == ["attribute"] and "103" in why.text

    what_if = conv.ask("what if their income were 40?")
    r = what_if.results[-1]
    assert r.tool == "what_if" and r.id is not None
    row = frame.loc[frame["case_id"] == 103, features].copy()
    row["income"] = 40
    expected = dict(zip(model.classes_, model.predict_proba(row)[0], strict=True))
    assert r.probs_after == {k: pytest.approx(v, abs=1e-6) for k, v in expected.items()}

    flip = conv.ask("what is the smallest change that flips it?")
    cf = flip.results[-1]
    assert cf.tool == "counterfactual" and cf.counterfactuals
    assert all(c.label != cf.label for c in cf.counterfactuals)  # each one really flips

    older = conv.ask("how accurate are you on people older than 50?")
    assert [r.tool for r in older.results] == ["filter", "performance"]
    assert older.results[0].size == int((frame["age"] > 50).sum())

    conv.ask("reset the filter")
    matters = conv.ask("which features matter most?")
    assert matters.results[-1].tool == "global_importance"
    said = matters.text
    assert said.index("income") < said.index("age")  # the label follows income, never age

    pair = conv.ask("how does income interact with owner?")
    assert pair.results[-1].tool == "interactions"
    assert "income" in pair.text and "owner" in pair.text


def test_the_llm_planner_is_told_the_tables_features(user_files) -> None:  # type: ignore[no-untyped-def]
    from saywhy.agent.compose import data_description

    model, csv = user_files
    said = data_description(load_context(str(model), DataSpec(path=str(csv))))
    assert "`where`" in said
    for name in ("age", "income", "owner"):
        assert f"{name}:" in said
