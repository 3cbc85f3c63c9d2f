"""Replies that need no tool: definitions (prompts/definitions.md), greetings, the help line and
the answer to a request outside the tools."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

# `{examples}` is filled with the target's own words (see words.py) when the plan leaves.
HELP = "You can ask, for example: {examples}."


def help_text() -> str:
    return HELP


def greeting_reply(text: str) -> str | None:
    low = text.lower()
    if re.search(r"\bthank|\bcheers\b|\bthx\b", low):
        return "You're welcome! Ask me anything else about the model."
    if re.search(r"\bbye\b|\bgoodbye\b|\bsee you\b", low):
        return "Goodbye! Your conversation is kept, so you can pick it up later."
    if re.search(r"\b(?:hi|hiya|hey|heya|hello|howdy|yo|greetings|good (?:morning|afternoon|evening|day)"
                 r"|morning|evening)\b", low):
        return "Hello! I explain a text model's predictions. " + HELP
    if re.search(r"\b(?:ok|okay|cool|great|nice|got it|i see|alright|fine|sure)\b", low):
        return "OK. " + HELP
    return None


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
