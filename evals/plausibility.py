"""Plausibility of attributions: token F1 of a method's top words against words people marked.

The plausibility half of `python -m saywhy.evals.faithfulness` (what is measured, on which data
and why: that module's docstring). It reads its own data (SST phrase labels, ERASER movie
rationales) and explains the gold label, not the predicted one, so it shares nothing with the
faithfulness grading but the context and the table's figures.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from typing import Any

from .common import shared_path
from .summary_stats import mean_se, progress

LEAF = re.compile(r"\(([0-4]) ([^()\s]+)\)")
PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


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
    """(text, spans of evidence tokens, gold label) for ERASER movie test reviews: the whole
    review when `window` is 0, else `window` tokens from the sentence of the first evidence."""
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
        first = int(starts[starts <= int(evidence.argmax())].max()) if window else 0
        text, marked = "", []
        for t in range(first, min(first + window, len(tokens)) if window else len(tokens)):
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
    """Token F1 of each method's top-k supportive words against the marked words. A method
    that cannot explain an item (gradient methods on a text read in several windows) skips it:
    its row says on how many items it was measured."""
    from saywhy.tools.errors import UserError
    from saywhy.tools.methods import build_objective, explain

    f1: dict[str, list[float]] = {m: [] for m in methods}
    secs: dict[str, list[float]] = {m: [] for m in methods}
    chances: dict[str, list[float]] = {m: [] for m in methods}  # chance on the items it did
    chance, marked_share = [], []
    started = time.perf_counter()
    for i, (text, spans, label) in enumerate(items, 1):
        ref = ctx.resolve(text=text)
        words = build_objective(ctx, ref, label).words
        # our words inside a marked leaf/token (one leaf may be 2 words)
        gold = {w for w, (a, b) in enumerate(words.spans)
                if any(s <= a and b <= e for s, e in spans)}
        if not gold:
            continue
        chance.append(len(gold) / len(words.words))
        marked_share.append(len(gold))
        for m in methods:
            t0 = time.perf_counter()
            try:
                attr = explain(ctx, ref, m, label=label)
            except UserError:
                continue
            secs[m].append(time.perf_counter() - t0)
            top = set(attr.ranking()[:len(gold)])
            f1[m].append(len(top & gold) / len(gold))
            chances[m].append(len(gold) / len(words.words))
        progress(f"plausibility {what}", i, len(items), started)
    n = len(chance)
    rows = [[what, m, len(f1[m]), mean_se(f1[m]),
             statistics.fmean(f1[m]) / statistics.fmean(chances[m]), statistics.fmean(secs[m])]
            for m in methods if f1[m]]
    if n:
        rows.append([what, "chance (k random words)", n, mean_se(chance), 1.0, None])
        rows.append([what, f"(marked words per item: {statistics.fmean(marked_share):.1f})",
                     None, None, None, None])
    return rows
