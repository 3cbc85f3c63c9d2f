"""Word attribution methods behind one call: `explain(ctx, ref, method, label, contrast)`.

Methods are looked up by name in `METHODS` (shap, integrated_gradients, gradient_x_input, lime,
occlusion); torch, captum, shap and lime are imported only when a method runs.
"""

from .base import METHODS, WordAttribution, get_method, names_for
from .explain import DEFAULT_METHOD, build_objective, default_method, explain, objective_of

__all__ = ["DEFAULT_METHOD", "METHODS", "WordAttribution", "build_objective", "default_method",
           "explain", "get_method", "names_for", "objective_of"]
