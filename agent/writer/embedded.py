"""The embedded writer: the answer composed from the tools' own sentences, with no LLM.

It builds on each `Result.summary()` (the tools own every number; a result's `details()`, when
it has them, only when the question asks for details), and adds what the summaries cannot know:
the referent first ("Looking at item #42, ..."), the subset and its size ("Among the 312 items
that mention 'price', ..."), connectors between several results, and a seeded choice of
phrasing per turn so a conversation does not read like one template. Whether a result is about
the current subset comes from its tool's scope in the catalogue.
"""

from __future__ import annotations

import random
import re

from saywhy.tools import registry
from saywhy.tools.registry import Result

from ..planner.base import ToolCall
from .base import WriteRequest, Written, asks_for_details, subset_phrase

FIRST = ("For ", "Looking at ", "In ")
AGAIN = ("Still on ", "For ", "Again for ")
CONNECT = ("Also, ", "In addition, ", "On top of that, ", "Beyond that, ", "")
SUBSET = ("Among {s}, ", "Within {s}, ", "Restricted to {s}, ")
WHOLE = ("Across the whole dataset, ", "Over the whole dataset, ")
DECAP = {"The", "A", "An", "It", "Its", "There", "Of", "On", "In", "Accuracy", "Overall",
         "These", "This", "Most", "Every", "No", "None", "Only", "For", "Across", "Among", "With",
         "After", "If", "When", "Once", "Under", "Before", "From", "Now", "Again", "Here"}
SCOPE_WORDS = ("dataset", "split", "subset", "all ", "among", "reviews", "items", "examples")


def _decap(text: str) -> str:
    first = text.split(" ", 1)[0]
    return text[0].lower() + text[1:] if first in DECAP else text


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".!?\"')" else text + "."


def _said_already(result: Result, earlier: list[Result]) -> bool:
    """A result whose words an earlier result of the turn already said (a plain faithfulness
    check after an attribution of the same input that reported it, say: `Result.said_by`):
    its views are still shown, its sentence is not said twice."""
    return any(result.said_by(e) for e in earlier)


class EmbeddedWriter:
    """Composes the tools' summaries into one answer, referent first."""

    name = "embedded"

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed

    def write(self, request: WriteRequest) -> Written:
        rng = random.Random(f"{self.seed}/{request.turn}/{request.question}")
        parts: list[str] = []
        seen: set[str] = set()
        pairs = list(zip(request.calls, request.results, strict=False))
        for index, (call, result) in enumerate(pairs):
            if _said_already(result, request.results[:index]):
                continue
            part = self._one(call, result, request, rng, index, seen)
            if part:
                parts.append(part)
        if request.error:
            parts.append(("But " + _decap(request.error)) if parts else request.error)
        if not parts:
            ran = ", ".join(c.tool for c in request.calls) or "nothing"
            parts.append(f"I ran {ran}, but there was nothing to report.")
        return Written(" ".join(_sentence(p) for p in parts), self.name)

    # ---- one result ------------------------------------------------------------------------
    def _one(self, call: ToolCall, result: Result, request: WriteRequest,
             rng: random.Random, index: int, seen: set[str]) -> str:
        summary = result.summary().strip()
        details = getattr(result, "details", None)
        if callable(details) and asks_for_details(request.question):
            summary = _sentence(summary) + " " + str(details()).strip()
        referent = getattr(result, "referent", None)
        tool = result.tool or call.tool
        if not summary:
            summary = self._fallback(tool, result, request)
        if referent:
            text = self._with_referent(summary, str(referent), request, rng, index, seen)
            seen.add(str(referent))
            return text
        text = self._with_scope(tool, call, summary, request, rng)
        return (rng.choice(CONNECT) + _decap(text)) if index else text

    def _with_referent(self, summary: str, referent: str, request: WriteRequest,
                       rng: random.Random, index: int, seen: set[str]) -> str:
        lead = f"For {referent}"
        if referent in seen:  # already named in this answer: do not repeat it
            rest = summary[len(lead):] if summary.startswith(lead) else ""
            if rest.startswith((", ", " the ", " it ", " there ")):
                return rng.choice(CONNECT[:-1]) + _decap(rest.lstrip(", "))
            return rng.choice(CONNECT[:-1]) + _decap(summary)
        if summary.startswith(lead):
            again = _same_focus(referent, request)
            opener = rng.choice(AGAIN if again else FIRST)
            rest = summary[len(lead):]
            if rest.startswith((" the ", " it ", " there ")):
                rest = "," + rest  # "For review #3 the model says" reads better with a comma
            text = opener + referent + rest
        elif referent in summary[:120]:
            text = summary
        else:
            text = f"For {referent}, {_decap(summary)}" if summary.split(" ", 1)[0] in DECAP \
                else f"About {referent}: {summary}"
        return (rng.choice(CONNECT) + _decap(text)) if index and text.startswith("For ") else text

    def _with_scope(self, tool: str, call: ToolCall, summary: str, request: WriteRequest,
                    rng: random.Random) -> str:
        found = registry.find(tool)
        about_subset = (found is not None and found.scope == "dataset"
                        and "subset" not in found.updates)
        if not about_subset or call.args.get("ids") or call.args.get("id") is not None:
            return summary
        phrase = subset_phrase(request.state)
        low = summary.lower()
        subset = request.state.subset
        if phrase is not None and subset is not None:
            desc = subset.description.strip().lower()
            if desc and (desc in low or desc.removeprefix("all ") in low):
                return summary  # the tool already said which subset
            return rng.choice(SUBSET).format(s=phrase) + _decap(summary)
        if any(w in low for w in SCOPE_WORDS):
            return summary
        return rng.choice(WHOLE) + _decap(summary)

    @staticmethod
    def _fallback(tool: str, result: Result, request: WriteRequest) -> str:
        found = registry.find(tool)
        if found is not None and "subset" in found.updates:
            if request.state.subset is not None:
                phrase = subset_phrase(request.state) or "the selected items"
                return f"I selected {phrase}; the next questions are about them"
            return "The selection is cleared; the next questions are about the whole dataset"
        shown = {k: v for k, v in result.model_dump(mode="json").items()
                 if isinstance(v, str | int | float) and not isinstance(v, bool)
                 and k not in {"tool", "seconds"}}
        if shown:
            facts = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in list(shown.items())[:4])
            return f"{tool.replace('_', ' ').capitalize()} gives {facts}"
        return f"{tool.replace('_', ' ').capitalize()} ran but gave no summary"


def _same_focus(referent: str, request: WriteRequest) -> bool:
    prev = request.previous_focus
    if "id" in prev:
        return bool(re.search(rf"#{prev['id']}\b", referent))
    if prev.get("text"):
        return referent.strip('"')[:40] == str(prev["text"])[:40]
    return False
