"""The user's data cut out of a message before anything reads it as a question.

Quoted strings and text after a colon are user *data* (a review to classify, a word to find):
they are cut out and replaced by placeholders `«0»`, `«1»` ... so that neither the clause splitter
nor the intent classifier ever reads them as instructions. The slot rules see the placeholders as
letters (`«A»`), so that a quote's number is never read as an id or a count.
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
_QUOTE_THEN_ASK = re.compile(r"«\d+»\s*[.!?]*\s*(?:[\w']+[\s,]*){0,6}[?.!]*\s*")
_NAMES_ITEM = re.compile(r"(?:\b[a-z]+\s*#?\s*|#\s*)\d+\b", re.I)
_DATA_INTRO = re.compile(
    r"\b(?:classify|predict\w*|explain|analy[sz]e|score|run|text|prompt|this|these|that|sentence"
    r"|review|ticket|message|case|item|example|input|ask|feed|send|complete|continue|generate|route"
    r"|label|tag|check|what about|how about|try|says?|said|reads?|wrote|writes|question|query"
    r"|snippet|comment|tweet|post|email|e-mail|document|doc|quote|attention|attribution|why|words)\b"
    r"|^\W*[a-z]+\W*$",
    re.I,
)
_ASKS = re.compile(r"\s*(?:what|why|how|which|who|where|when|is|are|does|do|did|can|could|would"
                   r"|will|should|show|explain|predict|tell|give|list|find|once|compare)\b", re.I)
_COLON = re.compile(r"^(?P<pre>[^:\n]{1,80}?[A-Za-z)?!])\s*:\s+(?P<post>\S.*)$", re.S)


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


def mask(text: str, colon_text: bool = True) -> Masked:
    """Cut quoted strings and colon-introduced text out of a message (`colon_text` False: a
    table model takes no text, so "hi, quick one: if a person's ..." is all question)."""
    quotes: list[str] = []

    def _sub(m: re.Match[str]) -> str:
        inner = next(g for g in m.groups() if g is not None).strip()
        quotes.append(inner)
        return f"«{len(quotes) - 1}»"

    question = _QUOTE.sub(_sub, text)
    colon_index = None
    m = _COLON.match(question.strip()) if colon_text else None
    if m:
        pre, post = m.group("pre"), m.group("post").strip()
        words = pre.split()
        # "new ticket came in: 'it broke'. what category?": the quote is the data
        only_placeholder = _QUOTE_THEN_ASK.fullmatch(post) is not None
        # "hi! first question: why is review 12 negative?", "explain review 40 twice: once with
        # lime, once with shap": a question after the colon, or a request that has its input
        asks = _NAMES_ITEM.search(post) is not None and _ASKS.match(post) is not None
        has_input = _NAMES_ITEM.search(pre) is not None or PLACEHOLDER.search(pre) is not None
        # "we suspect long tickets confuse it: accuracy on ...?": no text is introduced
        introduces = _DATA_INTRO.search(pre) is not None or not post.rstrip().endswith("?")
        if (len(words) <= 10 and not only_placeholder and not asks and not has_input
                and introduces and re.search(r"[A-Za-z]", post)):
            quotes.append(PLACEHOLDER.sub(lambda q: quotes[int(q.group(1))], post))
            colon_index = len(quotes) - 1
            question = f"{pre} «{colon_index}»"
    if len(question) > MAX_QUESTION_CHARS:
        question = question[:MAX_QUESTION_CHARS]
    return Masked(raw=text, question=question, quotes=quotes, colon_index=colon_index)


LETTER = re.compile(r"«([A-Z])»")


def to_letters(s: str) -> str:
    """«3» -> «D»: quote placeholders without digits, for the rules that read numbers."""
    return PLACEHOLDER.sub(lambda m: f"«{chr(65 + min(int(m.group(1)), 25))}»", s)


def quote_index(token: str) -> int | None:
    m = LETTER.fullmatch(token)
    return None if m is None else ord(m.group(1)) - 65


def words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", s.lower())
