"""Issue 3 eval: are demo-sentiment's word attributions faithful to it, and plausible to people?

Faithfulness (ERASER, DeYoung et al. 2020) on a seeded sample of SST-2 test sentences, explaining
the predicted label: comprehensiveness (drop in p(label) when the top k% words are deleted; higher
is better) and sufficiency (drop when only they are kept; lower is better), averaged over
k in {1, 5, 10, 20, 50} % by `saywhy.tools.faithfulness.eraser`, next to random rankings of the
same words, plus the seconds each method takes per sentence (after one warm-up call per method, so
library imports are not counted).

Plausibility: token F1 of a method's k most supportive words (signed score towards the gold label)
against words people marked, with k = the number of marked words (so precision = recall = F1);
"chance" is the expected F1 of k random words (k / n).
- SST phrase labels (sst_trees/test.txt, seeded sample): in a polar sentence (root 0-1 or 3-4), the
  marked words are the leaves whose own label has the sentence's polarity (0-1 or 3-4).
- ERASER movie rationales (eraser_movies/test.jsonl, seeded sample of documents): reviews run to
  ~700 tokens, longer than the model's window and too slow to explain whole with perturbation
  methods, so each is cut to `--window` tokens from the start of the sentence holding its first
  evidence span; the marked words are the evidence tokens inside it. ERASER movie rationales
  are dense (31 % of all tokens; ~46 % of these 64-token windows), hence the high chance F1.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from typing import Any

from .common import (
    in_demo_train,
    load_demo,
    machine_note,
    print_table,
    read_sst2,
    run_main,
    shared_path,
)

ALL_METHODS = ("shap", "integrated_gradients", "gradient_x_input", "lime", "occlusion")
LEAF = re.compile(r"\(([0-4]) ([^()\s]+)\)")
PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}
WARMUP = "a sharp, funny and rather moving little film"


def _mean_se(values: list[float]) -> str:
    if not values:
        return "—"
    se = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):.3f} ±{se:.3f}"


def _progress(what: str, i: int, n: int, started: float) -> None:
    if i and (i % 25 == 0 or i == n):
        print(f"  {what}: {i}/{n} ({time.perf_counter() - started:.0f} s)", file=sys.stderr,
              flush=True)


def _context(methods: list[str]) -> Any:
    """A context on demo-sentiment, each method run once so imports don't count as its time."""
    from saywhy.tools.context import ToolContext
    from saywhy.tools.methods import explain

    ctx = ToolContext(target=load_demo("demo-sentiment"), seed=0)
    for m in methods:
        explain(ctx, ctx.resolve(text=WARMUP), m)
    return ctx


# ---- faithfulness -------------------------------------------------------------------------
def faithfulness(ctx: Any, methods: list[str], n: int, seed: int) -> None:
    import numpy as np

    from saywhy.tools.faithfulness import eraser
    from saywhy.tools.methods import explain

    texts, _ = read_sst2("test")
    pick = np.random.default_rng(seed).choice(len(texts), size=min(n, len(texts)), replace=False)
    sample = [texts[i] for i in pick]
    found: dict[str, dict[str, list[float]]] = {m: {"comp": [], "suff": [], "s": []}
                                               for m in [*methods, "random"]}
    started = time.perf_counter()
    for i, text in enumerate(sample, 1):
        ref = ctx.resolve(text=text)
        for j, m in enumerate(methods):
            t0 = time.perf_counter()
            attr = explain(ctx, ref, m)
            found[m]["s"].append(time.perf_counter() - t0)
            e = eraser(ctx, ref, attr)
            found[m]["comp"].append(e["comprehensiveness"])
            found[m]["suff"].append(e["sufficiency"])
            if j == 0:  # the random rankings are seeded, hence the same for every method
                found["random"]["comp"].append(e["random_comprehensiveness"])
                found["random"]["suff"].append(e["random_sufficiency"])
        _progress("faithfulness", i, len(sample), started)
    rc = statistics.fmean(found["random"]["comp"])
    rs = statistics.fmean(found["random"]["suff"])
    rows = []
    for m in [*methods, "random"]:
        f = found[m]
        c, s = statistics.fmean(f["comp"]), statistics.fmean(f["suff"])
        rows.append([m, _mean_se(f["comp"]), c - rc if m != "random" else None,
                     _mean_se(f["suff"]), s - rs if m != "random" else None,
                     statistics.fmean(f["s"]) if f["s"] else None,
                     statistics.median(f["s"]) if f["s"] else None])
    seen = sum(in_demo_train(sample))
    words = statistics.fmean(len(ctx.target.words(t).words) for t in sample)
    print_table(f"Faithfulness on SST-2 (ERASER, {len(sample)} sentences, seed {seed}, "
                "explaining the predicted label)",
                ["method", "comprehensiveness", "vs random", "sufficiency", "vs random",
                 "s/sentence", "median s"], rows,
                note=f"comprehensiveness: higher is better; sufficiency: lower is better; ± is one "
                     f"standard error. Sentences average {words:.1f} words; {seen} of them are "
                     "also in the demo train split (SST comes from the same snippets).")


# ---- plausibility -------------------------------------------------------------------------
def sst_items(n: int, seed: int) -> list[tuple[str, list[tuple[int, int]], str]]:
    """(text, spans of people-marked leaves, gold label) for polar SST test sentences."""
    import numpy as np

    items = []
    for line in shared_path("sst_trees", "test.txt").read_text(encoding="utf-8").splitlines():
        root = re.match(r"\((\d)", line)
        if not root or root.group(1) == "2":
            continue
        polar = {"0", "1"} if root.group(1) in "01" else {"3", "4"}
        text, marked = "", []
        for label, word in LEAF.findall(line):
            word = PTB.get(word, word)
            start = len(text) + (1 if text else 0)
            text = f"{text} {word}" if text else word
            if label in polar:
                marked.append((start, start + len(word)))
        if marked:
            items.append((text, marked, "positive" if "4" in polar else "negative"))
    pick = np.random.default_rng(seed).permutation(len(items))[:n]
    return [items[i] for i in sorted(pick)]


