"""Which attribution method should explain demo-lm by default? The one that beats chance most
often per second, measured on prompts no method or setting was tuned on.

demo-lm (SmolLM2-135M-Instruct) answers each of the PROMPTS below (greedy, as the tools do);
gradient_x_input, occlusion and integrated_gradients then explain the log-probability of
- `first`: the first generated token (span "0"), and
- `answer`: the whole generated answer (up to 32 tokens: what "why did you say that?" explains).
Each ranking is graded with `saywhy.tools.eraser.measure` (the tools' code): ERASER
comprehensiveness (drop in log p when the top k% of the prompt's words are erased, averaged over
k in {1, 5, 10, 20, 50} %) next to 20 seeded random rankings of the same words; a prompt counts
as "beats chance" when the method's comprehensiveness is above the random distribution's 95th
percentile. Sufficiency, NAOPC and the top-3 removal figure are left out: the verdict needs none
of them and an LM forward pass over an edited prompt is the whole cost. Seconds per prompt are
the method's own (after one warm-up call per method, so library imports do not count); the
decision figure is the share of prompts that beat chance per CPU-second of explaining (CPU
time, not wall time: the machine is shared, and wall time counts other people's work).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Any

from .common import load_demo, machine_note, print_table, run_main, set_threads

METHODS = ("gradient_x_input", "occlusion", "integrated_gradients")
TARGETS = {"first": "0", "answer": None}  # name -> span given to explain()

# Written for this eval, never used to choose or tune anything: completions, questions and
# instructions of 4-16 words on everyday topics.
PROMPTS = (
    "The best thing about learning to cook is",
    "My grandmother always told me that patience",
    "When the train finally arrived at the station,",
    "The most important rule of chess is",
    "After the storm passed, the farmers",
    "A good night's sleep helps you",
    "The old lighthouse on the hill was",
    "Every morning the baker opens his shop and",
    "What is the capital of Canada?",
    "Why do leaves change colour in autumn?",
    "How many legs does a spider have?",
    "Who wrote the play Romeo and Juliet?",
    "What does a thermometer measure?",
    "Is it safe to swim right after eating?",
    "Which planet is closest to the sun?",
    "What should I pack for a weekend of hiking?",
    "Can you recommend a good book about the ocean?",
    "Name three fruits that are red.",
    "Translate 'good morning' into Spanish.",
    "Give me one tip for saving money on groceries.",
    "Describe a rainy day in one sentence.",
    "List two reasons people keep dogs as pets.",
    "Write a short title for a story about a lost cat.",
    "Explain in one sentence what a volcano is.",
    "Suggest a name for a small coffee shop.",
    "Summarise why exercise is good for the heart.",
    "Tell me a fun fact about penguins.",
    "Complete the sentence: the library was quiet because",
    "Answer yes or no: is ice colder than steam?",
    "Say something kind to a friend who failed an exam.",
)
WARMUP = "What colour is the sky on a clear day?"


def _se(values: list[float]) -> float:
    return statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else 0.0


def run(n: int | None = None, methods: list[str] | None = None,
        targets: list[str] | None = None, erasures: list[str] | None = None,
        seed: int = 0) -> None:
    """Print, per target and erasure, each method's beat-chance share, comprehensiveness against
    random rankings and seconds per prompt."""
    from saywhy.tools.context import ToolContext
    from saywhy.tools.eraser import Erasure, measure
    from saywhy.tools.methods import explain

    methods = list(methods or METHODS)
    targets = list(targets or TARGETS)
    chosen: list[Erasure] = [e for e in ("deletion", "replacement") if e in (erasures or
                                                                             ["deletion"])]
    prompts = list(PROMPTS[:n])
    print(machine_note())
    started, cpu = time.perf_counter(), time.process_time()
    ctx = ToolContext(target=load_demo("demo-lm"), seed=seed)
    for m in methods:  # warm-up: imports and first-call set-up are not the method's cost
        explain(ctx, ctx.resolve(text=WARMUP), m, span="0")
    rows: dict[tuple[str, str, str], dict[str, list[float]]] = {}
    words: list[int] = []
    for i, prompt in enumerate(prompts, 1):
        ref = ctx.resolve(text=prompt)
        for target in targets:
            for m in methods:
                t0, c0 = time.perf_counter(), time.process_time()
                attr = explain(ctx, ref, m, span=TARGETS[target])
                seconds, cpu_s = time.perf_counter() - t0, time.process_time() - c0
                f = measure(ctx, ref, attr, erasures=chosen, sufficiency=False, naopc=False,
                            removal=False)
                for t in f.tests:
                    row = rows.setdefault((target, t.erasure, m), {
                        "beats": [], "comp": [], "random": [], "s": [], "cpu": []})
                    row["beats"].append(float(t.beats_chance))
                    row["comp"].append(t.comprehensiveness)
                    row["random"].append(t.random.mean_comprehensiveness)
                    row["s"].append(seconds)
                    row["cpu"].append(cpu_s)
                if target == targets[0] and m == methods[0]:
                    words.append(f.n_words)
        print(f"  {i}/{len(prompts)} prompts ({time.perf_counter() - started:.0f} s)",
              file=sys.stderr, flush=True)
    for target in targets:
        for erasure in chosen:
            table: list[list[Any]] = []
            for m in methods:
                r = rows[target, erasure, m]
                share, secs = statistics.fmean(r["beats"]), statistics.fmean(r["s"])
                cpu_mean = statistics.fmean(r["cpu"])
                share_se = (share * (1 - share) / len(r["beats"])) ** 0.5
                table.append([m, f"{share:.2f} ±{share_se:.2f}",
                              f"{statistics.fmean(r['comp']):.2f} ±{_se(r['comp']):.2f}",
                              f"{statistics.fmean(r['random']):.2f} ±{_se(r['random']):.2f}",
                              secs, cpu_mean, share / cpu_mean if cpu_mean > 0 else None])
            what = "the first generated token" if target == "first" else "the whole answer"
            print_table(f"demo-lm, {what} ({erasure}; {len(prompts)} held-out prompts, seed "
                        f"{seed})", ["method", "beats random p95", "comprehensiveness",
                                     "random", "s/prompt", "CPU-s", "beats per CPU-s"], table,
                        note="comprehensiveness and random: drop in log p of the explained "
                             "tokens (nats), mean over k; ± is one standard error over prompts. "
                             "s/prompt: wall time of explaining; CPU-s: this process's CPU "
                             "time for it (steadier than wall time on a shared machine); "
                             "beats per CPU-s: share / CPU-s, the figure that picks the default.")
    if words:
        print(f"{len(prompts)} prompts, {statistics.fmean(words):.1f} words on average "
              f"({min(words)}-{max(words)}).")
    print(f"LM faithfulness eval took {time.perf_counter() - started:.0f} s wall, "
          f"{time.process_time() - cpu:.0f} CPU-s; {machine_note()}")


def main() -> None:
    parser = argparse.ArgumentParser(description="Faithfulness of demo-lm's attribution methods.")
    parser.add_argument("--n", type=int, default=None, help=f"prompts (all {len(PROMPTS)})")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--targets", default=",".join(TARGETS),
                        help="first (the first generated token), answer (the whole answer)")
    parser.add_argument("--erasures", default="deletion",
                        help="deletion and/or replacement (comma-separated)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None, help="torch threads")
    a = parser.parse_args()
    set_threads(a.threads)

    def split(raw: str) -> list[str]:
        return [x.strip() for x in raw.split(",") if x.strip()]

    run_main(lambda: run(a.n, split(a.methods), split(a.targets), split(a.erasures), a.seed))


if __name__ == "__main__":
    main()
