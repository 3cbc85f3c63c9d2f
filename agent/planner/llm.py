"""The LLM planner: a chat model turns a question into registry tool calls by native tool calling.

The model sees the registry's tools (their docstrings and pydantic schemas) and a system prompt
holding the dialogue state, so "why?" or "and with LIME?" resolve. Every call is validated by the
registry before it can run; an unknown tool or bad arguments go back to the model once as a tool
message. Rounds and time are bounded. When the model fails (network, key, rate limit, garbage),
the injected fallback planner (the offline one) answers, with a notice saying so.
"""

from __future__ import annotations

import json
import logging
import string
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from saywhy.tools import registry
from saywhy.tools.errors import CancelledByUser, SaywhyError, ToolArgsError, ToolTimeout

from .base import Plan, ToolCall
from .protocol import Planner

if TYPE_CHECKING:
    from ..llm import ChatClient, LLMToolCall
    from ..state import DialogueState

log = logging.getLogger(__name__)

NOTICE = "notice: "  # Plan.notes starting with this are shown to the user
MAX_DEFINITIONS = 6000


@lru_cache(maxsize=8)
def prompt_section(name: str) -> str:
    """One `<!-- section: NAME -->` part of prompts/system.md."""
    text = resources.files("saywhy.prompts").joinpath("system.md").read_text(encoding="utf-8")
    marker = f"<!-- section: {name} -->"
    if marker not in text:
        raise KeyError(f"prompts/system.md has no section {name!r}")
    return text.split(marker, 1)[1].split("<!-- section:", 1)[0].strip()


@lru_cache(maxsize=1)
def definitions() -> str:
    """Method definitions (prompts/definitions.md) for meta questions, if present."""
    try:
        text = resources.files("saywhy.prompts").joinpath("definitions.md").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return ""
    start = text.find("\n## ")  # skip the file's own preamble (notes for the offline planner)
    body = text[start + 1:] if start >= 0 else text
    return "\n# Definitions you may use for meta questions\n" + body[:MAX_DEFINITIONS]


def render(template: str, **values: Any) -> str:
    return string.Template(template).safe_substitute({k: str(v) for k, v in values.items()})


def state_values(state: DialogueState,
                 focus_item: Callable[[int], str] | None = None) -> dict[str, str]:
    """The dialogue state in words, for the system prompt; `focus_item` says the item in focus
    by the user's id (the state keeps its key) and how to pass it."""
    if state.focus_id is not None:
        focus = (focus_item(state.focus_id) if focus_item is not None
                 else f"review #{state.focus_id} (pass id={state.focus_id})")
    elif state.focus_text:
        focus = "the free text " + json.dumps(state.focus_text[:400]) + " (pass it as text)"
    else:
        focus = "none yet"
    if state.subset is not None:
        subset = (f"{len(state.subset.ids):,} items: {state.subset.description} "
                  f"(criteria {json.dumps(state.subset.criteria, default=str)})")
    else:
        subset = "none (the whole dataset)"
    turns = []
    for turn in state.history[-3:]:
        calls = "; ".join(f"{c.tool} {json.dumps(c.args, default=str)}" for c in turn.calls)
        turns.append(f"  - Q: {turn.question[:200]!r} -> {calls or 'no tool'} -> "
                     f"A: {turn.answer[:300]!r}")
    return {"focus": focus, "subset": subset, "history": "\n".join(turns) or "  (none)",
            "generation": (json.dumps(state.last_generation[:300]) if state.last_generation
                           else "none"),
            "last_tool": state.last_tool or "none", "last_method": state.last_method or "none",
            "last_label": state.last_label or "none"}


