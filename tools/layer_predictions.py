"""`layer_predictions`: what each layer already predicts (the logit lens).

Each layer's hidden state is read through the model's own output head — the final norm and
lm_head of a causal LM at the last prompt position, the pooler and classifier of a classifier
at the [CLS] position — to see at which depth the final answer forms. Intermediate layers were
never trained to be read this way, so early-layer numbers are a rough view, not a measurement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from .context import ToolContext
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .views import Bars, Matrix, View

if TYPE_CHECKING:
    import torch

    from .target.base import Target
    from .target.causal_lm import HFCausalLM

TOP = 5


class LayerPredictionsArgs(InputArgs):
    """What the model would predict if it stopped after each layer."""

    label: str | None = Field(default=None, description=(
        "Classifier: the label to follow through the layers (default: the predicted one). "
        "Causal LM: a token to follow (default: the model's actual next token)."))


class LayerRow(BaseModel):
    layer: int = Field(description="0 = the embeddings, 1..n = after that transformer layer.")
    top: str = Field(description="The label (or token) this layer would predict.")
    prob: float = Field(description="Probability of the followed label or token at this layer.")
    rank: int = Field(default=1, description="Rank of the followed label or token (1 = top).")
    probs: dict[str, float] = Field(default_factory=dict,
                                    description="Classifier: every label; LM: the top tokens.")


class LayerPredictionsResult(Result):
    referent: str
    text: str
    kind: str
    final: str = Field(description="The model's actual prediction (label or next token).")
    followed: str = Field(description="The label or token whose probability is tracked.")
    decision_layer: int = Field(description="First layer from which the final prediction "
                                "stays on top.")
    n_layers: int
    layers: list[LayerRow] = Field(default_factory=list)
    head: str = Field(description="How the hidden states were read out.")
    truncated: bool = False

    def views(self) -> list[View]:
        """p(followed) layer by layer as bars (with each layer's top prediction), and each
        layer's probabilities (a classifier's labels; an LM's top tokens) as a grid."""
        if not self.layers:
            return []
        shown: list[View] = [Bars(
            title=f"p({self.followed if self.kind == 'classifier' else repr(self.followed)}) "
                  f"layer by layer (decides at layer {self.decision_layer})",
            names=[f"layer {r.layer}" for r in self.layers], values=[r.prob for r in self.layers],
            scale=1.0, notes=[f"top: {r.top if self.kind == 'classifier' else repr(r.top)}"
                              for r in self.layers],
            note="layer 0 = the embeddings; earlier layers were not trained to be read this way")]
        # an LM's top tokens differ by layer: the last layers' first, at most TOP * 2 of them
        columns = list(dict.fromkeys(k for r in reversed(self.layers) for k in r.probs))
        columns = columns if self.kind == "classifier" else columns[:TOP * 2]
        if columns:
            lm = "" if self.kind == "classifier" else " (top tokens; blank: not in its top)"
            shown.append(Matrix(
                title="what each layer predicts" + lm,
                rows=[f"layer {r.layer}" for r in self.layers], columns=columns,
                values=[[r.probs.get(c) for c in columns] for r in self.layers],
                row_title="layer", column_title="label" if self.kind == "classifier" else "token"))
        return shown

    def summary(self) -> str:
        what = "label" if self.kind == "classifier" else "next token"
        by_layer = ", ".join(f"{r.layer}: {r.prob:.2f}" for r in self.layers)
        if self.decision_layer == 0:
            when = "already from the embeddings (layer 0)"
        else:
            when = f"from layer {self.decision_layer} of {self.n_layers} on"
        text = (f"For {self.referent}, the model's final {what} is {self.final!r}; reading each "
                f"layer through {self.head}, it becomes and stays the top {what} {when}. "
                f"Probability of {self.followed!r} by layer (0 = embeddings): {by_layer}.")
        return text + (" Earlier layers were not trained to be read this way, so their numbers "
                       "are a rough view.")


def _classifier_heads(model: Any) -> list[tuple[str, Callable[[torch.Tensor], torch.Tensor]]]:
    """Known ways a sequence classifier turns a [1, T, H] hidden state into logits."""
    base = getattr(model, getattr(model, "base_model_prefix", ""), None)
    cls = getattr(model, "classifier", None)
    heads: list[tuple[str, Callable[[Any], Any]]] = []
    if cls is None:
        return heads
    pooler = getattr(base, "pooler", None)
    if pooler is not None and callable(pooler):
        heads.append(("its pooler and classifier at [CLS]", lambda h: cls(pooler(h))))
    top_pooler = getattr(model, "pooler", None)
    if top_pooler is not None:
        heads.append(("its pooler and classifier", lambda h: cls(top_pooler(h))))
    pre = getattr(model, "pre_classifier", None)
    if pre is not None:
        import torch

        heads.append(("its classifier at [CLS]",
                      lambda h: cls(torch.relu(pre(h[:, 0])))))
    heads.append(("its classification head", lambda h: cls(h)))
    heads.append(("its classifier at [CLS]", lambda h: cls(h[:, 0])))
    return heads


def _classifier_layers(target: Target, text: str) -> tuple[str, Any, Any]:
    """Per-layer label probabilities [layers+1, labels] and the model's own probabilities."""
    import torch

    batch = target.encode([text])
    with target.lock, torch.inference_mode():
        out = target.forward(**batch, output_hidden_states=True)
        final = out.logits.float()
        hidden = out.hidden_states
        for name, head in _classifier_heads(target.model):
            try:
                check = head(hidden[-1]).float()
                if check.shape != final.shape or not torch.allclose(check, final, atol=1e-4,
                                                                    rtol=1e-3):
                    continue
            except (RuntimeError, TypeError, IndexError, AttributeError):
                continue
            rows = torch.cat([head(h).float() for h in hidden])
            return name, torch.softmax(rows, -1).numpy(), torch.softmax(final[0], -1).numpy()
    raise UserError(f"I do not know how to read the intermediate layers of a "
                    f"{target.architecture}: its classification head is not one I recognise "
                    "(BERT, RoBERTa, DistilBERT and DeBERTa-style heads are supported).")


def _final_norm(model: Any) -> Any:
    base = getattr(model, getattr(model, "base_model_prefix", ""), None) or model
    for holder in (base, getattr(base, "decoder", None)):
        for name in ("norm", "ln_f", "final_layer_norm", "final_layernorm", "final_norm"):
            mod = getattr(holder, name, None) if holder is not None else None
            if mod is not None:
                return mod
    return None


def _lm_layers(target: HFCausalLM, text: str) -> tuple[Any, Any]:
    """Per-layer next-token probabilities [layers+1, vocab] at the last prompt position."""
    import torch

    wt = target.prompt_words(text)
    ids = torch.tensor([wt.input_ids])
    model = target.model
    norm, lm_head = _final_norm(model), model.get_output_embeddings()
    if norm is None or lm_head is None:
        raise UserError(f"I cannot find the final norm and output head of a {target.architecture}, "
                        "so I cannot read its intermediate layers.")
    with target.lock, torch.inference_mode():
        out = target.forward(input_ids=ids, attention_mask=torch.ones_like(ids),
                             output_hidden_states=True)
        last = [h[0, -1:] for h in out.hidden_states[:-1]]
        logits = [lm_head(norm(h)).float()[0] for h in last] + [out.logits[0, -1].float()]
        probs = torch.softmax(torch.stack(logits), -1).numpy()
    return wt, probs


def _row(layer: int, p: Any, follow: int, top: str, probs: dict[str, float]) -> LayerRow:
    return LayerRow(layer=layer, top=top, prob=round(float(p[follow]), 6),
                    rank=int((p > p[follow]).sum()) + 1, probs=probs)


def _classifier_rows(ctx: ToolContext, text: str, label: str | None) -> dict[str, Any]:
    target = ctx.target
    head, per_layer, final_p = ctx.memo(("layers", text), lambda: _classifier_layers(target, text))
    labels = target.labels
    final_i = int(final_p.argmax())
    follow = final_i if label is None else target.label_index(label)
    rows = [_row(layer, p, follow, labels[int(p.argmax())],
                 {n: round(float(v), 4) for n, v in zip(labels, p, strict=True)})
            for layer, p in enumerate(per_layer)]
    return {"head": head, "per_layer": per_layer, "final_i": final_i, "final": labels[final_i],
            "followed": labels[follow], "rows": rows, "truncated": target.words(text).truncated}


def _token(target: HFCausalLM, token: str) -> int:
    """The vocabulary entry for `token`: itself or with a leading space if either is one token,
    else its first token (shown as `followed`, so the user sees what was tracked)."""
    for form in (token, " " + token.lstrip()):
        ids = target.tokenizer(form, add_special_tokens=False)["input_ids"]
        if len(ids) == 1:
            return int(ids[0])
    return target.token_id(token)


def _lm_rows(ctx: ToolContext, text: str, token: str | None) -> dict[str, Any]:
    import numpy as np

    target = ctx.lm
    wt, per_layer = ctx.memo(("lens", text), lambda: _lm_layers(target, text))
    final_i = int(per_layer[-1].argmax())
    follow = final_i if token is None else _token(target, token)

    def name(i: int) -> str:
        return str(target.tokenizer.decode([int(i)]))

    rows = []
    for layer, p in enumerate(per_layer):
        top = np.argsort(-p, kind="stable")[:TOP]
        rows.append(_row(layer, p, follow, name(int(top[0])),
                         {name(int(i)): round(float(p[i]), 4) for i in top}))
    return {"head": "the final norm and output head at the last prompt token",
            "per_layer": per_layer, "final_i": final_i, "final": name(final_i),
            "followed": name(follow), "rows": rows, "truncated": wt.truncated}


@tool("layer_predictions", LayerPredictionsArgs, scope="input", updates={"focus", "label"})
def layer_predictions(ctx: ToolContext, args: LayerPredictionsArgs) -> LayerPredictionsResult:
    """What the model would predict after each layer (logit lens), and the layer at which its
    final prediction forms: classifier labels via its own head, causal LM next tokens via the
    final norm and lm_head."""
    import numpy as np

    ref = ctx.resolve(args.id, args.text)
    if ctx.target.kind == "classifier":
        got = _classifier_rows(ctx, ref.text, args.label)
    else:
        got = _lm_rows(ctx, ref.text, args.label)
    argmaxes = [int(np.argmax(p)) for p in got["per_layer"]]
    decision = len(argmaxes) - 1
    while decision > 0 and argmaxes[decision - 1] == got["final_i"]:
        decision -= 1
    rows = got["rows"]
    return LayerPredictionsResult(
        referent=ref.referent, text=ref.text, kind=ctx.target.kind, final=got["final"],
        followed=got["followed"], decision_layer=decision, n_layers=len(rows) - 1, layers=rows,
        head=got["head"], truncated=got["truncated"])
