"""Measured evaluations and benchmarks. Each prints a table; none is a test."""
