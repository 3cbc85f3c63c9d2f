"""agent/writer."""
