"""The offline planner (default without an LLM): intents by embedding classifier, slots by rules.

Per message: guard against unusable input (empty, emoji, gibberish, non-English, huge); cut the
quoted data out; split the question into clauses; classify intents with MiniLM + logistic
regression over prompts/examples.yaml; read slots per clause; resolve follow-ups against the
dialogue state; validate every call against the tool registry. When unsure it asks back instead
of guessing. User text is only ever data: the planner can only emit registry tool calls.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base import Plan, ToolCall
from .catalogue import catalogue
from .followups import complement, next_page, repeat
from .intent.classifier import IntentClassifier, Prediction, classifier_text
from .intent.cues import CUES, boost
from .intent.decide import CLAUSE_CONF, MIN_CONF, clause_groups, extra_slots, retarget
from .read.clauses import clauses, tidy
from .read.guards import english_enough, unusable_reply
from .read.masking import Masked, mask
from .read.replies import define_reply, greeting_reply, help_text, out_of_scope_text
from .read.typos import fix_typos
from .slots.calls import assemble, clarify
from .slots.clause import Clause, has_slots, read_clause
from .slots.reader import SlotReader
from .validate import problem, validated

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
        validate: bool = True,
    ) -> None:
        self.labels = [str(x) for x in labels]
        self.kind = kind
        self.n_items = n_items
        if id_range is None and n_items:
            id_range = (0, n_items - 1)
        self.id_range = id_range
        self.has_data = bool(n_items) if has_data is None else has_data
        self.reader = SlotReader(self.labels)
        self.classifier = IntentClassifier(bank_path=bank_path)
        self.validate = validate

    @classmethod
    def for_context(cls, ctx: Any, **kwargs: Any) -> OfflinePlanner:
        data = ctx.data
        ids = data.ids if data is not None else []
        return cls(
            labels=list(ctx.target.labels),
            kind=ctx.target.kind,
            n_items=len(ids) or None,
            id_range=(min(ids), max(ids)) if ids else None,
            **kwargs,
        )

    def warm_up(self) -> None:
        """Fit (or load) the classifier and the encoder now rather than on the first question."""
        self.classifier.predict(["what does the model predict for review 1?"])

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
        return plan

    def _plan(self, text: str, state: DialogueState) -> Plan:
        bad = unusable_reply(text, MAX_TEXT)
        if bad is not None:
            return Plan(clarify=bad, intent="unusable", confidence=0.0)
        masked = mask(text.strip())
        masked.question = fix_typos(masked.question)
        if not english_enough(masked.for_classifier()):
            return Plan(
                clarify="I only understand questions in English so far. " + help_text(),
                intent="non_english",
                confidence=0.0,
            )
        question = masked.for_classifier()
        if CUES["define"].search(question) and not masked.quotes and not re.search(r"\d", question):
            reply = define_reply(question)
            if reply:
                return Plan(reply=reply, intent="define", confidence=1.0)
        parts = clauses(masked.question) or [masked.question]
        texts = [classifier_text(masked.question)] + (
            [classifier_text(p) for p in parts] if len(parts) > 1 else []
        )
        preds = [
            Prediction.of(boost(p.probs, t))
            for p, t in zip(self.classifier.predict(texts), texts, strict=True)
        ]
        whole = preds[0]
        groups = clause_groups(parts, preds[1:]) if len(parts) > 1 else []
        if len(groups) < 2:
            groups = [(tidy(masked.question), whole.intent, whole.prob)]
        infos = [read_clause(self.reader, masked, g, i, p, self.kind) for g, i, p in groups]
        notes = [f"intent {i}={p:.2f}" for _, i, p in groups]
        if len(infos) == 1:
            plan = self._single(infos[0], masked, state, whole.ranked)
        else:
            plan = self._multi(infos, state)
        plan.notes = notes + plan.notes
        if plan.calls and self.validate:
            plan = validated(plan, self.kind)
        return plan

    # ---- one request --------------------------------------------------------------------------
    def _reread(self, c: Clause, masked: Masked, intent: str) -> Clause:
        return read_clause(self.reader, masked, c.text, intent, c.prob, self.kind)

    def _single(
        self, c: Clause, masked: Masked, state: DialogueState, ranked: list[tuple[str, float]]
    ) -> Plan:
        problem = self._problem(c)
        if problem:
            return clarify(problem, c)
        cat = catalogue()
        c = retarget(c, lambda x, i: self._reread(x, masked, i), state, ranked)
        intent, conf = c.intent, c.prob
        fragment = has_slots(c) and not c.content
        if (
            fragment
            and not state.last_calls
            and set(c.input) == {"id"}
            and not extra_slots(c)
            and conf < CLAUSE_CONF
        ):  # a bare "review 14": show its prediction
            return assemble([self._reread(c, masked, cat.predictor)], state, self.kind)
        if fragment and state.last_calls:
            calls = repeat(state, c, state.focus)
            if calls:
                return Plan(calls=calls, intent="repeat", confidence=conf)
        if intent == "greeting":
            if conf < 0.5:
                return clarify("I am not sure what you mean. " + help_text(), c)
            return Plan(reply=greeting_reply(masked.raw), intent=intent, confidence=conf)
        if (
            intent == "define"
            and state.last_calls
            and re.search(r"\b(?:that|it|this|them|they)\b", c.text, re.I)
        ):
            nxt = next((i for i, _ in ranked[1:] if i in cat.names), None)
            if nxt:  # "how does that compare with IG?" is about the last answer, not a definition
                c = self._reread(c, masked, nxt)
                intent = nxt
        if intent == "define":
            reply = define_reply(masked.for_classifier())
            if reply:
                return Plan(reply=reply, intent=intent, confidence=conf)
            return clarify(
                "Which method should I explain? I can define SHAP, integrated gradients, "
                "gradient x input, LIME, occlusion, attention, attention rollout, "
                "counterfactuals, comprehensiveness/sufficiency and the logit lens.",
                c,
            )
        if intent == "reset":
            return Plan(
                calls=[ToolCall(tool=cat.selector, args={"reset": True})],
                intent=intent,
                confidence=conf,
            )
        if intent == "complement":
            calls = complement(state)
            if calls is None:
                return clarify(
                    "The others compared to what? First select some reviews, e.g. "
                    '"reviews that mention the acting".',
                    c,
                )
            return Plan(calls=calls, intent=intent, confidence=conf)
        if intent == "next_page":
            return Plan(calls=next_page(state), intent=intent, confidence=conf)
        if intent == "repeat" and state.last_calls:
            calls = repeat(state, c, state.focus)
            if calls:
                return Plan(calls=calls, intent="repeat", confidence=conf)
            if intent == "repeat":
                nxt = next((i for i, _ in ranked[1:] if i in cat.names), None)
                if nxt:
                    c = self._reread(c, masked, nxt)
                    intent = nxt
        if intent in ("review_text", "out_of_scope"):
            if self.kind == "causal_lm" or (intent == "review_text" and conf >= MIN_CONF):
                return Plan(
                    calls=[ToolCall(tool=cat.predictor, args={"text": masked.raw.strip()})],
                    intent=intent,
                    confidence=conf,
                )
            return clarify(out_of_scope_text(), c)
        if intent == "repeat":
            if not c.input:
                return clarify("What should I do it for? " + help_text(), c)
            c = self._reread(c, masked, cat.explainer if c.slots.methods else cat.predictor)
        if conf < MIN_CONF and not c.input:
            return clarify("I am not sure what you would like to know. " + help_text(), c)
        return assemble([c], state, self.kind)

    def _multi(self, infos: list[Clause], state: DialogueState) -> Plan:
        for c in infos:
            problem = self._problem(c)
            if problem:
                return clarify(problem, c)
        return assemble(infos, state, self.kind)

    def _problem(self, c: Clause) -> str | None:
        return problem(c, labels=self.labels, id_range=self.id_range, has_data=self.has_data)