class LLMPlanner:
    """Plans with any langchain chat model (through `ChatClient`); a fallback planner on failure."""

    name = "llm"

    def __init__(self, client: ChatClient, *, labels: list[str], kind: str, n_items: int = 0,
                 fallback: Planner | None = None, max_rounds: int = 3, model_name: str = "",
                 data_description: str = "", has_data: bool | None = None,
                 max_feedback: int = 1, check: Callable[[], None] | None = None,
                 focus_item: Callable[[int], str] | None = None) -> None:
        self.client = client
        self.check = check or (lambda: None)  # the turn's limits: ToolContext.check
        self.focus_item = focus_item  # the item in focus by the user's id (compose.focus_item)
        self.labels, self.kind, self.n_items = list(labels), kind, n_items
        self.fallback = fallback
        self.max_rounds = max(1, max_rounds)
        self.max_feedback = max_feedback
        self.model_name = model_name or "the model"
        self.data_description = data_description or (
            f"{n_items:,} items, addressed by id" if n_items else "none loaded")
        self.has_data = bool(n_items) if has_data is None else has_data

    # ---- tools ----------------------------------------------------------------------------
    def tools(self) -> list[Any]:
        """Registry tools that can run on this target (and dataset)."""
        return [t for t in registry.all_tools()
                if self.kind in t.all_kinds and (self.has_data or not t.needs_data)]

    def schemas(self) -> list[dict[str, Any]]:
        from ..llm import tool_schema

        return [tool_schema(t) for t in self.tools()]

    def system_prompt(self, state: DialogueState) -> str:
        return render(prompt_section("planner"), model=self.model_name,
                      kind=self.kind.replace("_", " "), labels=", ".join(self.labels) or "none",
                      data=self.data_description, definitions=definitions(),
                      **state_values(state, self.focus_item))

    # ---- planning -------------------------------------------------------------------------
    def plan(self, text: str, state: DialogueState) -> Plan:
        messages = [{"role": "system", "content": self.system_prompt(state)},
                    {"role": "user", "content": text}]
        return self._loop(messages, text, state, self.max_rounds, self.max_feedback)

    def retry(self, text: str, state: DialogueState, calls: list[ToolCall],
              error: ToolArgsError, failed: int = 0) -> Plan:
        """A tool refused planned arguments at run time: show the model the error, plan again."""
        from ..llm import _new_id

        ids = [_new_id() for _ in calls]
        messages: list[dict[str, Any]] = [
            {"role": "system", "content": self.system_prompt(state)},
            {"role": "user", "content": text},
            {"role": "assistant", "content": "",
             "tool_calls": [{"name": c.tool, "args": c.args, "id": i}
                            for c, i in zip(calls, ids, strict=True)]},
        ]
        for n, call_id in enumerate(ids):
            content = (f"Error: {error.message} Correct the arguments and call again."
                       if n == failed else "Not run yet: another call in this batch was refused.")
            messages.append({"role": "tool", "tool_call_id": call_id, "content": content})
        return self._loop(messages, text, state, max(1, self.max_rounds - 1), 0)

    def _loop(self, messages: list[dict[str, Any]], text: str, state: DialogueState,
              rounds: int, feedback: int) -> Plan:
        problems = ""
        try:
            schemas = self.schemas()
            for _ in range(rounds):
                self.check()  # a cancelled or timed-out turn stops between LLM rounds
                reply = self.client.complete(messages, schemas)
                if not reply.tool_calls:
                    return self._text_plan(reply.text, text, state)
                calls, errors = self._validate(reply.tool_calls)
                if not errors:
                    return Plan(calls=calls, planner=self.name, intent=calls[0].tool)
                problems = " ".join(dict.fromkeys(errors.values()))
                log.info("LLM planner: refused tool calls: %s", problems)
                if feedback <= 0:
                    break
                feedback -= 1
                messages.append({"role": "assistant", "content": reply.text, "tool_calls": [
                    {"name": c.name, "args": c.args, "id": c.id} for c in reply.tool_calls]})
                for c in reply.tool_calls:
                    messages.append({"role": "tool", "tool_call_id": c.id, "content": (
                        f"Error: {errors[c.id]} Correct the arguments and call again."
                        if c.id in errors else "Not run: another call in this batch was refused.")})
        except (CancelledByUser, ToolTimeout):
            raise  # the turn was stopped: no fallback answer is wanted
        except SaywhyError as exc:  # LLMUnavailable and friends
            return self._fallback(text, state, exc.user_text())
        reason = f"The language model's tool calls did not fit the tools ({problems.strip()})"
        if self.fallback is not None:
            return self._fallback(text, state, reason + ".")
        return Plan(clarify="I could not work out how to answer that with my tools. Could you "
                            "rephrase it, naming the review id or quoting the text?",
                    planner=self.name, notes=[reason])

    def _validate(self, calls: list[LLMToolCall]) -> tuple[list[ToolCall], dict[str, str]]:
        allowed = {t.name: t for t in self.tools()}
        valid: list[ToolCall] = []
        errors: dict[str, str] = {}
        for c in calls:
            if c.error:
                errors[c.id] = f"Bad arguments for {c.name or 'the tool'}: {c.error}."
            elif c.name not in allowed:
                errors[c.id] = f"Unknown tool {c.name!r}. Use one of: {', '.join(sorted(allowed))}"
            else:
                try:
                    args = allowed[c.name].validate(c.args)
                except ToolArgsError as exc:
                    errors[c.id] = exc.message
                else:
                    valid.append(ToolCall(tool=c.name, args=args.model_dump(
                        mode="json", exclude_unset=True, exclude_none=True)))
        return valid, errors

    def _text_plan(self, reply: str, text: str, state: DialogueState) -> Plan:
        from ..writer.grounding import Sources, check

        reply = reply.strip()
        if not reply:
            return self._fallback(text, state, "The language model gave an empty answer.")
        if reply.endswith("?"):
            return Plan(clarify=reply, planner=self.name, intent="clarify")
        sources = Sources(state.last_results, [t.answer for t in state.history[-3:]], text,
                          self.n_items, definitions(), labels=self.labels)
        report = check(reply, sources)
        if report.numbers or report.claims:  # a figure or a label no result backs: not passed on
            log.info("LLM planner reply not grounded (%s)", report)
            if self.fallback is not None:
                plan = self.fallback.plan(text, state)
                plan.notes.append(f"llm reply replaced: {report}")
                return plan
            return Plan(clarify="I can answer that by running a tool. Which review (id) or text "
                                "should I look at?", planner=self.name)
        return Plan(reply=reply, planner=self.name, intent="reply")

    def _fallback(self, text: str, state: DialogueState, reason: str) -> Plan:
        if self.fallback is None:
            from ..llm import LLMUnavailable

            raise LLMUnavailable(reason)
        plan = self.fallback.plan(text, state)
        plan.planner = f"{getattr(self.fallback, 'name', 'fallback')} (llm fallback)"
        plan.notes.append(NOTICE + f"{reason.rstrip('.')}. I answered with the offline planner.")
        return plan
