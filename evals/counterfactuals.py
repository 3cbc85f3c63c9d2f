"""Counterfactuals on held-out demo reviews: how often they flip, whether every flip holds, how
many edits they need, how long they take, and whether a person can read them.

The reviews: a seeded choice of N (50) items of the demo corpus's `split == "test"` part, which
demo-sentiment never trained on. Each is given to the `counterfactual` tool (k = 3 words, any
other label) exactly as the planner would call it. Per mode of candidate sources:
- flip rate: reviews with at least one counterfactual;
- verified: reported counterfactuals whose independent re-prediction (the target's own
  `predict_proba`, no cache) gives the label they claim, which is not the original's (goal 100 %);
- edits: mean word edits of each review's first (fewest-edits) counterfactual;
- fluency: the demo LM's (SmolLM2-135M) perplexity per token of that counterfactual over the
  original's, median over flipped reviews (goal <= 1.5), and the share at most 1.5;
- seconds per review (wall clock, warm caches), after one warm-up review from the train split
  whose time is reported as the first call (it builds what the sources cache: the data
  attributions and word lists are computed once per model and data, then read from disk).

Modes: `embedding` restricts the candidate sources to the model's input-embedding neighbours
(what the tool did before data and LM candidates were added: the baseline); `all` uses every
source. A fresh context per mode, so no mode reuses another's predictions.

    python -m saywhy.evals.counterfactuals [--n 50] [--seed 0] [--k 3] [--modes embedding,all]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .common import demo_data, load_demo, machine_note, print_table, run_main

if TYPE_CHECKING:
    from saywhy.tools.context import ToolContext
    from saywhy.tools.data.dataset import Dataset
    from saywhy.tools.fluency import FluencyLM
    from saywhy.tools.target.base import Target

GOAL_RATIO = 1.5


@dataclass
class Row:
    """One review under one mode."""

    id: int
    text: str
    label: str
    flipped: bool
    verified: int
    reported: int
    edits: int | None
    ratio: float | None
    seconds: float
    counterfactual: str | None
    extra: dict[str, Any] = field(default_factory=dict)


def held_out(data: Dataset, n: int, seed: int, split: str = "test") -> list[int]:
    """A seeded choice of n ids from one split of the demo (the test split: never trained on,
    never tuned on; the train split served to tune the sources), in id order."""
    import numpy as np

    frame = data.frame
    ids = [int(i) for i in frame.index[frame["split"] == split]]
    rng = np.random.default_rng(seed)
    return sorted(int(i) for i in rng.choice(ids, size=min(n, len(ids)), replace=False))


def warm_up_id(data: Dataset, seed: int) -> int:
    """A train-split review for the unmeasured first call."""
    frame = data.frame
    ids = [int(i) for i in frame.index[frame["split"] == "train"]]
    return ids[seed % len(ids)]


def set_mode(mode: str) -> None:
    """Restrict the tool's candidate sources (the code before sources existed has one mode)."""
    from saywhy.tools import counterfactual as cf

    sources = getattr(cf, "ALL_SOURCES", None)
    if sources is None:
        return
    cf.SOURCES = ("embedding",) if mode == "embedding" else tuple(sources)


def one(target: Target, lm: FluencyLM, i: int, k: int, ctx: ToolContext) -> Row:
    """Run the tool on one review and measure what it reported."""
    from saywhy.tools import registry

    start = time.perf_counter()
    res = registry.get("counterfactual").run(ctx, {"id": i, "k": k})
    seconds = time.perf_counter() - start
    found = list(res.counterfactuals)
    verified = 0
    if found:
        probs = ctx.classifier.predict_proba([c.text for c in found])  # no cache, no search
        for c, p in zip(found, probs, strict=True):
            verified += target.labels[int(p.argmax())] == c.label != res.label
    ratio = None
    if found:
        from saywhy.tools.fluency import perplexity_ratios

        ratio = perplexity_ratios(lm, res.text, [found[0].text], lambda: None)[0]
    extra = {key: getattr(res, key) for key in ("substitutes_from", "notes")
             if hasattr(res, key)}
    return Row(id=i, text=res.text, label=res.label, flipped=bool(found), verified=verified,
               reported=len(found), edits=len(found[0].edits) if found else None, ratio=ratio,
               seconds=seconds, counterfactual=found[0].text if found else None, extra=extra)


