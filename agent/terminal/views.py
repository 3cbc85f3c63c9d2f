"""The terminal's drawing of the generic views (`saywhy.tools.views`): one function per kind.

Tools describe what to show (word scores, bars, a table, a matrix, text pairs) and this module
draws each kind once, so no tool needs terminal code and nothing here knows a tool's name.
Colour: a colour-blind-safe diverging scale, blue (away, below zero) to orange (towards, above
zero), from the ColorBrewer RdBu and PuOr families, always with a legend; unsigned scores use the
orange half, heat maps the blue half. `plain` (stdout not a terminal, or NO_COLOR) draws no
colour at all and gives colour-only cues a textual stand-in: singled-out words are written
«word +0.31», changed words [-old-] {+new+}, so piped output stays readable. The palette and
the pieces every kind shares (numbers, labels, bars, a titled block) are in `view_parts.py`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter
from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from saywhy.tools.views import Bars, Matrix, Table, TextPairs, View, WordScores

from .view_parts import (
    BLUES,
    ORANGES,
    bar,
    clip,
    heat,
    legend,
    number,
    swatch,
    swatch_style,
    titled,
    visible,
)

SHADES = " ░▒▓█"  # a heat map without colour
HEAT_MAX = 40  # a heat map wider than this shows its first HEAT_MAX rows and columns

_VIEW: TypeAdapter[Any] = TypeAdapter(View)


# ---- word scores -----------------------------------------------------------------------------
def highlight(view: WordScores, *, plain: bool) -> Text:
    """The text with each word's background coloured by its score; in plain mode the marked
    words are written «word +0.31» instead. Words without spans are joined with spaces."""
    scores = [s if s is not None and math.isfinite(s) else None for s in view.scores]
    scale = view.scale or max((abs(s) for s in scores if s is not None), default=0.0)
    marked = set(view.marked)
    sign = "+" if view.signed else ""
    out, pos = Text(), 0
    for i, (word, s) in enumerate(zip(view.words, scores, strict=True)):
        if view.spans is not None:
            start, end = view.spans[i]
            out.append(view.text[pos:start])
            word, pos = view.text[start:end], end
        elif i:
            out.append(" ")
        if plain:
            out.append(f"«{word} {s:{sign}.{view.digits}f}»" if i in marked and s is not None
                       else word)
        else:
            style = swatch_style(None if s is None else swatch(s, scale, signed=view.signed))
            out.append(word, style=style + (" underline" if i in marked and style else ""))
    if view.spans is not None:
        out.append(view.text[pos:])
    return out


def word_scores(view: WordScores, plain: bool) -> RenderableType:
    parts: list[RenderableType] = [highlight(view, plain=plain)]
    if plain:
        if view.signed:
            ends = [f"{sign} {what}" for sign, what in (("+", view.high), ("-", view.low)) if what]
            top = f"«{view.part} +x» marks the top {plural(view.part)}"
            key = "; ".join([top, ", ".join(ends)] if ends else [top])
        else:
            key = f"«{view.part} x» marks the {plural(view.part)} singled out"
        parts.append(Text(key + ".", style="dim"))
    else:
        parts.append(legend(view.low, view.high, signed=view.signed))
    return titled(view.title, Group(*parts), view.note)


# ---- bars ------------------------------------------------------------------------------------
def plural(part: str) -> str:
    return part if part.endswith("s") else part + "s"


def bars(view: Bars, plain: bool) -> RenderableType:
    if view.waterfall:
        return waterfall(view, plain)
    scale = view.scale or max((abs(v) for v in view.values), default=0.0)
    table = RichTable(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right")
    table.add_column(justify="right", style="dim")
    table.add_column()
    if view.notes is not None:
        table.add_column(style="dim")
    for i, (name, value) in enumerate(zip(view.names, view.values, strict=True)):
        colour = BLUES[1] if view.signed and value < 0 else ORANGES[2]
        row: list[RenderableType] = [visible(name), number(value, view.format, view.digits),
                                     Text(bar(value, scale), style="" if plain else colour)]
        if view.notes is not None:
            row.append(visible(view.notes[i]))
        table.add_row(*row)
    return titled(view.title, table, view.note)


WATERFALL_WIDTH = 30
UP, DOWN, MARK = "█", "░", "┃"  # without colour a step down is drawn in a lighter block


def waterfall(view: Bars, plain: bool) -> RenderableType:
    """The steps from `start` to `end`: each value a bar from where the previous one ended,
    right for up (orange), left for down (blue), with the start and the end marked."""
    assert view.start is not None and view.end is not None
    ends = [view.start]
    for v in view.values:
        ends.append(ends[-1] + v)
    lo, hi = min(ends), max(ends)
    span = (hi - lo) or 1.0

    def cell(x: float) -> int:
        return round((x - lo) / span * WATERFALL_WIDTH)

    def marker(x: float) -> Text:
        return Text(" " * min(cell(x), WATERFALL_WIDTH) + MARK, style="bold")

    table = RichTable(box=None, show_header=False, pad_edge=False)
    table.add_column(justify="right")
    table.add_column(justify="right", style="dim")
    table.add_column(no_wrap=True)
    table.add_row(Text(view.start_name or "start", style="dim"),
                  number(view.start, "fixed", view.digits), marker(view.start))
    for i, (name, value) in enumerate(zip(view.names, view.values, strict=True)):
        a, b = sorted((cell(ends[i]), cell(ends[i + 1])))
        glyph = UP if value >= 0 or not plain else DOWN
        colour = "" if plain else (ORANGES[2] if value >= 0 else BLUES[1])
        steps = Text(" " * a) + Text(glyph * max(1, b - a), style=colour)
        table.add_row(visible(name), number(value, "signed", view.digits), steps)
    table.add_row(Text(view.end_name or "end", style="bold"),
                  Text(number(view.end, "fixed", view.digits), style="bold"), marker(view.end))
    note = view.note
    if plain:
        note = " ".join(x for x in (note, f"({UP} up, {DOWN} down)") if x)
    return titled(view.title, table, note)


# ---- tables ----------------------------------------------------------------------------------
def _cell(value: Any, kind: str, digits: int, plain: bool) -> RenderableType:
    if value is None:
        return ""
    if kind == "id" or (kind == "exact" and not isinstance(value, bool)):
        return str(value)
    if isinstance(value, bool) or kind == "bool":
        ok = bool(value)
        return Text("yes" if ok else "no", style="" if plain else ("green" if ok else "red"))
    if isinstance(value, int | float):
        if kind == "signed":
            colour = "" if plain or abs(value) < 0.01 else (ORANGES[2] if value > 0 else BLUES[1])
            return Text(number(value, "signed", digits), style=colour)
        if kind in ("percent", "count"):
            return number(value, kind, digits)
        if isinstance(value, int) and kind != "float":
            return f"{value:,}"
        return number(value, "fixed", digits)
    return clip(value, 200) if kind == "text" else str(value)


def table(view: Table, plain: bool) -> RenderableType | None:
    if not view.rows:
        return None
    out = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                    show_header=any(c.name for c in view.columns))
    for i, c in enumerate(view.columns):
        if c.type == "text":  # one line per item, cut with an ellipsis at the screen's edge
            out.add_column(c.name, no_wrap=True, overflow="ellipsis")
        else:
            numeric = all(isinstance(r[i], int | float) and not isinstance(r[i], bool)
                          for r in view.rows if r[i] is not None)
            out.add_column(c.name, justify="right" if numeric else "left")
    for row in view.rows:
        out.add_row(*(_cell(v, c.type, c.digits, plain)
                      for v, c in zip(row, view.columns, strict=True)))
    return titled(view.title, out, view.note)


# ---- matrices --------------------------------------------------------------------------------
def matrix(view: Matrix, plain: bool) -> RenderableType | None:
    if not view.rows or not view.columns:
        return None
    n_rows, n_cols = min(len(view.rows), HEAT_MAX), min(len(view.columns), HEAT_MAX)
    if view.show_values:
        n_rows, n_cols = len(view.rows), len(view.columns)
    values = [list(row[:n_cols]) for row in view.values[:n_rows]]
    scale = max((abs(v) for row in values for v in row if v is not None), default=0.0)
    corner = " \\ ".join(x for x in (view.row_title, view.column_title) if x)
    out = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold",
                    padding=(0, 1) if view.show_values else (0, 0))
    out.add_column(corner if view.show_values else corner + " ")
    if view.show_values:
        for name in view.columns:
            out.add_column(visible(name), justify="right")
    else:  # a heat map: columns by number, rows by number and name
        for j in range(n_cols):
            out.add_column(f"{(j + 1) % 100:>2}", justify="center", min_width=2)
    for i, row in enumerate(values):
        name = (visible(view.rows[i]) if view.show_values
                else f"{i + 1:>2} {clip(visible(view.rows[i]), 14)} ")
        cells: list[RenderableType] = []
        for j, v in enumerate(row):
            strong = view.diagonal and view.rows[i] == view.columns[j]
            if view.show_values:
                colour = None if plain or v is None else heat(v, scale)
                style = swatch_style(colour) + (" bold" if strong and not plain else "")
                cells.append(Text(number(v, view.format, view.digits), style=style.strip()))
            elif plain or v is None:
                level = 0 if v is None or scale <= 0 else round(4 * max(0.0, v) / scale)
                cells.append(SHADES[level] * 2)
            else:
                cells.append(Text("  ", style=f"on {heat(v, scale) or 'default'}"))
        out.add_row(name, *cells)
    note = view.note
    if not view.show_values:
        cut = (f"the first {HEAT_MAX} of {len(view.rows)}; " if len(view.rows) > n_rows else "")
        note = " ".join(x for x in (note, f"({cut}darker = more, up to "
                                    f"{number(scale, view.format, view.digits)})") if x)
    return titled(view.title, out, note)


# ---- text pairs ------------------------------------------------------------------------------
def diff(before: str, after: str, *, plain: bool) -> Text:
    """`after`, with words not in `before` marked and words dropped from it shown struck."""
    old, new = before.split(), after.split()
    out = Text()
    for op, a, b, c, d in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        pieces: list[tuple[str, str]] = []
        if op == "equal":
            pieces.append((" ".join(new[c:d]), ""))
        if op in ("delete", "replace"):
            gone = " ".join(old[a:b])
            pieces.append((f"[-{gone}-]", "") if plain else (gone, f"strike {BLUES[1]}"))
        if op in ("insert", "replace"):
            came = " ".join(new[c:d])
            pieces.append((f"{{+{came}+}}", "") if plain else (came, f"bold {ORANGES[2]}"))
        for text, style in pieces:
            if len(out):
                out.append(" ")
            out.append(text, style=style)
    return out


def text_pairs(view: TextPairs, plain: bool) -> RenderableType | None:
    if not view.pairs:
        return None
    parts: list[RenderableType] = []
    for p in view.pairs:
        def said(label: str | None, value: float | None) -> str:
            if label is None and value is None:
                return ""
            return "  → " + " ".join(x for x in (label, number(value, "fixed", view.digits)) if x)

        if p.note:
            parts.append(Text(p.note, style="italic"))
        parts.append(Text("  before: ", style="dim") + Text(clip(p.before, 300))
                     + Text(said(p.before_label, p.before_value), style="bold"))
        after = diff(p.before, p.after, plain=plain) if p.changed else Text(clip(p.after, 300))
        parts.append(Text("  after:  ", style="dim") + after
                     + Text(said(p.after_label, p.after_value), style="bold"))
    return titled(view.title, Group(*parts), view.note)


# ---- dispatch --------------------------------------------------------------------------------
DRAW: dict[str, Callable[[Any, bool], RenderableType | None]] = {
    "word_scores": word_scores, "bars": bars, "table": table, "matrix": matrix,
    "text_pairs": text_pairs,
}


def render_view(view: View | dict[str, Any], *, plain: bool) -> RenderableType | None:
    """One view as a rich renderable (None when it has nothing to show). A view given as JSON
    (a stored turn) is validated first."""
    shown = _VIEW.validate_python(view) if isinstance(view, dict) else view
    return DRAW[shown.kind](shown, plain)


def render_views(views: Sequence[View | dict[str, Any]], *, plain: bool) -> list[RenderableType]:
    """Every view of a result that has something to show, in order."""
    drawn = (render_view(v, plain=plain) for v in views)
    return [d for d in drawn if d is not None]
