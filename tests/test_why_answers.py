"""The first "why?" a person reads, through `Conversation.ask` on the demo: which label it
explains, ranked words that are not zeros, under 60 words, one trust line, details on request."""

from __future__ import annotations

from typing import Any

import pytest

from saywhy.tools.views import significant

pytestmark = pytest.mark.integration

TRUST = ("is faithful for this input", "not better than random", "Trust it only partly")


@pytest.fixture(scope="module")
def conversation(demo_sentiment: Any, demo_data: Any) -> Any:
    from saywhy.agent.conversation import Conversation

    return Conversation(target=demo_sentiment, data=demo_data)


def _attribution(answer: Any) -> Any:
    return next(r for r in answer.results if r.tool == "attribute")


def test_review_7_why_negative_explains_what_it_says(conversation: Any) -> None:
    """Review 7 is positive with p = 0.97: asked why it said negative, the answer says it did
    not, explains positive, and its ranked words have non-zero scores as printed."""
    answer = conversation.ask("why did you say negative for review 7?")
    res = _attribution(answer)
    assert res.predicted == res.label == "positive" and res.asked == "negative"
    assert res.predicted_probability > 0.9
    assert "does not say negative: it says positive" in answer.text
    shown = [significant(w["score"], signed=True) for w in res.top[:3]]
    assert all(float(s) != 0 for s in shown)
    assert all(f"\"{w['word']}\"" in answer.text for w in res.removal["words"])
    assert res.removal["without_top"] < res.removal["full"]  # removing them lowers p(positive)
    assert len(answer.text.split()) < 60
    assert sum(answer.text.count(t) for t in TRUST) == 1
    assert "base value" not in answer.text and "ERASER" not in answer.text


def test_details_and_how_do_you_know_give_the_figures(conversation: Any) -> None:
    conversation.ask("why did you say that for review 12?")
    for question in ("details", "how do you know?"):
        answer = conversation.ask(question)
        assert answer.calls and answer.calls[0].args.get("id") == 12, question
        for needed in ("base value", "NAOPC", "95th percentile", "random"):
            assert needed in answer.text, (question, needed)


def test_first_why_is_short_on_demo_reviews(conversation: Any) -> None:
    for review in (3, 8, 21):
        answer = conversation.ask(f"why did you predict that for review {review}?")
        res = _attribution(answer)
        assert len(answer.text.split()) < 60, answer.text
        assert sum(answer.text.count(t) for t in TRUST) == 1
        assert res.faithfulness is not None
