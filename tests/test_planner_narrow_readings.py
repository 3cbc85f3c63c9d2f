"""Readings that must stay narrow: a long value's initials only in capitals ("as" is no
"Administration & Support"), a two-letter code never from the planner's own words ("total
accuracy" is no "TA"), a pay rise only when pay is said, a bound after "probability" is no
feature's, "when ...?" on a text model opens no scope, "lime values" are attributions, and "then"
before a request is no "than". Made-up tables, nothing the planner was written for.

Needs only the MiniLM asset; no tool runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import needs_minilm
from tests.planning import answered as calls
from tests.planning import offline_planner

pytestmark = needs_minilm


@pytest.fixture(scope="module")
def office() -> Any:
    return offline_planner(["stays", "leaves"], range(1, 900), "employee", [
        ("Age", "numeric", ()), ("income", "numeric", ()), ("loan_amount", "numeric", ()),
        ("Department", "categorical", ("Administration & Support", "Information Technology",
                                       "Sales")),
        ("Grade", "categorical", ("TA", "PM", "LD"))])


@pytest.fixture(scope="module")
def tickets() -> Any:
    return offline_planner(["billing", "technical issue"], range(1000, 1400), "ticket")


def test_initials_only_in_capitals(office: Any) -> None:
    assert calls(office, "which employees are predicted as leaving?")[0] == (
        "filter", {"predicted": "leaves"})
    assert calls(office, "what is it doing with employees over 50?")[0] == (
        "filter", {"where": "Age > 50"})
    assert calls(office, "accuracy for IT staff") == [
        ("filter", {"where": "Department == Information Technology"}), ("performance", {})]


@pytest.mark.parametrize("question", ["what is the total accuracy?",
                                      "what's the training accuracy?"])
def test_a_code_is_not_read_from_ordinary_words(office: Any, question: str) -> None:
    assert all(c[0] != "filter" for c in calls(office, question))


def test_a_percentage_of_another_feature_is_not_pay(office: Any) -> None:
    got = calls(office, "what if employee 300's loan amount saw a 10% increase?")
    assert "income" not in str(got)
    assert calls(office, "give employee 300 a 10% raise") == [("what_if", {"id": 300, "features": [
        {"feature": "income", "op": "multiply", "value": 1.1}]})]


def test_a_probability_bound_is_no_features(office: Any) -> None:
    got = calls(office, "average income for employees predicted to leave with probability "
                        "above 0.8")
    assert all("income > 0.8" not in str(a) for _, a in got)


def test_when_on_a_text_model_opens_no_scope(tickets: Any) -> None:
    got = [t for t, _ in calls(tickets, "when is the model wrong? what does it predict for "
                                        "1005?")]
    assert got == ["mistakes", "predict"]


def test_method_values_are_attributions(tickets: Any) -> None:
    assert calls(tickets, "give me the lime values for 1020") == [
        ("attribute", {"id": 1020, "method": "lime"})]
