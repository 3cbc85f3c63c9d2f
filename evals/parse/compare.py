"""Exact-match comparison of planned calls with expected ones, in README.md's canonical form.

Strings compare lower-cased with spaces collapsed, except verbatim ones (texts, spans); a table
model's `where` compares as a set of conditions and its feature edits as a set of edits, after
reading both with the tools' own parsers against the target's schema, so equal requests written
differently match and a planner is not scored on spelling.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from saywhy.agent.planner.base import Plan, ToolCall

if TYPE_CHECKING:
    from saywhy.tools.tabular.schema import Schema

VERBATIM = {"text", "new_text", "similar_to", "span"}


def _canon_value(key: str, value: Any) -> Any:
    if isinstance(value, str):
        return value.strip() if key in VERBATIM else " ".join(value.lower().split())
    if isinstance(value, list):
        return [_canon_value(key, v) for v in value]
    if isinstance(value, dict):
        return {k: _canon_value(k, v) for k, v in sorted(value.items()) if v is not None}
    return value


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
