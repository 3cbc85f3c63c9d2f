"""The fresh parse sets: which groups are hold-out, counts per side, and sanity checks.

    python -m saywhy.evals.parse.fresh.split

A group (all phrasings of one request, or one dialogue) is hold-out when
int(sha256("saywhy-holdout-v1:" + group).hexdigest(), 16) % 10 < 3 (about 30 %); the rest is the
development side. The rule was fixed before any tuning and must not change.

Checks (exit status 1 if any fails): every line parses and has the expected fields; every expected
tool is in the catalogue (`registry.names()` plus `sample`); every expected argument is a field of
that tool's arguments model and validates against it; labels and methods are the target's own label
names and canonical method ids; ids exist in the target's data; and no two questions are the same
after lower-casing, replacing quoted text with "…" and numbers with "#" -- within these sets, and
against every question of evals/parse/*.jsonl, tools/examples/*.yaml and prompts/examples.yaml.

`tabular_questions.jsonl` (table models, groups `tNNN`, same split rule) is checked the same way,
and also: every feature named (edits, `fixed`, interactions) is one of the target's features,
every `where` parses with the tools' own condition reader against the target's schema, every
edit value reads as its feature's kind, and no question equals (after the normalisation above)
any other question in the repository, the fresh text-model sets included.
"""
from __future__ import annotations

import sys
from collections import Counter

from .checks import (
    LABEL_ARGS,
    METHODS,
    SAMPLE_FIELDS,
    TABLE_TARGETS,
    TARGETS,
    VERBATIM,
    catalogue,
    check,
    check_calls,
    check_features,
    check_grounded,
    check_tabular,
)
from .overlap import QUOTED, existing_questions, normalise
from .sides import (
    DIALOGUES,
    HERE,
    PARSE,
    QUESTIONS,
    ROOT,
    SALT,
    TABULAR,
    is_holdout,
    load,
    load_jsonl,
    load_tabular,
    side,
)

# the split rule and loading (sides.py), the overlap check (overlap.py) and the checks
# (checks.py) are imported from here by other code
__all__ = [
    "DIALOGUES", "HERE", "LABEL_ARGS", "METHODS", "PARSE", "QUESTIONS", "QUOTED", "ROOT", "SALT",
    "SAMPLE_FIELDS", "TABLE_TARGETS", "TABULAR", "TARGETS", "VERBATIM", "catalogue", "check",
    "check_calls", "check_features", "check_grounded", "check_tabular", "existing_questions",
    "is_holdout", "load", "load_jsonl", "load_tabular", "normalise", "report", "report_tabular",
    "side",
]


def report_tabular() -> int:
    rows = load_tabular()
    groups: dict[str, Counter[str]] = {"dev": Counter(), "holdout": Counter()}
    per: dict[str, dict[str, Counter[str]]] = {
        k: {"dev": Counter(), "holdout": Counter()} for k in ("target", "intent", "style")}
    counted: set[str] = set()
    for r in rows:
        s = side(r["group"])
        if r["group"] not in counted:
            groups[s]["groups"] += 1
            groups[s][f"groups ({r['target']})"] += 1
        counted.add(r["group"])
        groups[s]["questions"] += 1
        groups[s]["follow-ups"] += bool(r.get("after"))
        groups[s]["any_of"] += "any_of" in r["expect"]
        per["target"][s][r["target"]] += 1
        per["intent"][s][r["intent"]] += 1
        for st in r["style"]:
            per["style"][s][st] += 1
    print("\nTable models: evals/parse/fresh/tabular_questions.jsonl (same hold-out rule)")
    _table("per side", groups, ["groups", "groups (table)", "groups (loans)",
                                "groups (churn)", "groups (credit)", "groups (recid)",
                                "groups (insure)", "groups (heart)", "groups (attrition)",
                                "groups (readmit)",
                                "questions",
                                "follow-ups", "any_of"])
    _table("questions per target", per["target"], list(TABLE_TARGETS))
    _table("questions per intent", per["intent"])
    _table("questions per style", per["style"])
    problems, overlaps = check_tabular()
    print(f"\nchecks (tabular): {len(problems)} problem(s)")
    for p in problems:
        print("  PROBLEM", p)
    print(f"overlaps with any other question in the repository or each other: {len(overlaps)}")
    for o in overlaps:
        print("  OVERLAP", o)
    return 1 if problems or overlaps else 0


# ---- report ------------------------------------------------------------------------------------
def _table(title: str, counts: dict[str, Counter[str]], order: list[str] | None = None) -> None:
    keys = order or sorted(set().union(*counts.values()), key=lambda k: (-sum(
        c[k] for c in counts.values()), k))
    print(f"\n{title:<22}{'dev':>7}{'holdout':>9}{'all':>7}")
    for k in keys:
        d, h = counts["dev"][k], counts["holdout"][k]
        print(f"  {k:<20}{d:>7}{h:>9}{d + h:>7}")


def report() -> int:
    qs, ds = load()
    groups: dict[str, set[str]] = {"dev": set(), "holdout": set()}
    rows: dict[str, Counter[str]] = {"dev": Counter(), "holdout": Counter()}
    targets_g: dict[str, Counter[str]] = {"dev": Counter(), "holdout": Counter()}
    targets_q: dict[str, Counter[str]] = {"dev": Counter(), "holdout": Counter()}
    intents: dict[str, Counter[str]] = {"dev": Counter(), "holdout": Counter()}
    styles: dict[str, Counter[str]] = {"dev": Counter(), "holdout": Counter()}
    for r in qs:
        s = side(r["group"])
        if r["group"] not in groups[s]:
            targets_g[s][r["target"]] += 1
        groups[s].add(r["group"])
        rows[s]["questions"] += 1
        targets_q[s][r["target"]] += 1
        intents[s][r["intent"]] += 1
        for st in r["style"]:
            styles[s][st] += 1
    dia: dict[str, Counter[str]] = {"dev": Counter(), "holdout": Counter()}
    for d in ds:
        s = side(d["group"])
        dia[s]["dialogues"] += 1
        dia[s]["turns"] += len(d["turns"])
        dia[s][f"dialogues ({d['target']})"] += 1

    print("Fresh parse sets: evals/parse/fresh/questions.jsonl + dialogues.jsonl")
    print(f"hold-out rule: int(sha256({SALT!r} + group), 16) % 10 < 3")
    side_counts = {s: Counter({"groups": len(groups[s]), **rows[s], **dia[s]}) for s in groups}
    _table("per side", side_counts, ["groups", "questions", "dialogues", "turns",
                                      "dialogues (demo)", "dialogues (topic)", "dialogues (lm)"])
    _table("groups per target", targets_g, ["demo", "topic", "lm"])
    _table("questions per target", targets_q, ["demo", "topic", "lm"])
    _table("questions per intent", intents)
    _table("questions per style", styles)

    problems, overlaps, turn_overlaps = check()
    print(f"\nchecks: {len(problems)} problem(s)")
    for p in problems:
        print("  PROBLEM", p)
    print(f"overlaps of single questions with each other or with existing questions: "
          f"{len(overlaps)}")
    for o in overlaps:
        print("  OVERLAP", o)
    print(f"dialogue turns equal to an existing question (reported, short follow-ups are "
          f"expected to recur): {len(turn_overlaps)}")
    for o in turn_overlaps:
        print("  TURN", o)
    status = 1 if problems or overlaps else 0
    return max(status, report_tabular())


if __name__ == "__main__":
    sys.exit(report())
