"""`/data PATH` in `saywhy chat` on a table (scikit-learn) model: the new table is read the way
`--data` reads it at start (`bootstrap.load_table_data`, with `label=`, `id=`, `item=` and the
class names of `--labels`), so the tools answer about the new table's rows.

A logistic regression on a credit table (ids 1..120, gold `risk`) and a second table of other
applicants (ids 1001..1040, other income range, columns `ref` and `verdict` that nothing
guesses). What must hold after `/data second.csv label=verdict id=ref`: the rows, the ids, a
prediction (equal to the model's own predict_proba on that row), the accuracy and a filter are
those of the second table; the features' ranges are learned from it; a table without one of the
model's features, or `text=`, is one clear sentence and the old table stays; the command line
says it without a traceback.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pytest
from rich.console import Console
from typer.testing import CliRunner

from saywhy.agent.bootstrap import DataSpec
from saywhy.agent.terminal.app import app
from saywhy.agent.terminal.repl import Repl
from saywhy.agent.terminal.slash import HANDLERS
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.errors import UserError
from tests.conftest import REAL_HOME

FEATURES = ["income", "debt", "years_employed"]
NAMES = {0: "bad risk", 1: "good risk"}


class Files(NamedTuple):
    model: Path
    first: Path
    second: Path
    lacking: Path  # the second table without `debt`
    frame: pd.DataFrame  # the second table as written
    fitted: Any


def _applicants(rng: np.random.Generator, n: int, income: float) -> pd.DataFrame:
    df = pd.DataFrame({"income": rng.normal(income, 15, n).round(1),
                       "debt": rng.normal(20, 8, n).round(1),
                       "years_employed": rng.integers(0, 30, n)})
    score = 0.08 * (df["income"] - 50) - 0.12 * (df["debt"] - 20) + 0.05 * df["years_employed"]
    df["risk"] = ((score + rng.normal(0, 1.0, n)) > 0.5).astype(int)
    return df


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Files:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(11)
    first = _applicants(rng, 120, 50)
    model = LogisticRegression(max_iter=1000).fit(first[FEATURES], first["risk"])
    first.insert(0, "applicant_id", np.arange(1, 121))
    second = _applicants(rng, 40, 80).rename(columns={"risk": "verdict"})
    second.insert(0, "ref", np.arange(1001, 1041))
    folder = tmp_path_factory.mktemp("credit-tables")
    sio.dump(model, folder / "credit.skops")
    first.to_csv(folder / "first.csv", index=False)
    second.to_csv(folder / "second.csv", index=False)
    second.drop(columns=["debt"]).to_csv(folder / "lacking.csv", index=False)
    return Files(folder / "credit.skops", folder / "first.csv", folder / "second.csv",
                 folder / "lacking.csv", second, model)


def session(files: Files, labels: str | None = None) -> tuple[Repl, io.StringIO]:
    """A REPL session on the first table, as `saywhy chat --model ... --data first.csv`."""
    out = io.StringIO()
    spec = DataSpec(path=str(files.first), label_column="risk", id_column="applicant_id",
                    labels=labels)
    repl = Repl(Console(file=out, width=200), str(files.model), spec, None)
    repl.load(str(files.model), spec)
    return repl, out


def switch(repl: Repl, arg: str) -> ToolContext:
    """`/data ARG` typed at the prompt; the new conversation's context."""
    HANDLERS["/data"](repl, arg)
    ctx: ToolContext = repl.conv.ctx
    return ctx


