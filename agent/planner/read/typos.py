"""Common misspellings fixed before a question is classified ("wy", "reveiw", "accuarcy").

Only whole words are replaced, and only outside quotes (the user's data keeps its spelling).
"""

from __future__ import annotations

import re

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


def fix_typos(text: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: TYPOS.get(m.group(0).lower(), m.group(0)), text)
