"""What-if on many rows of a table: the same feature edits applied to every row of the subset
(or the table), the changed predictions counted against predictions made here independently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from saywhy.tools.context import Subset, ToolContext
from saywhy.tools.tabular import variants_edit
from saywhy.tools.tabular.demo import demo_table, load_demo_tabular
from saywhy.tools.tabular.rows_what_if import WhatIfRowsResult
from saywhy.tools.what_if import WhatIfArgs


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> ToolContext:
    target = load_demo_tabular(folder=Path(tmp_path_factory.mktemp("demo")) / "demo-tabular")
    return ToolContext(target=target, data=demo_table(target))


def test_counts_the_rows_whose_prediction_changes(ctx: ToolContext) -> None:
    keys = ctx.data.ids[:120]  # type: ignore[union-attr]
    ctx = ToolContext(target=ctx.target, data=ctx.data,
                      subset=Subset(ids=list(keys), description="the first 120"))
    r = variants_edit.what_if(ctx, WhatIfArgs(features=[
        {"feature": "glucose", "op": "increase", "value": 40}]))
    assert isinstance(r, WhatIfRowsResult) and r.rows == 120
    frame = ctx.data.X(keys)  # type: ignore[union-attr]
    before = ctx.target.predict_proba(frame).argmax(axis=1)  # type: ignore[attr-defined]
    edited = frame.copy()
    edited["Glucose"] = edited["Glucose"] + 40
    after = ctx.target.predict_proba(edited).argmax(axis=1)  # type: ignore[attr-defined]
    assert r.flipped == int((before != after).sum()) > 0
    assert sum(r.flips.values()) == r.flipped
    assert sum(r.before.values()) == sum(r.after.values()) == 120
    labels = ctx.target.labels
    assert r.after[labels[1]] == int((after == 1).sum())
    assert r.mean_delta[labels[1]] > 0  # more glucose: the model leans to diabetes
    assert "Glucose" in r.summary() and "120 rows" in r.summary()


def test_an_edit_that_changes_nothing_flips_nothing(ctx: ToolContext) -> None:
    r = variants_edit.what_if(ctx, WhatIfArgs(features=[
        {"feature": "Age", "op": "increase", "value": 0}]))
    assert isinstance(r, WhatIfRowsResult)
    assert r.flipped == 0 and r.rows == len(ctx.data.ids)  # type: ignore[union-attr]
    assert all(abs(d) < 1e-9 for d in r.mean_delta.values())
    assert "no prediction changes" in r.summary()
