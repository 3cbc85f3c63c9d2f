"""`--labels`: a scikit-learn model fitted on 0/1 is talked about under the user's names.

A small credit table whose gold column `risk` holds 0/1 and a logistic regression fitted on it
(classes_ = [0, 1]), loaded the way the commands load it (`DataSpec` -> `load_context`) with
`--labels "0=bad risk,1=good risk"` or `--labels "bad risk,good risk"`. What must hold: the
target's labels are the names; a prediction is a name, the one of the class the model predicts;
the gold column is read through the same classes, so a filter on a name selects exactly the rows
of that raw class and the accuracy is the one computed from the raw classes; both forms give the
same thing; a bad value is a UserError naming `--labels`, on the command line one sentence and
exit code 2, never a traceback; a Hugging Face classifier refuses the option.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from saywhy.agent.bootstrap import DataSpec, load_context, name_classes
from saywhy.agent.terminal.app import app
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import UserError
from tests.conftest import needs_minilm

NAMES = {0: "bad risk", 1: "good risk"}
PAIRS = "0=bad risk,1=good risk"
IN_ORDER = "bad risk,good risk"
FEATURES = ["income", "debt", "years_employed"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, pd.DataFrame, Any]:
    """The model (.skops) and its table (.csv, ids 1..n, gold 0/1 with some noise, so the
    model is neither always right nor always wrong)."""
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(7)
    n = 120
    df = pd.DataFrame({"applicant_id": np.arange(1, n + 1),
                       "income": rng.normal(50, 15, n).round(1),
                       "debt": rng.normal(20, 8, n).round(1),
                       "years_employed": rng.integers(0, 30, n)})
    score = 0.08 * (df["income"] - 50) - 0.12 * (df["debt"] - 20) + 0.05 * df["years_employed"]
    df["risk"] = ((score + rng.normal(0, 1.0, n)) > 0.5).astype(int)
    model = LogisticRegression(max_iter=1000).fit(df[FEATURES], df["risk"])
    assert list(model.classes_) == [0, 1]
    folder = tmp_path_factory.mktemp("credit")
    sio.dump(model, folder / "credit.skops")
    df.to_csv(folder / "credit.csv", index=False)
    return folder / "credit.skops", folder / "credit.csv", df, model


def load(files: tuple[Path, Path, pd.DataFrame, Any], labels: str | None) -> ToolContext:
    model_path, csv, _, _ = files
    spec = DataSpec(path=str(csv), label_column="risk", id_column="applicant_id",
                    item_name="applicant", labels=labels)
    return load_context(str(model_path), spec)


@pytest.mark.parametrize("labels", [PAIRS, IN_ORDER])
def test_the_target_predicts_names_and_the_gold_column_is_read_as_them(files, labels) -> None:  # type: ignore[no-untyped-def]
    _, _, df, model = files
    ctx = load(files, labels)
    assert ctx.target.labels == ["bad risk", "good risk"]
    assert ctx.data is not None
    gold = ctx.data.frame["label"]
    assert gold.tolist() == [NAMES[int(v)] for v in df["risk"]]
    raw = model.predict(df[FEATURES])
    for row in (0, 2, 57):
        said = registry.get("predict").run(ctx, {"id": int(df["applicant_id"][row])})
        assert said.label == NAMES[int(raw[row])]
        assert set(said.probs) == {"bad risk", "good risk"}
        assert said.gold == NAMES[int(df["risk"][row])]


@pytest.mark.parametrize("name,raw", [("good risk", 1), ("bad risk", 0)])
def test_a_filter_on_a_name_selects_exactly_the_rows_of_that_class(files, name, raw) -> None:  # type: ignore[no-untyped-def]
    _, _, df, _ = files
    ctx = load(files, PAIRS)
    chosen = registry.get("filter").run(ctx, {"label": name})
    expected = set(df.loc[df["risk"] == raw, "applicant_id"].astype(int))
    assert chosen.size == len(expected)
    assert ctx.subset is not None and set(ctx.subset.ids) == expected


def test_accuracy_and_mistakes_are_those_of_the_raw_classes(files) -> None:  # type: ignore[no-untyped-def]
    _, _, df, model = files
    right = model.predict(df[FEATURES]) == df["risk"].to_numpy()
    assert 0 < right.mean() < 1  # a test that could fail either way
    for labels in (PAIRS, IN_ORDER):
        ctx = load(files, labels)
        [score] = registry.get("performance").run(ctx, {"split": "all"}).scores
        assert score.n == len(df) and score.correct == int(right.sum())
        assert score.accuracy == pytest.approx(right.mean())
        assert set(score.confusion) <= {"bad risk", "good risk"}
        wrong = registry.get("mistakes").run(ctx, {"k": 50, "split": "all"})
        [errors] = wrong.counts
        assert errors.wrong == int((~right).sum())
        assert errors.kinds and set(errors.kinds) <= {"bad risk predicted as good risk",
                                                      "good risk predicted as bad risk"}
        for ex in wrong.sample:
            row = df.index[df["applicant_id"] == ex.id][0]
            assert ex.gold == NAMES[int(df["risk"][row])] != ex.predicted


def test_both_forms_give_the_same_target_and_table(files) -> None:  # type: ignore[no-untyped-def]
    pairs, in_order = load(files, PAIRS), load(files, IN_ORDER)
    assert pairs.target.labels == in_order.target.labels
    assert pairs.target.fingerprint == in_order.target.fingerprint
    assert pairs.data is not None and in_order.data is not None
    pd.testing.assert_frame_equal(pairs.data.frame, in_order.data.frame)
    plain = load(files, None)
    assert plain.target.labels == ["0", "1"]
    assert plain.target.fingerprint != pairs.target.fingerprint


def test_a_mapping_may_name_some_classes_and_keys_may_be_written_as_numbers(files) -> None:  # type: ignore[no-untyped-def]
    assert load(files, "1=good risk").target.labels == ["0", "good risk"]
    assert load(files, "0.0=bad risk, 1 = good risk").target.labels == ["bad risk", "good risk"]


@pytest.mark.parametrize("labels,said", [
    ("2=bad risk,1=good risk", "class '2'"),
    ("bad risk,good risk,unknown", "3 name(s)"),
    ("only one", "1 name(s)"),
    ("risky,Risky", "two classes"),
    ("0=good,1=good", "two classes"),
    ("1=0", "two classes"),  # class 1 named "0", class 0 keeps "0"
    ("0=bad,0=worse", "twice"),
    ("0=bad,1", "class=name"),
    ("bad,,good", "empty"),
])
def test_a_bad_value_is_a_user_error_naming_the_flag(files, labels, said) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError) as err:
        load(files, labels)
    assert "--labels" in err.value.message and said in err.value.message


def test_a_hugging_face_classifier_refuses_the_option(tiny_classifier) -> None:  # type: ignore[no-untyped-def]
    before = list(tiny_classifier.labels)
    with pytest.raises(UserError) as err:
        name_classes(tiny_classifier, ",".join(f"n{i}" for i in range(len(before))))
    assert "--labels" in err.value.message and "id2label" in err.value.message
    assert tiny_classifier.labels == before
    name_classes(tiny_classifier, None)  # no option: nothing to refuse


def run(*args: str, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env=env)


def flags(files: tuple[Path, Path, pd.DataFrame, Any]) -> list[str]:
    model_path, csv, _, _ = files
    return ["--model", str(model_path), "--data", str(csv), "--label-column", "risk",
            "--id-column", "applicant_id", "--item-name", "applicant"]


def test_the_tool_command_takes_the_flag_and_the_environment(files) -> None:  # type: ignore[no-untyped-def]
    _, _, df, model = files
    expected = NAMES[int(model.predict(df[FEATURES].iloc[[2]])[0])]
    by_flag = run("tool", "predict", "--json", "--args", '{"id": 3}', *flags(files),
                  "--labels", PAIRS)
    assert by_flag.exit_code == 0, by_flag.output
    assert json.loads(by_flag.stdout)["label"] == expected
    by_env = run("tool", "predict", "--json", "--args", '{"id": 3}', *flags(files),
                 env={"SAYWHY_LABELS": IN_ORDER})
    assert by_env.exit_code == 0, by_env.output
    assert json.loads(by_env.stdout)["label"] == expected


def test_a_bad_flag_is_one_sentence_and_exit_code_2(files) -> None:  # type: ignore[no-untyped-def]
    res = run("tool", "predict", "--args", '{"id": 3}', *flags(files), "--labels", "a,b,c")
    assert res.exit_code == 2
    assert "--labels" in res.stderr and "Traceback" not in res.output + res.stderr


@needs_minilm
def test_ask_answers_in_the_names(files) -> None:  # type: ignore[no-untyped-def]
    _, _, df, model = files
    expected = NAMES[int(model.predict(df[FEATURES].iloc[[2]])[0])]
    res = run("ask", "--json", *flags(files), "--labels", PAIRS,
              "what do you predict for applicant 3?")
    assert res.exit_code == 0, res.output
    [turn] = json.loads(res.stdout)
    assert turn["calls"][0]["tool"] == "predict"
    assert expected in turn["answer"]
    assert not any(f"predicts {c}" in turn["answer"] for c in ("0", "1"))
