"""In-process against Ray for the dataset-level work: predictions over many texts and global
importance over a large sample, on demo-sentiment.

Both runs happen in this process, one after the other, on the same texts: first in-process (the
baseline, torch's own threads), then through `saywhy.tools.distributed` on Ray (a local instance
with `--workers` CPUs by default, or the cluster at `--address`). Each run starts cold (its cache
files removed), so Ray's figure includes its workers loading the model; joining or starting Ray
itself is timed apart, as a cluster outlives one question. The ratio is in-process seconds over
Ray seconds (above 1: Ray was faster); each Ray worker runs torch on one thread, in-process
work on torch's default threads unless `--threads` says. The results are compared too: the
largest difference of a probability and whether the top words per label are the same. Nothing
is asserted.

    python -m saywhy.evals.bench_ray                           # local Ray, 2 workers
    python -m saywhy.evals.bench_ray --texts 5000 --sample 200 # smaller
    python -m saywhy.evals.bench_ray --address ray://HEAD:10001 --workers 16
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from .bench_data import scratch_home
from .common import (
    Missing,
    demo_data,
    load_demo,
    machine_note,
    print_table,
    run_main,
    set_threads,
)

TEXTS = 20_000
SAMPLE = 1_000
METHOD = "occlusion"


def add_ray_option(parser: argparse.ArgumentParser) -> None:
    """`--ray [ADDRESS]` for an eval: its dataset-level work on Ray (no address: a local
    instance, or $SAYWHY_RAY_ADDRESS)."""
    parser.add_argument("--ray", nargs="?", const="", default=None, metavar="ADDRESS",
                        help="run on Ray: a local instance, or the cluster at ADDRESS "
                             "(auto, HOST:PORT, ray://HOST:10001); default $SAYWHY_RAY_ADDRESS")


def use_ray(address: str | None) -> None:
    """The eval's `--ray` value (None: not given) or $SAYWHY_RAY_ADDRESS decides; else
    in-process."""
    import os

    from saywhy.tools import distributed

    chosen = os.environ.get("SAYWHY_RAY_ADDRESS") if address is None else address
    if chosen is not None:
        distributed.configure(chosen or os.environ.get("SAYWHY_RAY_ADDRESS") or distributed.LOCAL)


def predict(target: Any, texts: list[str]) -> Any:
    """Probabilities for texts: on Ray when the process uses it, else in-process."""
    from saywhy.tools import distributed
    from saywhy.tools.context import ToolContext

    runner = distributed.current()
    probs = runner.predict(ToolContext(target=target), texts, "predicting") if runner else None
    return target.predict_proba(texts) if probs is None else probs


def corpus(n: int) -> Any:
    """n texts: the demo corpus in a seeded order, repeated when n is larger (ids 0..n-1)."""
    import numpy as np

    from saywhy.tools.data.dataset import from_frame

    full = demo_data().frame[["text", "label"]]
    order = np.random.default_rng(0).permutation(len(full))
    rows = full.iloc[np.resize(order, n)].reset_index(drop=True)
    return from_frame(rows, name=f"rt-critics-x{n}")


def _clear(folder: str) -> None:
    from saywhy.tools.home import cache_dir

    for f in cache_dir(folder).iterdir():
        f.unlink()


def _timed(fn: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def run(texts: int = TEXTS, sample: int = SAMPLE, address: str = "local", workers: int = 2,
        method: str = METHOD) -> list[list[Any]]:
    """Measure and print; returns the table's rows."""
    import numpy as np

    from saywhy.tools import distributed, registry
    from saywhy.tools.context import ToolContext
    from saywhy.tools.data.predictions import dataset_predictions

    try:
        import ray  # noqa: F401
    except ImportError:
        raise Missing(distributed.MISSING) from None
    rows: list[list[Any]] = []
    with scratch_home():
        target = load_demo("demo-sentiment")
        target.predict_proba(["warm up the kernels"])  # type: ignore[attr-defined]
        data = corpus(texts)
        args = {"sample_size": sample, "method": method, "k": 10}

        def predict() -> Any:
            _clear("predictions")
            return dataset_predictions(ToolContext(target=target, data=data))

        def importance() -> Any:
            _clear("global_importance")
            return registry.get("global_importance").run(ToolContext(target=target, data=data),
                                                         args)

        distributed.configure(None)
        here_p, here_preds = _timed(predict)
        here_g, here_gi = _timed(importance)
        runner = distributed.configure(address, workers=workers)
        assert runner is not None
        joined, _ = _timed(runner.connect)
        pool = runner.pool()
        ray_p, ray_preds = _timed(predict)
        ray_g, ray_gi = _timed(importance)
        distributed.configure(None)

    same_words = all([w.word for w in a.towards] == [w.word for w in b.towards]
                     for a, b in zip(here_gi.labels, ray_gi.labels, strict=True))
    diff = float(np.abs(here_preds.probs - ray_preds.probs).max())
    rows = [[f"predictions, {texts:,} texts", here_p, ray_p, here_p / ray_p,
             f"max |Δp| {diff:.1e}"],
            [f"global_importance, sample {sample:,} ({method})", here_g, ray_g, here_g / ray_g,
             "same top words" if same_words else "top words differ"]]
    print_table(f"In-process vs Ray ({address}, {pool} workers) on demo-sentiment", [
        "work", "in-process s", "Ray s", "in-process / Ray", "results"], rows,
        note=f"{machine_note()}\nRay joined or started in {joined:.1f} s (not in the Ray "
             "column); each Ray figure includes its workers loading the model.", digits=1)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="In-process vs Ray for dataset-level work.")
    parser.add_argument("--texts", type=int, default=TEXTS, help="texts to predict")
    parser.add_argument("--sample", type=int, default=SAMPLE,
                        help="global importance sample size (at most 5000)")
    parser.add_argument("--address", default="local",
                        help="'local' (a Ray instance here), 'auto', HOST:PORT or ray://HOST:10001")
    parser.add_argument("--workers", type=int, default=2, help="Ray workers (CPUs for 'local')")
    parser.add_argument("--method", default=METHOD, help="attribution method")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads in-process (default: torch's; a Ray worker uses 1)")
    ns = parser.parse_args()
    set_threads(ns.threads)

    def measure() -> None:
        run(ns.texts, ns.sample, ns.address, ns.workers, ns.method)

    run_main(measure)


if __name__ == "__main__":
    main()
