"""Short forms of a table's names and values that people type: a long name word's note form
("dept"), a long value's initials ("HR", "R&D") and the words a category coded in capitals
stands for ("asymptomatic" for ASY). Kept apart from `feature_names.py`, which gathers every
form of a table; the planner's own words (`bank_words`) keep these from matching ordinary
questions ("total accuracy" is no "TA").
"""

from __future__ import annotations

from .name_forms import _SEX


def initials(value: str) -> set[str]:
    """"hr" of "human resources", "r&d" and "r and d" of "research & development"."""
    words = [w for w in value.replace("&", " & ").split() if w not in ("&", "and", "of", "the")]
    if len(words) < 2:
        return set()
    letters = [w[0] for w in words]
    return {"".join(letters), " & ".join(letters), "&".join(letters), " and ".join(letters)}


def common(letter: str) -> str:
    """The words the planner's own questions use that start with `letter`, as alternatives
    ("total", "training", "their" for t): no word of a code or an acronym."""
    from ..read.typos import bank_words

    return "|".join(sorted(w for w in bank_words() if w.startswith(letter))) or "(?!x)x"


def code_forms(value: str) -> list[str]:
    """A category coded in 2-4 capitals said in words: "asymptomatic" for "ASY", "typical
    angina" for "TA", "atypical angina" for "ATA", "non-anginal pain" for "NAP". The code is
    cut into the starts of consecutive words (a one-letter start begins a word of 4+ letters, or
    "non"; not all of them words the planner's own questions use); a code of two letters needs
    two words of 5+ letters, so "total accuracy" and "than average" are no "TA"."""
    if not (value.isalpha() and value.isupper() and 2 <= len(value) <= 4) or value.lower() in _SEX:
        return []
    out = []
    for cuts in range(1 << (len(value) - 1)):
        bounds = [0, *(i for i in range(1, len(value)) if cuts >> (i - 1) & 1), len(value)]
        pieces = [value[a:b].lower() for a, b in zip(bounds, bounds[1:], strict=False)]
        if len(value) == 2 and len(pieces) != 2:
            continue
        rest = 4 if len(value) == 2 else 3
        words = [rf"{p}[a-z]{{2,}}" if len(p) > 1 else r"(?:non|n[a-z]{3,})" if p == "n"
                 else rf"{p}[a-z]{{{rest},}}" for p in pieces]
        ordinary = r"(?!" + r"[\s-]+".join(f"(?:{common(p)})" for p in pieces) + r"\b)"
        out.append(r"\b" + (ordinary if len(pieces) > 1 else "") + r"[\s-]+".join(words) + r"\b")
    return out


def abbreviations(word: str) -> set[str]:
    """How a long name word is shortened in notes: "dept" of department, "dist" of distance
    (not a word the planner's own questions use, such as "pred")."""
    if len(word) < 7 or not word.isalpha():
        return set()
    from ..read.typos import bank_words

    return {a for a in (word[:3] + word[-1], word[:4]) if a not in bank_words()}
