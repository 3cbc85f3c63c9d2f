"""The words slots are read by: attribution methods and how people write them, label synonyms
and spellings, counts written as words, and `consume` (a read span blanked out so nothing reads
it twice). Kept apart from `reader.py`, which applies them clause by clause."""

from __future__ import annotations

import re

METHODS = ("shap", "integrated_gradients", "gradient_x_input", "lime", "occlusion")
METHOD_PATTERNS = [
    (
        "gradient_x_input",
        r"(?:gradients?|grad)\s*(?:x|×|\*|times)\s*inputs?|inputs?\s*(?:x|×|\*"
        r"|times)\s*"
        r"(?:gradients?|grad)|\bgxi\b|\bg\s*x\s*i\b",
    ),
    ("integrated_gradients", r"\bintegrated[\s_-]*gradients?\b|\big\b"),
    ("shap", r"\b(?:kernel|partition|deep)?[\s-]?shap(?:ley)?(?:\s+values?)?\b"),
    ("lime", r"\blime\b"),
    ("occlusion", r"\bocclusion\b|\bleave[\s-]*one[\s-]*out\b|\bloo\b|\berasure\b"),
]
UNKNOWN_METHODS = re.compile(
    r"\b(deeplift|deep lift|lrp|layer-?wise relevance|smoothgrad"
    r"|smooth ?grad"
    r"|grad-?cam|anchors?|tcav|vanilla gradients?"
    r"|guided backprop)\b",
    re.I,
)
SYNONYMS = {
    "positive": ("positive", "pos", "fresh", "favourable", "favorable", "thumbs up", "positively"),
    "negative": (
        "negative",
        "neg",
        "rotten",
        "unfavourable",
        "unfavorable",
        "thumbs down",
        "negatively",
    ),
}


def label_forms(label: str) -> list[str]:
    """How people write a label: "Technical_Issue" as "technical issue", "technical-issue",
    "technical issues" (any case; the spacing is matched loosely)."""
    base = " ".join(re.split(r"[\s_-]+", label.strip().lower()))
    forms = [base]
    if not base.endswith("s"):
        forms.append(base + "s")
    return forms


def spaced(form: str) -> str:
    """A label form as a pattern: its words joined by any spacing, hyphen or underscore."""
    return r"[\s_-]*".join(re.escape(p) for p in form.split())


USING = re.compile(r"\b(?:using|use|via|with|run|apply|try)\s+(?:the\s+)?([a-z][a-z0-9-]{2,})"
                    r"(?=\s*(?:method|explainer|attributions?|technique|algorithm|instead|[?.!]|$))",
                    re.I)


def unknown_word(word: str) -> bool:
    from ..read.typos import vocabulary

    return word.lower() not in vocabulary()[0]


NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split()) if i >= 2}
# "two random tickets", "the three most important words": a count in words
NUMBER_WORD = re.compile(rf"\b({'|'.join(NUMBERS)})\b(?=\s+(?:[a-z]+\s+){{0,2}}?[a-z]+s\b)", re.I)


def consume(work: str, m: re.Match[str]) -> str:
    return work[: m.start()] + " " * (m.end() - m.start()) + work[m.end() :]
