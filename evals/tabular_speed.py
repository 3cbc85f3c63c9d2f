"""What the tabular computations cost on demo-tabular (the diabetes table, 8 features).

"why?" on one row is SHAP contributions of every feature towards the predicted label (tree SHAP,
interventional, against 100 background rows of the train split): the first call in a process
(shap imported, the explainer built) and then the median over `--rows` different held-out rows.
Beside it: a what-if with two edits, a counterfactual search, global importance over the
held-out rows with 50 resamples, and a two-feature interaction. The demo model's build is not
counted (it happens once). Goal printed (never asserted): "why?" on one row under 1 s on 2 CPU
cores.

    .venv/bin/python -m saywhy.evals.tabular_speed [--rows 50]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from .common import machine_note, print_table, run_main


def _seconds(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50)
    args = parser.parse_args()

    from ..tools.tabular import contributions as C
    from ..tools.tabular.demo import demo_table, load_demo_tabular
    from ..tools.tabular.edits import FeatureEdit, what_if
    from ..tools.tabular.importance import global_importance
    from ..tools.tabular.interactions import interaction
    from ..tools.tabular.search import counterfactuals

    target = load_demo_tabular()
    data = demo_table(target)
    X = data.X()
    test_ids = data.frame.index[data.frame["split"] == "test"]
    bg = C.background(data.X(data.frame.index[data.frame["split"] == "train"]))
    ids = list(test_ids[: args.rows])

    def why(i: int) -> None:
        row = X.loc[[i]]
        label = target.labels[int(target.predict_proba(row)[0].argmax())]
        C.contributions(target, row, label, bg)

    first = _seconds(lambda: why(ids[0]))
    warm = [_seconds(lambda i=i: why(i)) for i in ids]
    edits = [FeatureEdit(feature="BMI", value=25),
             FeatureEdit(feature="glucose", op="increase", value=10)]
    whatif = [_seconds(lambda i=i: what_if(target, X.loc[i], edits)) for i in ids[:20]]
    cf = [_seconds(lambda i=i: counterfactuals(target, X.loc[i], X)) for i in ids[:20]]
    imp = _seconds(lambda: global_importance(target, data.X(test_ids), bg))
    inter = _seconds(lambda: interaction(target, data.X(test_ids), bg, "Glucose", "Age"))
    rows = [
        ["why? first call in the process", first, 1],
        [f"why? one row (median of {len(warm)})", statistics.median(warm), len(warm)],
        ["why? one row (slowest)", max(warm), len(warm)],
        ["what-if, two edits (median)", statistics.median(whatif), len(whatif)],
        ["counterfactual search (median)", statistics.median(cf), len(cf)],
        [f"global importance, {len(test_ids)} rows, 50 resamples", imp, 1],
        ["interaction Glucose x Age", inter, 1],
    ]
    print_table("demo-tabular: seconds per computation", ["what", "seconds", "n"], rows,
                note=f"goal: why? on one row < 1 s on 2 CPU cores. {machine_note()}", digits=4)


if __name__ == "__main__":
    run_main(main)
