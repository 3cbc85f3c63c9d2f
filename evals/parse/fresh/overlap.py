"""Every question saywhy already has, normalised, so that a fresh question repeating one is found.

Two questions are the same after lower-casing, replacing quoted text with "…" and numbers with
"#": a fresh question that differs from an existing one only there would measure the planner on
a phrasing it was tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .sides import PARSE, ROOT, load_jsonl

QUOTED = re.compile(
    r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|(?<!\w)'(?:[^']|'(?=\w))*'(?!\w)"
)


def normalise(q: str) -> str:
    s = QUOTED.sub('"…"', q.lower())
    s = re.sub(r"\d+", "#", s)
    s = " ".join(s.split())
    return s.rstrip(" ?!.").strip()


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)


def existing_questions() -> dict[str, str]:
    """Normalised question -> where it comes from, for every question saywhy already has."""
    import yaml

    seen: dict[str, str] = {}

    def add(q: str, where: str) -> None:
        if isinstance(q, str) and q.strip():
            seen.setdefault(normalise(q), where)

    for name in ("questions.jsonl", "holdout_questions.jsonl"):
        for row in load_jsonl(PARSE / name):
            add(str(row.get("q") or ""), f"evals/parse/{name}")
    for name in ("dialogues.jsonl", "holdout_dialogues.jsonl"):
        for d in load_jsonl(PARSE / name):
            for t in d["turns"]:
                add(t["q"], f"evals/parse/{name}")
    for path in sorted((ROOT / "tools" / "examples").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in ("questions", "showcase"):
            for q in _strings(raw.get(key)):
                add(q, f"tools/examples/{path.name} {key}")
    raw = yaml.safe_load((ROOT / "prompts" / "examples.yaml").read_text(encoding="utf-8")) or {}
    for q in _strings(raw):
        add(q, "prompts/examples.yaml")
    return seen
