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


def boost(probs: dict[str, float], text: str) -> dict[str, float]:
    """Probabilities with the cue intents of `text` raised, renormalised."""
    out = dict(probs)
    for table, amount in ((STRONG, STRONG_BOOST), (CUES, BOOST)):
        for intent, rx in table.items():
            if intent in out and rx.search(text):
                out[intent] += amount
    total = sum(out.values()) or 1.0
    return {k: v / total for k, v in out.items()}
