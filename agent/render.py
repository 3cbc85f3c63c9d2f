"""Rich rendering of answers for the terminal: the words, then a picture of each tool's result.

Answers carry `results` as plain dicts (`Result.to_json()`), so each view reads fields by name and
falls back to the tool's own `summary` when a field it needs is missing (or the tool is unknown).
Colour: attributions use a colour-blind-safe diverging scale, blue (away) to orange (towards),
taken from the ColorBrewer RdBu and PuOr families, always with a legend. When stdout is not a
terminal or NO_COLOR is set the console emits no escape codes at all and colour-only cues get a
textual stand-in (e.g. top words marked «word +0.31»), so piped output stays readable.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

log = logging.getLogger(__name__)

# strongest blue ... weakest blue | weakest orange ... strongest orange
BLUES = ("#2166ac", "#4393c3", "#92c5de", "#d1e5f0")
ORANGES = ("#fee0b6", "#fdb863", "#e08214", "#b35806")
DARK = {"#2166ac", "#4393c3", "#e08214", "#b35806"}  # swatches that need white text
BLOCKS = " ▏▎▍▌▋▊▉█"
NEUTRAL_BELOW = 0.1  # |score| / max under this gets no colour


def make_console(file: IO[str] | None = None, *, stderr: bool = False) -> Console:
    """Not a terminal: plain text, no escape codes at all. A terminal with NO_COLOR: no colour
    or style codes, but still a live spinner. Otherwise colour."""
    stream = file or (sys.stderr if stderr else sys.stdout)
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return Console(file=file, stderr=stderr, color_system=None, highlight=False,
                       emoji=False, force_terminal=False, width=_plain_width())
    if "NO_COLOR" in os.environ:
        return Console(file=file, stderr=stderr, color_system=None, highlight=False,
                       emoji=False, force_terminal=True)
    return Console(file=file, stderr=stderr, highlight=False, emoji=False)


def _plain_width() -> int:
    try:
        return max(60, int(os.environ.get("COLUMNS", "100")))
    except ValueError:
        return 100


def is_plain(console: Console) -> bool:
    return console.color_system is None


# ---- colour scale, bars, highlighted text --------------------------------------------------
def swatch(score: float, scale: float) -> str | None:
    """The background colour for a signed score on the diverging scale (None = neutral)."""
    if scale <= 0 or not math.isfinite(score):
        return None
    r = min(1.0, abs(score) / scale)
    if r < NEUTRAL_BELOW:
        return None
    level = min(3, int(r * 4 - 1e-9))  # 0..3, weak..strong
    return ORANGES[level] if score > 0 else BLUES[3 - level]


def swatch_style(colour: str | None) -> str:
    if colour is None:
        return ""
    return f"{'white' if colour in DARK else 'black'} on {colour}"


def legend(away: str, towards: str) -> Text:
    """`away ■■■■ · ■■■■ towards`, the key to `highlight()`."""
    text = Text("  ")
    text.append(f"{away} ", style="dim")
    for c in BLUES:
        text.append("  ", style=f"on {c}")
    text.append(" · ", style="dim")
    for c in ORANGES:
        text.append("  ", style=f"on {c}")
    text.append(f" {towards}", style="dim")
    return text


def highlight(text: str, words: Sequence[dict[str, Any]], *, plain: bool, key: str = "score",
              mark_top: int = 5) -> Text:
    """The text with each word's background coloured by its signed score.

    Words carry `start`/`end` character spans into `text`; without them the words are joined
    with spaces. In plain mode the `mark_top` strongest words are marked «word +0.31» instead."""
    scores = [float(w.get(key, 0.0) or 0.0) for w in words]
    scale = max((abs(s) for s in scores), default=0.0)
    ranked = sorted(range(len(words)), key=lambda i: -abs(scores[i]))
    top = set(ranked[:mark_top]) if plain else set()
    spans_ok = all(isinstance(w.get("start"), int) and isinstance(w.get("end"), int)
                   for w in words) and words and words[-1]["end"] <= len(text)
    out = Text()
    pos = 0
    for i, (w, s) in enumerate(zip(words, scores, strict=True)):
        word = str(w.get("word", ""))
        if spans_ok:
            start, end = int(w["start"]), int(w["end"])
            if start < pos:  # overlapping spans: give up on spans for the rest
                spans_ok = False
            else:
                out.append(text[pos:start])
                word, pos = text[start:end], end
        if not spans_ok and i:
            out.append(" ")
        if plain:
            out.append(f"«{word} {s:+.2f}»" if i in top and s else word)
        else:
            out.append(word, style=swatch_style(swatch(s, scale)))
    if spans_ok:
        out.append(text[pos:])
    return out


def bar(value: float, scale: float, width: int = 18) -> str:
    """A horizontal bar of block characters, `width` cells for `scale`."""
    if scale <= 0 or not math.isfinite(value):
        return ""
    cells = max(0.0, min(1.0, abs(value) / scale)) * width
    full = int(cells)
    part = BLOCKS[int((cells - full) * 8)] if full < width else ""
    return ("█" * full + part.strip()) or ("▏" if value else "")


def _titled(title: str | None, table: Table) -> RenderableType:
    return table if not title else Group(Text(title, style="bold"), table)


def signed_bars(rows: Iterable[tuple[str, float]], *, title: str | None = None,
                fmt: str = "{:+.3f}", width: int = 18) -> RenderableType:
    """Words and signed values as a small bar chart (orange towards, blue away)."""
    rows = list(rows)
    scale = max((abs(v) for _, v in rows), default=0.0)
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right")
    table.add_column(justify="right", style="dim")
    table.add_column()
    for word, value in rows:
        colour = ORANGES[2] if value > 0 else BLUES[1]
        table.add_row(word, fmt.format(value), Text(bar(value, scale, width), style=colour))
    return _titled(title, table)


def value_bars(rows: Iterable[tuple[str, float]], *, title: str | None = None,
               fmt: str = "{:.2f}", width: int = 18, style: str = "cyan",
               scale: float | None = None) -> RenderableType:
    """Non-negative values (probabilities, counts, weights) as bars."""
    rows = list(rows)
    top = scale if scale is not None else max((abs(v) for _, v in rows), default=0.0)
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right")
    table.add_column(justify="right", style="dim")
    table.add_column()
    for name, value in rows:
        table.add_row(name, fmt.format(value), Text(bar(value, top, width), style=style))
    return _titled(title, table)


def clip(text: Any, n: int = 70) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= n else s[:n - 1] + "…"


# ---- dispatch -------------------------------------------------------------------------------
View = Callable[[dict[str, Any], bool], RenderableType | None]
VIEWS: dict[str, View] = {}


def view(*tools: str) -> Callable[[View], View]:
    def wrap(fn: View) -> View:
        for t in tools:
            VIEWS[t] = fn
        return fn
    return wrap


def render_result(result: dict[str, Any], *, plain: bool, answer_text: str = "") -> \
        RenderableType | None:
    """One tool result as a picture; its summary when there is no view or a field is missing
    (unless the answer's words already contain that summary)."""
    from . import cli_views  # noqa: F401  (registers the views)

    fn = VIEWS.get(str(result.get("tool", "")))
    if fn is not None:
        try:
            shown = fn(result, plain)
            if shown is not None:
                return shown
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError):
            log.debug("no view for this %s result; showing its summary", result.get("tool"),
                      exc_info=True)
        else:
            return None
    summary = str(result.get("summary") or "").strip()
    if summary and summary not in answer_text:
        return Text(summary, style="dim")
    return None


