"""Target models: one protocol (`Target`), adapters for HF classifiers and causal LMs."""

from .base import Target
from .loading import DEMO_MODELS, load_target

__all__ = ["DEMO_MODELS", "Target", "load_target"]
