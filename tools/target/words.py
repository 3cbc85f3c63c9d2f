"""Words, tokens and the mapping between them, with character offsets.

Explanations are given per word, models work per subword token; this module is the one place
that aligns the two (tokenizers give token offsets, we give word spans and sum over them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

WORD_RE = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


def split_words(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Words and punctuation marks with their character spans."""
    matches = list(WORD_RE.finditer(text))
    return [m.group() for m in matches], [(m.start(), m.end()) for m in matches]


def count_words(text: str) -> int:
    """How many words and punctuation marks `split_words` would find, without keeping them."""
    return sum(1 for _ in WORD_RE.finditer(text))


@dataclass
class WordTokens:
    """One text seen both as words and as the model's tokens (special tokens included)."""

    text: str
    words: list[str]
    spans: list[tuple[int, int]]
    input_ids: list[int]
    tokens: list[str]
    offsets: list[tuple[int, int]]
    token_to_word: list[int | None]
    truncated: bool = False
    special: list[bool] = field(default_factory=list)

    @property
    def n_words_kept(self) -> int:
        """Words that have at least one token inside the model's window."""
        kept = [w for w in self.token_to_word if w is not None]
        return (max(kept) + 1) if kept else 0

    def word_to_tokens(self) -> list[list[int]]:
        groups: list[list[int]] = [[] for _ in self.words]
        for t, w in enumerate(self.token_to_word):
            if w is not None:
                groups[w].append(t)
        return groups

    def aggregate(self, token_scores: Iterable[float]) -> list[float]:
        """Sum token scores into word scores (special tokens are left out), conserving the sum."""
        scores = [float(s) for s in token_scores]
        out = [0.0] * len(self.words)
        for t, w in enumerate(self.token_to_word):
            if w is not None:
                out[w] += scores[t]
        return out

    def text_of_words(self, keep: list[bool], mask_token: str | None = None) -> str:
        """Rebuild the text keeping only some words (or replacing the others by `mask_token`)."""
        pieces: list[str] = []
        last = 0
        for (start, end), k in zip(self.spans, keep, strict=True):
            pieces.append(self.text[last:start])
            if k:
                pieces.append(self.text[start:end])
            elif mask_token:
                pieces.append(mask_token)
            last = end
        pieces.append(self.text[last:])
        return re.sub(r"\s+", " ", "".join(pieces)).strip()


def align(text: str, encoding: Mapping[str, Any], tokenizer: Any,
          truncated: bool) -> WordTokens:
    """Build WordTokens from a fast tokenizer's single-text encoding with offsets."""
    words, spans = split_words(text)
    ids = list(encoding["input_ids"])
    offsets = [tuple(o) for o in encoding["offset_mapping"]]
    special_mask = encoding.get("special_tokens_mask")
    tokens = tokenizer.convert_ids_to_tokens(ids)
    special = [bool(s) for s in special_mask] if special_mask is not None else [False] * len(ids)
    token_to_word: list[int | None] = []
    starts = [s for s, _ in spans]
    import bisect

    for (start, end), is_special in zip(offsets, special, strict=True):
        if is_special or end <= start:
            token_to_word.append(None)
            continue
        # skip leading spaces some tokenizers put inside a token's span
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            token_to_word.append(None)
            continue
        w = bisect.bisect_right(starts, start) - 1
        token_to_word.append(w if w >= 0 and start < spans[w][1] else None)
    return WordTokens(text=text, words=words, spans=spans, input_ids=ids, tokens=list(tokens),
                      offsets=[(int(a), int(b)) for a, b in offsets], token_to_word=token_to_word,
                      truncated=truncated, special=special)
