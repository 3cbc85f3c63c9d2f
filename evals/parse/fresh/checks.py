"""Sanity checks of the fresh parse sets: fields, tools, arguments, labels, ids, overlaps.

Every expected call must be one the app could make for the row's target (a catalogued tool,
arguments its model accepts, the target's own labels, canonical method ids, ids in its data),
verbatim arguments must come from the question, and table calls must name the target's features
and read with the tools' own parsers: an expectation no planner could meet would be a false miss.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from .overlap import existing_questions, normalise
from .sides import load, load_tabular

# their feature schemas: evals/parse/targets.py TARGETS
TABLE_TARGETS = ("table", "loans", "churn", "credit", "recid", "insure", "heart", "attrition",
                 "readmit")

TARGETS: dict[str, dict[str, Any]] = {
    "demo": {"labels": {"negative", "positive"}, "ids": range(0, 12808)},
    "topic": {"labels": {"billing", "technical issue", "account access"}, "ids": range(1001, 1401)},
    "lm": {"labels": None, "ids": range(0)},  # no data; labels are free tokens
    "table": {"labels": {"no diabetes", "diabetes"}, "ids": range(0, 768)},
    "loans": {"labels": {"rejected", "approved"}, "ids": range(1000, 2000)},
    "churn": {"labels": {"retained", "churned"}, "ids": range(1, 7044)},
    "credit": {"labels": {"bad risk", "good risk"}, "ids": range(0, 1000)},
    "recid": {"labels": {"low risk", "high risk"}, "ids": range(1, 7215)},
    "insure": {"labels": {"no claim", "claim"}, "ids": range(1, 5001)},
    "heart": {"labels": {"no heart disease", "heart disease"}, "ids": range(0, 918)},
    "attrition": {"labels": {"stays", "leaves"}, "ids": range(1, 1471)},
    "readmit": {"labels": {"not readmitted", "readmitted"}, "ids": range(1, 20001)},
}
METHODS = {"shap", "integrated_gradients", "gradient_x_input", "lime", "occlusion"}
SAMPLE_FIELDS = {"k", "label"}  # `sample` is checked by hand until it is registered
LABEL_ARGS = {"label", "contrast", "predicted"}
VERBATIM = {"text", "new_text", "similar_to", "span"}


def catalogue() -> dict[str, set[str] | None]:
    from saywhy.tools import registry

    tools: dict[str, set[str] | None] = {n: set(registry.get(n).fields) for n in registry.names()}
    tools.setdefault("sample", None)
    return tools


def _expect_calls(e: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "any_of" in e:
        for alt in e["any_of"]:
            yield from _expect_calls(alt)
    else:
        yield from e.get("calls", [])


def _check_expect(e: Any, where: str) -> list[str]:
    if not isinstance(e, dict):
        return [f"{where}: expect is not an object"]
    if "any_of" in e:
        if len(e["any_of"]) < 2:
            return [f"{where}: any_of with fewer than two readings"]
        return [p for alt in e["any_of"] for p in _check_expect(alt, where)]
    if e.get("clarify") is True or "reply" in e:
        return []
    if not isinstance(e.get("calls"), list) or not e["calls"]:
        return [f"{where}: expect has no calls, clarify or reply"]
    return []


def check_calls(calls: list[dict[str, Any]], target: str, where: str,
                tools: dict[str, set[str] | None]) -> list[str]:
    from saywhy.tools import registry

    problems = []
    info = TARGETS[target]
    for c in calls:
        name, args = c.get("tool"), c.get("args", {})
        if name not in tools:
            problems.append(f"{where}: unknown tool {name!r}")
            continue
        fields = tools[name]
        if fields is None:  # sample, not registered yet
            extra = set(args) - SAMPLE_FIELDS
            if extra:
                problems.append(f"{where}: sample has no argument(s) {sorted(extra)}")
        else:
            extra = set(args) - fields
            if extra:
                problems.append(f"{where}: {name} has no argument(s) {sorted(extra)}")
                continue
            try:
                registry.get(name).validate(args)
            except Exception as exc:  # noqa: BLE001 -- report, do not stop
                problems.append(f"{where}: {exc}")
        for key in ("method", "compare"):
            if key in args and args[key] not in METHODS:
                problems.append(f"{where}: {key} {args[key]!r} is not a canonical method id")
        if info["labels"] is not None:
            for key in LABEL_ARGS & set(args):
                if args[key] not in info["labels"]:
                    problems.append(f"{where}: {key} {args[key]!r} is not a {target} label")
        ids = [args["id"]] if isinstance(args.get("id"), int) else []
        raw = args.get("ids")
        if isinstance(raw, list):
            ids += raw
        elif isinstance(raw, str) and re.fullmatch(r"\d+-\d+", raw):
            ids += [int(x) for x in raw.split("-")]
        for i in ids:
            if i not in info["ids"]:
                problems.append(f"{where}: id {i} is not in the {target} data")
        if target == "lm" and (name in ("filter", "show", "similar", "describe_data", "keywords")
                               or "id" in args):
            problems.append(f"{where}: the lm target has no data for {name}")
    return problems


def check_grounded(calls: list[dict[str, Any]], context: str, where: str) -> list[str]:
    """Verbatim arguments (texts, spans, edit words) and ids must come from the question, an
    earlier turn, or the earlier calls given with `after`: nothing is made up."""
    problems = []
    low = context.lower()
    for c in calls:
        args = c.get("args", {})
        for key in VERBATIM:
            if isinstance(args.get(key), str) and args[key] not in context:
                problems.append(f"{where}: {key} {args[key]!r} is not in the question")
        for e in args.get("edits") or []:
            for key in ("target", "value"):
                if isinstance(e.get(key), str) and e[key].lower() not in low:
                    problems.append(f"{where}: edit {key} {e[key]!r} is not in the question")
        if isinstance(args.get("id"), int) and not re.search(rf"(?<!\d){args['id']}(?!\d)",
                                                              context):
            problems.append(f"{where}: id {args['id']} is not in the question")
        if isinstance(args.get("contains"), str) and args["contains"] not in low:
            problems.append(f"{where}: contains {args['contains']!r} is not in the question")
    return problems


def check_groups(by_group: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Each template group: 2-6 phrasings of one target."""
    problems = []
    for g, rows in by_group.items():
        if not 2 <= len(rows) <= 6:
            problems.append(f"group {g}: {len(rows)} phrasings (want 2-6)")
        if len({r["target"] for r in rows}) != 1:
            problems.append(f"group {g}: more than one target")
    return problems


