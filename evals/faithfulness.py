"""Are demo-sentiment's word attributions faithful to it, and plausible to people?

Faithfulness, with `saywhy.tools.eraser.measure` (the same code the tools use), explaining the
predicted label of the SST-2 test sentences that are not in the demo train split (SST is built
from the same Rotten Tomatoes snippets, so two thirds of SST-2 is text demo-sentiment trained
on; `read_sst2_unseen` keeps the other 298, all of them by default, in a seeded order for
`--n`). Every method is graded under two erasures: `deletion` (the words are dropped: the edit
occlusion, shap and lime make themselves, so it flatters them) and `replacement` (each subword
token becomes [MASK], the text keeps its length). Per method and erasure: ERASER
comprehensiveness (higher is better) and sufficiency (lower is better) averaged over
k in {1, 5, 10, 20, 50} %; NAOPC (Edin et al., 2024; AOPC over every prefix, normalised by this
input's best and worst orderings: exact up to 8 words, beam search above); the share of
sentences where comprehensiveness beats the 95th percentile of 20 seeded random rankings; and
the seconds the method takes per sentence (after one warm-up call per method, so library
imports are not counted). The "random" row is the mean of the 20 random rankings (its NAOPC
that of the first). ± is one standard error over sentences.

Plausibility: token F1 of a method's k most supportive words (signed score towards the gold label)
against words people marked, with k = the number of marked words (so precision = recall = F1);
"chance" is the expected F1 of k random words (k / n).
- SST phrase labels (sst_trees/test.txt, seeded sample): in a polar sentence (root 0-1 or 3-4), the
  marked words are the leaves whose own label has the sentence's polarity (0-1 or 3-4).
- ERASER movie rationales (eraser_movies/test.jsonl, seeded sample of documents): each review is
  explained whole (median 797 tokens, up to 2,304), read in overlapping windows of the model's
  512 tokens (tools/target/windows.py), so occlusion goes span first and shap and lime explain
  16 spans (tools/methods/long_input.py); gradient methods follow one window's forward pass and
  skip reviews that need more than one window (their rows say on how many they ran). The marked
  words are all the review's evidence tokens; they are dense (about a third of the tokens),
  hence the high chance F1. `--window N` cuts each review to N tokens from the sentence of its
  first evidence instead (the figure before reviews were read whole).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from saywhy.tools.eraser import BEAM_SIZE

from .bench_ray import add_ray_option, use_ray
from .common import (
    load_demo,
    machine_note,
    print_table,
    read_sst2_unseen,
    run_main,
    set_threads,
)
from .plausibility import eraser_items, plausibility, sst_items
from .summary_stats import mean_se, progress, share_se

ALL_METHODS = ("shap", "integrated_gradients", "gradient_x_input", "lime", "occlusion")
WHOLE_REVIEW_WINDOWS = 8  # ERASER movie test reviews: up to 2,304 tokens, 6 windows of 512
WARMUP = "a sharp, funny and rather moving little film"


def warm(ctx: Any, methods: list[str]) -> None:
    """Each method run once, so that library imports do not count as its time (here and on
    each Ray worker)."""
    from saywhy.tools.methods import explain

    for m in methods:
        explain(ctx, ctx.resolve(text=WARMUP), m)


def _context(methods: list[str]) -> Any:
    """A context on demo-sentiment, warmed up."""
    from saywhy.tools.context import ToolContext

    ctx = ToolContext(target=load_demo("demo-sentiment"), seed=0)
    warm(ctx, methods)
    return ctx


# ---- faithfulness -------------------------------------------------------------------------
def grade(ctx: Any, text: str, methods: list[str], beam_size: int) -> dict[str, Any]:
    """One sentence: each method's explanation (its seconds) and its ERASER figures under both
    erasures, with the seeded random rankings' figures (the same for every method). Plain
    data, so that it can be computed on a Ray worker."""
    from saywhy.tools.eraser import measure
    from saywhy.tools.methods import explain

    ref = ctx.resolve(text=text)
    out: dict[str, Any] = {"methods": {}, "random": [], "graded": 0.0}
    for j, m in enumerate(methods):
        t0, c0 = time.perf_counter(), time.process_time()
        attr = explain(ctx, ref, m)
        mine: dict[str, Any] = {"secs": time.perf_counter() - t0,
                                "cpu": time.process_time() - c0, "tests": []}
        t0 = time.perf_counter()
        f = measure(ctx, ref, attr, beam_size=beam_size)
        out["graded"] += time.perf_counter() - t0
        for t in f.tests:
            nao = t.naopc
            mine["tests"].append({
                "erasure": t.erasure, "comp": t.comprehensiveness,
                "suff": float(t.sufficiency or 0.0), "beats": float(t.beats_chance),
                "naopc": nao.value if nao is not None else None})
            if j == 0:  # seeded: the same random rankings for every method
                out["random"].append({
                    "erasure": t.erasure, "comp": t.random.mean_comprehensiveness,
                    "suff": float(t.random.mean_sufficiency or 0.0), "naopc": t.random.naopc,
                    "exact": None if nao is None else bool(nao.bounds.exact),
                    "scored": None if nao is None else nao.bounds.n_scored})
        if j == 0:
            out["words"] = f.n_words
        out["methods"][m] = mine
    return out


def faithfulness(ctx: Any, methods: list[str], n: int | None, seed: int, beam_size: int) -> None:
    import functools

    import numpy as np

    from saywhy.tools.distributed import map_texts
    from saywhy.tools.eraser import ERASURES

    texts, _ = read_sst2_unseen("test")
    pick = np.random.default_rng(seed).permutation(len(texts))[:n]
    sample = [texts[i] for i in pick]
    rows = [*methods, "random"]
    found: dict[tuple[str, str, str], list[float]] = {
        (m, e, what): [] for m in rows for e in ERASURES
        for what in ("comp", "suff", "naopc", "beats")}
    secs: dict[str, list[float]] = {m: [] for m in methods}
    cpu: dict[str, list[float]] = {m: [] for m in methods}
    graded: list[float] = []
    words: list[int] = []
    bound_texts: list[int] = []
    exact = 0
    started = time.perf_counter()
    with ctx.turn(on_progress=lambda ev: progress("faithfulness", ev.done or 0, len(sample),
                                                  started)):
        records = map_texts(ctx, sample, functools.partial(grade, methods=methods,
                                                           beam_size=beam_size),
                            "faithfulness", prepare=functools.partial(warm, methods=methods))
    for rec in records:
        graded.append(rec["graded"])
        words.append(rec["words"])
        for m in methods:
            secs[m].append(rec["methods"][m]["secs"])
            cpu[m].append(rec["methods"][m]["cpu"])
            for t in rec["methods"][m]["tests"]:
                e = t["erasure"]
                for what in ("comp", "suff", "beats"):
                    found[m, e, what].append(t[what])
                if t["naopc"] is not None:
                    found[m, e, "naopc"].append(t["naopc"])
        for r in rec["random"]:
            e = r["erasure"]
            found["random", e, "comp"].append(r["comp"])
            found["random", e, "suff"].append(r["suff"])
            if r["naopc"] is not None:
                found["random", e, "naopc"].append(r["naopc"])
            if r["exact"] is not None:
                exact += r["exact"] and e == ERASURES[0]
                bound_texts.append(r["scored"])
    for e in ERASURES:
        rc = statistics.fmean(found["random", e, "comp"])
        table = []
        for m in rows:
            comp = found[m, e, "comp"]
            table.append([m, mean_se(comp), statistics.fmean(comp) - rc if m != "random" else None,
                          mean_se(found[m, e, "suff"]), mean_se(found[m, e, "naopc"]),
                          share_se(found[m, e, "beats"]) if m != "random" else None,
                          statistics.fmean(secs[m]) if m in secs else None,
                          statistics.fmean(cpu[m]) if m in cpu else None])
        erased = ("words dropped" if e == "deletion"
                  else "each token replaced by [MASK], length kept")
        print_table(f"Faithfulness on SST-2 sentences outside the demo train split ({e}: "
                    f"{erased}; {len(sample)} sentences, seed {seed}, explaining the "
                    "predicted label)",
                    ["method", "comprehensiveness", "vs random", "sufficiency", "NAOPC",
                     "beats random p95", "s/sentence", "CPU-s"], table,
                    note="comprehensiveness, NAOPC: higher is better; sufficiency: lower is "
                         "better; ± is one standard error over sentences. s/sentence: wall "
                         "time of explaining (shared machine); CPU-s: this process's CPU time "
                         "for it (all its torch threads).")
    if sample:
        print(f"{len(sample)} of the {len(texts)} SST-2 test sentences not in the demo train "
              f"split; {statistics.fmean(words):.1f} words on average (max {max(words)}). NAOPC "
              f"bounds exact for {exact} sentences (<= 8 words), beam search "
              f"(beam {beam_size}) for the rest: {statistics.fmean(bound_texts):.0f} scored "
              f"texts per sentence and erasure. Grading (ERASER, random rankings, NAOPC) took "
              f"{sum(graded) / len(sample):.2f} s per sentence for all methods together.")




def run(n: int | None = None, methods: list[str] | None = None, trees: int = 80,
        eraser_docs: int = 40, window: int = 0, seed: int = 0,
        beam_size: int = BEAM_SIZE) -> None:
    """Print the faithfulness tables (both erasures) and the plausibility table; `n` None
    grades every SST-2 test sentence outside the demo train split."""
    from saywhy.tools.methods import METHODS

    methods = list(methods or ALL_METHODS)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise SystemExit(f"unknown method(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(METHODS)}")
    print(machine_note())
    started, cpu = time.perf_counter(), time.process_time()
    ctx = _context(methods)
    if n is None or n > 0:
        faithfulness(ctx, methods, n, seed, beam_size)
    rows: list[list[Any]] = []
    if trees > 0:
        rows += plausibility(ctx, methods, "SST phrases", sst_items(trees, seed))
    if eraser_docs > 0:
        what = f"ERASER ({window}-token window)" if window else "ERASER (whole reviews)"
        if not window:  # read every review whole: the longest needs 6 windows of 512 tokens
            ctx.target.windows = max(ctx.target.windows, WHOLE_REVIEW_WINDOWS)
        rows += plausibility(ctx, methods, what, eraser_items(eraser_docs, seed, window))
    if rows:
        print_table("Plausibility: token F1 of top-k words vs people's marks (k = marked words)",
                    ["data", "method", "n", "token F1", "x chance", "s/item"], rows,
                    note="Explaining the gold label; ± is one standard error.")
    print(f"faithfulness eval took {time.perf_counter() - started:.0f} s wall, "
          f"{time.process_time() - cpu:.0f} CPU-s; {machine_note()}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Faithfulness and plausibility of attributions.")
    parser.add_argument("--n", type=int, default=None,
                        help="SST-2 sentences to grade (default: all 298 outside the demo "
                             "train split)")
    parser.add_argument("--methods", default=",".join(ALL_METHODS),
                        help="comma-separated methods (default: all five)")
    parser.add_argument("--trees", type=int, default=80, help="SST tree sentences (80)")
    parser.add_argument("--eraser-docs", type=int, default=40, help="ERASER reviews (40)")
    parser.add_argument("--window", type=int, default=0,
                        help="ERASER: tokens from the first evidence sentence (default 0: the "
                             "whole review, read in windows)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    parser.add_argument("--beam", type=int, default=BEAM_SIZE,
                        help=f"beam size for the NAOPC bounds above 8 words ({BEAM_SIZE})")
    add_ray_option(parser)
    a = parser.parse_args()
    set_threads(a.threads)
    use_ray(a.ray)
    methods = [m.strip() for m in a.methods.split(",") if m.strip()]
    run_main(lambda: run(a.n, methods, a.trees, a.eraser_docs, a.window, a.seed, a.beam))


if __name__ == "__main__":
    main()
