"""The NAOPC bounds: the lowest and highest AOPC any ordering of an input's words reaches.

NAOPC (Edin et al., 2024; method, cost and accuracy in `tools/eraser.py`'s docstring) divides a
ranking's AOPC by this range. Finding it is a search of its own (exact dynamic programming over
subsets for short inputs, the paper's beam search above), memoised per input, objective and
erasure so every method measured on the input shares it; it lives apart from the ERASER
figures, which only read its result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from .erasure import Erasure, _identity, edited_text, scorer

if TYPE_CHECKING:
    from .context import ToolContext
    from .methods.objective import Objective

BEAM_SIZE = 1  # within ~1 % of the exact bounds' range on SST-2 (tools/eraser.py's docstring)
EXACT_MAX = 8  # 255 subsets: cheaper than the beam from here down


class AopcBounds(BaseModel):
    """The lowest and highest AOPC any ranking of this input's words reaches."""
    lower: float
    upper: float
    lower_order: list[int]
    upper_order: list[int]
    exact: bool
    beam_size: int | None
    n_scored: int


def aopc_bounds(ctx: ToolContext, obj: Objective, erasure: Erasure, *,
                beam_size: int = BEAM_SIZE, exact_max: int = EXACT_MAX) -> AopcBounds:
    """The lowest and highest AOPC over orderings of `obj`'s words (memoised): exact up to
    `exact_max` words, else the paper's beam search (cost: see tools/eraser.py's docstring)."""
    key = ("aopc-bounds", *_identity(obj), erasure,
           beam_size if obj.n_words > exact_max else None)
    if obj.n_words <= exact_max:
        return ctx.memo(key, lambda: _exact_bounds(ctx, obj, erasure))
    return ctx.memo(key, lambda: _beam_bounds(ctx, obj, erasure, beam_size))


def _gains(ctx: ToolContext, obj: Objective, erasure: Erasure,
           masks: list[int]) -> dict[int, float]:
    """f(x) - f(x with the words in each bit mask erased), scored in one batched call."""
    n = obj.n_words
    texts = [edited_text(obj, [not (m >> i) & 1 for i in range(n)], erasure) for m in masks]
    values = scorer(ctx, obj, cached=False)(texts)  # reuses the ERASER texts already scored
    return {m: float(obj.value) - float(v) for m, v in zip(masks, values, strict=True)}


def _exact_bounds(ctx: ToolContext, obj: Objective, erasure: Erasure) -> AopcBounds:
    """Dynamic programming over all 2^n subsets: best[S] = g(S) + best over the last word."""
    n = obj.n_words
    full_mask = (1 << n) - 1
    gain = _gains(ctx, obj, erasure, list(range(1, full_mask + 1)))
    gain[0] = 0.0
    found = {}
    for sign in (1.0, -1.0):  # maximise sign * sum
        best = {0: 0.0}
        last: dict[int, int] = {}
        for m in range(1, full_mask + 1):
            i = max((i for i in range(n) if (m >> i) & 1),
                    key=lambda i: (sign * best[m ^ (1 << i)], -i))
            best[m], last[m] = best[m ^ (1 << i)] + gain[m], i
        order, m = [], full_mask
        while m:
            order.append(last[m])
            m ^= 1 << last[m]
        found[sign] = (best[full_mask] / n, order[::-1])
    return AopcBounds(lower=found[-1.0][0], upper=found[1.0][0], lower_order=found[-1.0][1],
                      upper_order=found[1.0][1], exact=True, beam_size=None, n_scored=full_mask)


def _beam_bounds(ctx: ToolContext, obj: Objective, erasure: Erasure,
                 beam_size: int) -> AopcBounds:
    """Edin et al.'s beam search: per step, extend each kept ordering by every remaining word,
    score the new erased sets together, keep the `beam_size` best (and worst) sums."""
    n = obj.n_words
    beams: dict[float, list[tuple[int, float, list[int]]]] = {1.0: [(0, 0.0, [])],
                                                              -1.0: [(0, 0.0, [])]}
    scored = 0
    for _ in range(n):
        wanted = {m | (1 << i) for beam in beams.values() for m, _, _ in beam
                  for i in range(n) if not (m >> i) & 1}
        gain = _gains(ctx, obj, erasure, sorted(wanted))
        scored += len(gain)
        for sign, beam in beams.items():
            merged: dict[int, tuple[int, float, list[int]]] = {}
            for m, total, order in beam:
                for i in range(n):
                    if (m >> i) & 1:
                        continue
                    new = (m | (1 << i), total + gain[m | (1 << i)], [*order, i])
                    if new[0] not in merged or sign * new[1] > sign * merged[new[0]][1]:
                        merged[new[0]] = new
            beams[sign] = sorted(merged.values(), key=lambda b: -sign * b[1])[:max(beam_size, 1)]
    (_, high, up), (_, low, down) = beams[1.0][0], beams[-1.0][0]
    return AopcBounds(lower=low / n, upper=high / n, lower_order=down, upper_order=up,
                      exact=False, beam_size=beam_size, n_scored=scored)
