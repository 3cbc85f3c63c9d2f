"""Target models, datasets and explanation tools.

This package is the only one that imports torch, transformers, shap or captum, and it does so
lazily (inside functions) so that `saywhy --help` stays instant.
"""
