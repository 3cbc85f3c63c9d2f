"""Occlusion, shap, lime and the faithfulness check on long inputs, at a bounded number of forward
passes.

Plain occlusion costs one forward pass of the whole window per word: a 512-token window holds
~400 words, so "why?" on a long text took minutes. Here a window of more than `LONG_WORDS` words
is explained hierarchically: the text is cut into `SPANS` spans at sentence ends, each span is
occluded (deleted) as a whole, then the `REFINE` spans that move f most are cut into `FANOUT`
parts and those are occluded, and so on down to single words. Every word gets the score of the
finest piece it was occluded in, shared evenly between the piece's words (a word occluded on its
own keeps its exact occlusion score). That is about SPANS + 1 + REFINE x FANOUT x depth passes
(~33 for 400 words), in a few large batches. The result says which part of the text was
explained (`explained`): the window the model sees, how many spans, how many words one by one.

shap and lime cost a number of evaluations of the whole window that grows with their features
(~6 a word for shap, 12 for lime: ~600 and ~1,000 for 430 words). Above `LONG_WORDS` words their
features are `FEATURE_SPANS` spans cut the same way (`feature_spans`), each word gets an even
share of its span's score, and the answer says so; occlusion is the method that goes down to
single words.

The faithfulness check of such an explanation uses ERASER with fewer random rankings and cuts
(`LONG_ERASER`): the same verdict, from fewer model calls, and the figures say how many rankings
they come from.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..context import InputRef, ToolContext
    from ..eraser import Faithfulness
    from .base import WordAttribution
    from .objective import Objective

LONG_WORDS = 80  # above this many words in the window, occlusion goes span first
FEATURE_SPANS = 16  # above LONG_WORDS, shap and lime explain this many spans instead of words
SPANS = 8  # pieces of the first level
FANOUT = 4  # parts a refined piece is cut into
REFINE = 2  # pieces refined at each level (those that move f most)
# ERASER for hierarchical explanations: 4 random rankings, k = 5 % of the words, both erasures,
# no sufficiency, NAOPC or top-3 figure: 10 model calls instead of several hundred
LONG_ERASER: dict[str, Any] = {"n_random": 4, "k_percents": (5,), "sufficiency": False,
                               "naopc": False, "removal": False}
_ENDS = (".", "!", "?", "\n", ";")


@dataclass(frozen=True)
class Piece:
    """Words [start, end) of the window, occluded together."""

    start: int
    end: int

    @property
    def size(self) -> int:
        return self.end - self.start


def sentence_spans(words: list[str], n_spans: int) -> list[Piece]:
    """About `n_spans` spans of contiguous words, cut after a sentence end when one is near the
    even cut (within a quarter of a span), else at the even cut."""
    n = len(words)
    if n <= n_spans:
        return [Piece(i, i + 1) for i in range(n)]
    size = n / n_spans
    ends = [i + 1 for i, w in enumerate(words) if w.endswith(_ENDS)]
    cuts, start = [], 0
    for j in range(1, n_spans):
        even = round(j * size)
        near = [e for e in ends if abs(e - even) <= size / 4 and e > start]
        cut = min(near, key=lambda e: abs(e - even)) if near else even
        if start < cut < n:
            cuts.append(cut)
            start = cut
    bounds = [0, *cuts, n]
    return [Piece(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def split(piece: Piece, parts: int) -> list[Piece]:
    """`piece` cut into `parts` near-equal contiguous parts (single words when it is short)."""
    if piece.size <= parts:
        return [Piece(i, i + 1) for i in range(piece.start, piece.end)]
    bounds = [piece.start + round(j * piece.size / parts) for j in range(parts + 1)]
    return [Piece(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def hierarchical_occlusion(obj: Objective, seed: int) -> tuple[list[float], float,
                                                                dict[str, Any]]:
    """Occlusion over spans, then over parts of the spans that matter most, down to words
    (see the module docstring). Deterministic: `seed` is not needed."""
    n = obj.n_words
    words = list(obj.words.words)
    level = sentence_spans(words, SPANS)
    finest: list[float | None] = [None] * n  # score of the finest piece each word was in
    alone: set[int] = set()
    calls, depth = 0, 0

    def occlude(pieces: list[Piece], with_empty: bool = False) -> list[float]:
        nonlocal calls
        texts = [obj.text_keeping([not (p.start <= i < p.end) for i in range(n)])
                 for p in pieces]
        if with_empty:
            texts.append(obj.text_keeping([False] * n))
        calls += len(texts)
        return [float(obj.value - v) for v in obj.score(texts)]

    scores = occlude(level, with_empty=True)
    base = float(obj.value - scores.pop())
    while level:
        depth += 1
        for p, s in zip(level, scores, strict=True):
            for i in range(p.start, p.end):
                finest[i] = s / p.size
            if p.size == 1:
                alone.add(p.start)
        top = heapq.nlargest(REFINE, [(abs(s), p.start, p) for p, s in zip(level, scores,
                                                                            strict=True)
                                      if p.size > 1])
        level = [child for _, _, p in top for child in split(p, FANOUT)]
        scores = occlude(level) if level else []
    out = [0.0 if s is None else s for s in finest]
    extras = {"hierarchy": {"spans": len(sentence_spans(words, SPANS)), "levels": depth,
                            "words_alone": len(alone), "model_calls": calls,
                            "words": n},
              "explained": explained_sentence(n, len(sentence_spans(words, SPANS)), len(alone),
                                              obj.truncated, obj.extras.get("windows", 1))}
    return out, base, extras


def where_read(truncated: bool, n_words: int, windows: int = 1) -> str:
    """Which part of the text was explained (all of it or what the model reads of it), with
    its length and the windows it was read in."""
    where = "the part of the text the model reads" if truncated else "the text"
    read = f", read in {windows} overlapping windows" if windows > 1 else ""
    return f"{where} ({n_words:,} words{read})"


def explained_sentence(n_words: int, n_spans: int, n_alone: int, truncated: bool,
                       windows: int = 1) -> str:
    """What the answer says about which part of the text was explained, and how finely."""
    where = where_read(truncated, n_words, windows)
    return (f"The text is long, so {where} was explained in {n_spans} spans "
            f"first, then inside the spans that matter most, down to {n_alone} words scored one "
            "by one; the other words share their span's score.")


def feature_spans(obj: Objective) -> list[Piece] | None:
    """The spans shap and lime take as their features on a window of more than `LONG_WORDS`
    words (their cost grows with the features: ~6 evaluations a word for shap, 12 for lime, each
    of the whole window), or None when the words themselves are the features."""
    if obj.n_words <= LONG_WORDS:
        return None
    return sentence_spans(list(obj.words.words), FEATURE_SPANS)


def piece_chars(obj: Objective, pieces: list[Piece]) -> list[tuple[int, int]]:
    """Where each piece starts and ends in the window's text (characters)."""
    spans = obj.words.spans
    return [(spans[p.start][0], spans[p.end - 1][1]) for p in pieces]


