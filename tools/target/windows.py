"""Reading a text longer than a classifier's window: overlapping windows, probabilities averaged.

A sequence classifier sees `max_length` tokens; a film review of 800 tokens or a support ticket
thread goes on beyond that, and truncating it (what a transformers pipeline does) means the
prediction, and every explanation of it, ignores most of the text. With `windows` > 1 the
classifier reads the text in up to that many windows of its maximum length, each overlapping the
one before by a quarter, cut at word boundaries, and its probabilities are the mean of the
windows' probabilities (the usual sliding-window reading of long documents; averaging
probabilities, not logits, keeps one over-confident window from deciding alone). Text beyond the
last window is not read, and the answers say so. The cost of one prediction grows with the number
of windows, not with the length of the cell, because only a bounded prefix is tokenised.

transformers' tokenizers can return overflowing windows with a stride, but as token ids: the
perturbation methods and the ERASER checks edit the text, so the windows here are character
ranges of the text itself, and each window is predicted as an ordinary text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEFAULT_WINDOWS = 4  # reads the ERASER movie reviews whole (90 % fit in 4 windows of 512 tokens)
OVERLAP = 0.25  # share of a window that the next window reads again
CHARS_PER_TOKEN = 8  # first guess of the prefix that holds the windows; grown when it does not


@dataclass(frozen=True)
class Reading:
    """How a text is read: the character ranges of its windows, and whether text was left."""

    ranges: list[tuple[int, int]]
    truncated: bool

    @property
    def end(self) -> int:
        return self.ranges[-1][1] if self.ranges else 0


def window_tokens(max_length: int, specials: int) -> tuple[int, int]:
    """(tokens of text in one window, tokens from one window's start to the next one's)."""
    size = max(1, max_length - specials)
    return size, max(1, size - int(size * OVERLAP))


def plan(tokenizer: Any, text: str, max_length: int, windows: int) -> Reading:
    """The windows `text` is read in: at most `windows` ranges of at most a window's tokens,
    each starting a step after the one before, moved to word boundaries (a word cut by a window
    edge belongs wholly to the window that reads its first token)."""
    specials = int(tokenizer.num_special_tokens_to_add(pair=False))
    size, step = window_tokens(max_length, specials)
    needed = size + step * (max(1, windows) - 1) + 1  # one token more says whether text is left
    budget = CHARS_PER_TOKEN * needed
    while True:
        head = text[:budget]
        enc = tokenizer(head, add_special_tokens=False, truncation=False,
                        return_offsets_mapping=True)
        offsets = [(s, e) for s, e in enc["offset_mapping"]]
        if len(offsets) >= needed or len(head) >= len(text):
            break
        budget *= 4
    words = enc.word_ids() if hasattr(enc, "word_ids") else list(range(len(offsets)))
    n = len(offsets)
    if n <= size:
        return Reading([(0, len(text))], truncated=False)

    def boundary(i: int) -> int:
        """The first token at or before `i` that starts a word (so no word is split)."""
        while 0 < i < n and words[i] is not None and words[i] == words[i - 1]:
            i -= 1
        return i

    ranges: list[tuple[int, int]] = []
    start, stop = 0, 0
    while len(ranges) < windows and start < n:
        stop = n if start + size >= n else max(start + 1, boundary(start + size))
        ranges.append((offsets[start][0], offsets[stop - 1][1]))
        if stop >= n:
            break
        nxt = boundary(start + step)
        start = nxt if nxt > start else start + step
    return Reading(ranges, truncated=stop < n or len(head) < len(text))
