"""An answer on the screen: its words, what it is about, and each result's generic views.

Results are the tools' typed `Result` objects; each lists its views (word scores, bars, a table,
a matrix, text pairs) and `views.render_view` draws each kind, so nothing here knows a tool. A
result without views shows its summary instead, unless the answer already says it.

A clarifying question that offers readings shows them as a numbered list under the question,
with how to pick one (the number, at the next prompt).

Consoles: when stdout is not a terminal (or NO_COLOR is set) the console emits no colour codes
and answers are printed without trailing padding, so piped output stays plain and readable;
the views give colour-only cues a textual stand-in.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import IO, TYPE_CHECKING, Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.text import Text

if TYPE_CHECKING:
    from saywhy.agent.answer import Answer
    from saywhy.tools.registry import Result

log = logging.getLogger(__name__)


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


def result_views(result: Result, *, plain: bool, answer_text: str = "") -> list[RenderableType]:
    """A result's views, each drawn by kind (`views.render_view`); when it has none to show (or
    one cannot be drawn), its summary, dimmed, unless the answer's words already contain it."""
    from .views import render_views

    try:
        drawn = render_views(result.views(), plain=plain)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, ZeroDivisionError):
        log.warning("could not draw the views of a %s result", result.tool, exc_info=True)
        drawn = []
    if drawn:
        return drawn
    summary = result.summary().strip()
    return [Text(summary, style="dim")] if summary and summary not in answer_text else []


def answer_renderable(answer: Answer, *, plain: bool, results: bool = True) -> RenderableType:
    """The answer's words (notices included), its referent and subset, and each result's
    views."""
    parts: list[RenderableType] = []
    about = _about(answer.refers_to, answer.subset)
    if about:
        parts.append(Text(about, style="dim italic"))
    style = {"error": "red", "clarify": "yellow"}.get(answer.kind, "")
    if answer.choices:
        parts.append(Text(answer.lead(), style=style))
        parts.append(choices_renderable(answer, plain=plain))
    else:
        parts.append(Text(str(answer.text), style=style))
    if results:
        for result in answer.results:
            for shown in result_views(result, plain=plain, answer_text=str(answer.text)):
                parts.append(Padding(shown, (1, 0, 0, 2), expand=False))
    return Group(*parts)


def choices_renderable(answer: Answer, *, plain: bool) -> RenderableType:
    """The offered readings, one per line under the question with their numbers set apart, and
    how to pick one: the number (1-3) or the reading's words at the next prompt."""
    lines = Text()
    for option in answer.choices:
        lines.append(f"  {option.number}. " if plain else f"  {option.number} ",
                     style="bold cyan")
        lines.append(option.text + "\n")
    numbers = [str(o.number) for o in answer.choices]
    keys = (numbers[0] if len(numbers) == 1
            else f"{numbers[0]}-{numbers[-1]}" if len(numbers) > 2 else " or ".join(numbers))
    lines.append(f"Type {keys} (or the words of one) to pick it; anything else is a new "
                 "question.", style="dim")
    return lines


def _about(refers: str | None, subset: dict[str, Any] | None) -> str:
    """`about review #12 · subset: reviews that mention 'acting' (212 items)`."""
    about = []
    if refers:
        about.append(f"about {refers}")
    if subset and subset.get("description") and (not refers or "among" not in refers):
        size = subset.get("size")
        about.append(f"subset: {subset['description']}"
                     + (f" ({size:,} items)" if isinstance(size, int) else ""))
    return " · ".join(about)


def print_answer(console: Console, answer: Answer, *, results: bool = True) -> None:
    shown = answer_renderable(answer, plain=is_plain(console), results=results)
    if not is_plain(console):
        console.print(shown)
        return
    with console.capture() as captured:  # plain text: no padding spaces at line ends
        console.print(shown)
    console.file.write("\n".join(ln.rstrip() for ln in captured.get().splitlines()) + "\n")
    console.file.flush()
