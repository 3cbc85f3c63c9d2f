"""Whole-call accuracy on TalkToModel's crowd-written parse suites, with their tables loaded.

    python -m saywhy.evals.parse.talktomodel_calls [--suite diabetes ...] [--diabetes-demo] [-v]

Each suite (diabetes, German credit, COMPAS; ../shared/data/talktomodel or
$SAYWHY_SHARED_DATA/talktomodel) is planned against its own table: a seeded classifier trained
on TalkToModel's train split, saved as skops with the table as CSV and loaded the way
`saywhy chat --model X.skops --data Y.csv` loads them (`ttm_tables.py`), so the offline planner is
built for the table target (`compose.offline_planner`: its features, ids and labels). Every
question is planned once with an empty dialogue state; no tool runs.

Match rule. Each gold program is read into the saywhy calls that answer it (`ttm_programs.py`): the
main tool (a set of acceptable tools per TalkToModel operation), the item id, the conditions on the
rows asked about, and the what-if edits. A question counts right when the plan (no question back,
no direct reply) holds a call of an acceptable main tool (among its non-filter calls; a `filter`
counts only when it is the plan's only tool, as in the intent eval) whose item is the gold id (the
call's `id`/`ids`, or a one-id `filter` before it; no id when the gold has none), whose rows are
the gold conditions (the `filter` calls before it, and any `where` argument up to it, folded in
order: replace, "and" narrows, "or" widens; feature conditions from `where`, gold/predicted label
from `label`/`predicted`), and whose what-if edits (`features`, or word edits read as feature
edits) are the gold edits as a set. Conditions and edits compare after normalisation: feature names
case- and spelling-insensitively through the table's schema, values numerically, comparison
operators normalised (see `ttm_programs.py`). A `previousfilter` question's conditions are not
compared (the earlier turn is not in the suite); `split` arguments are ignored (the suites have no
split); a `correct=False` filter is the same thing as a mistakes question and is dropped there.
Intent-only accuracy asks just for that acceptable main tool, as `talktomodel.py` does, so a whole
call right is always an intent right. Denominators are whole suites: an operation saywhy has no
tool for stays in, as a miss.

The planner was never tuned on these questions; they are a yardstick. Output carries no question
text unless --verbose asks for the misses.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from saywhy.agent.compose import offline_planner
from saywhy.agent.planner.base import Plan, ToolCall
from saywhy.agent.state import DialogueState
from saywhy.tools.errors import SaywhyError

from .talktomodel import data_dir, predicted, read_suite
from .ttm_programs import DNF, EVERYTHING, Cond, Edit, Expected, Normaliser, both, read_program
from .ttm_tables import Source, load_suite_table

SUITES = ("diabetes", "german", "compas")
PUBLISHED = {"diabetes": 75.8, "german": 63.5, "compas": 66.4}  # TalkToModel's own parse figures


def _ids(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        return [int(x) for x in value.replace(",", " ").split() if x.isdigit()] \
            if "-" not in value else [-1, -1]  # a range is many items
    return [int(x) for x in value]


def call_rows(call: ToolCall, norm: Normaliser) -> DNF:
    """The rows one call selects by features and labels (EVERYTHING when none)."""
    args = call.args
    base: list[Cond] = []
    if args.get("label") is not None and call.tool == "filter":
        base.append(("__label__", "==", norm.label(args["label"])))
    if args.get("predicted") is not None:
        base.append(("__predicted__", "==", norm.label(args["predicted"])))
    if args.get("correct") is not None:
        base.append(("__correct__", "==", float(bool(args["correct"]))))
    for key in ("contains", "column", "similar_to", "min_words", "max_words"):
        if args.get(key) is not None:
            base.append((f"__{key}__", "==", str(args[key]).lower()))
    rows: DNF = frozenset({frozenset(base)})
    where = args.get("where")
    if where:
        from saywhy.tools.tabular.conditions import parse_conditions

        try:
            groups = parse_conditions(str(where), norm.schema)
            read: DNF = frozenset(
                frozenset(x for c in g for x in norm.condition(c.feature, c.op, c.value, c.high,
                                                               c.negated)) for g in groups)
        except SaywhyError:
            read = frozenset({frozenset({("?where", "==", str(where).lower())})})
        rows = both(rows, read)
    if args.get("negate"):
        rows = frozenset({frozenset({("__not__", "==", rows)})})
    return rows


def plan_edits(call: ToolCall, norm: Normaliser) -> frozenset[Edit]:
    """A what_if call's feature edits (its `features`, or word edits read as features)."""
    if call.tool != "what_if":
        return frozenset()
    from saywhy.tools.tabular.variants_edit import feature_edits
    from saywhy.tools.what_if import WhatIfArgs

    try:
        edits = feature_edits(WhatIfArgs.model_validate(call.args))
    except (SaywhyError, ValueError):
        return frozenset({("?edits", "?", str(call.args))})
    return frozenset(norm.edit(e.feature, e.op, e.value) for e in edits)


