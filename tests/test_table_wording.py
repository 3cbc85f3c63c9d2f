"""A table model is offered questions in its own table's words: the capabilities answer, the
banner's examples and `/examples` name its real features, ids and labels, and never words,
texts or reviews; a question it suggests uses values the table has."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from saywhy.agent.terminal.describe import example_questions
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.data.table import table_from_frame
from saywhy.tools.showcase import leaned_on, table_values
from saywhy.tools.tabular.demo import demo_table, load_demo_tabular
from saywhy.tools.target.tabular import TabularTarget

TEXT_WORDS = re.compile(r"\b(?:words?|reviews?|texts?|mentions?|tokens?)\b", re.I)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> ToolContext:
    target = load_demo_tabular(folder=Path(tmp_path_factory.mktemp("demo")) / "demo-tabular")
    return ToolContext(target=target, data=demo_table(target))


def test_the_capabilities_speak_of_the_tables_features_rows_and_labels(demo: ToolContext) -> None:
    caps = registry.get("capabilities").run(demo, {})
    said = caps.summary()
    assert not TEXT_WORDS.search(said), TEXT_WORDS.findall(said)
    features = demo.target.feature_names  # type: ignore[attr-defined]
    named = {f for f in features if re.search(rf"\b{f}\b", said)}
    assert len(named) >= 2 and leaned_on(demo.target)[0] in named  # type: ignore[arg-type]
    assert "patient 12" in said and "patients" in said
    assert {lab for lab in demo.target.labels if lab in said} == set(demo.target.labels)
    tools = {t for s in caps.sections for t in s.tools}
    assert {"attribute", "what_if", "counterfactual", "interactions", "global_importance"} <= tools
    assert not caps.hidden  # nothing text-only is listed as missing


def test_the_suggested_values_are_the_tables(demo: ToolContext) -> None:
    known = table_values(demo)
    frame = demo.data.frame  # type: ignore[union-attr]
    row = frame.loc[int(known["id"])]
    target: TabularTarget = demo.target  # type: ignore[assignment]
    assert known["label"] == target.predict(row[target.feature_names])["label"]
    assert float(known["value"]) != float(row[known["feature"]])
    assert frame[known["feature"]].min() <= float(known["value"]) <= frame[known["feature"]].max()
    assert float(known["threshold"]) == pytest.approx(frame[known["number_feature"]].median(),
                                                      abs=0.5)
    assert known["feature2"] != known["feature"]


def test_the_banner_examples_are_table_questions(demo: ToolContext) -> None:
    shown = example_questions(demo, 3)
    assert len(shown) == 3 and not any(TEXT_WORDS.search(q) for q in shown)
    assert all("patient" in q for q in shown)


def test_a_users_table_with_categories_gets_its_own_names() -> None:
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    frame = pd.DataFrame({"Tenure Months": [1, 5, 30, 48, 2, 60, 12, 7] * 5,
                          "plan": ["basic", "pro", "pro", "basic", "basic", "pro", "basic",
                                   "pro"] * 5,
                          "churned": ["yes", "no", "no", "no", "yes", "no", "yes", "no"] * 5})
    pre = make_column_transformer((OneHotEncoder(), ["plan"]), remainder="passthrough")
    model = make_pipeline(pre, RandomForestClassifier(10, random_state=0)).fit(
        frame[["Tenure Months", "plan"]], frame["churned"])
    target = TabularTarget(model, name="churn", fingerprint="c")
    data = table_from_frame(frame, target=target, label_column="churned", item_name="customer")
    ctx = ToolContext(target=target, data=data)
    said = registry.get("capabilities").run(ctx, {}).summary()
    assert not TEXT_WORDS.search(said)
    assert "customer 12" in said and "Tenure Months" in said and "customers" in said
