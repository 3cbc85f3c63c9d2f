"""The generic views (`tools/views.py`) as HTML, for the exported page (`agent/export.py`).

One function per kind (word scores highlighted inside their text, bars, tables, matrices,
before/after texts), knowing no tool by name, as the terminal and the chat page do. Every text
goes through `e()`, the one way text reaches the page: the data is the user's, and a review may
well contain `<script>`. It lives apart from the transcript and the page around it, which call
only `e` and `view_html`.
"""

from __future__ import annotations

import difflib
import html
import math
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import TypeAdapter, ValidationError

from saywhy.tools.views import Bars, Matrix, Table, TextPairs, View, WordScores

TOWARDS, AWAY = (230, 97, 1), (33, 102, 172)  # the chat page's colour-blind-safe pair
_VIEW: TypeAdapter[View] = TypeAdapter(View)


def e(value: Any) -> str:
    """Any value as HTML text: the one way text reaches the page."""
    return html.escape("" if value is None else str(value), quote=True)


def _rgba(rgb: tuple[int, int, int], alpha: float) -> str:
    return f"rgba({rgb[0]},{rgb[1]},{rgb[2]},{max(0.0, min(1.0, alpha)):.3f})"


def _number(value: Any, fmt: str = "fixed", digits: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if fmt == "signed":
        return f"{value:+.{digits}f}"
    if fmt == "percent":
        return f"{value * 100:.{max(0, digits - 2)}f}%"
    if fmt == "count" or (isinstance(value, int) and fmt == "auto"):
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def _titled(view: Any, body: str) -> str:
    head = f"<h4>{e(view.title)}</h4>" if view.title else ""
    note = f'<p class="note">{e(view.note)}</p>' if view.note else ""
    return f'<figure class="view {e(view.kind)}">{head}{body}{note}</figure>'


def word_scores(v: WordScores) -> str:
    scores = [s for s in v.scores if s is not None and math.isfinite(s)]
    scale = v.scale or max((abs(s) for s in scores), default=0.0) or 1.0
    spans = v.spans
    pieces, last = [], 0
    for i, (word, score) in enumerate(zip(v.words, v.scores, strict=True)):
        if spans is not None:
            start, end = spans[i]
            pieces.append(e(v.text[last:start]))
            word, last = v.text[start:end], end
        elif i:
            pieces.append(" ")
        if score is None or not math.isfinite(score):
            pieces.append(f"<span>{e(word)}</span>")
            continue
        colour = TOWARDS if score >= 0 or not v.signed else AWAY
        shown = _number(score, "signed" if v.signed else "fixed", v.digits)
        tag = f"<sub>{e(shown)}</sub>" if i in v.marked else ""
        pieces.append(f'<mark style="background:{_rgba(colour, 0.08 + 0.82 * abs(score) / scale)}"'
                      f' title="{e(shown)}">{e(word)}{tag}</mark>')
    if spans is not None:
        pieces.append(e(v.text[last:]))
    legend = ""
    if v.low or v.high:
        low = f'<span class="key away">{e(v.low)}</span>' if v.signed and v.low else ""
        legend = f'<p class="legend">{low}<span class="key towards">{e(v.high)}</span></p>'
    return _titled(v, f'<p class="words">{"".join(pieces)}</p>{legend}')


def bars(v: Bars) -> str:
    scale = v.scale or max((abs(x) for x in v.values if math.isfinite(x)), default=0.0) or 1.0
    rows = []
    for i, (name, value) in enumerate(zip(v.names, v.values, strict=True)):
        colour = AWAY if v.signed and value < 0 else TOWARDS
        width = 0.0 if not math.isfinite(value) else min(100.0, 100 * abs(value) / scale)
        note = v.notes[i] if v.notes else ""
        rows.append(f"<tr><th>{e(name)}</th><td class=\"bar\"><span style=\"width:{width:.1f}%;"
                    f"background:{_rgba(colour, 0.85)}\"></span></td>"
                    f"<td class=\"num\">{e(_number(value, v.format, v.digits))}</td>"
                    f"<td class=\"note\">{e(note)}</td></tr>")
    return _titled(v, f'<table class="bars">{"".join(rows)}</table>')


def _cell(value: Any, kind: str, digits: int) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, bool) or kind == "bool":
        return f'<td class="{"yes" if value else "no"}">{"yes" if value else "no"}</td>'
    if kind == "id" or not isinstance(value, int | float):
        return f'<td class="{"text" if kind == "text" else ""}">{e(value)}</td>'
    fmt = {"signed": "signed", "percent": "percent", "count": "count", "float": "fixed"}
    return f'<td class="num">{e(_number(value, fmt.get(kind, "auto"), digits))}</td>'