def run(n: int = 50, seed: int = 0, k: int = 3, modes: tuple[str, ...] = ("embedding", "all"),
        dump: str | None = None, examples: int = 5, split: str = "test",
        threads: int | None = None) -> None:
    """Print one table row per mode (and a few examples of each), optionally dump every row."""
    import torch

    from saywhy.tools.context import ToolContext
    from saywhy.tools.fluency import fluency_lm

    if threads:  # on a crowded machine one thread per process wastes less time spinning
        torch.set_num_threads(threads)

    target = load_demo("demo-sentiment")
    data = demo_data()
    started = time.perf_counter()
    lm, why = fluency_lm()
    lm_load = time.perf_counter() - started
    if lm is None:
        from .common import Missing

        raise Missing(f"the fluency measure needs the demo LM: {why}")
    ids = held_out(data, n, seed, split)
    table: list[list[Any]] = []
    rows_by_mode: dict[str, list[Row]] = {}
    for mode in modes:
        set_mode(mode)
        ctx = ToolContext(target=target, data=data)  # the tool's own seed, as in use
        first = one(target, lm, warm_up_id(data, seed), k, ctx)
        rows = []
        for j, i in enumerate(ids):
            rows.append(one(target, lm, i, k, ctx))
            print(f"[{mode}] {j + 1}/{len(ids)} #{i} flipped={rows[-1].flipped} "
                  f"ratio={rows[-1].ratio} {rows[-1].seconds:.1f}s", flush=True)
        rows_by_mode[mode] = rows
        flipped = [r for r in rows if r.flipped]
        ratios = [r.ratio for r in flipped if r.ratio is not None]
        reported = sum(r.reported for r in rows)
        table.append([
            mode, f"{len(flipped)}/{len(rows)}", len(flipped) / max(1, len(rows)),
            f"{sum(r.verified for r in rows)}/{reported}",
            statistics.mean(r.edits for r in flipped if r.edits) if flipped else None,
            statistics.median(ratios) if ratios else None,
            sum(x <= GOAL_RATIO for x in ratios) / len(ratios) if ratios else None,
            statistics.mean(r.seconds for r in rows), statistics.median(r.seconds for r in rows),
            first.seconds])
    print_table(
        f"Counterfactuals on {len(ids)} demo reviews ({split} split, seed {seed}, k = {k})",
        ["sources", "flipped", "flip rate", "verified", "mean edits", "median ppl ratio",
         f"ratio <= {GOAL_RATIO}", "s/review", "median s", "first call s"], table,
        note=(f"ppl ratio: the demo LM's perplexity per token, first counterfactual over the "
              f"original (flipped reviews only). The LM loaded in {lm_load:.1f} s (once per "
              f"process). {machine_note()}"), digits=2)
    for mode, rows in rows_by_mode.items():
        print(f"\n## Examples ({mode})")
        for r in [r for r in rows if r.flipped][:examples]:
            print(f"#{r.id} ({r.label}, ratio {r.ratio:.2f}):\n  {r.text}\n  {r.counterfactual}")
    if dump:
        with open(dump, "w") as fh:
            json.dump({m: [asdict(r) for r in rows] for m, rows in rows_by_mode.items()}, fh,
                      indent=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--modes", default="embedding,all")
    parser.add_argument("--dump", default=None, help="write every row as JSON to this file")
    parser.add_argument("--split", default="test", help="test (the figures) or train (tuning)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    ns = parser.parse_args()
    run_main(lambda: run(ns.n, ns.seed, ns.k, tuple(ns.modes.split(",")), ns.dump,
                         split=ns.split, threads=ns.threads))


if __name__ == "__main__":
    main()
