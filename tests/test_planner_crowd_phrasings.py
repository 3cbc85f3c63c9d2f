"""The offline planner on questions typed the way crowd workers type them: a row named first ("the
order with id 40, ..."), a negated prediction ("predicted not late"), gold labels of a group as
"ground truth", a statistic of a feature, a bound written after a value ("a weight of 20 or more"),
two requests about one group, "top 2 features", "more important then", misspelled verbs, orders
that change a row ("set the distance to 12"), and a goal "instead". A made-up delivery table,
nothing the planner was written for.

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
def orders() -> Any:
    return offline_planner(["on time", "late"], range(0, 900), "order", [
        ("distance_km", "numeric", ()), ("weight_kg", "numeric", ()),
        ("stops", "numeric", ()), ("courier_rating", "numeric", ()),
        ("vehicle", "categorical", ("bike", "van", "truck"))])


def test_a_row_named_first_is_the_row_of_the_request(orders: Any) -> None:
    assert calls(orders, "the order with id 40, whats the chance it is late") == [
        ("predict", {"id": 40})]


def test_a_negated_prediction_is_the_other_label(orders: Any) -> None:
    assert calls(orders, "smallest change so order 12 is predicted not late") == [
        ("counterfactual", {"id": 12, "label": "on time"})]


def test_ground_truth_of_a_group_is_its_gold_labels(orders: Any) -> None:
    got = calls(orders, "ground truth for orders heavier than 30 kg?")
    assert got[0] == ("filter", {"where": "weight_kg > 30"})
    assert got[1][0] in ("describe_data", "show")


def test_a_statistic_of_a_feature_for_a_group(orders: Any) -> None:
    assert calls(orders, "highest courier rating among orders with more than 3 stops") == [
        ("filter", {"where": "stops > 3"}), ("describe_data", {})]


def test_a_bound_after_a_value_is_no_edit(orders: Any) -> None:
    got = calls(orders, "for orders with a weight of 20 or more, what would it take to get them "
                        "on time?")
    assert got == [("filter", {"where": "weight_kg >= 20"}),
                   ("counterfactual", {"label": "on time"})]


def test_two_requests_about_a_group_said_first(orders: Any) -> None:
    got = calls(orders, "for orders over 10 km, how accurate is the model and how many does it "
                        "get wrong")
    assert [t for t, _ in got] == ["filter", "performance", "mistakes"]


@pytest.mark.parametrize(("question", "args"), [
    ("top 2 features?", {"k": 2}),
    ("top 3 features for predicting late", {"k": 3, "label": "late"}),
    ("is the stops more important then the distance", {}),
])
def test_importance_asked_briefly(orders: Any, question: str, args: dict[str, Any]) -> None:
    assert calls(orders, question) == [("global_importance", args)]


def test_why_a_group_gets_a_label_passes_the_label(orders: Any) -> None:
    got = calls(orders, "why r orders over 20 km predicted late")
    assert got[-1] == ("global_importance", {"label": "late"})


def test_a_count_of_rows_with_conditions(orders: Any) -> None:
    assert calls(orders, "number of instances where the distance is above 15 and stops are over "
                         "4") == [("filter", {"where": "distance_km > 15 and stops > 4"})]


def test_a_misspelled_verb_of_a_change(orders: Any) -> None:
    assert calls(orders, "decrese the distance of data point 99 by 5") == [
        ("what_if", {"id": 99, "features": [
            {"feature": "distance_km", "op": "decrease", "value": 5}]})]


@pytest.mark.parametrize("question", ["set the stops to 2", "make the stops 2",
                                      "and also set stops to 2"])
def test_an_order_to_change_the_row_in_focus(orders: Any, question: str) -> None:
    assert calls(orders, question, focus=70) == [
        ("what_if", {"id": 70, "features": [{"feature": "stops", "op": "set", "value": 2}]})]


def test_a_goal_said_with_instead(orders: Any) -> None:
    assert calls(orders, "and how could it be late instead", focus=70) == [
        ("counterfactual", {"id": 70, "label": "late"})]


def test_a_group_changed_by_any_verb(orders: Any) -> None:
    got = calls(orders, "if orders with 5 or more stops made 2 more stops what would the model "
                        "predict")
    assert got == [("filter", {"where": "stops >= 5"}),
                   ("what_if", {"features": [{"feature": "stops", "op": "increase", "value": 2}]})]


def test_mistakes_the_model_makes_are_no_change(orders: Any) -> None:
    assert calls(orders, "what mistakes does the model make on van orders?") == [
        ("filter", {"where": "vehicle == van"}), ("mistakes", {})]


def test_held_features_said_loosely(orders: Any) -> None:
    assert calls(orders, "flip 12 but dont touch dist or weight") == [
        ("counterfactual", {"id": 12, "fixed": ["distance_km", "weight_kg"]})]
    assert calls(orders, "smallest change to order 3's profile without moving the vehicle") == [
        ("counterfactual", {"id": 3, "fixed": ["vehicle"]})]


def test_a_bound_said_without_its_feature(orders: Any) -> None:
    assert calls(orders, "what-if: weight minus 5 for every order over 30") == [
        ("filter", {"where": "weight_kg > 30"}),
        ("what_if", {"features": [{"feature": "weight_kg", "op": "decrease", "value": 5}]})]


def test_predictions_asked_of_no_row_are_the_tables_rows(orders: Any) -> None:
    assert calls(orders, "what would the model predict") == [("predict", {})]
    assert calls(orders, "how likely is late in the data") == [("predict", {})]
    assert calls(orders, "how likely is late for a van order with 3 stops") == [
        ("filter", {"where": "vehicle == van and stops == 3"}), ("predict", {})]
