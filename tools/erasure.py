"""How words are erased from an input and the erased texts scored, for the faithfulness measures.

`tools/eraser.py` (ERASER, the random distribution, NAOPC) and `tools/aopc.py` (the NAOPC bounds)
both edit the same input under the same two erasures and share one memo of scores per
objective; the edit and that scorer live here so neither measure owns the other's texts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np

    from .context import ToolContext
    from .methods.objective import Objective

Erasure = Literal["deletion", "replacement"]
ERASURES: tuple[Erasure, ...] = ("deletion", "replacement")


def replacement_token(tokenizer: Any) -> str:
    """The token a `replacement` edit writes: [MASK], else unknown, else padding, else EOS."""
    for name in ("mask_token", "unk_token", "pad_token", "eos_token"):
        value = getattr(tokenizer, name, None)
        if isinstance(value, str) and value:
            return value
    raise ValueError("The tokenizer has no mask, unknown, padding or end token to replace with.")


def edited_text(obj: Objective, keep: Sequence[bool], erasure: Erasure) -> str:
    """The input with the words where keep is False erased: dropped (deletion), or each subword
    token replaced by the mask token (replacement), the other words left as they are."""
    if erasure == "deletion":
        return obj.text_keeping(list(keep))
    mask = replacement_token(obj.target.tokenizer)
    words = obj.words
    pieces, last = [], 0
    for (start, end), tokens, kept in zip(words.spans, words.word_to_tokens(), keep, strict=True):
        pieces.append(words.text[last:start])
        pieces.append(words.text[start:end] if kept else " ".join([mask] * max(1, len(tokens))))
        last = end
    pieces.append(words.text[last:])
    return " ".join("".join(pieces).split())


def scorer(ctx: ToolContext, obj: Objective,
            cached: bool = True) -> Callable[[list[str]], np.ndarray]:
    """f on texts, each distinct text scored once per objective (shared by every method and
    the bounds); `cached=False` keeps throw-away texts out of the context's prediction cache."""
    import numpy as np

    known: dict[str, float] = ctx.memo(("eraser-scores", *_identity(obj)), dict)

    def score(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            ctx.check()
            known.update(zip(missing, (float(v) for v in obj.score(missing, cached=cached)),
                             strict=True))
        return np.array([known[t] for t in texts], dtype=np.float64)

    return score


def _identity(obj: Objective) -> tuple[Any, ...]:
    """What makes two objectives the same question about the same input (memo keys)."""
    return (obj.words.text, obj.unit, obj.label_index, obj.contrast_index, obj.span,
            obj.contrast_name, round(float(obj.value), 9))
