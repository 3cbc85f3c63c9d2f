"""The offline planner on a text classifier: words of first-time users (a label "by the model",
"actually ... in the data", "with the word X", "what does ticket N say", a shortened label
word). Made-up labels and ids, nothing the planner was written for.

Needs only the MiniLM asset; no tool runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from saywhy.agent.state import DialogueState
from tests.conftest import needs_minilm
from tests.planning import offline_planner

pytestmark = needs_minilm


@pytest.fixture(scope="module")
def mail() -> Any:
    return offline_planner(["personal", "promotional offer"], range(0, 900), "email")


def calls(p: Any, q: str) -> list[tuple[str, dict[str, Any]]]:
    return [(c.tool, c.args) for c in p.plan(q, DialogueState()).calls]


def test_a_label_given_by_the_model_is_a_prediction(mail: Any) -> None:
    assert calls(mail, "how many emails are labelled personal by the model?") == [
        ("filter", {"predicted": "personal"})]


def test_actually_asks_for_the_gold_label_of_an_item(mail: Any) -> None:
    assert calls(mail, "is email 77 actually personal in the data?") == [("show", {"id": 77})]
    assert calls(mail, "what does email 310 actually say") == [("show", {"id": 310})]


def test_a_word_condition_said_with_the_word(mail: Any) -> None:
    assert calls(mail, "accuracy on emails with the word discount") == [
        ("filter", {"contains": "discount"}), ("performance", {})]


def test_a_shortened_label_word(mail: Any) -> None:
    assert calls(mail, "why is email 12 a promo offer?") == [
        ("attribute", {"id": 12, "label": "promotional offer"})]


def test_what_makes_it_predict_a_label_is_that_labels_reasons(mail: Any) -> None:
    got = calls(mail, "what words make it predict personal")
    assert got[-1] == ("global_importance", {"label": "personal"}) and len(got) == 1


def test_really_of_rows_is_their_gold_label_not_the_item_in_focus(mail: Any) -> None:
    got = [(c.tool, c.args) for c in mail.plan("which emails are really personal?",
                                               DialogueState(focus_id=12)).calls]
    assert got[0] == ("filter", {"label": "personal"})



def test_a_bare_id_before_a_phrase_with_a_noun_is_no_count(mail: Any) -> None:
    assert calls(mail, "explain 812 in a sentence or two") == [("attribute", {"id": 812})]
    assert calls(mail, "what would make 640 a personal email") == [
        ("counterfactual", {"id": 640, "label": "personal"})]
    assert calls(mail, "show 7 of the errors") == [("mistakes", {"k": 7})]


def test_chat_words_around_a_request(mail: Any) -> None:
    assert calls(mail, "why did u label 640 the way u did?") == [("attribute", {"id": 640})]
    assert calls(mail, "no of emails in the data?") == [("describe_data", {})]
    assert calls(mail, "where did u mess up on emails with 'refund' in them") == [
        ("filter", {"contains": "refund"}), ("mistakes", {})]
    assert calls(mail, "what does email 44 say exactly") == [("show", {"id": 44})]
