"""Importing this module registers every built-in tool (explicitly: one module per name below).

The order is the catalogue's order: what people ask most comes first in the capabilities answer,
the banner's examples and the tool list.
"""

from importlib import import_module

# The catalogue's order (registry.all_tools), whatever order the modules were first imported in.
MODULES: tuple[str, ...] = tuple(f"{__package__}.{name}" for name in (
    "predict", "attribute", "faithfulness", "counterfactual", "what_if", "performance",
    "mistakes", "similar", "attention", "layer_predictions", "global_importance", "keywords",
    "interactions", "describe", "show", "subset_filter", "sample", "model_info"))

for _module in MODULES:
    import_module(_module)  # registers the module's tools
# the tools above on table models (their tabular implementations; no tools of their own)
import_module(f"{__package__}.tabular.register")
