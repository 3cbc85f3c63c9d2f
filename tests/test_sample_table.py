"""`sample` on a table model: random rows of the current subset (and of one gold label), each with
its features as the table holds them, its gold label and the prediction `predict` gives it; a
seed that repeats the draw; a k beyond the population draws every row once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from saywhy.agent.bootstrap import DataSpec, load_context
from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.views import Table
from tests.table_files import FEATURES, loan_files


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A user's skops pipeline (one-hot owner, a small forest) and its CSV with ids 100-299."""
    return loan_files(tmp_path_factory.mktemp("loans"), n=200, seed=7, trees=20, noise=8)


@pytest.fixture
def ctx(files: tuple[Path, Path]) -> ToolContext:
    model, csv = files
    return load_context(str(model), DataSpec(path=str(csv)))


@pytest.fixture(scope="module")
def frame(files: tuple[Path, Path]) -> pd.DataFrame:
    return pd.read_csv(files[1]).set_index("case_id")


def run(ctx: ToolContext, **args: Any) -> Any:
    return registry.get("sample").run(ctx, args)


def test_the_tool_fits_a_table_model_and_shows_rows_with_their_features(
        ctx: ToolContext, frame: pd.DataFrame) -> None:
    assert registry.get("sample").fits(ctx) and "tabular" in registry.get("sample").all_kinds
    got = run(ctx, k=5, seed=2)
    (table,) = got.views()
    assert isinstance(table, Table)
    names = [c.name for c in table.columns]
    assert names[:4] == ["id", "gold", "predicted", "conf"] and names[4:] == FEATURES
    for row, item in zip(table.rows, got.items, strict=True):
        shown = dict(zip(names, row, strict=True))
        truth = frame.loc[item.id]
        assert shown["id"] == item.id and shown["gold"] == truth["approved"]
        assert [shown[f] for f in FEATURES] == [truth[f] for f in FEATURES]
        assert f"income = {truth['income']:g}" in item.text
        assert f"#{item.id}" in got.summary()


def test_rows_come_from_the_current_subset_only(ctx: ToolContext, frame: pd.DataFrame) -> None:
    chosen = registry.get("filter").run(ctx, {"where": "age > 50"})
    assert chosen.size == int((frame["age"] > 50).sum())
    for seed in range(5):
        got = run(ctx, k=10, seed=seed)
        assert len(got.items) == 10 and got.population == chosen.size
        assert all(frame.loc[it.id, "age"] > 50 for it in got.items)


def test_a_label_draws_only_rows_of_that_gold_label(ctx: ToolContext,
                                                    frame: pd.DataFrame) -> None:
    got = run(ctx, k=50, label="yes", seed=4)
    assert {frame.loc[it.id, "approved"] for it in got.items} == {"yes"}
    assert got.population == int((frame["approved"] == "yes").sum())
    registry.get("filter").run(ctx, {"where": "owner = no"})
    inside = run(ctx, k=50, label="no", seed=4)
    wanted = (frame["approved"] == "no") & (frame["owner"] == "no")
    assert {it.id for it in inside.items} <= set(frame.index[wanted])
    assert all(it.gold == "no" for it in inside.items)


def test_each_prediction_is_what_predict_gives_the_row(ctx: ToolContext,
                                                       files: tuple[Path, Path],
                                                       frame: pd.DataFrame) -> None:
    import skops.io as sio

    path = files[0]
    model = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    got = run(ctx, k=20, seed=9)
    for it in got.items:
        said = registry.get("predict").run(ctx, {"id": it.id})
        assert it.predicted == said.label
        assert it.confidence == pytest.approx(said.probs[said.label], abs=1e-4)
        probs = model.predict_proba(frame.loc[[it.id], FEATURES])[0]
        assert it.predicted == model.classes_[int(np.argmax(probs))]
        assert it.confidence == pytest.approx(float(probs.max()), abs=1e-4)


def test_the_same_seed_draws_the_same_rows(ctx: ToolContext) -> None:
    first = run(ctx, k=6, seed=31)
    again = run(ctx, k=6, seed=31)
    assert [it.id for it in first.items] == [it.id for it in again.items]
    assert "seed 31" in first.summary() and "seed 31" in first.views()[0].title
    draws = {tuple(it.id for it in run(ctx, k=6, seed=s).items) for s in range(4)}
    assert len(draws) > 1  # the seed matters
    fresh = run(ctx, k=2)
    assert f"seed {fresh.seed}" in fresh.summary()


def test_k_beyond_the_population_draws_every_row_once(ctx: ToolContext,
                                                      frame: pd.DataFrame) -> None:
    registry.get("filter").run(ctx, {"where": "income > 70"})
    inside = set(frame.index[frame["income"] > 70])
    assert 0 < len(inside) < 50
    got = run(ctx, k=50, seed=1)
    ids = [it.id for it in got.items]
    assert len(ids) == len(set(ids)) and set(ids) == inside and got.population == len(inside)


def test_one_drawn_row_becomes_the_focus(ctx: ToolContext) -> None:
    one = run(ctx, seed=3)
    assert one.remembered() == {"focus": str(one.items[0].id)}
    why = registry.get("attribute").run(ctx, {"id": one.items[0].id})
    assert why.predicted == one.items[0].predicted