def eraser_items(n: int, seed: int, window: int) -> list[tuple[str, list[tuple[int, int]], str]]:
    """(window text, spans of evidence tokens, gold label) for ERASER movie test reviews."""
    import numpy as np

    folder = shared_path("eraser_movies")
    rows = [json.loads(x) for x in (folder / "test.jsonl").read_text().splitlines() if x.strip()]
    rows = [rows[i] for i in sorted(np.random.default_rng(seed).permutation(len(rows))[:n])]
    items = []
    for row in rows:
        lines = (folder / "docs" / row["annotation_id"]).read_text(encoding="utf-8").splitlines()
        tokens = [t for line in lines for t in line.split()]
        evidence = np.zeros(len(tokens), dtype=int)
        for group in row["evidences"]:
            for ev in group:
                evidence[ev["start_token"]:ev["end_token"]] = 1
        if not evidence.any():
            continue
        # start at the sentence (one per line) holding the first evidence token
        starts = np.cumsum([0] + [len(line.split()) for line in lines])
        first = int(starts[starts <= int(evidence.argmax())].max())
        text, marked = "", []
        for t in range(first, min(first + window, len(tokens))):
            start = len(text) + (1 if text else 0)
            text = f"{text} {tokens[t]}" if text else tokens[t]
            if evidence[t]:
                marked.append((start, start + len(tokens[t])))
        if marked:
            items.append((text, marked, "positive" if row["classification"] == "POS"
                          else "negative"))
    return items


def plausibility(ctx: Any, methods: list[str], what: str,
                 items: list[tuple[str, list[tuple[int, int]], str]]) -> list[list[Any]]:
    """Token F1 of each method's top-k supportive words against the marked words."""
    from saywhy.tools.methods import explain

    f1: dict[str, list[float]] = {m: [] for m in methods}
    secs: dict[str, list[float]] = {m: [] for m in methods}
    chance, marked_share = [], []
    started = time.perf_counter()
    for i, (text, spans, label) in enumerate(items, 1):
        ref = ctx.resolve(text=text)
        gold: set[int] | None = None
        for m in methods:
            t0 = time.perf_counter()
            attr = explain(ctx, ref, m, label=label)
            secs[m].append(time.perf_counter() - t0)
            if gold is None:  # our words inside a marked leaf/token (one leaf may be 2 words)
                gold = {w for w, (a, b) in enumerate(attr.spans)
                        if any(s <= a and b <= e for s, e in spans)}
                if not gold:
                    break
                chance.append(len(gold) / len(attr.words))
                marked_share.append(len(gold))
            top = set(attr.ranking()[:len(gold)])
            f1[m].append(len(top & gold) / len(gold))
        _progress(f"plausibility {what}", i, len(items), started)
    n = len(chance)
    rows = [[what, m, n, _mean_se(f1[m]), statistics.fmean(f1[m]) / statistics.fmean(chance),
             statistics.fmean(secs[m])] for m in methods if f1[m]]
    if n:
        rows.append([what, "chance (k random words)", n, _mean_se(chance), 1.0, None])
        rows.append([what, f"(marked words per item: {statistics.fmean(marked_share):.1f})",
                     None, None, None, None])
    return rows


def run(n: int = 200, methods: list[str] | None = None, trees: int = 80,
        eraser_docs: int = 40, window: int = 64, seed: int = 0) -> None:
    """Print the faithfulness table and the plausibility table (issue 3)."""
    from saywhy.tools.methods import METHODS

    methods = list(methods or ALL_METHODS)
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise SystemExit(f"unknown method(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(METHODS)}")
    print(machine_note())
    started = time.perf_counter()
    ctx = _context(methods)
    if n > 0:
        faithfulness(ctx, methods, n, seed)
    rows: list[list[Any]] = []
    if trees > 0:
        rows += plausibility(ctx, methods, "SST phrases", sst_items(trees, seed))
    if eraser_docs > 0:
        rows += plausibility(ctx, methods, f"ERASER ({window}-token window)",
                             eraser_items(eraser_docs, seed, window))
    if rows:
        print_table("Plausibility: token F1 of top-k words vs people's marks (k = marked words)",
                    ["data", "method", "n", "token F1", "x chance", "s/item"], rows,
                    note="Explaining the gold label; ± is one standard error.")
    print(f"faithfulness eval took {time.perf_counter() - started:.0f} s; {machine_note()}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Faithfulness and plausibility of attributions.")
    parser.add_argument("--n", type=int, default=200, help="SST-2 sentences for ERASER (200)")
    parser.add_argument("--methods", default=",".join(ALL_METHODS),
                        help="comma-separated methods (default: all five)")
    parser.add_argument("--trees", type=int, default=80, help="SST tree sentences (80)")
    parser.add_argument("--eraser-docs", type=int, default=40, help="ERASER reviews (40)")
    parser.add_argument("--window", type=int, default=64, help="ERASER window in tokens (64)")
    parser.add_argument("--seed", type=int, default=0)
    a = parser.parse_args()
    methods = [m.strip() for m in a.methods.split(",") if m.strip()]
    run_main(lambda: run(a.n, methods, a.trees, a.eraser_docs, a.window, a.seed))


if __name__ == "__main__":
    main()
