"""Parse eval: exact-match accuracy of a planner, in-sample and hold-out reported apart.

    python -m saywhy.evals.parse.run [--planner offline|llm] [--set ...] [--verbose] [--json FILE]

Sets (see README.md): `main` (questions.jsonl + dialogues.jsonl: the planner was tuned on them,
in-sample), `holdout` (written after that tuning; partly overlapping its phrasings), `fresh-dev`
and `fresh-holdout` (evals/parse/fresh/: written fresh by template group; dev may be tuned on,
hold-out never — the split is fixed by a hash of the group id). Fresh rows name a target: the
demo sentiment classifier, a user's 3-class ticket classifier, or a causal LM without data.
`tabular-dev` / `tabular-holdout` (fresh/tabular_questions.jsonl, same split rule) ask about six
table models: the diabetes demo, a loan, a churn, a credit-risk, a recidivism-risk and an
insurance-claim classifier on a binarised table (threshold and one-hot yes/no columns); their `where` conditions compare as sets of conditions and their feature edits as
sets of edits, after reading both with the tools' own parsers against the target's feature schema.

Exact match compares tool names and key arguments in the canonical form of README.md (order of
calls included). Dialogue turns are teacher-forced: the state before a turn is built from the
*expected* calls of the earlier turns, as the conversation would set it (focus, subset, last
method/label/tool/calls, history), so one miss does not cascade. No tool runs. A planner that
crashes or returns an `intent="error"` plan scores a miss, even where a question back was right.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from saywhy.agent.planner.base import Plan, ToolCall
from saywhy.agent.state import DialogueState, Turn
from saywhy.tools.context import Subset

if TYPE_CHECKING:
    from saywhy.tools.tabular.schema import Schema

HERE = Path(__file__).resolve().parent
LABELS = ["negative", "positive"]
N_ITEMS = 12808
VERBATIM = {"text", "new_text", "similar_to", "span"}
# The targets a row may name: the model's labels and kind, the data's id range (None: no data).
TARGETS: dict[str, dict[str, Any]] = {
    "demo": {"labels": LABELS, "kind": "classifier", "ids": (0, N_ITEMS - 1)},
    "topic": {"labels": ["billing", "technical issue", "account access"], "kind": "classifier",
              "ids": (1001, 1400)},
    "lm": {"labels": [], "kind": "causal_lm", "ids": None},
    # the older sets' causal-LM rows: the demo LM with the demo corpus loaded
    "demo-lm": {"labels": LABELS, "kind": "causal_lm", "ids": (0, N_ITEMS - 1)},
    # table models: features as (name, kind, low, high, integer, values), in the table's order
    "table": {"labels": ["no diabetes", "diabetes"], "kind": "tabular", "ids": (0, 767),
              "noun": "patient", "features": [
                  ("Pregnancies", "numeric", 0, 17, True, ()),
                  ("Glucose", "numeric", 0, 199, True, ()),
                  ("BloodPressure", "numeric", 0, 122, True, ()),
                  ("SkinThickness", "numeric", 0, 99, True, ()),
                  ("Insulin", "numeric", 0, 846, True, ()),
                  ("BMI", "numeric", 0, 67.1, False, ()),
                  ("DiabetesPedigreeFunction", "numeric", 0.078, 2.42, False, ()),
                  ("Age", "numeric", 21, 81, True, ())]},
    "loans": {"labels": ["rejected", "approved"], "kind": "tabular", "ids": (1000, 1999),
              "noun": "applicant", "features": [
                  ("age", "numeric", 18, 80, True, ()),
                  ("income", "numeric", 0, 250000, True, ()),
                  ("loan_amount", "numeric", 500, 100000, True, ()),
                  ("credit_score", "numeric", 300, 850, True, ()),
                  ("employment_type", "categorical", None, None, False,
                   ("salaried", "self-employed", "unemployed")),
                  ("has_guarantor", "boolean", None, None, False, (0, 1)),
                  ("number_of_dependents", "numeric", 0, 6, True, ()),
                  ("gender", "categorical", None, None, False, ("Female", "Male"))]},
    "churn": {"labels": ["retained", "churned"], "kind": "tabular", "ids": (1, 7043),
              "noun": "customer", "features": [
                  ("tenure_months", "numeric", 0, 72, True, ()),
                  ("monthly_charges", "numeric", 18.25, 118.75, False, ()),
                  ("contract", "categorical", None, None, False,
                   ("month-to-month", "one year", "two year")),
                  ("internet_service", "categorical", None, None, False,
                   ("DSL", "fiber optic", "none")),
                  ("senior_citizen", "boolean", None, None, False, (0, 1)),
                  ("support_calls", "numeric", 0, 10, True, ()),
                  ("payment_method", "categorical", None, None, False,
                   ("credit card", "bank transfer", "electronic check", "mailed check"))]},
    "credit": {"labels": ["bad risk", "good risk"], "kind": "tabular", "ids": (0, 999),
               "noun": "applicant", "features": [
                   ("checking_account", "categorical", None, None, False,
                    ("negative", "0 to 200", "over 200", "none")),
                   ("duration_months", "numeric", 4, 72, True, ()),
                   ("credit_history", "categorical", None, None, False,
                    ("critical", "delayed", "paid duly", "all paid", "no credits")),
                   ("purpose", "categorical", None, None, False,
                    ("car new", "car used", "furniture", "radio tv", "education", "business",
                     "repairs")),
                   ("credit_amount", "numeric", 250, 18424, True, ()),
                   ("savings", "categorical", None, None, False,
                    ("little", "moderate", "rich", "unknown")),
                   ("employment_years", "numeric", 0, 40, True, ()),
                   ("housing", "categorical", None, None, False, ("own", "rent", "free")),
                   ("age", "numeric", 19, 75, True, ()),
                   ("foreign_worker", "boolean", None, None, False, (0, 1)),
                   ("sex", "categorical", None, None, False, ("female", "male"))]},
    "recid": {"labels": ["low risk", "high risk"], "kind": "tabular", "ids": (1, 7214),
              "noun": "defendant", "features": [
                  ("age", "numeric", 18, 96, True, ()),
                  ("priors_count", "numeric", 0, 38, True, ()),
                  ("juvenile_felonies", "numeric", 0, 20, True, ()),
                  ("charge_degree", "categorical", None, None, False, ("felony", "misdemeanor")),
                  ("race", "categorical", None, None, False,
                   ("African-American", "Caucasian", "Hispanic", "Asian", "Other")),
                  ("sex", "categorical", None, None, False, ("Female", "Male")),
                  ("days_in_jail", "numeric", 0, 800, True, ())]},
    # a car insurer's claim classifier on a binarised table (one-hot vehicle type and region)
    "insure": {"labels": ["no claim", "claim"], "kind": "tabular", "ids": (1, 5000),
               "noun": "policyholder", "features": [
                   ("Age", "numeric", 18, 90, True, ()),
                   ("PriorClaims", "numeric", 0, 9, True, ()),
                   ("AnnualPremium", "numeric", 200, 5000, False, ()),
                   ("DrivingYearsLessThan2", "boolean", None, None, False, (0, 1)),
                   ("AnnualMileage_geq_15000", "boolean", None, None, False, (0, 1)),
                   ("VehicleAgeGreaterOrEqualThan10", "boolean", None, None, False, (0, 1)),
                   ("CreditScoreBelow600", "boolean", None, None, False, (0, 1)),
                   ("vehicletypeSedan", "boolean", None, None, False, (0, 1)),
                   ("vehicletypeSUV", "boolean", None, None, False, (0, 1)),
                   ("vehicletypeTruck", "boolean", None, None, False, (0, 1)),
                   ("vehicletypeSportsCar", "boolean", None, None, False, (0, 1)),
                   ("regionUrban", "boolean", None, None, False, (0, 1)),
                   ("regionSuburban", "boolean", None, None, False, (0, 1)),
                   ("regionRural", "boolean", None, None, False, (0, 1)),
                   ("HasGarage", "boolean", None, None, False, (0, 1)),
                   ("Married", "boolean", None, None, False, (0, 1))]},
}


# ---- loading -----------------------------------------------------------------------------------
def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def question_text(row: dict[str, Any]) -> str:
    if row.get("q_gen"):
        return str(row["q_gen"]["repeat"]) * int(row["q_gen"]["times"])
    return str(row.get("q") or "")


# ---- canonical comparison ----------------------------------------------------------------------
def _canon_value(key: str, value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() if key in VERBATIM else " ".join(value.lower().split())
    if isinstance(value, list):
        return [_canon_value(key, v) for v in value]
    if isinstance(value, dict):
        return {k: _canon_value(k, v) for k, v in sorted(value.items()) if v is not None}
    return value


def schema_of(target: str) -> Schema | None:
    """The target's feature schema (tools/tabular/schema.py), or None for a text model."""
    from saywhy.tools.tabular.schema import Feature, Schema

    spec = TARGETS.get(target, {})
    if not spec.get("features"):
        return None
    return Schema([Feature(name, kind, low=low, high=high, integer=integer, values=values)
                   for name, kind, low, high, integer, values in spec["features"]])


