"""Reading a reply to the numbered readings a clarifying answer offered.

When a question has close readings the conversation offers them as numbered choices; the next
message may pick one ("2", "the second one", or the reading's own words) or be a new question.
`Conversation` asks `pick` first on every turn that follows choices; what counts as a pick is a
small grammar of its own, kept here apart from the turn it serves.
"""

from __future__ import annotations

import re

from .planner.base import Choice

_ORDINALS = {"first": 1, "second": 2, "third": 3, "one": 1, "two": 2, "three": 3, "1st": 1,
             "2nd": 2, "3rd": 3}
_PICK = re.compile(r"^\W*(?:(?:ok|okay|yes|so|then|i\s+mean|i\s+meant|i\s+want|the|option|choice"
                   r"|reading|number|no\.?|nr\.?|#)[\s,:]*)*(\d|1st|2nd|3rd|first|second|third"
                   r"|one|two|three)\b\s*(?:one|option|choice|reading|please|pls|thanks)?\W*$",
                   re.I)
_WORDS = re.compile(r"[^\w#]+")


def picked_number(text: str) -> int | None:
    """The number a reply picks by ("2", "#2", "(2)", "option 2", "the second one", "2nd
    please"), or None when it is not a bare pick."""
    m = _PICK.match(text)
    if not m:
        return None
    raw = m.group(1).lower()
    return int(raw) if raw.isdigit() else _ORDINALS[raw]


def _plain(text: str) -> str:
    return " ".join(_WORDS.sub(" ", text.lower()).split())


def pick(text: str, choices: list[Choice]) -> Choice | None:
    """The reading `text` picks among the offered `choices`: by number ("2", "#2", "the second
    one"), by its words (any case and punctuation), or by the words before its comma when they
    name one reading only ("what the model says" for "What the model says, for item 12");
    None when it picks none (then it is a new question)."""
    if not choices:
        return None
    n = picked_number(text)
    if n is not None:
        return choices[n - 1] if 1 <= n <= len(choices) else None
    said = _plain(text)
    if not said:
        return None
    whole = [c for c in choices if _plain(c.text) == said]
    if whole:
        return whole[0]
    named = [c for c in choices if _plain(c.text.split(",")[0]) == said]
    return named[0] if len(named) == 1 else None
