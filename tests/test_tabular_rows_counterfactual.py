"""Counterfactuals for many rows of a table: each searched row's flip is verified here by
predicting the changed row again, fixed features never move, and rows already predicted the
label asked for are counted, not searched."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from saywhy.tools.context import Subset, ToolContext
from saywhy.tools.counterfactual import CounterfactualArgs
from saywhy.tools.tabular import variants_edit
from saywhy.tools.tabular.demo import demo_table, load_demo_tabular
from saywhy.tools.tabular.rows_counterfactual import SAMPLED, RowsCounterfactualResult


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ToolContext:
    target = load_demo_tabular(folder=Path(tmp_path_factory.mktemp("demo")) / "demo-tabular")
    return ToolContext(target=target, data=demo_table(target))


def _subset(ctx: ToolContext, n: int) -> ToolContext:
    keys = list(ctx.data.ids[:n])  # type: ignore[union-attr]
    return ToolContext(target=ctx.target, data=ctx.data,
                       subset=Subset(ids=keys, description=f"the first {n}"))


def _predicted(ctx: ToolContext, frame: pd.DataFrame) -> list[str]:
    labels = ctx.target.labels
    return [labels[i] for i in ctx.target.predict_proba(frame).argmax(axis=1)]  # type: ignore[attr-defined]


def test_every_flip_changes_the_prediction_to_the_label_asked_for(ctx: ToolContext) -> None:
    sub = _subset(ctx, 120)
    wanted = ctx.target.labels[0]
    r = variants_edit.counterfactual(sub, CounterfactualArgs(label=wanted))
    assert isinstance(r, RowsCounterfactualResult) and r.rows == 120
    frame = ctx.data.X(sub.subset.ids)  # type: ignore[union-attr]
    now = _predicted(ctx, frame)
    assert r.already == now.count(wanted)
    assert r.searched == min(SAMPLED, 120 - r.already) and 0 < r.flipped <= r.searched
    assert len(r.flips) == r.flipped
    for flip in r.flips:
        row = ctx.data.X([int(flip.id)])  # type: ignore[union-attr]
        assert _predicted(ctx, row) != [wanted]
        for name, value in flip.changes.items():
            row.loc[:, name] = value
        assert _predicted(ctx, row) == [wanted] == [flip.label]
    moved = {m.feature: m for m in r.features}
    for name, m in moved.items():
        assert m.rows == sum(name in f.changes for f in r.flips) == m.up + m.down + sum(
            m.to.values())
    assert wanted in r.summary() and f"{r.flipped} of {r.searched} flip" in r.summary()
    json.dumps(r.to_json())  # the API sends it as it is


def test_a_fixed_feature_never_moves(ctx: ToolContext) -> None:
    r = variants_edit.counterfactual(_subset(ctx, 60), CounterfactualArgs(fixed=["glucose"]))
    assert isinstance(r, RowsCounterfactualResult) and r.flipped
    assert all("Glucose" not in f.changes for f in r.flips)


def test_rows_that_already_get_the_label_leave_nothing_to_flip(ctx: ToolContext) -> None:
    keys = list(ctx.data.ids[:80])  # type: ignore[union-attr]
    now = _predicted(ctx, ctx.data.X(keys))  # type: ignore[union-attr]
    label = now[0]
    same = [k for k, p in zip(keys, now, strict=True) if p == label]
    sub = ToolContext(target=ctx.target, data=ctx.data,
                      subset=Subset(ids=same, description="the ones predicted alike"))
    r = variants_edit.counterfactual(sub, CounterfactualArgs(label=label))
    assert isinstance(r, RowsCounterfactualResult)
    assert r.already == len(same) and r.searched == 0 and "nothing to flip" in r.summary()
