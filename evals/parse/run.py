"""Parse eval: exact-match accuracy of a planner, in-sample and hold-out reported apart.

    python -m saywhy.evals.parse.run [--planner offline|llm] [--set ...] [--verbose] [--json FILE]

Sets (see README.md): `main` (questions.jsonl + dialogues.jsonl: the planner was tuned on them,
in-sample), `holdout` (written after that tuning; partly overlapping its phrasings), `fresh-dev`
and `fresh-holdout` (evals/parse/fresh/: written fresh by template group; dev may be tuned on,
hold-out never — the split is fixed by a hash of the group id). Fresh rows name a target: the
demo sentiment classifier, a user's 3-class ticket classifier, or a causal LM without data.
`tabular-dev` / `tabular-holdout` (fresh/tabular_questions.jsonl, same split rule) ask about six
table models: the diabetes demo, a loan, a churn, a credit-risk, a recidivism-risk and an
insurance-claim classifier on a binarised table (threshold and one-hot yes/no columns); their
`where` conditions compare as sets of conditions and their feature edits as sets of edits, after
reading both with the tools' own parsers against the target's feature schema (compare.py).

Exact match compares tool names and key arguments in the canonical form of README.md (order of
calls included). Dialogue turns are teacher-forced: the state before a turn is built from the
*expected* calls of the earlier turns, as the conversation would set it (focus, subset, last
method/label/tool/calls, history), so one miss does not cascade. No tool runs. A planner that
crashes or returns an `intent="error"` plan scores a miss, even where a question back was right.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saywhy.agent.planner.base import Plan, ToolCall
from saywhy.agent.state import DialogueState, Turn
from saywhy.tools.context import Subset

from .compare import VERBATIM, canon, canon_edits, canon_where, expected_tools, matches, show_plan
from .report import print_report, summarise
from .targets import LABELS, N_ITEMS, TARGETS, make_planner, schema_of, target_of

if TYPE_CHECKING:
    from saywhy.tools.tabular.schema import Schema

# this module's names, those of the targets (targets.py), the comparison (compare.py) and the
# report (report.py) included: other code imports them from here
__all__ = [
    "LABELS", "N_ITEMS", "TARGETS", "VERBATIM", "apply_expected", "canon", "canon_edits",
    "canon_where", "evaluate", "expected_tools", "load_jsonl", "load_sets", "main",
    "make_planner", "matches", "print_report", "question_text", "schema_of", "show_plan",
    "summarise", "target_of",
]

HERE = Path(__file__).resolve().parent


# ---- loading -----------------------------------------------------------------------------------
def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def question_text(row: dict[str, Any]) -> str:
    if row.get("q_gen"):
        return str(row["q_gen"]["repeat"]) * int(row["q_gen"]["times"])
    return str(row.get("q") or "")



# ---- state simulation --------------------------------------------------------------------------
def apply_expected(state: DialogueState, question: str, expect: dict[str, Any]) -> None:
    """Update the state as the conversation would after running the expected calls."""
    first = expect["any_of"][0] if "any_of" in expect else expect
    calls = [ToolCall(tool=c["tool"], args=c.get("args", {})) for c in first.get("calls", [])]
    for call in calls:
        state.set_focus(call.args)
        if call.tool == "filter":
            if call.args.get("reset"):
                state.subset = None
            else:
                crit = {k: v for k, v in call.args.items() if k not in ("combine",)}
                state.subset = Subset(ids=[], description="(simulated)", criteria=crit)
        if isinstance(call.args.get("method"), str):
            state.last_method = call.args["method"]
        if isinstance(call.args.get("label"), str):
            state.last_label = call.args["label"]
        state.last_tool = call.tool
    if calls:
        state.last_calls = calls
    state.history.append(Turn(question=question, answer="", calls=calls))



# ---- running -----------------------------------------------------------------------------------
def evaluate(
    planner_for: Any,
    questions: list[dict[str, Any]],
    dialogues: list[dict[str, Any]],
    verbose: bool = False,
) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    latencies: list[float] = []
    cpu: list[float] = []
    schemas: dict[str, Schema | None] = {}

    def run(
        planner: Any, q: str, state: DialogueState, expect: dict[str, Any], **meta: Any
    ) -> None:
        t0, c0 = time.perf_counter(), time.thread_time()
        try:
            plan = planner.plan(q, state)
        except Exception as exc:  # noqa: BLE001 - a crash is a miss, not the end of the eval
            plan = Plan(clarify=f"(crashed: {type(exc).__name__})", intent="error")
        latencies.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        if meta["target"] not in schemas:
            schemas[meta["target"]] = schema_of(meta["target"])
        ok = plan.intent != "error" and matches(plan, expect, schemas[meta["target"]])
        rows.append(
            {
                "q": q[:120],
                "ok": ok,
                "got": show_plan(plan),
                "expect": expect,
                "tools": expected_tools(expect),
                **meta,
            }
        )
        if verbose and not ok:
            print(
                f"MISS [{meta.get('tag') or meta.get('dialogue')}] {q[:100]!r}\n   got:    "
                f"{show_plan(plan)}\n   wanted: {json.dumps(expect, ensure_ascii=False)[:300]}"
            )

    for row in questions:
        state = DialogueState()
        if row.get("after"):
            apply_expected(state, "(earlier question)", {"calls": row["after"]})
        run(
            planner_for(target_of(row)),
            question_text(row),
            state,
            row["expect"],
            tag=row.get("tag") or row.get("group"),
            followup=bool(row.get("after")),
            source="questions",
            target=target_of(row),
            style=row.get("style", []),
            intent=row.get("intent"),
        )
    for d in dialogues:
        state = DialogueState()
        planner = planner_for(target_of(d))
        for n, turn in enumerate(d["turns"]):
            run(
                planner,
                turn["q"],
                state,
                turn["expect"],
                dialogue=d["id"],
                followup=n > 0,
                source="dialogues",
                target=target_of(d),
                style=[],
            )
            apply_expected(state, turn["q"], turn["expect"])
    return summarise(rows, latencies, cpu)



def load_sets() -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Every set by name, in the order they are reported (in-sample first)."""
    from .fresh.sides import is_holdout

    fresh_q = load_jsonl(HERE / "fresh" / "questions.jsonl")
    fresh_d = load_jsonl(HERE / "fresh" / "dialogues.jsonl")
    table_q = load_jsonl(HERE / "fresh" / "tabular_questions.jsonl")
    return {
        "main": (load_jsonl(HERE / "questions.jsonl"), load_jsonl(HERE / "dialogues.jsonl")),
        "holdout": (load_jsonl(HERE / "holdout_questions.jsonl"),
                    load_jsonl(HERE / "holdout_dialogues.jsonl")),
        "fresh-dev": ([r for r in fresh_q if not is_holdout(r["group"])],
                      [d for d in fresh_d if not is_holdout(d["group"])]),
        "fresh-holdout": ([r for r in fresh_q if is_holdout(r["group"])],
                          [d for d in fresh_d if is_holdout(d["group"])]),
        "tabular-dev": ([r for r in table_q if not is_holdout(r["group"])], []),
        "tabular-holdout": ([r for r in table_q if is_holdout(r["group"])], []),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--planner", default="offline", choices=["offline", "llm"])
    ap.add_argument("--verbose", "-v", action="store_true", help="print every miss")
    ap.add_argument("--json", type=Path, help="write the full results here")
    ap.add_argument(
        "--set",
        default="all",
        choices=["main", "holdout", "fresh-dev", "fresh-holdout", "fresh", "tabular-dev",
                 "tabular-holdout", "tabular", "all"],
        help="main: in-sample; holdout: the older hold-out; fresh-dev / fresh-holdout: the "
        "fresh sets split by template group (fresh: both); tabular-dev / tabular-holdout: the "
        "fresh table-model questions, same split (tabular: both); all: every set",
    )
    args = ap.parse_args(argv)
    cache: dict[str, Any] = {}

    def planner_for(target: str) -> Any:
        if target not in cache:
            cache[target] = make_planner(args.planner, target)
        return cache[target]

    if args.planner == "offline":
        planner_for("demo").warm_up()  # fit/load the classifier outside the timings
    results = {}
    for name, (questions, dialogues) in load_sets().items():
        wanted = {"all": True, "fresh": name.startswith("fresh"),
                  "tabular": name.startswith("tabular")}.get(args.set, args.set == name)
        if not wanted:
            continue
        res = evaluate(planner_for, questions, dialogues, verbose=args.verbose)
        print_report(res, f"{args.planner}, set={name}")
        results[name] = res
    if args.json:
        args.json.write_text(
            json.dumps(results, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