def test_the_tools_answer_about_the_new_tables_rows(files: Files) -> None:
    repl, out = session(files)
    assert repl.loaded.data is not None and len(repl.loaded.data) == 120
    ctx = switch(repl, f"{files.second} label=verdict id=ref item=applicant")
    df = files.frame
    assert ctx.data is not None and len(ctx.data) == len(df)
    assert sorted(ctx.data.frame.index) == sorted(df["ref"])
    assert repl.data.path == str(files.second) and "New conversation." in out.getvalue()
    probs = files.fitted.predict_proba(df[FEATURES])
    for row in (0, 17, 39):
        said = registry.get("predict").run(ctx, {"id": int(df["ref"][row])})
        expected = dict(zip((str(c) for c in files.fitted.classes_), probs[row], strict=True))
        assert said.probs == pytest.approx(expected, abs=1e-5)
        assert said.gold == str(df["verdict"][row])
    right = files.fitted.predict(df[FEATURES]) == df["verdict"].to_numpy()
    [score] = registry.get("performance").run(ctx, {"split": "all"}).scores
    assert score.n == len(df) and score.correct == int(right.sum())
    chosen = registry.get("filter").run(ctx, {"label": "1"})
    assert ctx.subset is not None
    assert set(ctx.subset.ids) == set(df.loc[df["verdict"] == 1, "ref"].astype(int))
    assert chosen.size == int((df["verdict"] == 1).sum())


def test_the_features_are_learned_again_from_the_new_table(files: Files) -> None:
    """Ranges (what what-ifs and conditions speak of) are the new table's; the old context's
    target keeps the first table's, as it was."""
    repl, _ = session(files)
    before = repl.loaded.target
    first_high = before.schema["income"].high  # type: ignore[attr-defined]
    ctx = switch(repl, f"{files.second} label=verdict id=ref")
    assert ctx.target.schema["income"].high == files.frame["income"].max()  # type: ignore[attr-defined]
    assert first_high == pd.read_csv(files.first)["income"].max()
    assert before.schema["income"].high == first_high  # type: ignore[attr-defined]
    assert ctx.target.fingerprint == before.fingerprint  # the same model: the cache is shared


def test_the_class_names_of_labels_stay_after_data(files: Files) -> None:
    repl, _ = session(files, labels="0=bad risk,1=good risk")
    ctx = switch(repl, f"{files.second} label=verdict id=ref")
    df = files.frame
    assert ctx.target.labels == ["bad risk", "good risk"]
    raw = files.fitted.predict(df[FEATURES])
    for row in (3, 30):
        said = registry.get("predict").run(ctx, {"id": int(df["ref"][row])})
        assert said.label == NAMES[int(raw[row])]
        assert said.gold == NAMES[int(df["verdict"][row])]


@pytest.mark.parametrize("arg,words", [
    ("{lacking} label=verdict id=ref", ["'debt'", "model needs"]),
    ("{second} text=income label=verdict", ["table model", "text="]),
    ("{second} label=nope id=ref", ["'nope'", "label="]),
])
def test_a_table_that_does_not_fit_is_one_sentence_and_the_old_table_stays(
        files: Files, arg: str, words: list[str]) -> None:
    repl, _ = session(files)
    with pytest.raises(UserError) as caught:
        HANDLERS["/data"](repl, arg.format(lacking=files.lacking, second=files.second))
    said = str(caught.value)
    assert all(w in said for w in words), said
    assert "--label-column" not in said  # in the words of /data
    assert repl.data.path == str(files.first)
    assert repl.loaded.data is not None and len(repl.loaded.data) == 120
    assert registry.get("predict").run(repl.conv.ctx, {"id": 120}).id == 120


def test_chat_switches_tables_and_says_a_bad_one_without_a_traceback(files: Files) -> None:
    if not (REAL_HOME / "assets" / "minilm").exists():
        pytest.skip("the MiniLM asset (offline planner) is missing; run `make setup`")
    res = CliRunner().invoke(app, [
        "chat", "--model", str(files.model), "--data", str(files.first), "--label-column",
        "risk", "--id-column", "applicant_id"],
        input=f"/data {files.lacking} label=verdict id=ref\n"
              f"/data {files.second} label=verdict id=ref item=applicant\n"
              "what do you predict for applicant 1005?\n")
    assert res.exit_code == 0, res.output
    out = " ".join(res.stdout.split())
    assert "Traceback" not in res.output
    assert "The table has no column 'debt', which the model needs" in out
    assert "second (40 applicants)" in out
    row = files.frame.index[files.frame["ref"] == 1005][0]
    predicted = str(files.fitted.predict(files.frame.loc[[row], FEATURES])[0])
    assert f"applicant #1005, the model predicts {predicted}" in out