def _atoms(c: Any, schema: Schema) -> set[tuple[Any, ...]]:
    """One condition as atoms that equal conditions share: `between` as >= and <=, strict
    bounds of a whole-number feature as inclusive ones, a category (or yes/no) as the set of
    values it keeps."""
    f = schema[c.feature]
    if f.kind != "numeric":
        seen = {str(v).lower() for v in f.values}
        vals = {str(v).lower() for v in (c.value if c.op == "in" else [c.value])}
        if c.op == "!=" or c.negated:
            vals = seen - vals
        return {(f.name, "in", frozenset(vals))}
    if c.op == "between":
        return _atoms(c.model_copy(update={"op": ">=", "high": None}), schema) | _atoms(
            c.model_copy(update={"op": "<=", "value": c.high, "high": None}), schema)
    if c.op == "in":
        return {(f.name, "in", frozenset(float(v) for v in c.value))}
    v = float(c.value)
    if f.integer and c.op in (">", "<"):  # Age > 50 is Age >= 51 on whole numbers
        return {(f.name, c.op + "=", math.floor(v) + 1.0 if c.op == ">" else math.ceil(v) - 1.0)}
    if f.integer and c.op in (">=", "<="):
        return {(f.name, c.op, float(math.ceil(v) if c.op == ">=" else math.floor(v)))}
    return {(f.name, c.op, v)}


