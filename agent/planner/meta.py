"""Replies that need no tool: definitions (prompts/definitions.md), greetings, and polite
answers to unusable input (empty, emoji-only, gibberish, non-English, far too long)."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

_ENGLISH = set(
    """the a an is are was were what why how which who of for to in on and or you your me my
it its this that these those do does did can could would will should with show explain predict
tell give find list about model review reviews words word text data accuracy if not no yes please
i we be been have has top most much many any some all mistakes similar attention layer help
hi hello thanks thank ok okay hey""".split()
)
_KNOWN = re.compile(
    r"\b(?:shap|lime|occlusion|ig|logit|counterfactual|rollout|keywords?|filter"
    r"|reset"
    r"|predict\w*|classif\w*|accura\w*|attribut\w*|explain\w*|faithful\w*|review"
    r"|item|id)\b",
    re.I,
)
HELP = (
    'You can ask, for example: "what does the model predict for review 12?", "why?", '
    '"explain it with integrated gradients", "what would make it positive?", "how accurate '
    'are you on reviews that mention the acting?" or "what can you do?".'
)


def help_text() -> str:
    return HELP


def unusable_reply(text: str, max_chars: int) -> str | None:
    """A polite answer for input no planner can use, else None."""
    if text is None or not str(text).strip():
        return "Ask me something about the model. " + HELP
    if len(text) > max_chars:
        return (
            f"That message is {len(text):,} characters long; I can read at most {max_chars:,}. "
            "To analyse a long text, send a shorter excerpt, e.g. `predict: <text>`."
        )
    if not re.search(r"[^\W_]", text):
        return "I can only read words, not emoji or symbols on their own. " + HELP
    letters = re.findall(r"[^\W\d_]", text)
    if letters and sum(1 for ch in letters if ord(ch) > 0x24F) / len(letters) > 0.5:
        return "I only understand questions in English so far. " + HELP
    return None


_FOREIGN = set(
    """el la los las es por qué que porque está son una un del con para como pero der die das ist
und nicht warum wie was ein eine ich sie es bitte mit für auf le les est une des pourquoi
quoi avec pour dans sur il elle très il lo gli è perché che di per non sono questo o não é
um uma""".split()
)


def english_enough(normalised: str) -> bool:
    """False when a message reads as another language (foreign function words, no English)."""
    toks = re.findall(r"[^\W\d_]+(?:'[a-z]+)?", re.sub(r"'text'", " ", normalised))
    english = sum(1 for t in toks if t in _ENGLISH or t.split("'")[0] in _ENGLISH)
    foreign = sum(1 for t in toks if t in _FOREIGN)
    if english or _KNOWN.search(normalised):
        return foreign <= english + 1
    return foreign == 0


def greeting_reply(text: str) -> str:
    low = text.lower()
    if re.search(r"\bthank|\bcheers\b|\bthx\b", low):
        return "You're welcome! Ask me anything else about the model."
    if re.search(r"\bbye\b|\bgoodbye\b|\bsee you\b", low):
        return "Goodbye! Your conversation is kept, so you can pick it up later."
    if re.search(r"\b(?:hi|hello|hey|good (?:morning|afternoon|evening))\b", low):
        return "Hello! I explain a text model's predictions. " + HELP
    return "OK. " + HELP


def out_of_scope_text() -> str:
    return (
        "I can only answer questions about the model and its data, with my explanation tools. "
        "If you meant that as a text to classify, say `predict: <your text>`. " + HELP
    )


@lru_cache(maxsize=1)
def definitions() -> list[tuple[str, list[str], str]]:
    """(key, aliases, text) for every section of prompts/definitions.md."""
    try:
        raw = resources.files("saywhy.prompts").joinpath("definitions.md").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return []
    out = []
    for block in re.split(r"^## ", raw, flags=re.M)[1:]:
        head, _, body = block.partition("\n")
        names = [n.strip().lower() for n in head.split("|") if n.strip()]
        text = " ".join(body.split())
        if names and text:
            out.append((names[0], names[1:] + [names[0].replace("_", " ")], text))
    return out


def find_terms(text: str) -> list[str]:
    """Keys of the defined terms a text mentions (longest alias wins; at most two)."""
    low = text.lower()
    hits: list[tuple[int, int, str]] = []
    for key, aliases, _ in definitions():
        for alias in aliases:
            for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", low):
                hits.append((m.start(), m.end(), key))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    keys: list[str] = []
    end = -1
    for start, stop, key in hits:
        if start >= end and key not in keys:
            keys.append(key)
            end = stop
        elif start < end:
            continue
    return keys[:2]


def define_reply(text: str) -> str | None:
    keys = find_terms(text)
    if not keys:
        return None
    bodies = {key: body for key, _, body in definitions()}
    return "\n\n".join(bodies[k] for k in keys)


def defined_methods(text: str) -> list[str]:
    from .slots import METHODS

    return [k for k in find_terms(text) if k in METHODS]
