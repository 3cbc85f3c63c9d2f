"""Where saywhy keeps every writable thing: `SAYWHY_HOME` (default `~/.cache/saywhy`)."""

from __future__ import annotations

import os
from pathlib import Path


def saywhy_home() -> Path:
    """The home directory for caches, converted models and conversation stores; created on use."""
    raw = os.environ.get("SAYWHY_HOME") or str(Path.home() / ".cache" / "saywhy")
    home = Path(raw).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def cache_dir(*parts: str) -> Path:
    path = saywhy_home().joinpath("cache", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
