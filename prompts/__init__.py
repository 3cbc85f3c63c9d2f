"""Data files (system prompt, method definitions, example bank), loaded with importlib.resources."""