def check() -> tuple[list[str], list[str], list[str]]:
    """(problems, overlaps of single questions, overlaps of dialogue turns)."""
    tools = catalogue()
    problems: list[str] = []
    qs, ds = load()
    for n, r in enumerate(qs, 1):
        where = f"questions.jsonl:{n}"
        missing = {"q", "expect", "group", "intent", "target", "style"} - set(r)
        if missing:
            problems.append(f"{where}: missing {sorted(missing)}")
            continue
        if r["target"] not in TARGETS:
            problems.append(f"{where}: unknown target {r['target']!r}")
            continue
        if not re.fullmatch(r"g\d{4}", r["group"]):
            problems.append(f"{where}: group {r['group']!r} is not gNNNN")
        if not isinstance(r["style"], list):
            problems.append(f"{where}: style is not a list")
        problems += _check_expect(r["expect"], where)
        problems += check_calls(list(_expect_calls(r["expect"])), r["target"], where, tools)
        if r.get("after"):
            problems += check_calls(r["after"], r["target"], where + " (after)", tools)
        context = r["q"] + "\n" + json.dumps(r.get("after") or [], ensure_ascii=False)
        problems += check_grounded(list(_expect_calls(r["expect"])), context, where)
    for n, d in enumerate(ds, 1):
        where = f"dialogues.jsonl:{n}"
        if set(d) != {"id", "group", "target", "turns"} or d["target"] not in TARGETS:
            problems.append(f"{where}: bad fields or target")
            continue
        if not 2 <= len(d["turns"]) <= 5:
            problems.append(f"{where}: {len(d['turns'])} turns (want 2-5)")
        for t, turn in enumerate(d["turns"], 1):
            w = f"{where} turn {t}"
            problems += _check_expect(turn["expect"], w)
            problems += check_calls(list(_expect_calls(turn["expect"])), d["target"], w, tools)
            context = "\n".join(x["q"] for x in d["turns"][:t])
            problems += check_grounded(list(_expect_calls(turn["expect"])), context, w)
    # groups: 2-6 phrasings, one target each
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in qs:
        by_group[r["group"]].append(r)
    problems += check_groups(by_group)

    # overlaps
    existing = existing_questions()
    overlaps, mine = _overlaps(qs, "questions.jsonl", existing, " (within the fresh set)")
    turn_overlaps: list[str] = []
    for d in ds:
        for t, turn in enumerate(d["turns"], 1):
            key = normalise(turn["q"])
            if key in existing:
                turn_overlaps.append(f"{d['id']} turn {t} {turn['q']!r} also in {existing[key]}")
            elif key in mine:
                turn_overlaps.append(f"{d['id']} turn {t} {turn['q']!r} = fresh {mine[key]}")
    return problems, overlaps, turn_overlaps


