"""The LLM writer: a chat model words the answer from the results, and a grounding check keeps it
honest. If the model fails, or its answer makes a claim no result backs (a number that is not the
value it names, a label the model did not predict, a word pushing the wrong way, a quoted word no
result contains), the embedded writer's answer is used instead; `Written.writer` says why.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from saywhy.tools.errors import SaywhyError
from saywhy.tools.registry import Result

from ..planner.llm import prompt_section, render
from .base import WriteRequest, Written, subset_phrase
from .embedded import EmbeddedWriter
from .grounding import check, sources_of

if TYPE_CHECKING:
    from ..llm import ChatClient

log = logging.getLogger(__name__)


def compact(obj: Any, *, max_list: int = 25, max_str: int = 600, depth: int = 0) -> Any:
    """A result small enough for a prompt: long lists and strings cut, matrices dropped."""
    if isinstance(obj, dict):
        return {k: compact(v, max_list=max_list, max_str=max_str, depth=depth + 1)
                for k, v in obj.items() if k not in {"matrix", "seconds"}}
    if isinstance(obj, list):
        if obj and all(isinstance(x, list) for x in obj):
            return f"[{len(obj)} x {len(obj[0])} matrix omitted]"
        cut = [compact(x, max_list=max_list, max_str=max_str, depth=depth + 1)
               for x in obj[:max_list]]
        return cut + ([f"... {len(obj) - max_list} more"] if len(obj) > max_list else [])
    if isinstance(obj, str) and len(obj) > max_str:
        return obj[:max_str] + " ..."
    if isinstance(obj, float):
        return round(obj, 4)
    return obj


def facts(result: Result) -> dict[str, Any]:
    """A result as the LLM reads it: its JSON without the views (the same numbers, drawn)."""
    return {k: v for k, v in result.to_json().items() if k != "views"}


class LLMWriter:
    """Asks the chat model to write the answer; falls back to the embedded writer."""

    name = "llm"

    def __init__(self, client: ChatClient, fallback: EmbeddedWriter | None = None) -> None:
        self.client = client
        self.fallback = fallback or EmbeddedWriter()

    def write(self, request: WriteRequest) -> Written:
        draft = self.fallback.write(request)
        if not request.results:
            return draft
        payload = {
            "question": request.question,
            "subset": subset_phrase(request.state),
            "calls": [c.model_dump() for c in request.calls],
            "results": [compact(facts(r)) for r in request.results],
            "error": request.error,
            "draft": draft.text,
        }
        messages = [
            {"role": "system", "content": render(prompt_section("writer"))},
            {"role": "user", "content": json.dumps(payload, ensure_ascii=False, indent=1)},
        ]
        try:
            reply = self.client.complete(messages)
        except SaywhyError as exc:
            log.warning("LLM writer unavailable, using the embedded answer: %s", exc.message)
            return Written(draft.text, "embedded (llm unavailable)", [exc.user_text()])
        text = reply.text.strip()
        if not text or reply.tool_calls:
            return Written(draft.text, "embedded (llm gave no text)")
        report = check(text, sources_of(request))  # claims against the values they name
        if not report.ok:
            log.info("LLM answer not grounded (%s); using the embedded answer", report)
            return Written(draft.text, f"embedded (llm answer not grounded: {report})")
        return Written(text, self.name)
