"""The last stage: questions back for what does not exist or does not fit, before a plan leaves.

A clause naming an id outside the data (or any id with no data), a label the target does not
have or an attribution method saywhy does not run gets a clarifying question; so does a call of
a tool that does not work on the target's kind (the catalogue says which kinds each tool fits).
The arguments themselves are validated once, where the calls run (`Conversation._run`, against
each tool's args model): a `ToolArgsError` there becomes a question back, not a crash.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .base import Plan
from .catalogue import catalogue
from .read.replies import help_text
from .slots.clause import Clause, clarify

# conditions on the items that no selector argument expresses (dates, authors, other columns)
_UNAPPLIED = re.compile(
    r"\b(?:from|in|since|before|after|during)\s+(?:19|20)\d\d\b"
    r"|\b(?:written|posted|opened|created|published|submitted|sent|filed|reviewed)\s+(?:by|in|on|last"
    r"|this|before|after|since|during)\b[\w ]{0,20}"
    r"|\b(?:last|this|previous|past)\s+(?:week|month|year|quarter)\b"
    r"|\bwith\s+(?:a\s+|the\s+)?(?:priority|status|rating|score|stars?|date|author|user|customer|language"
    r"|country|region|tag)\b[\w ]{0,15}"
    r"|\bin\s+(?:french|german|spanish|italian|portuguese|dutch|chinese|japanese)\b"
    r"|\b(?:premium|vip|enterprise|free|paying|new|returning)\s+(?:customers?|users?|accounts?)\b",
    re.I,
)


@dataclass(frozen=True)
class Known:
    """What exists for the loaded target and data."""

    labels: Sequence[str]
    kind: str
    id_range: tuple[int, int] | None
    has_data: bool


def validate(plan: Plan, clauses: list[Clause], known: Known) -> Plan:
    """`plan`, or a question back about the first clause naming something that does not exist,
    or about the first call whose tool does not fit the target's kind."""
    for c in clauses:
        found = problem(c, known)
        if found:
            return clarify(found, c)
    cat = catalogue()
    for call in plan.calls:
        if call.tool in cat.needs_data and not known.has_data:
            return Plan(
                clarify="There is no dataset loaded, so there is nothing to look up; quote a "
                "text instead. " + help_text(),
                intent=plan.intent,
                confidence=plan.confidence,
            )
        if not cat.fits(call.tool, known.kind):
            kinds = " or ".join(k.replace("_", " ") for k in sorted(cat.kinds[call.tool]))
            return Plan(
                clarify=f"{call.tool.replace('_', ' ')} works on {kinds} models, and this one "
                f"is a {known.kind.replace('_', ' ')}. " + help_text(),
                intent=plan.intent,
                confidence=plan.confidence,
            )
    return plan


def problem(c: Clause, known: Known) -> str | None:
    """A clarifying question when the clause names something that does not exist."""
    cat = catalogue()
    labels, id_range, has_data = known.labels, known.id_range, known.has_data
    s = c.slots
    ids = [s.id] if s.id is not None else []
    ids += [i for i in (c.input.get("id"),) if i is not None]
    if isinstance(s.ids, list):
        ids += s.ids
    elif isinstance(s.ids, str):
        ids += [int(x) for x in s.ids.split("-")]
    if s.id_problem is not None:
        return s.id_problem
    unsaid = getattr(c.features, "unsaid", None)
    if unsaid:  # "mileage over 20000" on a table that only says "at least 15000"
        return str(unsaid[0])
    if s.bad_id is not None:
        if not has_data:
            return "There is no dataset loaded, so ids mean nothing here; quote a text instead."
        span = f" from {id_range[0]} to {id_range[1]}" if id_range else ""
        return (f'"{s.bad_id}" names no {{item}}: ids are whole numbers{span}. '
                "Which one did you mean?")
    keys = [i for i in ids if isinstance(i, int)]  # a name ("CASE-7") is looked up by the tool
    if id_range and any(not id_range[0] <= i <= id_range[1] for i in keys):
        bad = next(i for i in keys if not id_range[0] <= i <= id_range[1])
        return (
            f"There is no {{item}} {bad}: ids run from {id_range[0]} to {id_range[1]}. "
            f"Which one did you mean?"
        )
    if ids and not has_data and (cat.takes(c.intent, "id") or cat.takes(c.intent, "ids")):
        return "There is no dataset loaded, so ids mean nothing here; quote a text instead."
    about_items = cat.scope.get(c.intent) in ("input", "dataset") or c.intent == "repeat"
    unapplied = _UNAPPLIED.search(c.text) if cat.scope.get(c.intent) == "dataset" else None
    if unapplied and not any(unapplied.group(0).lower() in str(v).lower()
                             for v in c.criteria.positive.values()):
        split = ", split" if c.split or cat.takes(cat.selector, "split") else ""
        return (f'I cannot select {{items}} by "{unapplied.group(0).strip()}": only by gold or '
                f"predicted label, right or wrong, words they contain, length{split} or ids. "
                "Which did you mean?")
    if s.foreign_label and about_items and not c.features.edits:  # ("make the duration 12
        # months" names a value, not a label)
        return (
            f'The model has no label "{s.foreign_label}"; its labels are '
            f"{', '.join(labels)}. Which did you mean?"
        )
    if s.unknown_method and not s.methods and c.intent != "define":
        return (
            f"I can't run {s.unknown_method}; the attribution methods here are SHAP, "
            f"integrated gradients, gradient x input, LIME and occlusion. Which one should I use?"
        )
    return None