def check_features(calls: list[dict[str, Any]], target: str, where: str) -> list[str]:
    """Table calls: features are the target's, conditions parse, edit values read."""
    from saywhy.tools.tabular.conditions import parse_conditions

    from ..targets import schema_of

    schema = schema_of(target)
    assert schema is not None
    problems = []
    for c in calls:
        args = c.get("args", {})
        try:
            if isinstance(args.get("where"), str):
                parse_conditions(args["where"], schema)
            names = list(args.get("fixed") or [])
            if c.get("tool") == "interactions":
                names += list(args.get("features") or [])
            for name in names:
                if name not in schema.names:
                    problems.append(f"{where}: {name!r} is not a {target} feature as it is named")
            if c.get("tool") == "what_if":
                for e in args.get("features") or []:
                    if e["feature"] not in schema.names:
                        problems.append(f"{where}: {e['feature']!r} is not a {target} feature")
                        continue
                    f = schema[e["feature"]]
                    if e.get("op", "set") == "set":
                        f.value(e["value"])
                    elif f.kind != "numeric" or isinstance(e["value"], str):
                        problems.append(f"{where}: {e['op']} on {f.name} needs a number")
        except Exception as exc:  # noqa: BLE001 -- report, do not stop
            problems.append(f"{where}: {exc}")
    return problems


def _overlaps(rows: list[dict[str, Any]], name: str, existing: dict[str, str],
              within: str = "") -> tuple[list[str], dict[str, str]]:
    """Rows of file `name` equal (after `normalise`) to an earlier row of it or to a question
    in `existing`; and where each normalised question first stands."""
    overlaps: list[str] = []
    mine: dict[str, str] = {}
    for n, r in enumerate(rows, 1):
        key = normalise(r["q"])
        if key in mine:
            overlaps.append(f"{name}:{n} {r['q']!r} = {mine[key]}{within}")
        mine.setdefault(key, f"{name}:{n}")
        if key in existing:
            overlaps.append(f"{name}:{n} {r['q']!r} also in {existing[key]}")
    return overlaps, mine


def check_tabular() -> tuple[list[str], list[str]]:
    """(problems, overlaps) of tabular_questions.jsonl."""
    tools = catalogue()
    problems: list[str] = []
    rows = load_tabular()
    by_group: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for n, r in enumerate(rows, 1):
        where = f"tabular_questions.jsonl:{n}"
        missing = {"q", "expect", "group", "intent", "target", "style"} - set(r)
        if missing or r["target"] not in TABLE_TARGETS:
            problems.append(f"{where}: missing {sorted(missing)} or target not one of "
                            f"{TABLE_TARGETS}")
            continue
        by_group[r["group"]].append(r)
        if not re.fullmatch(r"t\d{3}", r["group"]):
            problems.append(f"{where}: group {r['group']!r} is not tNNN")
        if not isinstance(r["style"], list):
            problems.append(f"{where}: style is not a list")
        expected = list(_expect_calls(r["expect"]))
        problems += _check_expect(r["expect"], where)
        problems += check_calls(expected, r["target"], where, tools)
        problems += check_features(expected, r["target"], where)
        if r.get("after"):
            problems += check_calls(r["after"], r["target"], where + " (after)", tools)
            problems += check_features(r["after"], r["target"], where + " (after)")
        context = r["q"] + "\n" + json.dumps(r.get("after") or [], ensure_ascii=False)
        problems += check_grounded(expected, context, where)
    problems += check_groups(by_group)
    existing = existing_questions()
    qs, ds = load()
    for n, r in enumerate(qs, 1):
        existing.setdefault(normalise(r["q"]), f"fresh/questions.jsonl:{n}")
    for d in ds:
        for t, turn in enumerate(d["turns"], 1):
            existing.setdefault(normalise(turn["q"]), f"fresh/dialogues.jsonl {d['id']} turn {t}")
    overlaps, _ = _overlaps(rows, "tabular_questions.jsonl", existing)
    return problems, overlaps
