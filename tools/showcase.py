"""Example questions in the words of the loaded model and data.

The catalogue's showcase questions are templates (`{item} {id}`, `{label}`, `{word}` ...); this
fills them from what is loaded, so a topic classifier over support tickets suggests "Why did you
say billing for ticket 1005?" and never "review" or "positive". A template whose placeholder has
no value here (an id without data, a label for a language model) is left out.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .data.views import plural

if TYPE_CHECKING:
    from .context import ToolContext

LM_PROMPT = "Write one sentence about the sea."
SAMPLE = 2000  # texts read to find a frequent word
_FIELDS = re.compile(r"{(\w+)}")


def frequent_word(texts: Sequence[str]) -> str | None:
    """The most frequent content word of the texts (no stop words, at least four letters)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    counts: Counter[str] = Counter()
    for text in texts[:SAMPLE]:
        counts.update(w for w in re.findall(r"[^\W\d_]{4,}", str(text).lower())
                      if w not in ENGLISH_STOP_WORDS)
    return counts.most_common(1)[0][0] if counts else None


def values(ctx: ToolContext) -> dict[str, str]:
    """Values for the placeholders, from the loaded target and data (only those that exist)."""
    out: dict[str, str] = {}
    data, target = ctx.data, ctx.target
    labels = [str(x) for x in target.labels]
    if data is not None and len(data):
        out["item"] = data.item_name
        out["items"] = plural(data.item_name)
        if data.has_split:
            out["held_out"] = f"the {plural(data.item_name)} you never saw"
        ids = data.ids
        item = ids[min(12, len(ids) - 1)]
        out["id"] = data.shown(item)
        texts = data.frame["text"].astype(str).tolist()
        word = frequent_word(texts)
        if word:
            out["word"] = word
        short = [t for t in texts[:SAMPLE] if 4 <= len(t.split()) <= 12]
        if short:
            out["text"] = short[0].replace('"', "'")
        if target.kind == "classifier" and labels:
            probs = ctx.probs([data.text(item)])[0]
            said = labels[int(probs.argmax())]
            out["label"] = said
            others = [x for x in labels if x != said]
            if others:
                out["other_label"] = others[0]
    else:
        out["items"] = "items"
        if target.kind == "causal_lm":
            out["text"] = LM_PROMPT
        elif labels:
            out["label"] = labels[0]
            if len(labels) > 1:
                out["other_label"] = labels[1]
    return out


def fill(known: dict[str, str], templates: Sequence[str]) -> list[str]:
    """The templates that `known` (from `values`) can fill, filled."""
    out = []
    for template in templates:
        wanted = set(_FIELDS.findall(template))
        if wanted <= set(known):
            out.append(string.Formatter().vformat(template, (), known))
    return out
