"""`interactions`: how two parts of an input act together on the prediction.

Attributions give each part one number, as if effects simply added up; "does glucose matter more
for older people?" asks whether they do not. For a table model the parts are features
(`tabular/interactions.py`: SHAP interaction values for trees, a two-feature partial dependence
with Friedman's H otherwise, for one row or across the rows). For a text classifier they are two
words of one text, measured by occlusion in the log-odds of the label, as `attribute` measures
one word: f(x) - f(x without a) - f(x without b) + f(x without both), which is zero when the
words' effects add up, positive when each pushes more towards the label with the other there.
Named words lose every occurrence; without two named words, the pairs among the words with the
largest single effects are ranked.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from .context import ToolContext
from .errors import UserError
from .inputs import InputArgs
from .registry import Result, tool
from .views import Bars, Matrix, View

TOP_WORDS = 6  # words paired when a text's pairs are ranked (15 pairs)


class InteractionsArgs(InputArgs):
    """How two features of a table model (or two words of a text) act together on the
    prediction: for one row or item (`id`), or across the rows; with fewer than two named,
    the strongest pairs (with the one named)."""

    features: list[str] = Field(default_factory=list, max_length=2, description=(
        "Zero, one or two parts: feature names for a table model (spelled as people write "
        "them), words of the text for a text classifier."))
    label: str | None = Field(default=None, description="The label whose prediction is "
                              "explained (default: the predicted one for a row, else the "
                              "positive label).")
    k: int = Field(default=5, ge=1, le=20, description="How many pairs to list when fewer than "
                   "two parts are named.")


class Pair(BaseModel):
    a: str
    b: str
    strength: float = Field(description="For one input the signed interaction; across rows "
                            "its size (see the result's method).")


class InteractionsResult(Result):
    kind: str
    part: str = Field(default="feature", description="What a part is: feature or word.")
    referent: str | None = Field(default=None, description="The row or item, when about one.")
    id: int | None = None
    what: str = Field(default="", description="The rows measured over, when across rows.")
    noun: str = "items"
    label: str
    unit: str = Field(description="log-odds or probability of the label.")
    method: str
    a: str | None = None
    b: str | None = None
    value: float | None = Field(default=None, description="The pair's interaction: signed for "
                                "one input, the mean |SHAP interaction value| across rows.")
    main_a: float | None = Field(default=None, description="a's own effect (one input), or "
                                 "its mean |main effect| across rows.")
    main_b: float | None = None
    h: float | None = Field(default=None, description="Friedman's H of the pair's two-feature "
                            "partial dependence: 0 additive .. 1 all interaction.")
    pairs: list[Pair] = Field(default_factory=list)
    parts: list[str] = Field(default_factory=list, description="The features, in the order "
                             "of `matrix`.")
    matrix: list[list[float]] | None = Field(default=None, description="One row's SHAP "
                                             "interaction values: main effects on the diagonal.")
    expected: float | None = None
    output: float | None = Field(default=None, description="= expected + sum of `matrix`.")
    grid_a: list[Any] = Field(default_factory=list)
    grid_b: list[Any] = Field(default_factory=list)
    surface: list[list[float]] = Field(default_factory=list, description="Mean p(label) with "
                                       "a = grid_a[i] and b = grid_b[j].")
    n_rows: int = 0

    def _name(self, x: str) -> str:
        return f"'{x}'" if self.part == "word" else x

    def verdict(self) -> str:
        """hardly / weakly / moderately / strongly, from the interaction's share of the pair's
        effects (or from H when that is all there is)."""
        if self.value is not None and self.main_a is not None and self.main_b is not None:
            total = abs(self.value) + abs(self.main_a) + abs(self.main_b)
            share = abs(self.value) / total if total > 0 else 0.0
            cuts = (0.05, 0.15, 0.35)
        else:
            share, cuts = self.h or 0.0, (0.1, 0.25, 0.5)
        words = ("hardly interact", "interact weakly", "interact moderately")
        return next((w for w, c in zip(words, cuts, strict=True) if share < c),
                    "interact strongly")

    def views(self) -> list[View]:
        shown: list[View] = []
        unit = f"{self.unit} of {self.label}"
        if self.a and self.b and self.value is not None and self.main_a is not None \
                and self.main_b is not None:
            signed = self.referent is not None
            shown.append(Bars(
                title=f"{self._name(self.a)} and {self._name(self.b)}: own effects and "
                      f"interaction ({self.method}, {unit})",
                names=[self._name(self.a), self._name(self.b), "together, beyond both"],
                values=[self.main_a, self.main_b, self.value], signed=signed,
                format="signed" if signed else "fixed", digits=3,
                note="" if signed else "mean sizes over the rows"))
        if self.surface and self.a and self.b:
            shown.append(Matrix(
                title=f"mean p({self.label}) with {self.a} and {self.b} set (partial dependence)",
                rows=[f"{self.a} = {v}" for v in self.grid_a],
                columns=[str(v) for v in self.grid_b], values=[list(r) for r in self.surface],
                row_title=self.a, column_title=self.b, digits=2,
                note="averaged over the background rows; for an additive pair every column "
                     "changes by the same amounts from row to row"))
        if self.pairs:
            shown.append(Bars(
                title=f"strongest interactions ({self.method}, {unit})",
                names=[f"{self._name(p.a)} × {self._name(p.b)}" for p in self.pairs],
                values=[p.strength for p in self.pairs], signed=self.referent is not None,
                format="signed" if self.referent is not None else "fixed", digits=3))
        return shown

    def summary(self) -> str:
        unit = f"{self.unit} of {self.label}"
        if self.pairs and not (self.a and self.b):
            listed = ", ".join(f"{self._name(p.a)} and {self._name(p.b)} ({p.strength:+.3f})"
                               if self.referent else
                               f"{self._name(p.a)} and {self._name(p.b)} ({p.strength:.3f})"
                               for p in self.pairs)
            where = (f"For {self.referent}" if self.referent
                     else f"Over {self.what} (measured on {self.n_rows:,} {self.noun})")
            return (f"{where}, the strongest interactions ({self.method}, in {unit}) are: "
                    f"{listed}. {_meaning(self)}")
        if not (self.a and self.b):
            return f"There were no pairs of {self.part}s to compare."
        a, b = self._name(self.a), self._name(self.b)
        head = f"{a} and {b} {self.verdict()}"
        if self.referent:
            head = f"For {self.referent}, {head}"
        out = [head + ":"]
        if self.value is not None and self.main_a is not None and self.main_b is not None:
            if self.referent:
                out.append(f"their interaction is {self.value:+.3f} in {unit} ({self.method}), "
                           f"against own effects of {self.main_a:+.3f} for {a} and "
                           f"{self.main_b:+.3f} for {b}.")
            else:
                out.append(f"their SHAP interaction values are {self.value:.3f} in size on "
                           f"average ({unit}, over {self.n_rows:,} {self.noun}), against main "
                           f"effects of {self.main_a:.3f} for {a} and {self.main_b:.3f} for {b}.")
        if self.h is not None:
            out.append(f"Friedman's H on their two-feature partial dependence is {self.h:.2f} "
                       "(0: their effects simply add up; 1: all of it is interaction).")
        if self.surface:
            low, high = _extremes(self)
            out.append(f"The mean p({self.label}) goes from {low} to {high} over the grid.")
        if self.output is not None and self.expected is not None:
            out.append(f"All main effects and interactions add up from the model's expected "
                       f"output {self.expected:.2f} (over its training data) to this row's "
                       f"{self.output:.2f}.")
        if self.referent and self.value is not None:
            out.append(_meaning(self))
        return " ".join(out)


def _meaning(r: InteractionsResult) -> str:
    if r.referent is None:
        return "Larger means the two act less like separate, added effects."
    return (f"Positive: together they push further towards {r.label} than their own effects "
            "add up to; negative: less far.")


def _extremes(r: InteractionsResult) -> tuple[str, str]:
    cells = [(v, i, j) for i, row in enumerate(r.surface) for j, v in enumerate(row)]
    lo, hi = min(cells), max(cells)

    def at(c: tuple[float, int, int]) -> str:
        return f"{c[0]:.2f} ({r.a} = {r.grid_a[c[1]]}, {r.b} = {r.grid_b[c[2]]})"

    return at(lo), at(hi)


# ---- text classifiers: two words of one text -------------------------------------------------
def _key(word: str) -> str:
    return re.sub(r"\W+", "", word.lower())


def _groups(words: list[str]) -> dict[str, list[int]]:
    """Word positions by spelling (lowercased, punctuation left out)."""
    out: dict[str, list[int]] = {}
    for i, w in enumerate(words):
        if _key(w):
            out.setdefault(_key(w), []).append(i)
    return out


@tool("interactions", InteractionsArgs, scope="dataset", kinds={"classifier"})
def interactions(ctx: ToolContext, args: InteractionsArgs) -> InteractionsResult:
    """Whether two words of a text act together on the prediction: occlusion in the log-odds of
    the label, f(x) - f(x without a) - f(x without b) + f(x without both), or the strongest
    pairs among the words that matter most on their own."""
    from .methods.objective import classifier_objective

    if args.id is None and not args.text:
        noun = ctx.data.item_name if ctx.data is not None else "text"
        raise UserError(f"For a text model, interactions are between two words of one {noun}: "
                        f"name the {noun} (an id) or give a text.")
    ref = ctx.resolve(args.id, args.text)
    target = ctx.classifier
    probs = ctx.probs([ref.text])[0]
    k = target.label_index(args.label) if args.label is not None else int(probs.argmax())
    obj = classifier_objective(ctx, ref, k, None)
    groups = _groups(obj.words.words)
    named = []
    for w in args.features:
        if _key(w) not in groups:
            raise UserError(f"{w!r} is not a word of {ref.referent} (as the model sees it).")
        named.append(_key(w))
    if len(named) == 2 and named[0] == named[1]:
        raise UserError(f"An interaction needs two different words; both are {args.features[0]!r}.")

    n = obj.n_words

    def without(*keys: str) -> str:
        gone = {i for key in keys for i in groups[key]}
        return obj.text_keeping([i not in gone for i in range(n)])

    if len(named) == 2:
        candidates = named
    else:
        keys = list(groups)
        ctx.check()
        single = obj.score([without(key) for key in keys])
        effect = {key: obj.value - float(s) for key, s in zip(keys, single, strict=True)}
        candidates = sorted(keys, key=lambda key: -abs(effect[key]))[:TOP_WORDS]
        if named and named[0] not in candidates:
            candidates = [named[0], *candidates[:TOP_WORDS - 1]]
    pairs = [(x, y) for i, x in enumerate(candidates) for y in candidates[i + 1:]
             if not named or len(named) == 2 or named[0] in (x, y)]
    if not pairs:
        raise UserError(f"{ref.referent} has fewer than two words to pair.")
    singles = sorted({key for p in pairs for key in p})
    ctx.check()
    scores = obj.score([without(key) for key in singles] + [without(*p) for p in pairs])
    alone = {key: obj.value - float(s) for key, s in zip(singles, scores, strict=False)}
    both = scores[len(singles):]
    found = [Pair(a=x, b=y, strength=round(alone[x] + alone[y] - (obj.value - float(s)), 6))
             for (x, y), s in zip(pairs, both, strict=True)]
    base = InteractionsResult(kind=target.kind, part="word", referent=ref.referent, id=ref.id,
                              label=target.labels[k], unit="log-odds",
                              method="occlusion interaction")
    if len(named) == 2:
        (p,) = found
        return base.model_copy(update={"a": p.a, "b": p.b, "value": p.strength,
                                       "main_a": round(alone[p.a], 6),
                                       "main_b": round(alone[p.b], 6)})
    ranked = sorted(found, key=lambda p: -abs(p.strength))[:args.k]
    return base.model_copy(update={"pairs": ranked})
