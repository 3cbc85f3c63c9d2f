"""A user's table model and data as files, for tests that load them the way the command line
does: a skops pipeline (one-hot `owner`, a small random forest) and its CSV with ids 100 on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FEATURES = ["age", "income", "owner"]


def loan_files(folder: Path, *, n: int, seed: int, trees: int,
               noise: float = 0.0) -> tuple[Path, Path]:
    """`loans.skops` and `loans.csv` in `folder`: approved when income (plus 10 for an owner,
    plus normal noise of sd `noise`) is over 55."""
    import skops.io as sio
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"age": rng.integers(20, 80, n), "income": rng.normal(50, 15, n).round(1),
                       "owner": rng.choice(["yes", "no"], n)})
    score = df["income"] + 10 * (df["owner"] == "yes")
    if noise:
        score = score + rng.normal(0, noise, n)
    df["approved"] = np.where(score > 55, "yes", "no")
    pre = ColumnTransformer([("cat", OneHotEncoder(), ["owner"])], remainder="passthrough")
    model = Pipeline([("pre", pre), ("rf", RandomForestClassifier(trees, random_state=0))])
    model.fit(df[FEATURES], df["approved"])
    sio.dump(model, folder / "loans.skops")
    df.insert(0, "case_id", np.arange(100, 100 + n))
    df.to_csv(folder / "loans.csv", index=False)
    return folder / "loans.skops", folder / "loans.csv"
