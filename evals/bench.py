"""`make bench`: run every benchmark module in turn and print its tables.

Each module exposes `run()` that prints its own tables (or returns rows that its
`report(rows)` prints). By default (about 8 minutes on 2 idle cores): target loading and
throughput (bench_targets), attribution speed and overhead (speed), dataset-scale tools
(bench_data), held-out accuracy (accuracy), the REPL's start-up, answer time and memory
(bench_cli) and the web server under 1/4/16 clients (bench_server). The faithfulness eval
takes ~11 minutes on its own, so it runs only with `--all` (or as
`python -m saywhy.evals.faithfulness`). A module whose data or demo is missing prints why and is
skipped; one that fails prints the error and the others still run (exit code 1 at the end).
"""

from __future__ import annotations

import argparse
import importlib
import time
import traceback

from .common import Missing, machine_note, peak_rss_mb, print_table

DEFAULT = ("bench_targets", "speed", "bench_data", "accuracy", "bench_cli", "bench_server")
OPTIONAL = ("faithfulness",)


def run_modules(names: list[str]) -> int:
    """Run each module's `run()`; returns the number of modules that failed."""
    rows: list[list[object]] = []
    failed = 0
    for name in names:
        print(f"\n# {name}", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"saywhy.evals.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"saywhy.evals.{name}":
                raise
            print(f"skipped: saywhy.evals.{name} is not there.")
            rows.append([name, "absent", None])
            continue
        try:
            result = module.run()
            if result is not None and callable(getattr(module, "report", None)):
                module.report(result)  # a module whose run() returns rows prints them here
            status = "ok"
        except Missing as exc:
            print(f"skipped: {exc}")
            status = "skipped"
        except Exception as exc:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            print(f"FAILED: {type(exc).__name__}: {exc}")
            status = "failed"
            failed += 1
        rows.append([name, status, time.perf_counter() - started])
    print_table("Benchmark run", ["module", "status", "seconds"], rows,
                note=f"peak RSS of this process {peak_rss_mb():.0f} MB; {machine_note()}",
                digits=1)
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--all", action="store_true", help="also run the faithfulness eval")
    parser.add_argument("--only", help="comma-separated module names to run instead")
    args = parser.parse_args()
    names = list(DEFAULT) + (list(OPTIONAL) if args.all else [])
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
    print(machine_note())
    raise SystemExit(1 if run_modules(names) else 0)


if __name__ == "__main__":
    main()
