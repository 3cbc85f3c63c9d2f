"""Importing this module registers every built-in tool (explicitly, one import per tool)."""

from . import predict  # noqa: F401
