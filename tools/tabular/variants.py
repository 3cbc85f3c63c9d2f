"""The catalogue's tools for a tabular target: same names, same arguments, same results.

One notion of "the parts of an input": for text they are words, for a table row they are its
features, written "Glucose = 148" inside the row in words (`data/table.py`), so the results and
their views (scores drawn inside the text, bars, before/after texts) are the text tools' own.
Each function here is the implementation of an existing tool for targets of kind "tabular"
(`registry.variant`), never a tool of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..attribute import AttributeArgs
from ..attribute_result import AttributeResult
from ..errors import UserError
from ..predict import PredictArgs, PredictResult
from ..target.tabular import TabularTarget
from ..views import Bars, View, WordScores

if TYPE_CHECKING:
    import pandas as pd

    from ..context import InputRef, ToolContext
    from ..data.table import TableDataset
    from .contributions import Contributions


def table_target(ctx: ToolContext) -> TabularTarget:
    if not isinstance(ctx.target, TabularTarget):
        raise UserError(f"That needs a table model; {ctx.target.name} is a "
                        f"{ctx.target.kind.replace('_', ' ')}.")
    if ctx.target.schema is None:
        raise UserError(f"{ctx.target.name} has no table yet; start saywhy with --data FILE.")
    return ctx.target


def table(ctx: ToolContext) -> TableDataset:
    from ..data.table import TableDataset

    if not isinstance(ctx.data, TableDataset):
        raise UserError("There is no table loaded; start saywhy with --data FILE.")
    return ctx.data


def selected_rows(ctx: ToolContext, none: str) -> tuple[TabularTarget, TableDataset, list[Any],
                                                       pd.DataFrame]:
    """The table target, its table, the keys of the current subset (else every row) and their
    features, for a tool asked of many rows; `none` ends "No rows are selected, so ..."."""
    target, data = table_target(ctx), table(ctx)
    assert target.schema is not None
    keys = ctx.items()
    if not keys:
        raise UserError(f"No rows are selected, so {none}.")
    return target, data, keys, data.frame.loc[keys, target.schema.names]


def row_of(ctx: ToolContext, ref: InputRef) -> pd.Series:
    """The features of the input: a table row by id (a free text means nothing to a table
    model, unless it is a row written as "feature = value, ...")."""
    import pandas as pd

    target = table_target(ctx)
    assert target.schema is not None
    if ref.id is not None:
        return table(ctx).frame.loc[ref.id, target.schema.names]
    values: dict[str, Any] = {}
    for piece in ref.text.split(","):
        name, sep, value = piece.partition("=")
        if not sep:
            raise UserError(f"{target.name} reads table rows: name a row by its id, or write "
                            "every feature as 'feature = value, ...'.")
        feature = target.schema[name.strip()]
        values[feature.name] = feature.value(value.strip())
    missing = [n for n in target.schema.names if n not in values]
    if missing:
        raise UserError(f"The row lacks {', '.join(missing)}; give every feature a value.")
    return pd.Series(values)[target.schema.names]


def background_rows(ctx: ToolContext) -> pd.DataFrame:
    """The rows contributions are measured from: 100 seeded rows of the train split (of all
    rows without a split), the same for every question about this model and table."""
    from .contributions import background

    data = table(ctx)

    def make() -> pd.DataFrame:
        frame = data.frame
        ids = frame.index[frame["split"] == "train"] if data.has_split else frame.index
        return background(data.X(ids if len(ids) else None), seed=ctx.seed)

    return ctx.memo(("table-background", data.fingerprint(), ctx.seed), make)


def warm(ctx: ToolContext) -> None:
    """Import shap and build the explainer for this table's background now (about a second,
    mostly `import shap`), so the first "why?" costs what every later one does."""
    import pandas as pd

    from .contributions import contributions

    target, data = table_target(ctx), table(ctx)
    if len(data):
        first = data.X().iloc[:1]
        contributions(target, pd.DataFrame(first), target.labels[0], background_rows(ctx),
                      seed=ctx.seed)


def predict(ctx: ToolContext, args: PredictArgs) -> PredictResult:
    """The label and probabilities the model gives a row."""
    ref = ctx.resolve(args.id, args.text)
    target = table_target(ctx)
    row = row_of(ctx, ref)
    out = target.predict(row)
    return PredictResult(referent=ref.referent, id=ref.id, text=ref.text, gold=ref.gold,
                         kind=target.kind, label=out["label"],
                         probs={k: round(v, 6) for k, v in out["probs"].items()})


def explain_row(ctx: ToolContext, ref: InputRef, label: str | int | None,
                method: str = "shap") -> tuple[Contributions, pd.Series, list[float], list[str]]:
    """Contributions of the row's features towards `label` (default: the predicted one) by
    `method` (shap, occlusion or lime), the row, its probabilities and the method's notes."""
    import pandas as pd

    from .contributions import Contributions, contributions
    from .methods import lime_scores, occlusion

    target = table_target(ctx)
    row = row_of(ctx, ref)
    probs = target.predict_proba(pd.DataFrame([row]))[0]
    chosen = target.labels[int(probs.argmax())] if label is None else label
    bg = background_rows(ctx)
    if method == "shap":
        c = contributions(target, pd.DataFrame([row]), chosen, bg, seed=ctx.seed)
        return c, row, probs.tolist(), []
    s = occlusion(target, row, chosen, bg) if method == "occlusion" else lime_scores(
        target, row, chosen, bg, seed=ctx.seed)
    c = Contributions(features=s.features, values=s.values[None, :], base=s.base,
                      output=np.array([s.output]), label=s.label, scale="probability",
                      methods=[s.method])
    return c, row, probs.tolist(), s.notes


