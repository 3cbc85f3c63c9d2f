"""`explain()`: validate the question, build the objective, run a method, memoise the answer."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ..errors import UserError
from . import gradients, perturbation  # noqa: F401  (importing registers the methods)
from .base import WordAttribution, get_method
from .lm_objective import lm_objective
from .objective import Objective, classifier_objective

if TYPE_CHECKING:
    from ..context import InputRef, ToolContext

# Chosen by measurement, ERASER faithfulness per CPU-second (numbers in the attribute tool's
# docs). Classifier, 50 demo-sentiment test reviews: occlusion is the most comprehensive per
# second by a wide margin (0.34 vs 0.05 for random words at 0.12 CPU-s a review; shap 0.33 at
# 0.56 s, integrated_gradients 0.30 at 0.31 s) and as sufficient as shap/lime. Causal LM, demo-lm
# (whole-answer log-probability): gradient_x_input, one backward pass, beats random at a quarter
# of occlusion's cost and a fiftieth of integrated_gradients'; occlusion is more comprehensive
# but costs a forward pass per prompt word.
DEFAULT_METHOD = {"classifier": "occlusion", "causal_lm": "occlusion"}


def resolve_label(ctx: ToolContext, ref: InputRef, label: int | str | None) -> int:
    """The label index to explain: the given one (by name or number) or the predicted one."""
    if label is None or (isinstance(label, str) and not label.strip()):
        return int(ctx.probs([ref.text])[0].argmax())
    return int(ctx.target.label_index(label))


def build_objective(ctx: ToolContext, ref: InputRef, label: int | str | None = None,
              contrast: int | str | None = None,
              span: str | int | tuple[int, int] | None = None) -> Objective:
    """The explained quantity for this input and question (memoised per target and text)."""
    target = ctx.target
    if target.kind == "causal_lm":
        if label is not None:
            raise UserError("label applies to classifiers; for a causal LM choose the part of the "
                            "answer to explain with span, and an alternative token with contrast.")
        if isinstance(span, tuple):
            span = f"{span[0]}-{span[1] - 1}"
        alt = None if contrast is None else str(contrast)
        return ctx.memo(("objective", ref.text, span, alt),
                        lambda: lm_objective(ctx, ref, span, alt))
    if span is not None:
        raise UserError("span applies to a causal LM's generated answer; this model is a "
                        "classifier, so there is nothing generated to choose from.")
    target.check_text(ref.text)
    index = resolve_label(ctx, ref, label)
    other = None
    if contrast is not None and str(contrast).strip() != "":
        other = int(target.label_index(contrast))
        if other == index:
            raise UserError(f"The contrast label must differ from the explained label "
                            f"({target.labels[index]}).")
    return ctx.memo(("objective", ref.text, index, other),
                    lambda: classifier_objective(ctx, ref, index, other))


def default_method(kind: str) -> str:
    return DEFAULT_METHOD[kind]


def explain(ctx: ToolContext, ref: InputRef, method: str | None = None,
            label: int | str | None = None, contrast: int | str | None = None,
            span: str | int | tuple[int, int] | None = None) -> WordAttribution:
    """Signed word scores for `ref` towards `label` (default: predicted), or towards `label`
    rather than `contrast`; for a causal LM, towards the answer `span` (rather than the
    alternative token `contrast`). Same input, question and seed give the same numbers."""
    target = ctx.target
    chosen = get_method(method or default_method(target.kind), target.kind)
    obj = build_objective(ctx, ref, label, contrast, span)
    key = ("attribution", chosen.name, obj.words.text, obj.label_index, obj.contrast_index,
           obj.span, ctx.seed)

    def compute() -> WordAttribution:
        started = time.perf_counter()
        with target.lock:
            scores, base, extras = chosen.fn(obj, ctx.seed)
        return WordAttribution(
            words=list(obj.words.words), spans=list(obj.words.spans), scores=scores,
            base_value=float(base), target_value=float(obj.value), label=obj.label_name,
            method=chosen.name, truncated=obj.truncated, contrast=obj.contrast_name,
            unit=obj.unit, n_words_total=obj.n_words_total, label_index=obj.label_index,
            contrast_index=obj.contrast_index, span=obj.span, span_text=obj.span_text,
            extras={**obj.extras, **extras}, seconds=round(time.perf_counter() - started, 4))

    return ctx.memo(key, compute)


def objective_of(ctx: ToolContext, ref: InputRef, attribution: WordAttribution) -> Objective:
    """The objective an attribution explained (to evaluate it, e.g. with ERASER)."""
    if ctx.target.kind == "causal_lm":
        alt = attribution.contrast
        return build_objective(ctx, ref, None, alt, attribution.span)
    return build_objective(ctx, ref, attribution.label_index, attribution.contrast_index)
