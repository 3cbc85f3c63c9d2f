"""The terminal's speed and size: `saywhy chat` to its first prompt, a "why" question to its
answer (warm caches), and the REPL's peak memory, for each demo target.

Each target's REPL runs in a pseudo-terminal (pexpect) exactly as a user would start it. It is
started twice and the second start is reported (warm: OS file cache, the planner's cached intent
classifier). Then a warm-up question loads everything the first answer needs, and the "why"
follow-up is timed from Enter to the end of its answer. Peak memory is the REPL process's VmHWM
(peak resident set) read from /proc just before it exits. Goals: first prompt < 5 s, "why"
answer < 2 s. Wall times depend on the machine and its load (the load average is printed); the
CPU seconds the REPL itself used are printed next to them, as they suffer less from contention.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from .common import Missing, machine_note, print_table, run_main

PROMPT = "you ›"
TARGETS = {  # warm-up question, the timed "why" question, what marks the end of its answer
    "demo-sentiment": ("what do you predict for review 12?", "why?",
                       r"faithfulness:|top words|Sorry|not sure|Which"),
    "demo-lm": ('what do you answer to "Is this film good? a gorgeous, witty film"', "why?",
                r"top words|Sorry|not sure|Which|cannot|can't"),
}
GOALS = {"first prompt": 5.0, "why answer": 2.0}


def _saywhy() -> str:
    exe = Path(sys.executable).with_name("saywhy")
    found = str(exe) if exe.exists() else shutil.which("saywhy")
    if not found:
        raise Missing("the saywhy command is not installed (pip install -e .)")
    return found


def _peak_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan")
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of the process so far: less sensitive to other load than wall
    time (with 2 torch threads it can exceed wall time on an idle machine)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _spawn(target: str) -> Any:
    import pexpect

    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    return pexpect.spawn(_saywhy(), ["chat", "--model", target], env=env, encoding="utf-8",
                         timeout=600, dimensions=(50, 120))


def _start(target: str) -> tuple[Any, float]:
    started = time.perf_counter()
    child = _spawn(target)
    child.expect(PROMPT)
    return child, time.perf_counter() - started


def _answer(child: Any, question: str, end: str) -> tuple[float, float]:
    """Wall and CPU seconds from Enter to the end of the answer (its marker, then the prompt)."""
    started, cpu = time.perf_counter(), _cpu_s(child.pid)
    child.sendline(question)
    child.expect(end)
    child.expect(PROMPT)
    return time.perf_counter() - started, _cpu_s(child.pid) - cpu


def measure(target: str) -> dict[str, float]:
    import pexpect

    child, _ = _start(target)  # cold start: fills caches; not reported
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    child, first_prompt = _start(target)
    try:
        start_cpu = _cpu_s(child.pid)
        warm, why, end = TARGETS[target]
        time.sleep(3)  # a person takes a while to type: the REPL warms up meanwhile
        warmup, _ = _answer(child, warm, r"about|For|Sorry")
        why_s, why_cpu = _answer(child, why, end)
        peak = _peak_mb(child.pid)
        child.sendeof()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return {"first prompt": first_prompt, "first prompt cpu": start_cpu,
            "warm-up answer": warmup, "why answer": why_s, "why cpu": why_cpu, "peak MB": peak}


def available(target: str) -> bool:
    from saywhy.tools.home import saywhy_home

    home = saywhy_home()
    if target == "demo-sentiment":
        return (home / "models" / "demo-sentiment" / "saywhy.json").is_file()
    return (home / "assets" / "smollm2").exists()


def run(targets: list[str] | None = None) -> None:
    try:
        import pexpect  # noqa: F401
    except ImportError:
        raise Missing("pexpect is not installed (pip install -e '.[test]')") from None
    rows: list[list[Any]] = []
    measured: list[dict[str, float]] = []
    for target in targets or list(TARGETS):
        if not available(target):
            print(f"skipped {target}: not built (run `make setup`)")
            continue
        m = measure(target)
        measured.append(m)
        rows.append([target, m["first prompt"], m["first prompt cpu"], m["warm-up answer"],
                     m["why answer"], m["why cpu"], m["peak MB"]])
    verdicts = []
    for name, goal in GOALS.items():
        worst = max((m[name] for m in measured), default=float("nan"))
        verdicts.append(f"{name} < {goal:.0f} s: {'met' if worst < goal else 'NOT met'} "
                        f"(worst {worst:.2f} s)")
    print_table("saywhy chat: start-up, answer time and memory (warm caches)",
                ["target", "first prompt s", "(CPU s)", "warm-up answer s", "why answer s",
                 "(CPU s)", "peak RSS MB"],
                rows, digits=2,
                note="\n".join([machine_note(), *verdicts,
                                "Shared machine: timings include contention from other work."]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--target", action="append", choices=list(TARGETS),
                        help="Only this target (repeatable); default: both demos.")
    args = parser.parse_args()
    run_main(lambda: run(args.target))


if __name__ == "__main__":
    main()