def observed(plan: Plan, exp: Expected, norm: Normaliser) -> tuple[bool, bool, str]:
    """(whole call right, intent right, why not) for one plan against the gold's expected calls.

    The reason is a kind, never the question: a question back, a direct reply, another tool,
    the item, the rows (conditions missing, extra, or different) or the edits."""
    wanted = set(predicted(plan)) & exp.tools  # the filter only when it is the only call
    if plan.clarify or plan.reply or not wanted:
        why = "question back" if plan.clarify else "reply" if plan.reply else \
            "tool " + "+".join(c.tool for c in plan.calls)
        return False, False, why
    calls = plan.calls
    main = next((i for i, c in enumerate(calls) if c.tool in wanted and c.tool != "filter"),
                None)
    if main is None:
        main = max(i for i, c in enumerate(calls) if c.tool == "filter")
    rows, ids = EVERYTHING, set()
    for call in calls[:main + 1]:
        if call.tool != "filter" and call is not calls[main] and "where" not in call.args:
            continue
        ids.update(_ids(call.args.get("ids")) + _ids(call.args.get("id")))
        if call.args.get("reset"):
            rows = EVERYTHING
        if call.tool == "filter" and call.args.get("ids") is not None:
            call = call.model_copy(update={"args": {k: v for k, v in call.args.items()
                                                    if k != "ids"}})
        mine = call_rows(call, norm)
        how = call.args.get("combine", "replace") if call.tool == "filter" else "and"
        rows = mine if how == "replace" else rows | mine if how == "or" else both(rows, mine)
    if "mistakes" in exp.tools:
        rows = frozenset(frozenset(c for c in g if c[0] != "__correct__") for g in rows)
    same_id = (ids == {exp.id}) if exp.id is not None else not ids
    same_rows = exp.conditions is None or rows == exp.conditions
    same_edits = plan_edits(calls[main], norm) == exp.edits
    why = "" if same_id else "item:" + ("extra" if exp.id is None else "missing" if not ids
                                         else "other")
    if not same_rows and exp.conditions is not None:
        why += (" " if why else "") + _rows_why(rows, exp.conditions)
    if not same_edits:
        why += (" " if why else "") + "edits"
    return same_id and same_rows and same_edits, True, why


def _rows_why(got: DNF, gold: DNF) -> str:
    """How planned rows differ from the gold rows, as a kind of difference."""
    mine = {c for g in got for c in g}
    theirs = {c for g in gold for c in g}
    if len(got) != len(gold):
        return "rows:and/or"
    feats = lambda cs: {c[0] for c in cs}  # noqa: E731
    if mine < theirs:
        return "rows:missing " + "/".join(sorted({c[0] for c in theirs - mine}))
    if theirs < mine:
        return "rows:extra " + "/".join(sorted({c[0] for c in mine - theirs}))
    if feats(mine) == feats(theirs):
        return "rows:value/op"
    return ("rows:other " + "/".join(sorted({f for f in feats(theirs) - feats(mine)}))
            + " got " + "/".join(sorted({f for f in feats(mine) - feats(theirs)})))