def spread(pieces: list[Piece], scores: list[float], n_words: int) -> list[float]:
    """Word scores from piece scores: each word gets an even share of its piece's score."""
    out = [0.0] * n_words
    for p, s in zip(pieces, scores, strict=True):
        for i in range(p.start, p.end):
            out[i] = float(s) / p.size
    return out


def spans_extras(obj: Objective, pieces: list[Piece], method: str,
                 evaluations: int) -> dict[str, Any]:
    """What a span-level shap or lime explanation records and says about itself."""
    where = where_read(obj.truncated, obj.n_words, obj.extras.get("windows", 1))
    return {"spans": {"spans": len(pieces), "words": obj.n_words, "evaluations": evaluations},
            "explained": (f"The text is long, so {where} was explained "
                          f"by {method} over {len(pieces)} spans of about "
                          f"{round(obj.n_words / len(pieces))} words; each word shares its "
                          "span's score (occlusion goes down to single words).")}


def is_hierarchical(attribution: WordAttribution) -> bool:
    """Whether the words share scores of spans (hierarchical occlusion, or shap or lime over
    spans): its faithfulness check is then `check`'s, at a bounded number of model calls."""
    return "hierarchy" in attribution.extras or "spans" in attribution.extras


def check(ctx: ToolContext, ref: InputRef, attribution: WordAttribution) -> Faithfulness:
    """The faithfulness figures of a hierarchical explanation: ERASER as for any explanation,
    with `LONG_ERASER`'s fewer random rankings and cuts."""
    from ..eraser import measure

    return measure(ctx, ref, attribution, **LONG_ERASER)
