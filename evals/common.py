"""Shared pieces of the evals: where the evaluation data is, the demos, tables, time and memory.

Evals read `../shared/data` in place (never copied into the project); when it or a demo model is
absent they say so and stop cleanly (`Missing`), so `make bench` never ends in a traceback.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from saywhy.tools.data.dataset import Dataset
    from saywhy.tools.target.base import Target

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_ENV = "SAYWHY_SHARED_DATA"


class Missing(Exception):
    """Something an eval needs (shared data, a built demo) is absent; the message says what."""


# ---- shared data ------------------------------------------------------------------------------
def shared_data_dir() -> Path:
    """`$SAYWHY_SHARED_DATA`, else `<repo root>/../shared/data`."""
    raw = os.environ.get(DATA_ENV)
    return Path(raw).expanduser() if raw else (REPO_ROOT.parent / "shared" / "data").resolve()


def shared_path(*parts: str) -> Path:
    """A file or folder of the shared data, or `Missing` naming where it was looked for."""
    path = shared_data_dir().joinpath(*parts)
    if not path.exists():
        raise Missing(f"This eval needs the shared evaluation data: {path} is absent. "
                      f"Put the data at {REPO_ROOT.parent / 'shared' / 'data'} or point "
                      f"{DATA_ENV} at it.")
    return path


def read_sst2(split: str = "test") -> tuple[list[str], list[int]]:
    """SST-2 (GLUE) sentences and labels (1 = positive); `test` is the labelled GLUE dev set."""
    import csv

    texts: list[str] = []
    labels: list[int] = []
    with open(shared_path("sst2", f"{split}.tsv"), encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        for row in reader:
            if len(row) >= 2 and row[-1].strip() in {"0", "1"}:
                texts.append(row[0].strip())
                labels.append(int(row[-1]))
    return texts, labels


# ---- demo models and data ---------------------------------------------------------------------
def demo_built(name: str) -> bool:
    """Whether a demo is ready to load without building it (training or GGUF conversion)."""
    from saywhy.tools.target.demo import META, demo_dir

    if name == "demo-sentiment":
        return (demo_dir() / META).is_file()
    if name == "demo-lm":
        out = converted_lm_dir()
        return out is not None and (out / "model.safetensors").is_file()
    raise ValueError(name)


def converted_lm_dir() -> Path | None:
    """Where `convert_gguf` puts (or has put) demo-lm's safetensors; None without the GGUF asset."""
    import hashlib

    from saywhy.tools.assets import get_asset
    from saywhy.tools.home import cache_dir

    asset = get_asset("smollm2")
    if not asset.is_present():
        return None
    gguf = asset.path.expanduser().resolve()
    stat = gguf.stat()  # the same key as saywhy.tools.target.loading.convert_gguf
    key = hashlib.sha256(f"{gguf}:{stat.st_size}:{int(stat.st_mtime)}".encode()).hexdigest()[:12]
    return cache_dir("converted") / f"{gguf.stem}-{key}"


def load_demo(name: str) -> Target:
    """Load a demo target. Its one-off GGUF conversion (~11 s) is allowed; training is not."""
    from saywhy.tools.assets import get_asset
    from saywhy.tools.target import load_target

    if name == "demo-sentiment" and not demo_built(name):
        raise Missing("demo-sentiment is not built yet; run `make setup` (or `saywhy models "
                      "--prepare`) first: the evals never train it.")
    if name == "demo-lm" and not get_asset("smollm2").is_present():
        raise Missing("demo-lm's weights are not fetched; run `make setup` (or `saywhy assets "
                      "--fetch`) first.")
    return load_target(name)


def demo_data() -> Dataset:
    from saywhy.tools.data.demo import demo_dataset

    return demo_dataset()


def demo_split(split: str) -> tuple[list[str], list[str]]:
    """Texts and gold label names of one split of the demo corpus."""
    frame = demo_data().frame
    part = frame[frame["split"] == split]
    return part["text"].astype(str).tolist(), part["label"].astype(str).tolist()


