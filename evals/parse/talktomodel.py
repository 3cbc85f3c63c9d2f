"""Intent accuracy on TalkToModel's crowd-written parse suites (Slack et al., 2023).

    python -m saywhy.evals.parse.talktomodel [--planner offline|llm] [--target own|demo|...] [-v]

The suites (../shared/data/talktomodel/*_test_suite.txt, or $SAYWHY_SHARED_DATA/talktomodel) are
questions about *tabular* models (COMPAS, diabetes, German credit), each followed by its gold
program. Their feature filters ("age greater than 20") have no counterpart in a text explainer, so
only intents are compared: each program operation is mapped to the saywhy tools that answer the
same question, and a question counts as right when one of the planner's non-filter tools is among
the tools mapped from the program's main (last non-filter) operation. Questions whose operations
have no counterpart (`interact`, pure `previous...` follow-ups) are left out and counted.
No example or rule copies these questions, but table reading was developed while per-category
counts of the suites were watched (never their questions), so the figures are not untuned.

By default (`--target own`) each suite is planned against its own table, loaded as a user would
load it (`ttm_tables.py`: a skops model and a CSV, no label names): the questions are about those
tables. `--target demo` (or another of the parse runner's targets, `run.TARGETS`) plans every
suite for that target instead; `demo`, the text classifier, gives the figure this eval reported
before saywhy had table models.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from saywhy.agent.state import DialogueState

from .run import TARGETS, make_planner

REPO = Path(__file__).resolve().parents[2]
SUITES = ("compas", "diabetes", "german")


def data_dir() -> Path:
    base = os.environ.get("SAYWHY_SHARED_DATA")
    root = Path(base) if base else REPO.parent / "shared" / "data"
    return root / "talktomodel"


def read_suite(path: Path) -> list[tuple[str, str]]:
    """(utterance, program) pairs: a program line ends with [E] and follows its utterance."""
    pairs = []
    previous = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.endswith("[E]"):
            if previous is not None:
                pairs.append((previous, line[:-3].strip()))
            previous = None
        else:
            previous = line
    return pairs


def operations(program: str) -> list[str]:
    """Operations of a program, filters dropped: 'filter id 100 and explain features' -> [...]."""
    ops = [o.strip() for o in re.split(r"\s+(?:and|or)\s+", program) if o.strip()]
    return [
        o for o in ops if not re.match(r"(filter|previousfilter|predictionfilter|labelfilter)\b", o)
    ]


def expected(program: str) -> tuple[str, set[str]] | None:
    """(TalkToModel operation, the saywhy tools that answer it) for the main operation."""
    ops = operations(program)
    if not ops:
        return None
    main = ops[-1]
    by_id = re.search(r"\bfilter id \d+", program) is not None
    head = main.split()[0]
    if head == "explain":
        if "cfe" in main:
            return "explain cfe", {"counterfactual"}
        return "explain features", {"attribute"} if by_id else {"global_importance", "attribute"}
    table: dict[str, set[str]] = {
        "important": {"global_importance"},
        "score": {"performance"},
        "mistake": {"mistakes"},
        "show": {"show"},
        "label": {"show", "describe_data", "filter"},
        "countdata": {"filter", "describe_data"},
        "data": {"describe_data"},
        "statistic": {"describe_data"},
        "likelihood": {"predict"},
        "predict": {"predict"} if by_id else {"predict", "show", "filter", "performance"},
        "change": {"what_if"},
        "function": {"capabilities"},
        "self": {"model_info"},
        "model": {"model_info"},
    }
    if head in table:
        # "change bmi decrease 5 and predict": what the model says of the changed rows is what a
        # what-if answers (as the whole-call eval reads it), besides the main operation's tools
        changed = any(o.split()[0] == "change" for o in ops[:-1])
        return head, table[head] | ({"what_if"} if changed else set())
    return None  # interact, previousoperation, ...: nothing to compare with


def predicted(plan: Any) -> list[str]:
    if plan.clarify:
        return ["(clarify)"]
    if plan.reply:
        return ["(reply)"]
    tools = [c.tool for c in plan.calls if c.tool != "filter"]
    return tools or (["filter"] if plan.calls else ["(none)"])


def _planner(kind: str, target: str, suite: str, folder: Path) -> Any:
    """The planner for one suite: on its own table (`own`), else for a parse-runner target."""
    if target != "own":
        planner = make_planner(kind, target)
    else:
        if kind != "offline":
            raise SystemExit("--target own plans with the offline planner only")
        from saywhy.agent.compose import offline_planner

        from .ttm_tables import load_suite_table

        planner = offline_planner(load_suite_table(suite, folder / "data").ctx)
    if hasattr(planner, "warm_up"):
        planner.warm_up()
    return planner


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--planner", default="offline", choices=["offline", "llm"])
    ap.add_argument("--target", default="own", choices=["own", *sorted(TARGETS)],
                    help="own: each suite on its own table (default); else the parse runner's "
                         "target the planner plans every suite for (demo: the text classifier)")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every miss")
    args = ap.parse_args(argv)
    folder = data_dir()
    files = [folder / f"{name}_test_suite.txt" for name in SUITES]
    if not all(f.is_file() for f in files):
        print(f"TalkToModel suites not found in {folder} (set SAYWHY_SHARED_DATA); skipping.")
        return 0
    planners = {name: _planner(args.planner, args.target, name, folder) for name in SUITES}
    per_suite: dict[str, list[bool]] = defaultdict(list)
    per_op: dict[str, list[bool]] = defaultdict(list)
    skipped: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    for name, path in zip(SUITES, files, strict=True):
        for utterance, program in read_suite(path):
            exp = expected(program)
            if exp is None:
                skipped[(operations(program) or ["previous"])[-1].split()[0]] += 1
                continue
            op, tools = exp
            got = predicted(planners[name].plan(utterance, DialogueState()))
            ok = any(t in tools for t in got)
            got_s = "+".join(got)
            per_suite[name].append(ok)
            per_op[op].append(ok)
            if not ok:
                confusion[(op, got_s)] += 1
                if args.verbose:
                    print(
                        f"MISS [{name}] {utterance!r}\n   program: {program}\n   got: {got_s}, "
                        f"wanted one of {sorted(tools)}"
                    )
    every = [x for v in per_suite.values() for x in v]
    on = "each suite on its own table" if args.target == "own" else f"target={args.target}"
    print(f"TalkToModel intent accuracy, planner={args.planner}, {on} (tabular questions; "
          "not untuned: per-category counts were watched, no question read)")
    print(
        f"  overall      {100 * sum(every) / len(every):5.1f}%  (n={len(every)}; "
        f"{sum(skipped.values())} left out: {dict(skipped)})"
    )
    for name, v in per_suite.items():
        print(f"  {name:<12} {100 * sum(v) / len(v):5.1f}%  (n={len(v)})")
    print("  per operation:")
    for op, v in sorted(per_op.items()):
        print(f"    {op:<18} {100 * sum(v) / len(v):5.1f}%  (n={len(v)})")
    print(
        "  most frequent confusions: "
        + ", ".join(f"{op}->{got} ({n})" for (op, got), n in confusion.most_common(6))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
