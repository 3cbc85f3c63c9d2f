"""The offline planner on a target that is not the demo: a 3-class ticket classifier with
multi-word labels, ids 1001-1400 and "ticket" as its item noun.

Ids named with any noun (or an ordinal, "#", "id"), labels in any spelling, a label the model does
not have, a negative or malformed id, a condition that cannot be applied, clarifying choices, a
question in another language, and the planner's own sentences in the target's words (never
"review", "positive" or "negative"). Needs only the MiniLM asset; no tool runs.
"""

from __future__ import annotations

import re

import pytest

from saywhy.agent.planner.base import Plan
from saywhy.agent.state import DialogueState
from tests.conftest import needs_minilm
from tests.planning import ask, calls, offline_planner

LABELS = ["billing", "technical issue", "account access"]
IDS = (1001, 1400)


pytestmark = needs_minilm


@pytest.fixture(scope="module")
def planner():  # type: ignore[no-untyped-def]
    return offline_planner(LABELS, range(IDS[0], IDS[1] + 1), "ticket")


def sentences(plan: Plan) -> str:
    return " ".join([plan.clarify or "", plan.reply or ""] + [c.text for c in plan.choices])


@pytest.mark.parametrize(
    "named",
    [
        "ticket 1005", "case 1005", "item 1005", "example 1005", "row 1005", "sample 1005",
        "instance 1005", "data point 1005", "sentence 1005", "message 1005", "document 1005",
        "entry 1005", "record 1005", "#1005", "id 1005", "number 1005", "the 1005th ticket",
    ],
)
def test_any_noun_names_an_item(planner, named) -> None:  # type: ignore[no-untyped-def]
    plan = ask(planner, f"what do you predict for {named}?")
    assert calls(plan) == [("predict", {"id": 1005})], plan


@pytest.mark.parametrize(
    "question,label",
    [
        ("what would make ticket 1010 account access?", "account access"),
        ("what would make ticket 1010 Account_Access?", "account access"),
        ("what would make ticket 1010 a technical-issue?", "technical issue"),
        ("what would make ticket 1010 TECHNICAL ISSUE?", "technical issue"),
    ],
)
def test_labels_are_the_models_in_any_spelling(planner, question, label) -> None:  # type: ignore[no-untyped-def]
    plan = ask(planner, question)
    assert calls(plan) == [("counterfactual", {"id": 1010, "label": label})], plan


def test_a_contrast_of_two_multi_word_labels(planner) -> None:  # type: ignore[no-untyped-def]
    plan = ask(planner, "why is ticket 1150 account access and not technical issue?")
    assert calls(plan) == [
        ("attribute", {"id": 1150, "label": "account access", "contrast": "technical issue"})
    ]


@pytest.mark.parametrize(
    "question,word",
    [
        ("why is ticket 1003 sports?", "sports"),
        ("is ticket 1200 positive?", "positive"),
        ("what would make case 1010 say 'shipping'?", "shipping"),
        ("why did you call ticket 1007 urgent?", "urgent"),
    ],
)
def test_a_label_the_model_does_not_have_gets_a_question_naming_the_real_ones(
    planner, question, word
) -> None:  # type: ignore[no-untyped-def]
    plan = ask(planner, question)
    assert plan.clarify and not plan.calls, plan
    assert word in plan.clarify
    assert all(label in plan.clarify for label in LABELS)


@pytest.mark.parametrize("question", ["predict ticket -5", "explain item 1012a", "show ticket 12"])
def test_a_negative_malformed_or_missing_id_gets_a_question_never_another_item(
    planner, question
) -> None:  # type: ignore[no-untyped-def]
    plan = ask(planner, question)
    assert plan.clarify and not plan.calls, plan


def test_a_condition_that_cannot_be_applied_is_said_back(planner) -> None:  # type: ignore[no-untyped-def]
    plan = ask(planner, "show me the tickets labelled banana")
    assert plan.clarify and not plan.calls, plan
    assert "banana" in plan.clarify


def test_conditions_and_counts_in_the_targets_words(planner) -> None:  # type: ignore[no-untyped-def]
    assert calls(ask(planner, "how many technical issue tickets did you get wrong?")) == [
        ("filter", {"label": "technical issue"}), ("mistakes", {})
    ]
    assert calls(ask(planner, "list the tickets that aren't billing")) == [
        ("filter", {"label": "billing", "negate": True}), ("show", {})
    ]


@pytest.mark.parametrize(
    "question",
    [
        "Pourquoi le ticket 1005 est-il classé comme facturation ?",
        "Warum ist das Ticket 1005 ein technisches Problem?",
        "¿Por qué el ticket 1005 es de facturación?",
    ],
)
def test_another_language_gets_one_polite_sentence(planner, question) -> None:  # type: ignore[no-untyped-def]
    plan = ask(planner, question)
    assert plan.clarify and not plan.calls
    assert plan.clarify.startswith("I only understand questions in English so far.")


def test_close_readings_are_offered_as_choices(planner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from saywhy.agent.planner.intent.classifier import Prediction

    def torn(texts: list[str]) -> list[Prediction]:
        probs = {"predict": 0.40, "attribute": 0.39, "similar": 0.11, "show": 0.10}
        return [Prediction.of(probs) for _ in texts]

    monkeypatch.setattr(planner.classifier, "predict", torn)
    plan = ask(planner, "ticket 1044 then")
    assert plan.clarify and not plan.calls, plan
    assert [c.calls[0].tool for c in plan.choices] == ["predict", "attribute"]
    assert all(c.calls[0].args == {"id": 1044} for c in plan.choices)
    assert all("ticket 1044" in c.text for c in plan.choices)


def test_the_planners_sentences_use_the_targets_words(planner) -> None:  # type: ignore[no-untyped-def]
    unclear = [
        "why?", "explain it", "what about the others?", "show me that one", "hello",
        "asdfgh qwerty zxcvb", "keep the ones", "order me a pizza", "", "🤔",
        "Pourquoi le ticket 1005 est-il classé comme facturation ?", "why is ticket 1003 sports?",
        "predict ticket -5", "explain ticket 1005 with deeplift", "ticket 99999",
    ]
    for question in unclear:
        said = sentences(ask(planner, question))
        assert said, question
        assert not re.search(r"\b(?:reviews?|positive|negative)\b", said, re.I), (question, said)
    said = sentences(ask(planner, "why?"))
    assert "ticket" in said


def test_the_demo_keeps_its_own_words_and_synonyms() -> None:
    from saywhy.agent.planner.offline import OfflinePlanner

    demo = OfflinePlanner(labels=["negative", "positive"], n_items=12808, item_noun="review")
    topic = OfflinePlanner(labels=LABELS, id_range=IDS, n_items=400, item_noun="ticket")
    topic.classifier = demo.classifier
    assert calls(demo.plan("what would make review 4 fresh?", DialogueState())) == [
        ("counterfactual", {"id": 4, "label": "positive"})
    ]
    assert "review" in (demo.plan("why?", DialogueState()).clarify or "")
    plan = topic.plan("what would make ticket 1004 fresh?", DialogueState())
    assert plan.clarify and "fresh" in plan.clarify  # the demo's synonyms are the demo's only
