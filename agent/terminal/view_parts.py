"""The pieces every view kind is drawn from in the terminal: the colour scale and its legend,
block bars, numbers as a view asks for them, labels with visible whitespace, a titled block.

`agent/terminal/views.py` draws each kind of view once; what the kinds share (the palette its
docstring describes, and how a number or a label is written) lives here, so the kinds' drawing
reads as layout only and the palette is defined in one place.
"""

from __future__ import annotations

import math
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

# strongest blue ... weakest blue | weakest orange ... strongest orange
BLUES = ("#2166ac", "#4393c3", "#92c5de", "#d1e5f0")
ORANGES = ("#fee0b6", "#fdb863", "#e08214", "#b35806")
DARK = {"#2166ac", "#4393c3", "#e08214", "#b35806"}  # swatches that need white text
BLOCKS = " ▏▎▍▌▋▊▉█"
NEUTRAL_BELOW = 0.1  # |score| / scale under this gets no colour


def _level(value: float, scale: float) -> int | None:
    """0..3 (weak..strong) for |value| / scale, None below the neutral threshold."""
    if scale <= 0 or not math.isfinite(value):
        return None
    r = min(1.0, abs(value) / scale)
    return None if r < NEUTRAL_BELOW else min(3, int(r * 4 - 1e-9))


def swatch(score: float, scale: float, *, signed: bool = True) -> str | None:
    """The background colour for a score (None = neutral): orange above zero, blue below; an
    unsigned score only on the orange half."""
    level = _level(score, scale)
    if level is None:
        return None
    return ORANGES[level] if score > 0 or not signed else BLUES[3 - level]


def heat(value: float, scale: float) -> str | None:
    """A heat-map cell's colour on the blue half, light to dark."""
    level = _level(value, scale)
    return None if level is None else BLUES[3 - level]


def swatch_style(colour: str | None) -> str:
    if colour is None:
        return ""
    return f"{'white' if colour in DARK else 'black'} on {colour}"


def legend(low: str, high: str, *, signed: bool = True) -> Text:
    """`low ■■■■ · ■■■■ high`, the key to `highlight()` (only the orange half when unsigned)."""
    text = Text("  ")
    if signed:
        text.append(f"{low} ", style="dim")
        for c in BLUES:
            text.append("  ", style=f"on {c}")
        text.append(" · ", style="dim")
    elif low:
        text.append(f"{low} ", style="dim")
    for c in ORANGES:
        text.append("  ", style=f"on {c}")
    text.append(f" {high}", style="dim")
    return text


def bar(value: float, scale: float, width: int = 18) -> str:
    """A horizontal bar of block characters, `width` cells for `scale`."""
    if scale <= 0 or not math.isfinite(value):
        return ""
    cells = max(0.0, min(1.0, abs(value) / scale)) * width
    full = int(cells)
    part = BLOCKS[int((cells - full) * 8)] if full < width else ""
    return ("█" * full + part.strip()) or ("▏" if value else "")


def number(value: float | None, fmt: str = "fixed", digits: int = 2) -> str:
    """A number as a view asks for it: fixed, signed, percent or a count."""
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return "" if value is None else str(value)
    if fmt == "signed":
        return f"{value:+.{digits}f}"
    if fmt == "percent":
        return f"{value * 100:.{max(0, digits - 2)}f}%"
    if fmt == "count":
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def clip(text: Any, n: int = 70) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= n else s[:n - 1] + "…"


def visible(label: str) -> str:
    """A short label (a name, a row, a column) with its whitespace made visible: an LM's
    tokens differ by a leading space ("I" and " I") or are a line break."""
    shown = label.replace("\n", "⏎").replace("\t", "⇥")
    core = shown.strip(" ")
    if not core:
        return "␣" * len(shown)
    start = shown.index(core)
    return "␣" * start + core + "␣" * (len(shown) - start - len(core))


def titled(title: str, body: RenderableType, note: str = "") -> RenderableType:
    """A bold title line above the body (a rich Table's own title wraps at its width)."""
    parts: list[RenderableType] = [Text(title, style="bold")] if title else []
    parts.append(body)
    if note:
        parts.append(Text(note, style="dim"))
    return Group(*parts) if len(parts) > 1 else body