def overlap_key(text: str) -> str:
    """Text reduced to lower-case letters and digits: SST's tokenisation ("it 's", "-lrb-")
    and the demo corpus's ("It's", "(") then compare equal for the same sentence."""
    import re

    text = text.lower().replace("-lrb-", "(").replace("-rrb-", ")")
    return re.sub(r"[^a-z0-9]+", "", text)


def in_demo_train(texts: Sequence[str]) -> list[bool]:
    """Which texts occur (after `overlap_key`) in the demo train split demo-sentiment saw.

    SST is built from the same Rotten Tomatoes snippets (Pang & Lee 2005), so most SST-2
    sentences are in the demo corpus; figures on SST-2 are reported with and without them.
    """
    train, _ = demo_split("train")
    seen = {overlap_key(t) for t in train}
    return [overlap_key(t) in seen for t in texts]


def read_sst2_unseen(split: str = "test") -> tuple[list[str], list[int]]:
    """The SST-2 sentences demo-sentiment never trained on (`in_demo_train` is False): 298 of
    the 872 labelled test sentences. Figures about demo-sentiment on the others would partly
    measure what it memorised."""
    texts, labels = read_sst2(split)
    seen = in_demo_train(texts)
    kept = [i for i, s in enumerate(seen) if not s]
    return [texts[i] for i in kept], [labels[i] for i in kept]


# ---- measuring --------------------------------------------------------------------------------
def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its finished children) in MB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    kb = resource.getrusage(who).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / (1024 * 1024)


def rss_mb() -> float:
    """Current resident memory in MB (psutil)."""
    import psutil

    return float(psutil.Process().memory_info().rss) / (1024 * 1024)


@contextmanager
def stopwatch() -> Iterator[dict[str, float]]:
    """`with stopwatch() as t: ...` then `t["s"]` holds the elapsed seconds."""
    out = {"s": 0.0}
    start = time.perf_counter()
    try:
        yield out
    finally:
        out["s"] = time.perf_counter() - start


def timed(fn: Callable[[], Any], repeat: int = 3, warmup: int = 1) -> float:
    """Median wall-clock seconds of `fn()` over `repeat` runs after `warmup` unmeasured runs."""
    for _ in range(warmup):
        fn()
    runs = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


# ---- printing ---------------------------------------------------------------------------------
def fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value != value:  # NaN
            return "—"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    return str(value)


def print_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                note: str | None = None, digits: int = 3) -> None:
    """A plain fixed-width table (first column left-aligned, the rest right-aligned)."""
    cells = [[fmt(v, digits) for v in row] for row in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h))
              for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        parts = [values[0].ljust(widths[0])] + [v.rjust(w) for v, w in zip(values[1:], widths[1:],
                                                                            strict=True)]
        return "  ".join(parts).rstrip()

    print(f"\n## {title}")
    print(line([str(h) for h in headers]))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print(line(r))
    if note:
        print(note)
    sys.stdout.flush()


def set_threads(n: int | None) -> None:
    """Use `n` torch threads (None: torch's default). On a shared, oversubscribed machine one
    thread scores several times more texts per second than two that wait for each other."""
    if n:
        import torch

        torch.set_num_threads(n)


def machine_note() -> str:
    """CPUs, torch threads and load average: timings on a shared machine need this context."""
    try:
        import torch

        threads = str(torch.get_num_threads())
    except ImportError:
        threads = "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"machine: {os.cpu_count()} CPUs, torch threads {threads}, "
            f"load average (1 min) {load:.2f}")


def run_main(fn: Callable[[], None]) -> None:
    """Entry point wrapper: a `Missing` prerequisite is a message and a clean exit, not a trace."""
    try:
        fn()
    except Missing as exc:
        print(f"skipped: {exc}")
        raise SystemExit(0) from None
