"""Mean ± standard error, share ± standard error and a progress line, for the attribution evals.

`evals/faithfulness.py` (ERASER, NAOPC) and `evals/plausibility.py` (token F1 against people's
marks) print their tables the same way and report their progress the same way; the two
helpers and the progress line live here so that neither eval imports the other.
"""

from __future__ import annotations

import statistics
import sys
import time


def mean_se(values: list[float]) -> str:
    if not values:
        return "—"
    se = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.3f} ±{se:.3f}"


def share_se(values: list[float]) -> str:
    if not values:
        return "—"
    p = statistics.fmean(values)
    return f"{p:.2f} ±{(p * (1 - p) / len(values)) ** 0.5:.2f}"


def progress(what: str, i: int, n: int, started: float) -> None:
    if i and (i % 25 == 0 or i == n):
        print(f"  {what}: {i}/{n} ({time.perf_counter() - started:.0f} s)", file=sys.stderr,
              flush=True)
