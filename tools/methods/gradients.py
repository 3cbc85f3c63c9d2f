"""Gradient methods on the embedding layer (captum): Integrated Gradients and gradient x input.

Both attribute f to the output of `target.embedding_layer()` (the token embeddings, i.e. what a
model receives as `inputs_embeds`), sum over the hidden dimension per token and then over a
word's subword tokens. The model's own weights are frozen while this runs: we need gradients
with respect to the embeddings only, and skipping weight gradients roughly halves the backward.
The objective's `forward` checks the turn's limits, and captum calls it once per batch of path
points, so IG stops between batches (and between refinements) when the turn is cancelled.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from .base import method

if TYPE_CHECKING:
    import torch

    from .objective import Objective

# Gauss-Legendre nodes for the first try, and the most we refine to (doubling) until the
# convergence delta is within tolerance. Classifier: |delta| <= 0.01 log-odds per unit of
# |f(x) - f(baseline)| above 1 (log-odds span several units where probabilities saturate).
# Causal LM: log-probabilities of a real LM bend far more along the path and every step is a
# forward and backward pass of the whole LM, so the tolerance is 5% of |f(x) - f(baseline)|
# and refinement stops at 64 steps; delta is reported.
IG_STEPS = {"classifier": 16, "causal_lm": 32}
IG_MAX_STEPS = {"classifier": 128, "causal_lm": 64}
IG_BATCH = {"classifier": 32, "causal_lm": 8}  # path points per forward/backward (memory bound)


def ig_tolerance(kind: str, gap: float) -> float:
    return (0.01 if kind == "classifier" else 0.05) * max(1.0, gap)


@contextmanager
def gradients_for_inputs_only(model: Any) -> Iterator[None]:
    """Enable autograd but freeze the weights (restored afterwards)."""
    import torch

    params = list(model.parameters())
    flags = [p.requires_grad for p in params]
    try:
        for p in params:
            p.requires_grad_(False)
        with torch.enable_grad():
            yield
    finally:
        for p, flag in zip(params, flags, strict=True):
            p.requires_grad_(flag)


def _tensors(obj: Objective) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    import torch

    if len(obj.ids) > obj.target.max_length:
        windows = obj.extras.get("windows", 2)
        raise UserError(
            f"This text is read in {windows} windows of the model's {obj.target.max_length} "
            "tokens, and gradient methods follow one forward pass through one window. Ask with "
            "occlusion (the default), shap or lime, which explain the whole text, or set "
            "SAYWHY_WINDOWS=1 to explain the first window only.")
    ids = torch.tensor([obj.ids])
    return ids, torch.tensor([obj.baseline_ids]), torch.ones_like(ids)


def _reference_value(obj: Objective, baseline: torch.Tensor, mask: torch.Tensor) -> float:
    import torch

    with torch.inference_mode():
        return float(obj.forward(baseline, mask)[0])


@method("integrated_gradients", kinds=("classifier", "causal_lm"),
        title="Integrated Gradients",
        description="captum LayerIntegratedGradients on the token embeddings, from a baseline "
                    "where every word is replaced by a neutral token ([MASK]/pad for a "
                    "classifier, a space for a causal LM) and special/template tokens are "
                    "kept; word scores add up to f(x) - f(baseline), up to the reported "
                    "convergence delta.")
def integrated_gradients(obj: Objective, seed: int) -> tuple[list[float], float, dict[str, Any]]:
    from captum.attr import LayerIntegratedGradients

    ids, baseline, mask = _tensors(obj)
    model = obj.target.model
    lig = LayerIntegratedGradients(obj.forward, obj.target.embedding_layer())
    kind = obj.target.kind
    steps = IG_STEPS[kind]
    with gradients_for_inputs_only(model):
        while True:
            attr, delta = lig.attribute(ids, baselines=baseline, additional_forward_args=(mask,),
                                        n_steps=steps, internal_batch_size=IG_BATCH[kind],
                                        return_convergence_delta=True)
            token = attr.sum(-1)[0].detach().float()
            gap = abs(float(token.sum()) - float(delta[0]))  # = |f(x) - f(baseline)|
            if abs(float(delta[0])) <= ig_tolerance(kind, gap) or steps >= IG_MAX_STEPS[kind]:
                break
            steps *= 2
    # captum's delta = sum(attr) - (f(x) - f(baseline)), so f(baseline) follows without the
    # extra forward pass _reference_value would cost (it was ~15 % of IG on short texts)
    base = float(obj.value) - float(token.sum()) + float(delta[0])
    return obj.aggregate(token.tolist()), base, {
        "convergence_delta": float(delta[0]), "steps": steps,
        "baseline": "every word replaced by the neutral token "
                    f"{obj.target.tokenizer.convert_ids_to_tokens(obj.baseline_ids[_first_word(obj)])}"}


@method("gradient_x_input", kinds=("classifier", "causal_lm"),
        title="gradient x input",
        description="captum LayerGradientXActivation on the token embeddings: the gradient of f "
                    "times the embedding, one backward pass. Fast, but only a first-order "
                    "(local) picture: scores do not add up to anything.")
def gradient_x_input(obj: Objective, seed: int) -> tuple[list[float], float, dict[str, Any]]:
    from captum.attr import LayerGradientXActivation

    ids, baseline, mask = _tensors(obj)
    gxa = LayerGradientXActivation(obj.forward, obj.target.embedding_layer())
    with gradients_for_inputs_only(obj.target.model):
        attr = gxa.attribute(ids, additional_forward_args=(mask,))
    token = attr.sum(-1)[0].detach().float().tolist()
    return obj.aggregate(token), _reference_value(obj, baseline, mask), {}


def _first_word(obj: Objective) -> int:
    return next((i for i, w in enumerate(obj.token_to_word) if w is not None), 0)