def answer_renderable(answer: Any, *, plain: bool, results: bool = True) -> RenderableType:
    """The answer's words, its referent and subset, notices, and a view per result."""
    parts: list[RenderableType] = []
    refers = getattr(answer, "refers_to", None)
    subset = getattr(answer, "subset", None)
    about = []
    if refers:
        about.append(f"about {refers}")
    if subset and subset.get("description") and (not refers or "among" not in refers):
        size = subset.get("size")
        about.append(f"subset: {subset['description']}"
                     + (f" ({size:,} items)" if isinstance(size, int) else ""))
    if about:
        parts.append(Text(" · ".join(about), style="dim italic"))
    kind = getattr(answer, "kind", "answer")
    style = {"error": "red", "clarify": "yellow"}.get(kind, "")
    parts.append(Text(str(answer.text), style=style))
    if results:
        for r in [x.to_json() for x in getattr(answer, "results", []) or []]:
            shown = render_result(r, plain=plain, answer_text=str(answer.text))
            if shown is not None:
                parts.append(Padding(shown, (1, 0, 0, 2), expand=False))
    return Group(*parts)


def print_answer(console: Console, answer: Any, *, results: bool = True) -> None:
    shown = answer_renderable(answer, plain=is_plain(console), results=results)
    if not is_plain(console):
        console.print(shown)
        return
    with console.capture() as captured:  # plain text: no padding spaces at line ends
        console.print(shown)
    console.file.write("\n".join(ln.rstrip() for ln in captured.get().splitlines()) + "\n")
    console.file.flush()