def canon_where(where: str, schema: Schema) -> Any:
    """`where` as a set of alternatives, each a set of atoms: order, spelling and equal forms
    ("Age between 30 and 39", "age >= 30 and age < 40") compare equal."""
    from saywhy.tools.tabular.conditions import parse_conditions

    try:
        groups = parse_conditions(where, schema)
        out = set()
        for g in groups:  # "x in (a, b) and y" is "x == a and y or x == b and y"
            options: list[list[Any]] = [[]]
            for c in g:
                if c.op == "in" and not c.negated:
                    options = [[*o, c.model_copy(update={"op": "==", "value": v})]
                               for o in options for v in c.value]
                else:
                    options = [[*o, c] for o in options]
            out |= {frozenset(a for c in o for a in _atoms(c, schema)) for o in options}
        return frozenset(out)
    except Exception:  # noqa: BLE001 -- an unreadable condition matches nothing
        return ("unreadable", " ".join(str(where).lower().split()))


def _feature_name(name: Any, schema: Schema) -> str:
    try:
        return schema.resolve(str(name))
    except Exception:  # noqa: BLE001 -- an unknown feature is compared as written
        return " ".join(str(name).lower().split())


def canon_edits(edits: list[Any], schema: Schema) -> frozenset[tuple[Any, ...]]:
    """Feature edits as a set of (feature, op, value), values read as the feature's kind
    (numbers as floats, yes/no and categories as the table's own values)."""
    out = set()
    for e in edits:
        e = e.model_dump() if hasattr(e, "model_dump") else dict(e)
        name, op, value = _feature_name(e.get("feature"), schema), e.get("op") or "set", e["value"]
        try:
            v = schema[name].value(value) if op == "set" else float(value)
            value = float(v) if isinstance(v, int | float) and not isinstance(v, bool) else str(v)
        except Exception:  # noqa: BLE001 -- compared as written
            value = str(value).lower()
        out.add((name, op, value))
    return frozenset(out)


