"""tools/methods."""
