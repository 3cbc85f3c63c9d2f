"""A conversation to keep or share outside saywhy: one self-contained HTML page, or a JSON
transcript with the structured results. The REPL's `/export FILE.html|.json` and the API's
`GET /api/v1/conversations/{id}/export?format=html|json` both build a `Transcript` and call
`to_html` / `to_json` here.

The page draws each result's generic views (`tools/views.py`: word scores highlighted inside
their text, bars, tables, matrices, before/after texts), knowing no tool by name, as the terminal
and the chat page do. It loads nothing (no script, no font, no image; one inline style sheet) and
says so in its own CSP, so it opens offline, from a mail attachment or a file share alike. Every
text in it (questions, answers, the data's own texts, labels) is escaped: the data is the user's,
and a review may well contain `<script>`.
"""

from __future__ import annotations

import difflib
import html
import json
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from saywhy.tools.views import Bars, Matrix, Table, TextPairs, View, WordScores

if TYPE_CHECKING:
    from .answer import Answer
    from .conversation import Conversation

Format = Literal["markdown", "html", "json"]  # what an export may be
TOWARDS, AWAY = (230, 97, 1), (33, 102, 172)  # the chat page's colour-blind-safe pair
_VIEW: TypeAdapter[View] = TypeAdapter(View)
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
      "form-action 'none'"


class ExportTurn(BaseModel):
    turn: int
    question: str
    answer: str
    calls: list[dict[str, Any]] = Field(default_factory=list)
    results: list[dict[str, Any]] = Field(
        default_factory=list, description="Each result's fields, `summary` and `views`.")
    error: dict[str, Any] | None = None
    seconds: float = 0.0
    feedback: str | None = None


class Transcript(BaseModel):
    """What an export holds, whichever form it takes."""

    format: Literal["saywhy-transcript"] = "saywhy-transcript"
    version: int = 1
    title: str = ""
    model: str = ""
    model_kind: str = ""
    data: str | None = None
    items: int | None = None
    exported: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    turns: list[ExportTurn] = Field(default_factory=list)


def _about(ctx: Any) -> dict[str, Any]:
    target, data = getattr(ctx, "target", None), getattr(ctx, "data", None)
    return {"model": str(getattr(target, "name", "")),
            "model_kind": str(getattr(target, "kind", "")),
            "data": None if data is None else str(data.name),
            "items": None if data is None else len(data)}


def from_conversation(conv: Conversation, answers: Iterable[Answer] = ()) -> Transcript:
    """The conversation's turns, with the full results of `answers` (the ones this process saw)
    in place of the shortened copies the dialogue history keeps."""
    full = {a.turn: a for a in answers}
    turns = []
    for n, turn in enumerate(conv.state.history, 1):
        answer = full.get(n)
        results = ([r.to_json() for r in answer.results] if answer is not None
                   else list(turn.results))
        turns.append(ExportTurn(
            turn=n, question=turn.question, answer=turn.answer, results=results,
            calls=[c.model_dump(mode="json") for c in turn.calls], seconds=turn.seconds,
            error=None if answer is None or answer.error is None else answer.error.model_dump()))
    return Transcript(turns=turns, **_about(conv.ctx))


def from_messages(messages: list[dict[str, Any]], ctx: Any, title: str = "") -> Transcript:
    """A stored conversation (the server's rows: turn, question, the whole answer, feedback)."""
    turns = [ExportTurn(turn=int(m["turn"]), question=str(m["question"]),
                        answer=str(a.get("text", "")), calls=list(a.get("calls") or []),
                        results=list(a.get("results") or []), error=a.get("error"),
                        seconds=float((a.get("timings") or {}).get("total", 0.0)),
                        feedback=m.get("feedback"))
             for m in messages for a in [m.get("answer") or {}]]
    return Transcript(title=title, turns=turns, **_about(ctx))


def to_json(transcript: Transcript) -> str:
    return transcript.model_dump_json(indent=2)


# ---- drawing -----------------------------------------------------------------------------
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


def _turn(t: ExportTurn) -> str:
    calls = "".join(f"<li><code>{e(c.get('tool'))} "
                    f"{e(json.dumps(c.get('args'), ensure_ascii=False, default=str))}</code></li>"
                    for c in t.calls)
    views = "".join(view_html(v) for r in t.results for v in (r.get("views") or []))
    said = str((t.error or {}).get("message") or "")
    error = f'<p class="error">{e(said)}</p>' if said and said not in t.answer else ""
    feedback = f'<p class="note">Rated: {e(t.feedback)}</p>' if t.feedback else ""
    details = f"<details><summary>Tool calls</summary><ul>{calls}</ul></details>" if calls else ""
    return (f'<section class="turn" id="turn-{t.turn}"><p class="you"><b>You:</b> '
            f'{e(t.question)}</p><div class="answer"><p>{e(t.answer)}</p>{error}{views}'
            f"{details}{feedback}</div></section>")


STYLE = """
body{font:15px/1.5 system-ui,sans-serif;color:#1d1d1f;background:#f7f7f5;margin:0 auto;
max-width:60rem;padding:1rem}header p{color:#5f6368}figure{overflow-x:auto}.turn{background:#fff;
border:1px solid
#dcdcdc;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}.you{background:#e8eef7;
border-radius:6px;padding:.4rem .6rem}.answer>p{white-space:pre-wrap}figure{margin:.8rem 0}
h4{margin:.2rem 0}.note,.dim{color:#5f6368;font-size:.9em}.words{line-height:2}mark{color:inherit;
border-radius:3px;padding:0 .1rem}sub{font-size:.7em;margin-left:.1rem}table{border-collapse:
collapse}.grid td,.grid th{border:1px solid #dcdcdc;padding:.15rem .45rem;text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}.bars th{text-align:right;font-weight:
normal;padding-right:.5rem}.bar{width:16rem}.bar span{display:block;height:.8rem;border-radius:
2px}.yes{color:#1b5e20}.no{color:#b3261e}.strong{font-weight:700}.text{max-width:30rem}
.key{padding:0 .4rem;margin-right:.5rem;border-radius:3px}.towards{background:#fdb863}.away{
background:#92c5de}ins{background:#fdb863;text-decoration:none}del{color:#2166ac}
.error{color:#b3261e}code{background:#f1f1ef;border-radius:4px;padding:0 .3rem}
"""


def to_html(transcript: Transcript) -> str:
    """The conversation as one HTML page that needs nothing else to open."""
    t = transcript
    about = f"Model: {t.model}" + (f" ({t.model_kind})" if t.model_kind else "")
    if t.data:
        about += f". Data: {t.data}" + (f", {t.items:,} items" if t.items is not None else "")
    title = t.title or "saywhy conversation"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)}</title><style>{STYLE}</style></head><body><header>"
            f"<h1>{e(title)}</h1><p>{e(about)}. Exported {e(t.exported)}.</p></header>"
            f"{''.join(_turn(turn) for turn in t.turns)}</body></html>\n")