SCALE_WORDS = {"probability": "probability", "log-odds": "log-odds", "margin": "margin"}


def _feature_words(top: list[dict[str, Any]], sign: int) -> str:
    picked = [w for w in top if w["score"] * sign > 0]
    return ", ".join(f"{w['word']} ({w['score']:+.2f})" for w in picked) or "none"


class TabularAttributeResult(AttributeResult):
    """An attribution whose parts are features; it words itself in features and SHAP terms."""

    def views(self) -> list[View]:
        """The row with each feature's score, and the top features as signed bars (a
        waterfall's steps from the base value, largest first)."""
        unit = "probability" if self.unit == "probability" else f"{self.unit} of {self.label}"
        other = self.contrast or self.opposite
        scores = WordScores(
            title=f"feature contributions for {self.referent} ({self.method}, {unit})",
            text=self.text, words=[str(w["word"]) for w in self.words],
            spans=[(int(w["start"]), int(w["end"])) for w in self.words],
            scores=[w.get("score") for w in self.words], high=f"towards {self.label}",
            low=f"towards {other}" if other else f"away from {self.label}",
            marked=[i for i, w in enumerate(self.words) if w in self.top])
        bars = Bars(title=f"top features ({self.method}, {unit})",
                    names=[str(w["word"]) for w in self.top],
                    values=[float(w["score"]) for w in self.top], signed=True, format="signed",
                    digits=3)
        return [scores, bars]

    def summary(self) -> str:
        other = self.contrast or self.opposite
        if self.predicted is not None and self.predicted != self.label:
            head = (f"For {self.referent} the model does not say {self.label}: it predicts "
                    f"{self.predicted} ({self.predicted_probability:.2f}). Here is what moves "
                    f"it towards {self.label}.")
        else:
            head = (f"For {self.referent} the model predicts {self.label} "
                    f"({self.predicted_probability:.2f}).")
        away = f"towards {other}" if other else f"away from {self.label}"
        unit = "probability" if self.unit == "probability" else f"{self.unit} of {self.label}"
        rows = self.extras.get("background_rows", 0)
        how = {
            "occlusion": f"each score is how much p({self.label}) = {self.target_value:.2f} "
                         f"drops when that feature alone takes the values of {rows} background "
                         "rows",
            "lime": f"a local linear fit of p({self.label}) around this row "
                    f"({'; '.join(self.extras.get('notes', []))})",
        }.get(self.method, f"they add up from the base value {self.base_value:.2f} (the "
                           f"average over {rows} background rows) to {self.target_value:.2f} "
                           "for this row")
        return (f"{head} Features pushing towards {self.label}: "
                f"{_feature_words(self.top, 1)}; {away}: "
                f"{_feature_words(self.top, -1)}. Method: {self.method}, scores in "
                f"{unit}; {how}.")


def attribute(ctx: ToolContext, args: AttributeArgs) -> AttributeResult:
    """Which features pushed the model towards its prediction for a row: SHAP contributions
    (tree SHAP for tree ensembles, exact Shapley values otherwise) that add up to its output,
    or occlusion against the background, or LIME tabular."""
    import time

    from ..data.table import parts
    from .methods import ATTRIBUTION_METHODS

    if args.method not in (None, *ATTRIBUTION_METHODS):
        raise UserError(f"For table models saywhy explains with {', '.join(ATTRIBUTION_METHODS)}"
                        f"; {args.method} works on words.")
    if not 1 <= args.k <= 100:
        raise UserError(f"k must be between 1 and 100; got {args.k}.")
    target = table_target(ctx)
    ref = ctx.resolve(args.id, args.text)
    label = args.label
    if args.contrast is not None and len(target.labels) != 2:
        raise UserError("For table models 'rather than' works between the two labels of a "
                        "binary model, where it is the same as explaining the first one.")
    started = time.perf_counter()
    c, row, probs, notes = explain_row(ctx, ref, label, args.method or "shap")
    seconds = time.perf_counter() - started
    best = max(range(len(probs)), key=lambda i: probs[i])
    pieces = parts(row, c.features)
    text = ", ".join(p for p, _, _ in pieces)
    words: list[dict[str, Any]] = [
        {"word": p, "feature": name, "score": round(float(v), 6), "start": a, "end": b}
        for (p, a, b), name, v in zip(pieces, c.features, c.values[0], strict=True)]
    order = sorted(range(len(words)), key=lambda i: -abs(c.values[0][i]))[:args.k]
    others = [n for n in target.labels if n != c.label]
    method = {"tree": "tree shap", "exact": "exact shap", "kernel": "kernel shap"}.get(
        c.methods[0], c.methods[0])
    return TabularAttributeResult(
        referent=ref.referent, id=ref.id, text=text, kind=target.kind, method=method,
        label=c.label, contrast=args.contrast, opposite=others[0] if len(others) == 1 else None,
        predicted=target.labels[best], predicted_probability=float(probs[best]),
        unit=SCALE_WORDS[c.scale], target_value=float(c.output[0]), base_value=c.base,
        words=words, top=[words[i] for i in order], n_words_seen=len(words),
        n_words_total=len(words), faithfulness=None,
        extras={"background_rows": len(background_rows(ctx)), "scale": c.scale,
                "notes": notes},
        attribution_seconds=round(seconds, 4))
