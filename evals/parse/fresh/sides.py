"""The fresh parse sets' split: which side a group is on, and each side's rows.

A group (all phrasings of one request, or one dialogue) is hold-out when
int(sha256("saywhy-holdout-v1:" + group).hexdigest(), 16) % 10 < 3 (about 30 %); the rest is the
development side. The rule was fixed before any tuning and must not change: a hash of the group
id keeps every phrasing of a request on one side, so the hold-out side measures new requests.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PARSE = HERE.parent
ROOT = PARSE.parent.parent
QUESTIONS = HERE / "questions.jsonl"
DIALOGUES = HERE / "dialogues.jsonl"
TABULAR = HERE / "tabular_questions.jsonl"
SALT = "saywhy-holdout-v1:"


def is_holdout(group: str) -> bool:
    return int(hashlib.sha256((SALT + group).encode("utf-8")).hexdigest(), 16) % 10 < 3


def side(group: str) -> str:
    return "holdout" if is_holdout(group) else "dev"


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load(which: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(questions, dialogues) of one side ("dev" / "holdout") or of both (None)."""
    qs, ds = load_jsonl(QUESTIONS), load_jsonl(DIALOGUES)
    if which is None:
        return qs, ds
    return ([r for r in qs if side(r["group"]) == which],
            [d for d in ds if side(d["group"]) == which])


def load_tabular(which: str | None = None) -> list[dict[str, Any]]:
    """The table-model questions of one side ("dev" / "holdout") or of both (None)."""
    rows = load_jsonl(TABULAR)
    return rows if which is None else [r for r in rows if side(r["group"]) == which]
