"""The tabular target and table dataset: a user's own skops pipeline and CSV, pickle refused
without --allow-pickle, foreign types refused by the skops check, types inferred and named."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from saywhy.tools.data.table import load_table, table_from_frame
from saywhy.tools.errors import NotFoundError, UserError
from saywhy.tools.tabular.schema import infer_schema, spelling
from saywhy.tools.target.tabular import TabularTarget, load_tabular


def people(n: int = 240, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({
        "Age": rng.integers(18, 80, n),
        "BloodPressure": rng.normal(70, 12, n).round(1),
        "sex": rng.choice(["female", "male"], n),
        "smoker": rng.integers(0, 2, n),
        "region": rng.choice(["north", "south", "east"], n),
    })
    risk = 0.05 * (df["Age"] - 50) + 0.08 * (df["BloodPressure"] - 70) + 1.5 * df["smoker"]
    df["outcome"] = np.where(risk + rng.normal(0, 0.5, n) > 0, "sick", "well")
    df.insert(0, "patient_id", np.arange(1000, 1000 + n))
    return df


def pipeline(df: pd.DataFrame):  # type: ignore[no-untyped-def]
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X = df.drop(columns=["patient_id", "outcome"])
    pre = ColumnTransformer([("num", StandardScaler(), ["Age", "BloodPressure"]),
                             ("cat", OneHotEncoder(handle_unknown="ignore"),
                              ["sex", "region"])], remainder="passthrough")
    return Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=500))]).fit(
        X, df["outcome"])


@pytest.fixture(scope="module")
def user_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame]:
    import skops.io as sio

    folder = tmp_path_factory.mktemp("user-table")
    df = people()
    model = pipeline(df)
    sio.dump(model, folder / "model.skops")
    df.to_csv(folder / "patients.csv", index=False)
    return folder / "model.skops", folder / "patients.csv", df


def test_user_pipeline_and_csv_load_and_predict_as_the_model_does(user_files) -> None:  # type: ignore[no-untyped-def]
    model_path, csv, df = user_files
    target = load_tabular(model_path)
    assert target.kind == "tabular" and target.labels == ["sick", "well"]
    data = load_table(csv, target=target)
    assert data.features == ["Age", "BloodPressure", "sex", "smoker", "region"]
    assert data.ids[:2] == [1000, 1001]  # patient_id guessed as the id
    kinds = {f.name: f.kind for f in data.schema.features}
    assert kinds == {"Age": "numeric", "BloodPressure": "numeric", "sex": "categorical",
                     "smoker": "boolean", "region": "categorical"}
    reference = pipeline(df).predict_proba(df.drop(columns=["patient_id", "outcome"]))
    assert np.allclose(target.predict_proba(data.X()), reference)
    assert set(data.frame["label"]) <= set(target.labels)
    one = target.predict(data.X().iloc[0])
    assert one["label"] == target.labels[int(np.argmax(reference[0]))]
    assert abs(sum(one["probs"].values()) - 1) < 1e-9
    assert data.text(1000).startswith("Age = ") and "region = " in data.text(1000)


def test_pickle_is_refused_without_the_flag_and_loads_with_it(user_files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import joblib

    _, _, df = user_files
    path = tmp_path / "model.joblib"
    joblib.dump(pipeline(df), path)
    with pytest.raises(UserError) as err:
        load_tabular(path)
    assert "--allow-pickle" in err.value.user_text()
    assert load_tabular(path, allow_pickle=True).labels == ["sick", "well"]


def test_skops_file_with_a_foreign_type_is_refused_by_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    X = pd.DataFrame({"a": np.arange(20.0)})
    clf = LogisticRegression().fit(X, (X["a"] > 9).astype(int))
    model = make_pipeline(FunctionTransformer(json.dumps), clf)
    sio.dump(model, tmp_path / "odd.skops")
    with pytest.raises(UserError) as err:
        load_tabular(tmp_path / "odd.skops")
    assert "json.dumps" in err.value.message and "--allow-pickle" in err.value.user_text()
    assert isinstance(load_tabular(tmp_path / "odd.skops", allow_pickle=True), TabularTarget)


def test_missing_file_unknown_suffix_and_unfitted_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression

    with pytest.raises(NotFoundError):
        load_tabular(tmp_path / "none.skops")
    (tmp_path / "model.txt").write_text("hello")
    with pytest.raises(UserError):
        load_tabular(tmp_path / "model.txt")
    with pytest.raises(UserError):
        TabularTarget(LogisticRegression(), name="raw", fingerprint="x")


def test_label_mapping_names_the_classes_and_gold_follows_it() -> None:
    from sklearn.tree import DecisionTreeClassifier

    df = pd.DataFrame({"x": np.arange(30.0), "GoodCustomer": np.where(np.arange(30) > 14, 1, -1)})
    tree = DecisionTreeClassifier(random_state=0).fit(df[["x"]], df["GoodCustomer"])
    target = TabularTarget(tree, name="t", fingerprint="f", labels={-1: "bad", 1: "good"})
    assert target.labels == ["bad", "good"] and target.is_tree
    data = table_from_frame(df, target=target, label_column="GoodCustomer")
    assert data.frame["label"].tolist() == ["bad"] * 15 + ["good"] * 15
    with pytest.raises(UserError):
        TabularTarget(tree, name="t", fingerprint="f", labels=["only one"])


def test_table_without_the_models_columns_names_them(user_files) -> None:  # type: ignore[no-untyped-def]
    model_path, _, df = user_files
    target = load_tabular(model_path)
    with pytest.raises(UserError) as err:
        table_from_frame(df.drop(columns=["region"]), target=target)
    assert "region" in err.value.message


def test_types_can_be_named_and_names_resolve_as_people_write_them() -> None:
    df = people(50)
    schema = infer_schema(df, ["Age", "BloodPressure", "smoker"], {"age": "categorical"})
    assert schema["age"].kind == "categorical" and schema["AGE"].values[0] == df["Age"].min()
    assert schema.resolve("blood pressure") == "BloodPressure"
    assert schema.resolve("bloodpressure") == "BloodPressure"
    assert spelling("DiabetesPedigreeFunction") == "diabetes pedigree function"
    with pytest.raises(NotFoundError):
        schema.resolve("height")
    with pytest.raises(UserError):
        infer_schema(df, ["sex"], {"sex": "numeric"})
    with pytest.raises(UserError):
        infer_schema(df, ["Age"], {"Age": "ordinal"})


def test_encode_decode_round_trips_every_kind() -> None:
    df = people(60)
    cols = ["Age", "BloodPressure", "sex", "smoker", "region"]
    schema = infer_schema(df, cols)
    back = schema.decode(schema.encode(df[cols]))
    pd.testing.assert_frame_equal(back, df[cols].reset_index(drop=True), check_dtype=False)
    assert schema["smoker"].value("yes") == 1 and schema["sex"].value("Male") == "male"
    with pytest.raises(UserError):
        schema["region"].value("west")
    with pytest.raises(UserError):
        schema["Age"].value("old")
