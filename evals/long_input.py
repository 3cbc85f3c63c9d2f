"""Issue 12 benchmark: "why?" on a row whose text cell is about 1 MB.

A CSV with one ~1 MB cell (demo corpus snippets joined) and a short row is loaded as a user's
data file would be (`load_dataset`, the column named, labels reconciled), then, in one process:

- the short row is explained first (the baseline: `attribute` with its default method and the
  faithfulness check, as "why?" runs it), then the long row, each cold (the memo cleared);
- then `show` of the long row, to check that the answer does not print the whole megabyte.

Printed: wall seconds, CPU seconds of this process (steadier than wall time on a shared machine),
model calls (texts scored), the process's peak RSS after each step, and the long/short ratios.
The goal (issue 12) is under 10 s and under 1 GB peak RSS on 2 CPU cores; nothing is asserted.
Run: `python -m saywhy.evals.long_input [--model demo-sentiment] [--megabytes 1] [--threads 1]`
(`--plain`: word-by-word occlusion and the full check at any length, as before the span-first
occlusion; the batches still use fused attention. Slow: the full check's NAOPC beam bounds score
about n^2 erased texts per erasure, ~185,000 for a 430-word window; stopped after 8 minutes.)

Measured on 2 CPU cores shared with other work, demo-sentiment, 1 MB cell (430 words seen):
before (word-by-word occlusion, eager attention, the full check; load 9-14): 575 s wall,
1,213 MB peak RSS. After, one torch thread (load 5.3): 44 texts scored, 6.6 CPU-s, 10.6 s wall,
688 MB peak RSS; two threads (load 6.7): 14.0 CPU-s, 30 s wall (threads waiting on each other
on a busy machine), 719 MB. The short 15-word row costs 891 texts (its full check) and 3.7 CPU-s. Those figures read the
first window only; reading up to 4 windows (the default since, 1,427 words seen; one thread, load
4.9): 51 texts scored, each in 4 windows, 29 CPU-s, 69 s wall, 731 MB peak RSS.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import demo_data, load_demo, machine_note, peak_rss_mb, print_table, run_main

SHORT = "A clever, funny film with a warm heart, though the ending drags a little."


def long_text(n_chars: int) -> str:
    """About `n_chars` characters of real review text: demo corpus snippets, in order."""
    texts = demo_data().frame["text"].astype(str).tolist()
    parts, size, i = [], 0, 0
    while size < n_chars:
        piece = texts[i % len(texts)]
        parts.append(piece)
        size += len(piece) + 1
        i += 1
    return " ".join(parts)[:n_chars]


def write_csv(folder: Path, n_chars: int) -> Path:
    import pandas as pd

    path = folder / "long-cell.csv"
    pd.DataFrame({"case_no": ["short-1", "long-1"], "body": [SHORT, long_text(n_chars)]}
                 ).to_csv(path, index=False)
    return path


def _counted(target: Any) -> dict[str, int]:
    """Count the texts the classifier scores (wraps `predict_proba` on this target only)."""
    seen = {"texts": 0}
    inner = target.predict_proba

    def predict_proba(texts: list[str], *args: Any, **kwargs: Any) -> Any:
        seen["texts"] += len(texts)
        return inner(texts, *args, **kwargs)

    target.predict_proba = predict_proba
    return seen


def _step(ctx: Any, tool: str, args: dict[str, Any], calls: dict[str, int]) -> dict[str, Any]:
    from saywhy.tools import registry

    ctx.cache.clear()
    before = calls["texts"]
    wall, cpu = time.perf_counter(), time.process_time()
    result = registry.get(tool).run(ctx, args)
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu,
            "model_texts": calls["texts"] - before, "peak_rss_mb": peak_rss_mb(),
            "summary": result.summary(), "result": result}


def run(model: str, megabytes: float) -> list[dict[str, Any]]:
    from saywhy.tools.context import ToolContext
    from saywhy.tools.data import load_dataset
    from saywhy.tools.data.labels import reconcile

    target = load_demo(model)
    target.predict_proba(["warm up the kernels"])  # type: ignore[attr-defined]
    calls = _counted(target)
    rows = []
    with tempfile.TemporaryDirectory(prefix="saywhy-long-") as tmp:
        path = write_csv(Path(tmp), int(megabytes * 1_000_000))
        data = load_dataset(path, text_column="body", id_column="case_no", item_name="case")
        reconcile(data, list(target.labels))
        ctx = ToolContext(target=target, data=data)
        cell = len(data.text(1))
        for name, key in (("short row (baseline)", 0), ("long row", 1)):
            out = _step(ctx, "attribute", {"id": key}, calls)
            rows.append({"step": f"why? {name}", "chars": len(data.text(key)), **out})
        out = _step(ctx, "show", {"id": 1}, calls)
        rows.append({"step": "show long row", "chars": cell, **out})
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    print_table("\"why?\" on a ~1 MB cell (attribute, default method and faithfulness check)",
                ["step", "chars", "wall s", "CPU s", "model texts", "peak RSS MB",
                 "answer chars"],
                [[r["step"], r["chars"], r["wall_s"], r["cpu_s"], r["model_texts"],
                  r["peak_rss_mb"], len(r["summary"])] for r in rows],
                note=machine_note(), digits=2)
    short, long_ = rows[0], rows[1]
    print(f"long / short: {long_['wall_s'] / short['wall_s']:.1f}x wall, "
          f"{long_['cpu_s'] / max(short['cpu_s'], 1e-9):.1f}x CPU, "
          f"{long_['model_texts'] / max(short['model_texts'], 1):.1f}x model texts; "
          f"peak RSS {long_['peak_rss_mb']:.0f} MB (goal: < 10 s, < 1,000 MB).")
    print(f"long row explained: {long_['summary']}")
    show = rows[2]["summary"]
    print(f"show of the long row prints {len(show):,} of {rows[2]['chars']:,} characters.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="demo-sentiment")
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: "
                        "torch's); with 1, CPU seconds are the steadiest figure on a busy machine")
    parser.add_argument("--plain", action="store_true", help="word-by-word occlusion and the "
                        "full faithfulness check at any length (the cost before issue 12)")
    args = parser.parse_args()
    if args.threads:
        import torch

        torch.set_num_threads(args.threads)
    if args.plain:
        from saywhy.tools.methods import long_input

        long_input.LONG_WORDS = 10**9
    report(run(args.model, args.megabytes))


if __name__ == "__main__":
    run_main(main)
