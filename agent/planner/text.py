"""Surface handling of a user message before any slot is read.

Quoted strings and text after a colon are user *data* (a review to classify, a word to find):
they are cut out and replaced by placeholders `«0»`, `«1»` ... so that neither the clause splitter
nor the intent classifier ever reads them as instructions. Lists and ranges ("3, 7 and 9",
"between 10 and 20", "shap and lime") are glued so that splitting a question into clauses on
"and" / "then" does not break them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUESTION_CHARS = 2000  # the part of a message read as a question (quotes are kept whole)

_QUOTE = re.compile(
    r'"(?P<d>[^"]+?)"'  # "double"
    r"|“(?P<c>[^”]+?)”"  # “curly”
    r"|‘(?P<s>[^’]+?)’"  # ‘curly single’
    r"|(?<![\w'])'(?P<a>(?=\S)[^\n]*?\S)'(?![\w'])"  # 'single', not an apostrophe
    r"|`(?P<b>[^`]+?)`",
    re.S,
)
PLACEHOLDER = re.compile(r"«(\d+)»")
_COLON = re.compile(r"^(?P<pre>[^:\n]{1,80}?[A-Za-z)?!])\s*:\s+(?P<post>\S.*)$", re.S)
# method / label / metric words that are often joined by "and" without starting a new request
_PAIR_WORDS = (
    r"shap|lime|occlusion|ig|integrated[ -]gradients?|gradient[s]? ?(?:x|times"
    r"|\*) ?input"
    r"|positive|negative|pos|neg|precision|recall|comprehensiveness|sufficiency"
    r"|layer \d+"
    r"|head \d+|train(?:ing)?|test|words?|tokens?"
)
_PAIR = re.compile(rf"\b({_PAIR_WORDS})\s+(and|or|&|vs\.?|versus|with)\s+({_PAIR_WORDS})\b", re.I)
_NUMLIST = re.compile(r"(?<![\w.])#?\d+(?:\s*,\s*#?\d+)*(?:\s*,?\s*(?:and|&)\s*#?\d+)(?![\w.])")
_NUMLIST_COMMA = re.compile(
    r"(?<![\w.])#?\d+(?:\s*,\s*#?\d+)+(?![\w.])"
    r"(?!\s*(?:most\s+)?(?:words?|tokens?|examples?|reviews?|mistakes?"
    r"|features?))"
)
_BETWEEN = re.compile(r"\bbetween\s+(\d+)\s+and\s+(\d+)", re.I)
_SPLIT = re.compile(
    r"\s*(?:,?\s+and\s+then\s+|,?\s+then\s+|;\s*|,?\s+and\s+also\s+|,?\s+and\s+|,?\s+plus\s+"
    r"|,?\s+&\s+|\?\s+(?=\w)|,\s*(?=(?:and\s+)?(?:predict|show|explain|classify|find|give|tell|what"
    r"|why|how|is|are|does|do|list|check|run|compare|describe|which|who)\b))",
    re.I,
)


_SCOPE = re.compile(
    r"(?:and\s+)?(?:among|of|within|from|out of|in)\s+(?:those|these|them|this subset)", re.I
)


@dataclass
class Masked:
    """A message with its data cut out: `question` holds placeholders for `quotes`."""

    raw: str
    question: str
    quotes: list[str] = field(default_factory=list)
    colon_index: int | None = None  # the quote that came from "...: text"

    def unmask(self, s: str) -> str:
        return PLACEHOLDER.sub(lambda m: self.quotes[int(m.group(1))], s)

    def for_classifier(self, s: str | None = None) -> str:
        s = self.question if s is None else s
        s = PLACEHOLDER.sub("'text'", s)
        return re.sub(r"\s+", " ", s).strip().lower()


def mask(text: str) -> Masked:
    """Cut quoted strings and colon-introduced text out of a message."""
    quotes: list[str] = []

    def _sub(m: re.Match[str]) -> str:
        inner = next(g for g in m.groups() if g is not None).strip()
        quotes.append(inner)
        return f"«{len(quotes) - 1}»"

    question = _QUOTE.sub(_sub, text)
    colon_index = None
    m = _COLON.match(question.strip())
    if m:
        pre, post = m.group("pre"), m.group("post").strip()
        words = pre.split()
        only_placeholder = PLACEHOLDER.fullmatch(post.rstrip("?.! ")) is not None
        if len(words) <= 10 and not only_placeholder and re.search(r"[A-Za-z]", post):
            quotes.append(PLACEHOLDER.sub(lambda q: quotes[int(q.group(1))], post))
            colon_index = len(quotes) - 1
            question = f"{pre} «{colon_index}»"
    if len(question) > MAX_QUESTION_CHARS:
        question = question[:MAX_QUESTION_CHARS]
    return Masked(raw=text, question=question, quotes=quotes, colon_index=colon_index)


def _glue(s: str) -> str:
    s = _BETWEEN.sub(lambda m: f"between {m.group(1)}~{m.group(2)}", s)
    s = _NUMLIST.sub(lambda m: re.sub(r"\s*(?:,|and|&)\s*", ",", m.group(0)), s)
    s = _NUMLIST_COMMA.sub(lambda m: re.sub(r"\s*,\s*", ",", m.group(0)), s)
    for _ in range(2):
        s = _PAIR.sub(lambda m: f"{m.group(1)}_{m.group(2)}_{m.group(3)}", s)
    return s


def unglue(s: str) -> str:
    """Undo `_glue` inside one clause (lists stay comma-joined; the extractors read that form)."""
    s = re.sub(r"(\S)_(and|or|&|vs\.?|versus|with)_(\S)", r"\1 \2 \3", s)
    s = re.sub(r"(\S)_(and|or|&|vs\.?|versus|with)_(\S)", r"\1 \2 \3", s)
    return s.replace("~", " and ")


def tidy(question: str) -> str:
    """The question with number lists normalised ("3, 7 and 9" -> "3,7,9"), as clauses see it."""
    return unglue(_glue(question))


def clauses(question: str) -> list[str]:
    """Split a (masked) question into clauses that may each ask for one tool."""
    parts = [p.strip(" ,;") for p in _SPLIT.split(_glue(question))]
    parts = [p for p in parts if p and re.search(r"\w", p)]
    merged: list[str] = []
    for part in parts:  # "among those, which mention X" is one request
        if merged and _SCOPE.fullmatch(merged[-1]):
            merged[-1] += ", " + part
        else:
            merged.append(part)
    return [unglue(p) for p in merged]


LETTER = re.compile(r"«([A-Z])»")


def to_letters(s: str) -> str:
    """«3» -> «D»: quote placeholders without digits, for the rules that read numbers."""
    return PLACEHOLDER.sub(lambda m: f"«{chr(65 + min(int(m.group(1)), 25))}»", s)


def quote_index(token: str) -> int | None:
    m = LETTER.fullmatch(token)
    return None if m is None else ord(m.group(1)) - 65


def words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", s.lower())
