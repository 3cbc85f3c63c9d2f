"""Benchmark of the dataset tools' two costly steps on the demo corpus, at 1k and 10k texts.

- predictions: `dataset_predictions` for every text (cold: computed; cached: a fresh context
  reading the `.npz` from SAYWHY_HOME), in texts per second. Expected to grow linearly with n.
- global_importance: cold (every sampled text explained; each run has its own seed, so nothing
  is reused from another run) and cached (a fresh context reusing the stored per-item
  attributions), for several sample sizes and methods. Its cost should follow
  the sample size, not the dataset size.
Runs in a throw-away SAYWHY_HOME (assets and the built demo linked in), so every "cold" figure is
really cold and nothing is left behind. Nothing is asserted; the machine's load is printed.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .common import demo_data, load_demo, machine_note, print_table, run_main

SIZES = (1_000, 10_000)
SAMPLE_SIZES = (50, 200)
METHODS = ("occlusion", "gradient_x_input")
SHARED = ("assets", "models", "cache/converted")


@contextmanager
def scratch_home() -> Iterator[Path]:
    """A temporary SAYWHY_HOME that sees the real assets and built demo, but no caches."""
    from saywhy.tools.home import saywhy_home

    real = saywhy_home()
    before = os.environ.get("SAYWHY_HOME")
    with tempfile.TemporaryDirectory(prefix="saywhy-bench-") as tmp:
        home = Path(tmp)
        for rel in SHARED:
            if (real / rel).exists():
                (home / rel).parent.mkdir(parents=True, exist_ok=True)
                (home / rel).symlink_to(real / rel, target_is_directory=True)
        os.environ["SAYWHY_HOME"] = str(home)
        try:
            yield home
        finally:
            if before is None:
                os.environ.pop("SAYWHY_HOME", None)
            else:
                os.environ["SAYWHY_HOME"] = before


def _corpus(n: int) -> Any:
    """The first n texts of a seeded permutation of the demo corpus (ids kept)."""
    import numpy as np

    from saywhy.tools.data.dataset import from_frame

    full = demo_data().frame
    pick = np.sort(np.random.default_rng(0).permutation(len(full))[:n])
    return from_frame(full.iloc[pick].reset_index(), name=f"rt-critics-{n}")


def _seconds(fn: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def _predict(target: Any, data: Any) -> Any:
    from saywhy.tools.context import ToolContext
    from saywhy.tools.data.predictions import dataset_predictions

    return dataset_predictions(ToolContext(target=target, data=data))  # a fresh context each time


def _importance(target: Any, data: Any, args: dict[str, Any], seed: int) -> Any:
    from saywhy.tools import registry
    from saywhy.tools.context import ToolContext

    ctx = ToolContext(target=target, data=data, seed=seed)  # the seed also keys the disk store
    return registry.get("global_importance").run(ctx, args)


def run(sizes: tuple[int, ...] = SIZES, sample_sizes: tuple[int, ...] = SAMPLE_SIZES,
        methods: tuple[str, ...] = METHODS) -> list[dict[str, Any]]:
    """Measure; one row per (step, n, sample size, method). The first method is run at every
    sample size, the others at the smallest one (for a cost comparison)."""
    rows: list[dict[str, Any]] = []
    with scratch_home():
        target = load_demo("demo-sentiment")
        target.predict_proba(["warm up the kernels"])  # type: ignore[attr-defined]
        for n in sizes:
            data = _corpus(n)
            cold, _ = _seconds(_predict, target, data)
            warm, _ = _seconds(_predict, target, data)
            rows.append({"step": "predictions", "n": n, "sample_size": None, "method": None,
                         "cold_s": cold, "cached_s": warm, "per_s": n / cold,
                         "stability": None})
            for method in methods:
                for size in sample_sizes if method == methods[0] else sample_sizes[:1]:
                    # a seed of its own per run: no attribution is reused from an earlier run
                    args, seed = {"sample_size": size, "method": method}, len(rows)
                    cold, res = _seconds(_importance, target, data, args, seed)
                    warm, _ = _seconds(_importance, target, data, args, seed)
                    stab = [lab.stability for lab in res.labels if lab.stability is not None]
                    rows.append({"step": "global_importance", "n": n, "sample_size": size,
                                 "method": method, "cold_s": cold, "cached_s": warm,
                                 "per_s": res.computed / cold if cold else None,
                                 "stability": min(stab) if stab else None})
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    print_table("Dataset tools on the demo corpus (demo-sentiment, CPU)",
                ["step", "texts", "sample", "method", "cold s", "cached s", "texts/s",
                 "stability"],
                [[r["step"], r["n"], r["sample_size"], r["method"], r["cold_s"], r["cached_s"],
                  r["per_s"], r["stability"]] for r in rows],
                note=machine_note(), digits=2)
    pred = {r["n"]: r["cold_s"] for r in rows if r["step"] == "predictions"}
    if len(pred) > 1:
        lo, hi = min(pred), max(pred)
        print(f"predictions: {hi / lo:.0f}x the texts took {pred[hi] / pred[lo]:.1f}x the time "
              "(linear in the dataset size; computed once, then read from the cache).")
    gis = [r for r in rows if r["step"] == "global_importance" and r["method"] == METHODS[0]]
    for n in sorted({r["n"] for r in gis}):
        by = {r["sample_size"]: r["cold_s"] for r in gis if r["n"] == n}
        if len(by) > 1:
            lo, hi = min(by), max(by)
            print(f"global_importance on {n:,} texts: sample {hi} vs {lo} costs "
                  f"{by[hi] / by[lo]:.1f}x (linear in the sample size, not the dataset size).")


def main() -> None:
    report(run())


if __name__ == "__main__":
    run_main(main)
