"""The catalogue's tools on table models: which run with an implementation for features
(`variants*.py`) and which run as they are (`registry.variant`). Imported last by `builtin.py`.

Tools not named here (attention, layer predictions, keywords, faithfulness) read or
write words or a network's insides and do not fit a table model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..registry import variant
from ..showcase import capabilities
from . import sample_rows, variants, variants_data, variants_edit, variants_interactions
from .result_views import shown_for_tables

KIND = "tabular"
OWN: dict[str, Callable[[Any, Any], Any]] = {
    "predict": variants.predict,
    "attribute": variants.attribute,
    "what_if": variants_edit.what_if,
    "counterfactual": variants_edit.counterfactual,
    "describe_data": variants_data.describe_data,
    "global_importance": variants_data.global_importance,
    "similar": variants_data.similar,
    "interactions": variants_interactions.interactions,
    "sample": sample_rows.sample_rows,  # rows with their features beside the prediction
    "capabilities": capabilities,  # in features and rows, with the table's own names
}
AS_THEY_ARE = ("filter", "performance", "mistakes", "show", "model_info")

for name, fn in OWN.items():
    variant(name, KIND, shown_for_tables(name, fn))  # attributions, edits, flips as tables
for name in AS_THEY_ARE:
    variant(name, KIND)
