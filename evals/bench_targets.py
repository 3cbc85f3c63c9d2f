"""Issue 2 benchmark: how long the demo targets take to load, how fast demo-sentiment predicts.

What is measured, per demo target, in fresh subprocesses (`--child`), so nothing this process has
imported or loaded helps:
- run 1 "cold": the first load in a fresh process, as the files are found. For demo-lm this
  includes the one-off GGUF -> safetensors conversion when it has not happened yet (the table
  says whether it did). demo-sentiment is never trained here (absent -> skipped with a message),
  and nothing is deleted to force a rebuild. The OS file cache may already be warm.
- run 2 "warm": a second fresh process with converted files present; its first load is the
  figure a user sees on every later start, its second load (same process) shows what is left
  once Python and the file cache are warm.
`imports` is importing torch and transformers; `load` excludes it; `process` is the whole child.
Throughput: demo-sentiment's `predict_proba` on demo test-split snippets at batch 1 and 32 (the
adapter's own length-sorted batching), in the warm process. Peak RSS is that child's maximum.
Goals (printed, never asserted): warm load < 3 s (demo-sentiment), < 5 s (demo-lm);
>= 200 short texts/s batched.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from typing import Any

from .common import demo_built, load_demo, machine_note, peak_rss_mb, print_table, rss_mb, run_main

TARGETS = ("demo-sentiment", "demo-lm")
GOALS = {"demo-sentiment": 3.0, "demo-lm": 5.0}
MARK = "BENCH_TARGETS_JSON "


def _throughput(target: Any, n1: int = 200, n32: int = 1024) -> dict[str, float]:
    """Texts per second of `predict_proba` at batch 1 and batch 32 on demo corpus snippets."""
    import numpy as np

    from .common import demo_split

    texts, _ = demo_split("test")
    pool = [texts[i] for i in np.random.default_rng(0).permutation(len(texts))[:n32]]
    target.predict_proba(pool[:64], batch_size=32)  # warm-up (kernels, allocator)
    start = time.perf_counter()
    for t in pool[:n1]:
        target.predict_proba([t], batch_size=1)
    b1 = n1 / (time.perf_counter() - start)
    start = time.perf_counter()
    target.predict_proba(pool, batch_size=32)
    b32 = n32 / (time.perf_counter() - start)
    return {"batch1_per_s": b1, "batch32_per_s": b32,
            "mean_words": float(np.mean([len(t.split()) for t in pool]))}


def _generation(target: Any) -> dict[str, float]:
    """Greedy tokens per second of demo-lm for a short prompt (32 new tokens at most)."""
    target.generate("Say hello.", max_new_tokens=4)  # warm-up
    start = time.perf_counter()
    gen = target.generate("Describe a good film review in two sentences.", max_new_tokens=32)
    seconds = time.perf_counter() - start
    return {"gen_tokens": len(gen.answer_ids), "gen_tokens_per_s": len(gen.answer_ids) / seconds}


def child(name: str, throughput: bool) -> None:
    """Runs in a fresh interpreter: time imports, two loads and a first prediction; print JSON."""
    t0 = time.perf_counter()
    import torch  # noqa: F401
    import transformers  # noqa: F401

    imports = time.perf_counter() - t0
    converted_before = demo_built(name)
    start = time.perf_counter()
    target = load_demo(name)
    load1 = time.perf_counter() - start
    rss_loaded = rss_mb()
    start = time.perf_counter()
    if target.kind == "classifier":
        target.predict_proba(["a quietly moving, beautifully acted film"])  # type: ignore[attr-defined]
    else:
        target.generate("Hello", max_new_tokens=1)  # type: ignore[attr-defined]
    first_predict = time.perf_counter() - start
    del target
    gc.collect()
    start = time.perf_counter()
    target = load_demo(name)
    load2 = time.perf_counter() - start
    out: dict[str, Any] = {"imports": imports, "load1": load1, "load2": load2,
                           "first_predict": first_predict, "built_before": converted_before,
                           "rss_loaded": rss_loaded}
    if throughput and target.kind == "classifier":
        out.update(_throughput(target))
    if throughput and target.kind == "causal_lm":
        out.update(_generation(target))
    out["peak_rss"] = peak_rss_mb()
    print(MARK + json.dumps(out), flush=True)


def _spawn(name: str, throughput: bool) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "saywhy.evals.bench_targets", "--child", name]
    if throughput:
        cmd.append("--throughput")
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - start
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            return {**json.loads(line[len(MARK):]), "wall": wall}
    tail = (proc.stdout + proc.stderr).strip().splitlines()[-3:]
    return {"error": " / ".join(tail) or f"exit code {proc.returncode}"}


def run() -> None:
    """Print the load table and the throughput table (issue 2)."""
    print(machine_note())
    rows, notes = [], []
    results: dict[str, dict[str, Any]] = {}
    for name in TARGETS:
        if name == "demo-sentiment" and not demo_built(name):
            notes.append(f"{name}: not built (run `make setup`); skipped, never trained here.")
            continue
        cold = _spawn(name, throughput=False)
        warm = _spawn(name, throughput=True)
        results[name] = warm
        for label, res in (("1 cold", cold), ("2 warm", warm)):
            if "error" in res:
                notes.append(f"{name} run {label}: failed: {res['error']}")
                continue
            built = "no (converted now)" if not res["built_before"] else "yes"
            rows.append([name, label, built, res["imports"], res["load1"], res["load2"],
                         res["first_predict"], res["wall"], res["rss_loaded"], res["peak_rss"]])
        if "error" not in warm:
            ok = warm["load1"] < GOALS[name]
            notes.append(f"{name}: warm load {warm['load1']:.2f} s (fresh process, files present; "
                         f"{warm['imports'] + warm['load1']:.2f} s with imports), goal < "
                         f"{GOALS[name]:.0f} s: {'met' if ok else 'NOT met'}.")
    print_table("Target load times (s) and memory (MB)",
                ["target", "run", "files ready", "imports", "load", "2nd load", "1st predict",
                 "process", "RSS loaded", "peak RSS"], rows,
                note="\n".join(["imports = importing torch + transformers; load excludes it; "
                                "2nd load = again in the same process; process = the whole child.",
                                *notes]), digits=2)
    sent = results.get("demo-sentiment", {})
    if "batch32_per_s" in sent:
        ok = sent["batch32_per_s"] >= 200
        print_table("demo-sentiment prediction throughput (demo test snippets)",
                    ["batch", "texts/s", "ms/text"],
                    [["1", sent["batch1_per_s"], 1000 / sent["batch1_per_s"]],
                     ["32", sent["batch32_per_s"], 1000 / sent["batch32_per_s"]]],
                    note=f"snippets average {sent['mean_words']:.1f} words; goal >= 200 texts/s "
                         f"batched: {'met' if ok else 'NOT met'}.", digits=1)
    lm = results.get("demo-lm", {})
    if "gen_tokens_per_s" in lm:
        print_table("demo-lm greedy generation", ["new tokens", "tokens/s"],
                    [[lm["gen_tokens"], lm["gen_tokens_per_s"]]], digits=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--child", choices=TARGETS, help=argparse.SUPPRESS)
    parser.add_argument("--throughput", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_main(lambda: child(args.child, args.throughput))
    else:
        run_main(run)


if __name__ == "__main__":
    main()