def run_suite(name: str, folder: Path, source: Source, verbose: bool) -> dict[str, Any]:
    loaded = load_suite_table(name, folder / "data", source)
    ctx = loaded.ctx
    schema = ctx.target.schema  # type: ignore[attr-defined]
    norm = Normaliser(schema, ctx.target.classes, ctx.target.labels)  # type: ignore[attr-defined]
    planner = offline_planner(ctx)
    if hasattr(planner, "warm_up"):
        planner.warm_up()
    rows = set(ctx.data.ids) if ctx.data is not None else set()
    per_cat: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    times: list[float] = []
    unknown = missing_ids = errors = 0
    for utterance, program in read_suite(folder / f"{name}_test_suite.txt"):
        exp = read_program(program, norm)
        unknown += bool(exp.unknown)
        missing_ids += exp.id is not None and exp.id not in rows
        t0 = time.perf_counter()
        try:
            plan = planner.plan(utterance, DialogueState())
        except Exception as exc:  # noqa: BLE001 - a crash is a miss, not the end of the eval
            plan = Plan(clarify=f"(crashed: {type(exc).__name__})", intent="error")
        times.append(time.perf_counter() - t0)
        errors += plan.intent == "error"
        whole, intent, why = observed(plan, exp, norm)
        per_cat[exp.category].append((whole, intent))
        if not whole:
            reasons[exp.category][why] += 1
        if verbose and not whole:
            got = " ; ".join(f"{c.tool} {c.args}" for c in plan.calls) or \
                f"(no calls) {plan.clarify or plan.reply or ''}"[:100]
            print(f"MISS [{name}] {utterance!r}\n   program: {program}\n   wanted: "
                  f"{sorted(exp.tools)} id={exp.id} rows={_show(exp.conditions)} "
                  f"edits={sorted(exp.edits, key=str)}\n   got: {got}"
                  + ("" if not intent else "  (intent right)"))
    return {"how": loaded.how, "held_out": loaded.held_out_accuracy, "per_cat": per_cat,
            "times": times, "reasons": reasons, "unknown": unknown, "missing_ids": missing_ids,
            "errors": errors}


def _show(rows: DNF | None) -> str:
    if rows is None:
        return "(not compared)"
    return " or ".join(" and ".join(f"{f} {o} {v}" for f, o, v in sorted(g, key=str))
                       for g in rows) or "all"


def _pct(pairs: list[tuple[bool, bool]], k: int) -> str:
    return f"{100 * sum(p[k] for p in pairs) / len(pairs):5.1f}%" if pairs else "   - "


def report(name: str, out: dict[str, Any]) -> None:
    every = [p for v in out["per_cat"].values() for p in v]
    p50 = 1000 * statistics.median(out["times"]) if out["times"] else 0.0
    print(f"\n{name}: n={len(every)}  whole-call {_pct(every, 0)}  intent {_pct(every, 1)}  "
          f"(TalkToModel published {PUBLISHED[name]:.1f}%)  planning p50 {p50:.0f} ms")
    print(f"  loaded as {out['how']}; held-out accuracy {out['held_out']:.3f}; gold programs "
          f"naming a feature the table lacks: {out['unknown']}; gold ids with no row: "
          f"{out['missing_ids']}; planner errors (counted as misses): {out['errors']}")
    print(f"  {'category':<28} {'whole-call':>10} {'intent':>8}  misses by kind")
    for cat, pairs in sorted(out["per_cat"].items(), key=lambda kv: -len(kv[1])):
        whole, intent = sum(p[0] for p in pairs), sum(p[1] for p in pairs)
        why = ", ".join(f"{k} {n}" for k, n in out["reasons"][cat].most_common())
        print(f"  {cat:<28} {whole:>4}/{len(pairs):<5} {intent:>4}/{len(pairs):<4}  {why}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--suite", action="append", choices=SUITES,
                    help="suite(s) to run (default: all three)")
    ap.add_argument("--diabetes-demo", action="store_true",
                    help="plan the diabetes suite against demo-tabular (--model demo-tabular) "
                         "instead of its skops + CSV files")
    ap.add_argument("--verbose", "-v", action="store_true",
                    help="print every miss, question text included (for a person who measures)")
    args = ap.parse_args(argv)
    folder = data_dir()
    names = args.suite or list(SUITES)
    if not all((folder / f"{n}_test_suite.txt").is_file() for n in names):
        print(f"TalkToModel suites not found in {folder} (set SAYWHY_SHARED_DATA); skipping.")
        return 0
    print("TalkToModel whole-call accuracy, offline planner, each suite on its own table (a "
          "yardstick: no example or rule copies its questions, but the table reading was developed "
          "while these per-category counts were watched)")
    for name in names:
        source: Source = "demo" if name == "diabetes" and args.diabetes_demo else "file"
        report(name, run_suite(name, folder, source, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
