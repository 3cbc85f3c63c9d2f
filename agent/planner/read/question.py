"""The read stage: a raw message in, a question with its data cut out and split into clauses
out, or a polite answer when the message cannot be a question (empty, emoji, gibberish, far too
long, not English). Nothing later in the planner looks at the raw text again except as data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..base import Plan
from .clauses import clauses
from .guards import english_enough, unusable_reply
from .masking import Masked, mask
from .replies import help_text
from .typos import fix_typos, vocabulary


@dataclass
class Question:
    """A message read as a question: `masked` holds it with placeholders for the user's data,
    `parts` its clauses (one when it is a single request)."""

    masked: Masked
    parts: list[str]

    @property
    def text(self) -> str:
        """The question as the classifier and the definition lookup read it (quotes as 'text')."""
        return self.masked.for_classifier()


def gibberish(normalised: str, known: Iterable[str] = ()) -> bool:
    """True when no word of the message is a word at all ("qwertyuiop", "asdf ghjk")."""
    if re.search(r"\d|'text'", normalised):
        return False
    found = re.findall(r"[a-z]+", normalised)
    if not found or any(len(w) < 3 for w in found):
        return False
    words, extra = vocabulary()[0], set(known)
    return not any(w in words or w in extra for w in found)


def read_question(text: str, max_chars: int, known: Iterable[str] = (),
                  labels: tuple[str, ...] = (), features: tuple[str, ...] = ()) -> Question | Plan:
    """The message as a question, or the answer to give instead of planning."""
    bad = unusable_reply(text, max_chars)
    if bad is not None:
        return Plan(clarify=bad, intent="unusable", confidence=0.0)
    masked = mask(text.strip(), colon_text=not features)
    foreign = not english_enough(masked.for_classifier())  # before typos: "warum" is no "warm"
    masked.question = fix_typos(masked.question, known)
    if gibberish(masked.for_classifier(), known):
        return Plan(clarify="I could not read that as a question. " + help_text(),
                    intent="unusable", confidence=0.0)
    if foreign:
        return Plan(
            clarify="I only understand questions in English so far. " + help_text(),
            intent="non_english",
            confidence=0.0,
        )
    parts = clauses(masked.question, labels, features)
    return Question(masked=masked, parts=parts or [masked.question])
