"""Attribution methods for a row besides SHAP: occlusion against the background, LIME tabular.

Both explain p(label | row), in probability points, like SHAP's model-agnostic path:

- `occlusion`: a feature's score is how much the probability drops when that feature alone is
  replaced by the background rows' values (averaged over them): f(x) - mean_b f(x with x_j = b_j).
  A feature the model ignores scores exactly 0; the scores need not add up to anything.
- `lime`: lime's LimeTabularExplainer (quartile-discretised numbers, categories and booleans as
  categories, seeded), a weighted linear fit around the row; a score is the fit's weight of the
  feature's condition ("Glucose > 140") for the row.

`ATTRIBUTION_METHODS` names what the attribute tool accepts for a table model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from ..target.tabular import TabularTarget

ATTRIBUTION_METHODS = ("shap", "occlusion", "lime")
LIME_SAMPLES = 2000


@dataclass
class Scores:
    features: list[str]
    values: np.ndarray  # [features]
    output: float  # p(label | row)
    base: float  # occlusion: mean p(label) over the background; lime: the fit's intercept
    label: str
    method: str
    notes: list[str]


def occlusion(target: TabularTarget, row: pd.Series, label: str | int,
              bg: pd.DataFrame) -> Scores:
    """p(label | row) minus its mean with one feature at a time taken from the background."""
    import pandas as pd

    assert target.schema is not None
    names = target.schema.names
    k = target.label_index(label)
    frames = [pd.DataFrame([row[names]] * len(bg)).assign(**{n: bg[n].to_numpy()})
              for n in names]
    probs = target.predict_proba(pd.concat([pd.DataFrame([row[names]]), *frames],
                                           ignore_index=True))[:, k]
    output = float(probs[0])
    means = probs[1:].reshape(len(names), len(bg)).mean(1)
    base = float(target.predict_proba(bg[names])[:, k].mean())
    return Scores(features=list(names), values=output - means, output=output, base=base,
                  label=target.labels[k], method="occlusion", notes=[])


def lime_scores(target: TabularTarget, row: pd.Series, label: str | int, bg: pd.DataFrame,
                seed: int = 0) -> Scores:
    """LIME tabular weights of each feature for the row (a local linear fit of p(label))."""
    import pandas as pd
    from lime.lime_tabular import LimeTabularExplainer

    schema = target.schema
    assert schema is not None
    k = target.label_index(label)
    categorical = [i for i, f in enumerate(schema.features) if f.kind != "numeric"]
    explainer = LimeTabularExplainer(
        schema.encode(bg), feature_names=schema.names, categorical_features=categorical,
        class_names=target.labels, discretize_continuous=True, random_state=seed)

    def predict(matrix: np.ndarray) -> np.ndarray:
        return target.predict_proba(schema.decode(matrix))

    x = schema.encode(pd.DataFrame([row[schema.names]]))[0]
    exp = explainer.explain_instance(x, predict, labels=(k,), num_features=len(schema.names),
                                     num_samples=LIME_SAMPLES)
    values = np.zeros(len(schema.names))
    for index, weight in exp.as_map()[k]:
        values[index] = weight
    notes = [f"local fit R² {float(exp.score):.2f}"]
    return Scores(features=list(schema.names), values=values,
                  output=float(target.predict_proba(pd.DataFrame([row[schema.names]]))[0, k]),
                  base=float(exp.intercept[k]), label=target.labels[k], method="lime",
                  notes=notes)