def _canon_table_args(tool: str, args: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """The arguments of a table model's call that compare as sets, in their canonical form."""
    out: dict[str, Any] = {}
    if isinstance(args.get("where"), str):
        out["where"] = canon_where(args["where"], schema)
    if tool == "what_if" and isinstance(args.get("features"), list):
        out["features"] = canon_edits(args["features"], schema)
    for key in ("fixed", "features"):  # counterfactual `fixed`, interactions `features`
        if key not in out and isinstance(args.get(key), list):
            out[key] = frozenset(_feature_name(n, schema) for n in args[key])
    return out


def canon(calls: list[ToolCall] | list[dict[str, Any]],
          schema: Schema | None = None) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for c in calls:
        tool, args = (c.tool, c.args) if isinstance(c, ToolCall) else (c["tool"], c.get("args", {}))
        args = {k: v for k, v in sorted(args.items()) if v is not None}
        table = _canon_table_args(tool, args, schema) if schema is not None else {}
        out.append((tool, {k: table[k] if k in table else _canon_value(k, v)
                           for k, v in args.items()}))
    return out


def matches(plan: Plan, expect: dict[str, Any], schema: Schema | None = None) -> bool:
    if "any_of" in expect:
        return any(matches(plan, e, schema) for e in expect["any_of"])
    if expect.get("clarify"):
        return bool(plan.clarify) and not plan.calls
    if "reply" in expect:
        topic = expect["reply"]
        return (
            bool(plan.reply)
            and not plan.calls
            and (topic is True or str(topic).lower() in plan.reply.lower())
        )
    return (not plan.clarify and not plan.reply
            and canon(plan.calls, schema) == canon(expect["calls"], schema))


def expected_tools(expect: dict[str, Any]) -> list[str]:
    first = expect["any_of"][0] if "any_of" in expect else expect
    if "calls" in first:
        return list(dict.fromkeys(c["tool"] for c in first["calls"]))
    return ["(clarify)"] if first.get("clarify") else ["(reply)"]


def show_plan(plan: Plan) -> str:
    if plan.calls:
        return " ; ".join(f"{c.tool} {json.dumps(c.args, ensure_ascii=False)}" for c in plan.calls)
    return (
        f"CLARIFY {plan.clarify[:70]!r}" if plan.clarify else f"REPLY {(plan.reply or '')[:70]!r}"
    )


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


# ---- planners ----------------------------------------------------------------------------------
def target_of(row: dict[str, Any]) -> str:
    """The row's target: named by the fresh sets, or by `kind` in the older ones."""
    if row.get("target"):
        return str(row["target"])
    return "demo-lm" if row.get("kind") == "causal_lm" else "demo"


def make_planner(name: str, target: str) -> Any:
    """Any object with `.plan(text, state)`: the offline planner, or the LLM one when configured."""
    spec = TARGETS[target]
    kind, labels, ids = spec["kind"], spec["labels"], spec["ids"]
    n_items = ids[1] - ids[0] + 1 if ids else 0
    if name == "offline":
        from saywhy.agent.planner.offline import OfflinePlanner
        from saywhy.agent.planner.slots.feature_names import FeatureInfo

        features = [FeatureInfo(f[0], f[1], tuple(str(v) for v in f[5]))
                    for f in spec.get("features", [])]
        return OfflinePlanner(labels=labels, kind=kind, n_items=n_items or None, id_range=ids,
                              has_data=ids is not None, item_noun=spec.get("noun"),
                              features=features)
    if name == "llm":
        from saywhy.agent.llm import client_from_settings
        from saywhy.agent.planner.llm import LLMPlanner
        from saywhy.agent.settings import Settings

        settings = Settings()
        client = client_from_settings(settings)
        if client is None:
            raise SystemExit(
                "The llm planner needs SAYWHY_LLM (e.g. openai:gpt-4o-mini); none is set."
            )
        return LLMPlanner(
            client,
            labels=labels,
            kind=kind,
            n_items=n_items,
            fallback=None,
            model_name=settings.model,
        )
    raise SystemExit(f"unknown planner {name!r}; use offline or llm")


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


def _acc(rs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"n": len(rs), "exact": round(sum(r["ok"] for r in rs) / len(rs), 4) if rs else None}


def _pct(xs: list[float], q: float) -> float | None:
    ms = sorted(x * 1000 for x in xs)
    return round(ms[int(q * (len(ms) - 1))], 1) if ms else None


def summarise(
    rows: list[dict[str, Any]], latencies: list[float], cpu: list[float]
) -> dict[str, Any]:
    per_tool: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        for t in r["tools"]:
            per_tool[t].append(r)
    return {
        "overall": _acc(rows),
        "questions": _acc([r for r in rows if r["source"] == "questions"]),
        "dialogue_turns": _acc([r for r in rows if r["source"] == "dialogues"]),
        "followups": _acc([r for r in rows if r["followup"]]),
        "multi_call": _acc([r for r in rows if len(r["tools"]) > 1]),
        "per_target": {t: _acc([r for r in rows if r["target"] == t])
                       for t in sorted({r["target"] for r in rows})},
        "per_style": {s: _acc([r for r in rows if s in r["style"]])
                      for s in sorted({s for r in rows for s in r["style"]})},
        "per_tool": {t: _acc(rs) for t, rs in sorted(per_tool.items())},
        "per_intent": {i: _acc([r for r in rows if r.get("intent") == i])
                       for i in sorted({r["intent"] for r in rows if r.get("intent")})},
        "latency_ms": {
            "p50": _pct(latencies, 0.5),
            "p90": _pct(latencies, 0.9),
            "cpu_p50": _pct(cpu, 0.5),
            "cpu_p90": _pct(cpu, 0.9),
        },
        "misses": [r for r in rows if not r["ok"]],
    }


def print_report(res: dict[str, Any], name: str) -> None:
    def line(label: str, acc: dict[str, Any]) -> str:
        pct = "  n/a" if acc["exact"] is None else f"{100 * acc['exact']:5.1f}%"
        return f"  {label:<22} {pct}  (n={acc['n']})"

    print(f"Parse eval, planner={name}: exact match (tool names + key arguments)")
    for key in ("overall", "questions", "dialogue_turns", "followups", "multi_call"):
        print(line(key, res[key]))
    for group in ("per_target", "per_style", "per_intent"):
        if len(res[group]) > 1 or group != "per_target" and res[group]:
            print(f"  {group.replace('_', ' ')}:")
            for key, acc in res[group].items():
                print("  " + line(key, acc))
    print("  per tool (questions whose expected calls include it):")
    for tool, acc in res["per_tool"].items():
        print("  " + line(tool, acc))
    lat = res["latency_ms"]
    print(
        f"  planning latency: wall p50 {lat['p50']} ms, p90 {lat['p90']} ms; "
        f"CPU time of the planning thread p50 {lat['cpu_p50']} ms, p90 {lat['cpu_p90']} ms"
    )


def load_sets() -> dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Every set by name, in the order they are reported (in-sample first)."""
    from .fresh.split import is_holdout

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
