"""Example questions in the words of the loaded model and data.

The catalogue's showcase questions are templates (`{item} {id}`, `{label}`, `{word}` ...); this
fills them from what is loaded, so a topic classifier over support tickets suggests "Why did you
say billing for ticket 1005?" and never "review" or "positive". A template whose placeholder has
no value here (an id without data, a label for a language model) is left out.

A table model asks in features, not words: a tool's title and showcase for a kind of target
come from `examples/capabilities.yaml` (`by_kind: {tabular: {tool: {title, showcase}}}`) when
it has them there, with `{feature}`, `{feature2}` (the features the model leans on most),
`{value}` (another value of `{feature}` than row `{id}` has) and `{number_feature}` over
`{threshold}` (its median) filled from the table.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .data.views import plural

if TYPE_CHECKING:
    from .context import ToolContext
    from .model_info import CapabilitiesResult
    from .registry import Tool
    from .target.tabular import TabularTarget

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
    if target.kind == "tabular":
        return table_values(ctx)
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


def leaned_on(target: TabularTarget) -> list[str]:
    """The features by the model's own importances (`feature_importances_`, else |coef_|) when
    it has one per feature, else in the table's order."""
    import numpy as np

    names = list(target.feature_names)
    est = target.final_estimator
    weights = getattr(est, "feature_importances_", None)
    if weights is None and getattr(est, "coef_", None) is not None:
        weights = np.abs(np.asarray(est.coef_)).sum(0)
    if weights is None or len(weights) != len(names):
        return names
    return [names[i] for i in np.argsort(-np.asarray(weights), kind="stable")]


def table_values(ctx: ToolContext) -> dict[str, str]:
    """The placeholders from a table and its model: row 12 (or the last), its prediction, the
    features the model leans on, another value of the first and a threshold of a number."""
    from .data.table import shown

    data, target = ctx.data, ctx.target
    schema = getattr(target, "schema", None)
    labels = [str(x) for x in target.labels]
    out: dict[str, str] = {"items": plural(getattr(data, "item_name", None) or "row")}
    if data is None or not len(data) or schema is None:
        if labels:
            out["label"] = labels[0]
        return out
    out["item"] = data.item_name
    if data.has_split:
        out["held_out"] = f"the {plural(data.item_name)} you never saw"
    item = data.ids[min(12, len(data.ids) - 1)]
    out["id"] = data.shown(item)
    row = data.frame.loc[item, schema.names]
    said = str(target.predict(row)["label"])  # type: ignore[attr-defined]
    out["label"] = said
    others = [x for x in labels if x != said]
    if others:
        out["other_label"] = others[0]
    ranked = leaned_on(target)  # type: ignore[arg-type]
    out["feature"] = ranked[0]
    if len(ranked) > 1:
        out["feature2"] = ranked[1]
    column = data.frame[ranked[0]]
    first = schema[ranked[0]]
    if first.kind == "numeric":
        options = [column.median(), column.quantile(0.75), column.quantile(0.25)]
        picked = [shown(int(round(v)) if first.integer else round(float(v), 2)) for v in options]
    else:
        picked = [shown(v) for v in first.values]
    other = [v for v in picked if v != shown(row[ranked[0]])]
    if other:
        out["value"] = other[0]
    numbers = [n for n in ranked if schema[n].kind == "numeric"]
    if numbers:
        median = data.frame[numbers[0]].median()
        out["number_feature"] = numbers[0]
        out["threshold"] = shown(int(round(median)) if schema[numbers[0]].integer
                                 else round(float(median), 2))
    return out


def words_of(t: Tool[Any, Any], kind: str) -> tuple[str, tuple[str, ...]]:
    """A tool's capability title and showcase templates for targets of `kind`."""
    from .catalogue_text import load_tool_text

    own = ((load_tool_text("capabilities").extra.get("by_kind") or {}).get(kind) or {}).get(
        t.name) or {}
    return (str(own.get("title") or t.text.title),
            tuple(own.get("showcase") or t.text.showcase))


def capabilities(ctx: ToolContext, args: Any) -> CapabilitiesResult:
    """What one can ask about the loaded model and data, in its kind's words, with example
    questions from its own table: only what fits this kind of model, and what needs data when
    there is none."""
    from . import registry
    from .model_info import CapabilitiesResult, Capability

    known = values(ctx)
    kind = ctx.target.kind
    shown, hidden = [], []
    for t in registry.all_tools():
        if kind not in t.all_kinds:
            continue
        title, templates = words_of(t, kind)
        if not templates:
            continue
        if not t.fits(ctx):
            hidden.append(title)
            continue
        examples = fill(known, templates)
        if examples:
            shown.append(Capability(title=title, tools=[t.name], examples=examples))
    return CapabilitiesResult(sections=shown, hidden=list(dict.fromkeys(hidden)))
