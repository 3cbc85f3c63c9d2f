"""`interactions` for a tabular target: how two features act together (`interactions.py` holds
the computations).

- one row (`id`, or a row written out) and two features: trees give the row's SHAP interaction
  matrix (the pair's value, both cells; each one's main effect; all of it adds up to the row's
  output); other models the occlusion interaction against the background rows;
- across the rows (the subset, else the table) and two features: the two-feature partial
  dependence and Friedman's H, with the mean |SHAP interaction value| for trees;
- fewer than two features: the strongest pairs (with the one named), for the row or the rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..data.views import noun, scope
from ..errors import UserError
from ..interactions import InteractionsArgs, InteractionsResult, Pair
from .interactions import interaction, occlusion_pair, pool_pairs, ranked_pairs, row_matrix
from .variants import background_rows, row_of, table, table_target

if TYPE_CHECKING:
    from ..context import ToolContext
    from ..target.tabular import TabularTarget


def _label(target: TabularTarget, label: str | None, probs: np.ndarray | None) -> int:
    if label is not None:
        return target.label_index(label)
    if probs is not None:
        return int(np.argmax(probs))
    return len(target.labels) - 1 if len(target.labels) == 2 else 0


def _scale(target: TabularTarget) -> str:
    return "probability" if not hasattr(target.model, "decision_function") else "log-odds"


def interactions(ctx: ToolContext, args: InteractionsArgs) -> InteractionsResult:
    """How two features act together on the prediction: for one row or across the rows; with
    fewer than two named, the strongest pairs."""
    import pandas as pd

    target = table_target(ctx)
    data = table(ctx)
    schema = target.schema
    assert schema is not None
    named = [schema.resolve(f) for f in args.features]
    if len(named) == 2 and named[0] == named[1]:
        raise UserError(f"An interaction needs two different features; both are {named[0]}.")
    if len(schema.names) < 2:
        raise UserError(f"{target.name} reads one feature only; there is no pair to compare.")
    bg = background_rows(ctx)
    if args.id is not None or args.text:
        return _one_row(ctx, args, named, bg)
    ids, what = scope(ctx)
    if not ids:
        raise UserError(f"There are no {noun(data)} in {what} to measure interactions over.")
    rows = data.X(ids)
    k = _label(target, args.label, None)
    base = InteractionsResult(kind=target.kind, what=what, noun=noun(data),
                              label=target.labels[k], unit=_scale(target) if target.is_tree
                              else "probability", method="")
    if len(named) < 2:
        pairs, unit, method, n = ranked_pairs(target, rows, bg, k, named[0] if named else None,
                                              seed=ctx.seed)
        return base.model_copy(update={
            "unit": unit, "method": method, "n_rows": n,
            "pairs": [Pair(a=a, b=b, strength=round(s, 6)) for a, b, s in pairs[:args.k]]})
    found = interaction(target, pd.DataFrame(rows), bg, named[0], named[1],
                        label=target.labels[k], seed=ctx.seed)
    update: dict[str, object] = {
        "a": found.a, "b": found.b, "h": round(found.h, 6), "grid_a": found.grid_a,
        "grid_b": found.grid_b, "surface": [[round(v, 6) for v in r] for r in found.surface],
        "method": "two-feature partial dependence", "n_rows": len(bg), "unit": "probability"}
    if found.shap_strength is not None:
        update.update(method="mean |SHAP interaction value|", unit=found.shap_scale,
                      value=round(found.shap_strength, 6), n_rows=found.n_rows,
                      main_a=round(found.shap_main_a or 0.0, 6),
                      main_b=round(found.shap_main_b or 0.0, 6))
    return base.model_copy(update=update)


def _one_row(ctx: ToolContext, args: InteractionsArgs, named: list[str],
             bg: object) -> InteractionsResult:
    import pandas as pd

    target = table_target(ctx)
    assert target.schema is not None and isinstance(bg, pd.DataFrame)
    ref = ctx.resolve(args.id, args.text)
    row = row_of(ctx, ref)
    frame = pd.DataFrame([row])
    k = _label(target, args.label, target.predict_proba(frame)[0])
    names = target.schema.names
    base = InteractionsResult(kind=target.kind, referent=ref.referent, id=ref.id,
                              label=target.labels[k], unit="log-odds", method="")
    got = row_matrix(target, frame, k)
    if got is not None:
        matrix, expected, output = got
        whole = {"parts": names, "matrix": [[round(float(v), 6) for v in r] for r in matrix],
                 "expected": round(expected, 6), "output": round(output, 6),
                 "unit": _scale(target), "method": "SHAP interaction value"}
        if len(named) == 2:
            i, j = names.index(named[0]), names.index(named[1])
            return base.model_copy(update={
                **whole, "a": named[0], "b": named[1],
                "value": round(float(matrix[i, j] + matrix[j, i]), 6),
                "main_a": round(float(matrix[i, i]), 6), "main_b": round(float(matrix[j, j]), 6)})
        pairs = [Pair(a=names[i], b=names[j], strength=round(float(matrix[i, j] * 2), 6))
                 for i in range(len(names)) for j in range(i + 1, len(names))
                 if not named or named[0] in (names[i], names[j])]
        pairs.sort(key=lambda p: -abs(p.strength))
        return base.model_copy(update={**whole, "pairs": pairs[:args.k]})
    method = {"method": "occlusion interaction against the background rows"}
    if len(named) == 2:
        value, main_a, main_b = occlusion_pair(target, row, bg, named[0], named[1], k)
        return base.model_copy(update={**method, "a": named[0], "b": named[1],
                                       "value": round(value, 6), "main_a": round(main_a, 6),
                                       "main_b": round(main_b, 6)})
    pairs = [Pair(a=a, b=b, strength=round(occlusion_pair(target, row, bg, a, b, k)[0], 6))
             for a, b in pool_pairs(target, bg, bg, k, named[0] if named else None)]
    pairs.sort(key=lambda p: -abs(p.strength))
    return base.model_copy(update={**method, "pairs": pairs[:args.k]})
