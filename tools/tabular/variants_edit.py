"""`what_if` and `counterfactual` for a tabular target: edits and flips of feature values.

The results are the text tools' own (`WhatIfResult`, `CounterfactualResult`): the row in words
before and after, and each feature change written as the replacement of one part of the row
("BMI = 33.6" by "BMI = 25"), so the before/after views need nothing new.
"""

from __future__ import annotations

from ..context import ToolContext
from ..counterfactual import (
    Counterfactual,
    CounterfactualArgs,
    CounterfactualResult,
    WordEdit,
)
from ..data.table import row_text, shown
from ..errors import UserError
from ..what_if import WhatIfArgs, WhatIfResult
from .edits import FeatureEdit
from .edits import what_if as run_what_if
from .rows_counterfactual import counterfactual_rows
from .rows_what_if import what_if_rows
from .search import counterfactuals
from .variants import row_of, table, table_target


def _changes(edits: list[WordEdit]) -> str:
    return ", ".join(f"{e.target} → {(e.value or '').split('= ')[-1]}" for e in edits)


class TabularCounterfactualResult(CounterfactualResult):
    """Counterfactuals whose edits are feature changes; worded in features."""

    def summary(self) -> str:
        goal = self.wanted or "another label"
        head = f"For {self.referent} (predicted {self.label}, {self.prob:.2f})"
        how = (f"I searched changes of up to {self.k} feature{'s' * (self.k > 1)} to values the "
               f"data shows, fewest features first, using {self.evaluations:,} predictions.")
        notes = "".join(f" {n}" for n in self.notes)
        if not self.counterfactuals:
            return f"{head}, no change I tried flipped the prediction to {goal}. {how}{notes}"
        best, *others = self.counterfactuals
        n = len(best.edits)
        text = (f"{head}, the smallest change found touches {n} feature{'s' * (n > 1)}: "
                f"{_changes(best.edits)} flips it to {best.label}, p({best.label}) "
                f"{best.before_prob:.2f} -> {best.target_prob:.2f}.")
        if others:
            text += " Other ways: " + "; ".join(
                f"{_changes(c.edits)} -> {c.label}, p({c.label}) {c.target_prob:.2f}"
                for c in others) + "."
        return (f"{text} Each was checked by predicting the changed row again. {how}{notes} A "
                "counterfactual shows one way to change the outcome, not the only one.")


def feature_edits(args: WhatIfArgs) -> list[FeatureEdit]:
    """The feature edits of a what-if: its `features` when the planner gave them, else its
    word edits read as features ("replace BMI with 25"; "+10" / "-10" change a number by that
    much), else a whole row written as "feature = value, ..."."""
    given = getattr(args, "features", None)
    if given:
        return [e if isinstance(e, FeatureEdit) else FeatureEdit.model_validate(e) for e in given]
    out = []
    for e in args.edits:
        if e.action != "replace" or not e.target or e.value is None:
            raise UserError("For a table model, say which feature to change and to what, e.g. "
                            "'what if BMI were 25?' or 'increase glucose by 10'.")
        name = e.target.split("=")[0].strip()
        value = e.value.split("=")[-1].strip()
        if value[:1] in "+-" and len(value) > 1 and value[1:].replace(".", "", 1).isdigit():
            out.append(FeatureEdit(feature=name, op="increase" if value[0] == "+" else "decrease",
                            value=value[1:]))
        else:
            out.append(FeatureEdit(feature=name, value=value))
    return out


def what_if(ctx: ToolContext, args: WhatIfArgs) -> WhatIfResult:
    """Change features of a row ("what if BMI were 25", "increase glucose by 10") and compare
    the model's probabilities before and after; with no row named, change every row of the
    subset (or table) and count the predictions that change (`rows_what_if.py`)."""
    target = table_target(ctx)
    if args.id is None and not args.text and not args.new_text:  # "if everyone's BMI were 25"
        return what_if_rows(ctx, feature_edits(args))  # type: ignore[return-value]
    ref = ctx.resolve(args.id, args.text)
    row = row_of(ctx, ref)
    assert target.schema is not None
    if args.new_text:
        from ..context import InputRef

        after = row_of(ctx, InputRef(text=args.new_text))
        edits = [FeatureEdit(feature=n, value=str(after[n])) for n in target.schema.names
                 if str(after[n]) != str(row[n])]
    else:
        edits = feature_edits(args)
    result = run_what_if(target, row, edits)
    before = dict(zip(target.labels, result.probs_before, strict=True))
    after_p = dict(zip(target.labels, result.probs_after, strict=True))
    changes = [f"{n} {shown(row[n])} → {shown(result.after[n])}" for n in result.changed]
    changes += result.notes
    return WhatIfResult(
        referent=ref.referent, id=ref.id, kind=target.kind,
        original=row_text(row, target.schema.names),
        edited=row_text(result.after, target.schema.names), changes=changes,
        label_before=result.label_before, label_after=result.label_after,
        probs_before={k: round(v, 6) for k, v in before.items()},
        probs_after={k: round(v, 6) for k, v in after_p.items()},
        delta={k: round(after_p[k] - before[k], 6) for k in target.labels})


def counterfactual(ctx: ToolContext, args: CounterfactualArgs) -> CounterfactualResult:
    """The fewest feature changes (to values the data shows, never a fixed feature) that flip
    the model's prediction for a row, each predicted again to verify the flip; with no row
    named, the flips of a spread sample of the subset's rows summed up per feature
    (`rows_counterfactual.py`)."""
    import numpy as np
    import pandas as pd

    target = table_target(ctx)
    data = table(ctx)
    assert target.schema is not None
    if not 1 <= args.k <= 5:
        raise UserError(f"k (the most features changed) must be between 1 and 5; got {args.k}.")
    fixed: list[str] = list(getattr(args, "fixed", None) or [])
    if args.id is None and not args.text:  # "what would it take for people over 60 to ..."
        return counterfactual_rows(ctx, args.label, fixed, args.k)  # type: ignore[return-value]
    ref = ctx.resolve(args.id, args.text)
    row = row_of(ctx, ref)
    probs = target.predict_proba(pd.DataFrame([row]))[0]
    now = int(np.argmax(probs))
    search = counterfactuals(target, row, data.X(), want=args.label, fixed=fixed,
                             max_changes=args.k)
    wanted = None if args.label is None else target.labels[target.label_index(args.label)]
    names = target.schema.names
    found = []
    for cf in search.found:
        edits = [WordEdit(action="replace", target=f"{n} = {shown(old)}",
                          value=f"{n} = {shown(new)}", position=names.index(n),
                          sources=["search over observed values"])
                 for n, (old, new) in cf.changes.items()]
        p = dict(zip(target.labels, cf.probs, strict=True))
        found.append(Counterfactual(
            text=row_text(cf.row, names), edits=edits, label=cf.label if wanted is None
            else wanted, predicted=cf.label, probs={k: round(v, 6) for k, v in p.items()},
            before_prob=float(probs[target.label_index(cf.label)]),
            target_prob=float(p[cf.label])))
    notes: list[str] = []
    if fixed:
        notes.append("kept fixed: " + ", ".join(target.schema.resolve(f) for f in fixed) + ".")
    return TabularCounterfactualResult(
        referent=ref.referent, text=row_text(row, names), label=target.labels[now],
        prob=float(probs[now]), wanted=wanted, k=args.k, counterfactuals=found,
        evaluations=search.evaluations, budget=search.evaluations,
        guided_by="a search over the values the table shows, fewest features first",
        substitutes_from="observed quantiles and values of each feature", notes=notes)
