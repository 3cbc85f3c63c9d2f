"""The offline planner (default without an LLM): intents by embedding classifier, slots by rules.

One message goes through each stage once, in order:
1. read (`read/`): guard against unusable input (empty, emoji, gibberish, non-English, huge), cut
   the quoted data out, fix common typos, split the question into clauses;
2. intent (`intent/`): classify the question and its clauses (MiniLM + logistic regression over
   the tools' example questions and prompts/examples.yaml, then cue words) into requests;
3. slots (`slots/`): read each request's slots for its intent;
4. route (`intent/route.py`, `followups.py`): second thoughts, the planner's own intents and
   follow-ups resolved against the dialogue state, or the clauses to build;
5. build (`slots/calls.py`): the ordered calls of the question, arguments from each tool's args
   model (only what the user said);
6. validate (`validate.py`): questions back for what does not exist or does not fit.
When unsure it asks back instead of guessing. User text is only ever data: the planner can only
emit catalogue tool calls, and names none of them itself (`catalogue.py`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base import Plan
from .catalogue import catalogue
from .choices import with_choices
from .followups import accumulate, rerun_on_subset
from .intent.classifier import IntentClassifier
from .intent.requests import requests
from .intent.route import defined_outright, route
from .read.masking import Masked
from .read.question import read_question
from .read.replies import help_text
from .slots.calls import assemble
from .slots.clause import Clause, read_clause
from .slots.compare import COMPARE, WHICH_MORE, per_group, split_compared, versus_the_rest
from .slots.feature_names import FeatureInfo, FeatureNames
from .slots.features import FeatureReader
from .slots.names import ItemNames
from .slots.reader import SlotReader
from .validate import Known, validate
from .words import Words

if TYPE_CHECKING:
    from ..state import DialogueState

log = logging.getLogger(__name__)
MAX_TEXT = 100_000


class OfflinePlanner:
    """`OfflinePlanner(labels=[...], kind="classifier", n_items=12808).plan(text, state)`."""

    name = "offline"

    def __init__(
        self,
        labels: Sequence[str],
        kind: str = "classifier",
        n_items: int | None = None,
        *,
        id_range: tuple[int, int] | None = None,
        has_data: bool | None = None,
        bank_path: Path | None = None,
        item_noun: str | None = None,
        id_names: ItemNames | None = None,
        ask_when_unsure: bool = True,
        features: Sequence[FeatureInfo] = (),
    ) -> None:
        self.ask_when_unsure = ask_when_unsure
        self.labels = [str(x) for x in labels]
        self.kind = kind
        self.n_items = n_items
        if id_range is None and n_items:
            id_range = (0, n_items - 1)
        self.id_range = id_range
        self.has_data = bool(n_items) if has_data is None else has_data
        names = FeatureNames(features, [*self.labels, item_noun or ""]) if features else None
        # feature names and the category words ("salaried", "women") that keep "salaried and
        # had a guarantor" one clause
        self.feature_forms = (tuple(f for f, _ in names.forms) + tuple(names.values)
                              if names else ())
        self.reader = SlotReader(self.labels, kind, item_noun, id_names,
                                 FeatureReader(names) if names else None)
        noun = (item_noun or "").strip() or ("prompt" if not self.has_data else "item")
        self.words = Words(item=noun, labels=tuple(self.labels), kind=kind,
                           id_range=id_range if self.has_data else None,
                           names=tuple(getattr(id_names, "names", ())))
        self.classifier = IntentClassifier(bank_path=bank_path)
        self.known = Known(self.labels, kind, id_range, self.has_data)
        # words of the target that are never typos of the planner's vocabulary
        self.known_words = frozenset(
            w for x in [*self.labels, item_noun or ""] for w in re.findall(r"[a-z]+", x.lower())
        ) | (names.words() if names else frozenset())

    @classmethod
    def for_context(cls, ctx: Any, **kwargs: Any) -> OfflinePlanner:
        data = ctx.data
        ids = data.ids if data is not None else []
        return cls(
            labels=list(ctx.target.labels),
            kind=ctx.target.kind,
            n_items=len(ids) or None,
            id_range=(min(ids), max(ids)) if ids else None,
            item_noun=getattr(data, "item_name", None) if data is not None else None,
            id_names=getattr(data, "names", None) if data is not None else None,
            features=feature_infos(ctx.target),
            **kwargs,
        )

    def warm_up(self) -> None:
        """Fit (or load) the classifier and the encoder now rather than on the first question."""
        self.classifier.predict(["what does the model predict for item 1?"])

    # ---- entry point --------------------------------------------------------------------------
    def plan(self, text: str, state: DialogueState) -> Plan:
        try:
            plan = self._plan(text if isinstance(text, str) else str(text or ""), state)
        except Exception:  # noqa: BLE001 - a planner bug must become a question, never a crash
            log.exception("offline planner failed on %r", (text or "")[:200])
            plan = Plan(
                clarify="Sorry, I could not work out what to run for that. " + help_text(),
                intent="error",
                confidence=0.0,
            )
        plan.planner = self.name
        words = self.words
        plan.clarify, plan.reply = words.fill(plan.clarify), words.fill(plan.reply)
        names = list(getattr(self.reader.id_names, "names", None) or [])
        for choice in plan.choices:  # a row key as the user's id ("ticket TCK-0042")
            text = re.sub(r"(\{item\} )(\d+)\b", lambda m: m.group(1) + (
                names[int(m.group(2))] if int(m.group(2)) < len(names) else m.group(2)),
                choice.text) if names else choice.text
            choice.text = words.fill(text) or text
        return plan

    def _plan(self, text: str, state: DialogueState) -> Plan:
        question = read_question(text, MAX_TEXT, self.known_words, tuple(self.labels),
                                 self.feature_forms)
        if isinstance(question, Plan):
            return question
        defined = defined_outright(question)
        if defined is not None:
            return defined
        asked = requests(question, self.classifier, self.kind)
        masked = question.masked
        edits = catalogue().natural("edits")
        # right after a what-if, or any question about one row, feature values are edits of
        # that row ("and with a credit score of 720?"), unless a group of rows is named
        after_edit = bool(state.last_calls) and (
            any(x.tool == edits for x in state.last_calls)
            or all("id" in x.args for x in state.last_calls))
        clauses = [read_clause(self.reader, masked, g, i, p, self.kind, after_edit)
                   for g, i, p in asked.groups]

        def reread(c: Clause, intent: str) -> Clause:
            return self._reread(c, masked, intent, after_edit)

        routed = route(clauses, question, state, asked.ranked, reread, self.kind)
        plan = routed if isinstance(routed, Plan) else assemble(routed, state, self.kind)
        if not isinstance(routed, Plan):
            if after_edit:
                plan.calls = accumulate(plan.calls, state, text)
            if any(c.features.versus for c in routed):
                plan.calls = split_compared(plan.calls)
            plan.calls = per_group(plan.calls, COMPARE.search(text) is not None
                                   or WHICH_MORE.search(text) is not None)
            plan.calls = versus_the_rest(rerun_on_subset(plan.calls, state), text)
        plan = validate(plan, clauses, self.known)
        if not isinstance(routed, Plan) and len(routed) == 1 and self.ask_when_unsure:
            one = routed[0]

            def build(intent: str) -> Plan:
                other = reread(one, intent)
                return validate(assemble([other], state, self.kind), [other], self.known)

            plan = with_choices(plan, one, asked.ranked, build)
        plan.notes = [f"intent {i}={p:.2f}" for _, i, p in asked.groups] + plan.notes
        return plan

    def _reread(self, c: Clause, masked: Masked, intent: str,
                after_edit: bool = False) -> Clause:
        return read_clause(self.reader, masked, c.text, intent, c.prob, self.kind, after_edit)


def feature_infos(target: Any) -> list[FeatureInfo]:
    """A table model's features as the planner reads them (none for a text model)."""
    schema = getattr(target, "schema", None)
    if schema is None:
        return []
    return [FeatureInfo(name=str(f.name), kind=str(f.kind),
                        values=tuple(str(v) for v in getattr(f, "values", ()) or ()),
                        low=_number(getattr(f, "low", None)),
                        high=_number(getattr(f, "high", None)))
            for f in schema.features]


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None
