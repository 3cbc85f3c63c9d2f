"""What-if edits read from a clause: replace / delete / insert, or a whole new text.

"replace 'dull' with 'gripping'", "what if 'slow' became 'deliberate'", "remove 'not'", "add 'very'
after 'was'", "X instead of Y" (replaces Y with X), "what if it said '...'" (a new text). Edit
words are quoted strings (placeholders) or single bare words.
"""

from __future__ import annotations

import re
from typing import Any

from ..read.masking import quote_index
from .clause_slots import Slots
from .patterns import consume

_T = r"(«[A-Z]»|[A-Za-z][\w'-]*)"
_BAD_BARE = {
    "it",
    "review",
    "the",
    "this",
    "that",
    "them",
    "item",
    "text",
    "a",
    "an",
    "is",
    "was",
    "i",
    "layer",
    "layers",
    "head",
    "heads",
    "word",
    "words",
    "token",
    "tokens",
    "label",
    "prediction",
    "mind",
}


def _val(tok: str, quotes: list[str]) -> str | None:
    qi = quote_index(tok)
    if qi is not None:
        return quotes[qi]
    return None if tok.lower() in _BAD_BARE else tok


def read_edits(s: Slots, quotes: list[str]) -> tuple[list[dict[str, Any]], str | None, set[int]]:
    """Edits and/or a whole new text (for the tool taking `edits`); returns the quote indexes
    they used."""
    w = s.work
    edits: list[tuple[int, dict[str, Any]]] = []
    used: set[int] = set()
    new_text = None

    def use(*toks: str) -> None:
        for t in toks:
            qi = quote_index(t)
            if qi is not None:
                used.add(qi)

    m = re.search(
        r"\b(?:said|says|read|reads|rewr\w+\s+(?:\w+\s+){0,3}?as|became|become"
        r"|with the text|(?:try|run|rerun|re-run|redo|score|rescore|re-score)\s+(?:it|this|that|again"
        r"|[a-z]+\s*#?\s*\d*)?\s*(?:as|with)"
        r"|(?:text|prompt|input|question)\s+(?:were|was|is|said|read)"
        r"|(?:it|review|text|this|that)\s+(?:were|was))\s+(«[A-Z]»)"
        r"(?!\s*(?:(?:instead of|in place of|rather than|in lieu of|after|before|for|to|given)\s+«"
        r"|where\b))",
        w,
        re.I,
    )
    if m and not re.search(
        r"\b(?:replace|change|swap|remove|delete|instead of|insert|add)\b", w[: m.start()], re.I
    ) and not re.search(r"»\s*$", w[: m.start()]):  # "'good' became 'great'" is an edit
        new_text = quotes[quote_index(m.group(1)) or 0]
        use(m.group(1))
        w = w[: m.start(1)] + " " * (m.end(1) - m.start(1)) + w[m.end(1) :]
    rules: list[tuple[str, str, tuple[int, int] | int]] = [
        (
            rf"\b(?:replace|replacing|change|changing|swap|swapping|switch|turn|substitute)\s+"
            rf"(?:the word\s+)?"
            rf"{_T}\s+(?:with|to|for|by|into)\s+{_T}",
            "replace",
            (1, 2),
        ),
        (
            rf"{_T}\s+(?:was|were|is|got|gets)\s+(?:replaced|swapped|changed)\s+(?:by|with|to|for)\s+{_T}",
            "replace",
            (1, 2),
        ),
        (
            r"(«[A-Z]»)\s+(?:became|becomes|become|turned into|was|were)\s+(«[A-Z]»)",
            "replace",
            (1, 2),
        ),
        (
            r"(«[A-Z]»)\s+(?:instead\s+of|rather\s+than|in\s+lieu\s+of)\s+(«[A-Z]»)",
            "replace",
            (2, 1),
        ),
        (
            r"(«[A-Z]»)\s+(?:in\s+place\s+of|where)\s+"
            rf"(?:(?:it|the\s+\w+|\w+\s*#?\d+)\s+(?:currently\s+|now\s+|originally\s+)?"
            rf"(?:says|has|reads|said|had)\s+)?{_T}",
            "replace",
            (2, 1),
        ),
        (r"\bwithout\s+(?:the (?:word|phrase|token)\s+)?(«[A-Z]»)", "delete", 1),
        (r"(«[A-Z]»)\s*(?:->|→|=>)\s*" + _T, "replace", (1, 2)),
        (
            rf"\b(?:add|insert|put|place|stick)\s+{_T}\s+(?:right\s+|just\s+|directly\s+"
            rf"|immediately\s+)?(?:after|following|behind)\s+{_T}",
            "insert",
            (2, 1),
        ),
        (rf"\bprepend\s+{_T}(?=\s+to\b)", "insert", 1),
        (
            rf"\b(?:add|insert|put|prepend)\s+{_T}\s+(?:at|to)\s+the\s+(?:start|beginning|front)",
            "insert",
            1,
        ),
        (
            rf"\b(?:remove|removing|delete|deleting|drop|dropping|take out|cut|erase|omit|strip"
            rf"|ablate|ablating|mask|masking)\s+"
            rf"(?:the (?:word|phrase|token)\s+)?"
            rf"{_T}",
            "delete",
            1,
        ),
        (
            rf"(?:the word\s+)?{_T}\s+(?:(?:were|was|is|got|gets)\s+)?"
            r"(?:deleted|removed|dropped|taken out|ablated|masked|gone)\b",
            "delete",
            1,
        ),
    ]
    # "change 'a' to 'b' and 'c' to 'd'": a second pair after a first edit
    rules.append((r"(?:\band\s+|,\s*)(«[A-Z]»)\s*(?:to|with|by|for|->|→)\s*(«[A-Z]»)", "replace-more",
                  (1, 2)))
    asks_why = re.search(r"\bwhy\b|\bhow come\b", w, re.I) is not None
    for pat, action, groups in rules:
        if asks_why and "rather" in pat:
            continue  # "why 'Paris' rather than 'London'?" contrasts two answers
        if action == "replace-more":
            if not edits:
                continue
            action = "replace"
        for m in re.finditer(pat, w, re.I):
            edit: dict[str, Any]
            if isinstance(groups, tuple):
                a, b = _val(m.group(groups[0]), quotes), _val(m.group(groups[1]), quotes)
                if a is None or b is None or a.lower() == b.lower():
                    continue
                use(m.group(groups[0]), m.group(groups[1]))
                edit = (
                    {"action": "replace", "target": a, "value": b}
                    if action == "replace"
                    else {"action": "insert", "target": a, "value": b}
                )
            else:
                a = _val(m.group(groups), quotes)
                if a is None:
                    continue
                use(m.group(groups))
                edit = (
                    {"action": "delete", "target": a}
                    if action == "delete"
                    else {"action": "insert", "target": None, "value": a}
                )
            if not any(e[1] == edit for e in edits):
                edits.append((m.start(), edit))
            w = consume(w, m)
    s.work = w
    return [e for _, e in sorted(edits, key=lambda x: x[0])], new_text, used
