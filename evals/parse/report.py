"""The figures of one parse-eval set from its scored rows, and their printout.

Accuracy is reported overall and by the slices a planner tends to fail on differently (single
questions, dialogue turns, follow-ups, multi-call requests, per target, style, intent and tool),
with planning latency, wall and CPU time of the planning thread, apart from accuracy.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any


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