def table(v: Table) -> str:
    head = "".join(f"<th>{e(c.name)}</th>" for c in v.columns)
    body = "".join("<tr>" + "".join(_cell(x, c.type, c.digits) for x, c in
                                    zip(row, v.columns, strict=True)) + "</tr>" for row in v.rows)
    return _titled(v, f'<table class="grid"><thead><tr>{head}</tr></thead>'
                      f"<tbody>{body}</tbody></table>")


def matrix(v: Matrix) -> str:
    scale = max((abs(x) for row in v.values for x in row if x is not None), default=0.0) or 1.0
    corner = " \\ ".join(x for x in (v.row_title, v.column_title) if x)
    head = f"<th>{e(corner)}</th>" + "".join(f"<th>{e(c)}</th>" for c in v.columns)
    rows = []
    for name, row in zip(v.rows, v.values, strict=True):
        cells = []
        for col, x in zip(v.columns, row, strict=True):
            shade = "" if x is None else f"background:{_rgba(AWAY, 0.6 * abs(x) / scale)}"
            strong = " strong" if v.diagonal and name == col else ""
            text = _number(x, v.format, v.digits) if v.show_values else ""
            cells.append(f'<td class="num{strong}" style="{shade}" title="{e(_number(x))}">'
                         f"{e(text)}</td>")
        rows.append(f"<tr><th>{e(name)}</th>{''.join(cells)}</tr>")
    return _titled(v, f'<table class="grid matrix"><thead><tr>{head}</tr></thead>'
                      f"<tbody>{''.join(rows)}</tbody></table>")


def _diff(before: str, after: str) -> str:
    old, new = before.split(), after.split()
    out = []
    for op, a, b, c, d in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(e(" ".join(new[c:d])))
        if op in ("delete", "replace"):
            out.append(f"<del>{e(' '.join(old[a:b]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{e(' '.join(new[c:d]))}</ins>")
    return " ".join(out)


def text_pairs(v: TextPairs) -> str:
    def said(label: str | None, value: float | None) -> str:
        words = " ".join(x for x in (label, _number(value, "fixed", v.digits)) if x)
        return f' <b>→ {e(words)}</b>' if words else ""

    items = []
    for p in v.pairs:
        note = f"<p><i>{e(p.note)}</i></p>" if p.note else ""
        after = _diff(p.before, p.after) if p.changed else e(p.after)
        items.append(f'<div class="pair">{note}<p><span class="dim">before:</span> {e(p.before)}'
                     f"{said(p.before_label, p.before_value)}</p><p><span class=\"dim\">after:"
                     f"</span> {after}{said(p.after_label, p.after_value)}</p></div>")
    return _titled(v, "".join(items))


DRAW: Mapping[str, Callable[[Any], str]] = {
    "word_scores": word_scores, "bars": bars, "table": table, "matrix": matrix,
    "text_pairs": text_pairs}


def view_html(view: dict[str, Any] | View) -> str:
    """One view as HTML; a view that does not validate (shortened in the dialogue history) is
    said to be left out rather than drawn wrong."""
    try:
        shown = _VIEW.validate_python(view) if isinstance(view, dict) else view
    except ValidationError:
        return '<p class="note">(a view too large to keep in the history is left out)</p>'
    return DRAW[shown.kind](shown)
