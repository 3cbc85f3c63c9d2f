"""The requests in a question: the whole question and each of its clauses classified (embedding
classifier, then the cue words' boost), and the clauses that ask for a tool of their own kept
apart while the rest join their neighbour ("predict review 12 and explain it with shap" is two
requests; "show the reviews that mention plot and acting" is one)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..catalogue import catalogue
from ..read.clauses import tidy
from ..read.masking import PLACEHOLDER, words
from ..read.question import Question
from ..slots.clause import FILLER
from .classifier import IntentClassifier, Prediction, classifier_text
from .cues import STRONG, boost

CLAUSE_MIN = 0.3
_STATEMENT = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|but|well|honestly|actually)\W+)*(?:(?:i|i'm|im|i've|i'd|we|we're"
    r"|the team|a customer|someone|people)\b|(?:my|our)(?:\s+[a-z]+){0,2}\s+(?:says?|said|claims?"
    r"|thinks?|insists?|believes?|asked|suspects?|reckons?)\b|(?:before|after|since|because"
    r"|although|though|while)\b)"
    r"(?!.*\b(?:want|like|love|need|wonder\w*|curious|know|see|ask|show|tell|explain|understand)\b)",
    re.I,
)
_ABOUT_MODEL = re.compile(r"\b(?:model|classifier|you|your|saywhy|system|tool|trained|architecture"
                          r"|labels?|categories|classes|capabilit\w*|able|can do|help)\b", re.I)  # a clause needs this much to count as a request of its own
MODIFIERS = set(
    "overall globally generally general please too again instead also thanks ok okay so "
    "then now in across whole entire all everything dataset set here there test train training "
    "held out split part portion".split()
)


@dataclass
class Requests:
    """(clause text, intent, probability) per request, and the ranking for the whole question."""

    groups: list[tuple[str, str, float]]
    ranked: list[tuple[str, float]]


def fitting(probs: dict[str, float], text: str, kind: str | None) -> dict[str, float]:
    """The probabilities without the tools that do not run on this kind of target (attention
    for a table model), unless the question names the tool's own vocabulary: then it is asked
    for, and the answer says it does not fit."""
    if kind is None:
        return probs
    cat = catalogue()
    out = {k: v for k, v in probs.items() if k not in cat.names or cat.fits(k, kind)
           or (k in STRONG and STRONG[k].search(text))}
    total = sum(out.values())
    return {k: v / total for k, v in out.items()} if total > 0 else probs


def requests(question: Question, classifier: IntentClassifier,
             kind: str | None = None) -> Requests:
    """Classify the question and its clauses in one batch and group the clauses into requests
    (for `kind`, only among the tools that fit that kind of target)."""
    parts, masked = question.parts, question.masked
    texts = [classifier_text(masked.question)] + (
        [classifier_text(p) for p in parts] if len(parts) > 1 else []
    )
    preds = [
        Prediction.of(fitting(boost(p.probs, t), t, kind))
        for p, t in zip(classifier.predict(texts), texts, strict=True)
    ]
    whole = preds[0]
    groups = clause_groups(parts, preds[1:]) if len(parts) > 1 else []
    if len(groups) < 2:
        groups = [(tidy(masked.question), whole.intent, whole.prob)]
    return Requests(groups=groups, ranked=whole.ranked)


def clause_groups(parts: list[str], preds: list[Prediction]) -> list[tuple[str, str, float]]:
    """Clauses with a confident tool intent of their own; the rest join their neighbour.

    Returns [] when fewer than two distinct requests remain (the question is then read whole).
    """
    tools = catalogue().names
    groups: list[list[Any]] = []
    for part, p in zip(parts, preds, strict=True):
        wordy = any(
            w not in FILLER and w not in MODIFIERS and not w.isdigit()
            for w in words(PLACEHOLDER.sub(" ", part))
        )
        strong = p.intent in tools and p.prob >= CLAUSE_MIN and wordy
        if strong and catalogue().scope.get(p.intent) == "model" and not _ABOUT_MODEL.search(part):
            strong = False  # "... and let me know what comes out": no question about the model
        if strong and _STATEMENT.search(PLACEHOLDER.sub(" ", part)):
            strong = False  # "I honestly think it's a positive review": context, not a request
        if groups and (not strong or groups[-1][1] == p.intent or not groups[-1][3]):
            if strong and not groups[-1][3]:
                groups[-1][1:4] = [p.intent, p.prob, True]
            groups[-1][0] += " and " + part
            continue
        groups.append([part, p.intent, p.prob, strong])
    confident = [g for g in groups if g[3]]
    if len(confident) < 2 or len({g[1] for g in confident}) < 2:
        return []
    return [(tidy(g[0]), g[1], g[2]) for g in groups]
