"""Keyword cues: domain words that shift the classifier's intent distribution.

The embedding classifier knows how questions are shaped; these cues know the vocabulary of the
tools ("logit lens", "counterfactual", "accuracy", "keywords" ...), which a small bank cannot
teach for every phrasing. Each matching cue adds `STRONG_BOOST` (tool vocabulary such as
"logit lens") or `BOOST` (words that merely lean one way) to its intent before renormalising.
"""

from __future__ import annotations

import re

BOOST = 0.2
STRONG_BOOST = 1.0
TYPOS = {
    "wy": "why",
    "wat": "what",
    "wht": "what",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "modle": "model",
    "moddel": "model",
    "teh": "the",
    "thx": "thanks",
    "prediciton": "prediction",
    "predicton": "prediction",
    "expalin": "explain",
    "explian": "explain",
    "reveiw": "review",
    "reviw": "review",
    "accuarcy": "accuracy",
    "acuracy": "accuracy",
    "simmilar": "similar",
    "similiar": "similar",
    "attenion": "attention",
    "shw": "show",
    "r": "are",
    "y": "why",
    "dont": "don't",
    "doesnt": "doesn't",
    "whats": "what's",
}

# The planner's own intents (not tools) and their vocabulary; the tools' cue words come from the
# catalogue (tools/examples/<tool>.yaml), so a new tool brings its own.
_STRONG = {
    "reset": r"\breset\b|\bclear (?:the |all )?(?:filters?|subset|selection)\b|\bstart over\b"
    r"|\bback to all\b|\bremove (?:the |all )?filters?\b|\bundo the filter\b",
}
_WEAK = {
    "define": r"^(?:what is|what's|what are|define|definition of|explain what|how does \w+ work)\b"
    r"|\bwhat does \w+(?: \w+)? mean\b|\bdifference between\b",
    "next_page": r"^(?:next|more|next page|show more|continue)\b",
    "complement": r"\bthe others\b|\bthe rest\b|\bthe remaining\b|\bones that don'?t\b",
    "reset": r"\breset\b|\bclear (?:the )?(?:filters?|subset|selection)\b|\bstart over\b"
    r"|\bback to all\b|\bremove the filter\b",
}


def _tool_cues(strength: str) -> dict[str, str]:
    from saywhy.tools import registry

    found = {}
    for t in registry.all_tools():
        patterns = t.text.strong if strength == "strong" else t.text.weak
        if patterns:
            found[t.name] = "|".join(patterns)
    return found


STRONG = {intent: re.compile(rx, re.I) for intent, rx in (_tool_cues("strong") | _STRONG).items()}
CUES = {intent: re.compile(rx, re.I) for intent, rx in (_tool_cues("weak") | _WEAK).items()}


def fix_typos(text: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: TYPOS.get(m.group(0).lower(), m.group(0)), text)


def boost(probs: dict[str, float], text: str) -> dict[str, float]:
    """Probabilities with the cue intents of `text` raised, renormalised."""
    out = dict(probs)
    for table, amount in ((STRONG, STRONG_BOOST), (CUES, BOOST)):
        for intent, rx in table.items():
            if intent in out and rx.search(text):
                out[intent] += amount
    total = sum(out.values()) or 1.0
    return {k: v / total for k, v in out.items()}
