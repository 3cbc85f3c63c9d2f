"""Datasets: loading from files or DataFrames, and the Rotten Tomatoes demo corpus."""

from .dataset import Dataset, load_dataset

__all__ = ["Dataset", "load_dataset"]
