"""A conversation to keep or share outside saywhy: one self-contained HTML page, or a JSON
transcript with the structured results. The REPL's `/export FILE.html|.json` and the API's
`GET /api/v1/conversations/{id}/export?format=html|json` both build a `Transcript` and call
`to_html` / `to_json` here.

The page draws each result's generic views (`tools/views.py`: word scores highlighted inside
their text, bars, tables, matrices, before/after texts), knowing no tool by name, as the terminal
and the chat page do. It loads nothing (no script, no font, no image; one inline style sheet) and
says so in its own CSP, so it opens offline, from a mail attachment or a file share alike. Every
text in it (questions, answers, the data's own texts, labels) is escaped: the data is the user's,
and a review may well contain `<script>`. The views' drawing is in `export_views.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from .export_views import e, view_html

if TYPE_CHECKING:
    from .answer import Answer
    from .conversation import Conversation

Format = Literal["markdown", "html", "json"]  # what an export may be
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


# ---- the page ----------------------------------------------------------------------------
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

