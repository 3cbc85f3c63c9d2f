"""A binarised table: yes/no columns that spell a threshold in their name
("Savings_geq_1000", "TenureYearsLessThan2") and one-hot columns that share a prefix
("planGold", "planSilver"). People ask about the quantity and the category, not the columns.
A made-up gym-membership table, nothing the planner was written for.

Needs only the MiniLM asset; no tool runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from saywhy.agent.planner.slots.feature_bins import as_column, one_hot_values, thresholds
from saywhy.agent.state import DialogueState
from tests.conftest import needs_minilm
from tests.planning import offline_planner

YES_NO = ("0", "1")
COLUMNS = ["Savings_geq_1000", "SavingsGreaterOrEqualThan5000", "TenureYearsLessThan2",
           "VisitsPerWeekAtLeast3", "planGold", "planSilver", "planBasic", "HasLocker"]


@pytest.fixture(scope="module")
def gym() -> Any:
    return offline_planner(["stays", "cancels"], range(1, 900), "member", [
        ("Age", "numeric", ()), *((c, "boolean", YES_NO) for c in COLUMNS)])


def where(p: Any, q: str) -> str | None:
    pl = p.plan(q, DialogueState())
    found = [c.args.get("where") for c in pl.calls if c.tool == "filter"]
    return found[0] if found else None


def test_threshold_and_one_hot_columns_are_found_from_their_names() -> None:
    bins = thresholds(COLUMNS, ["Age", *COLUMNS])
    assert {t.column for t in bins["savings"]} == {"Savings_geq_1000",
                                                   "SavingsGreaterOrEqualThan5000"}
    assert [(t.op, t.value) for t in bins["tenure_years"]] == [("<", 2.0)]
    assert one_hot_values(COLUMNS) == {"planGold": "gold", "planSilver": "silver",
                                       "planBasic": "basic"}
    # the column whose own threshold is said; the complement is its "no"; others: none
    assert as_column(bins["savings"], ">=", 5000) == ("SavingsGreaterOrEqualThan5000", True)
    assert as_column(bins["savings"], "<", 1000) == ("Savings_geq_1000", False)
    assert as_column(bins["savings"], ">", 3000) is None


@pytest.mark.parametrize(("question", "wanted"), [
    ("how accurate are you on members with savings of at least 5000?",
     "SavingsGreaterOrEqualThan5000 == 1"),
    ("what do you predict for members with less than 1000 in savings?", "Savings_geq_1000 == 0"),
    ("how many members have been with us less than two years?", "TenureYearsLessThan2 == 1"),
    ("accuracy for people with tenure years of 2 or more", "TenureYearsLessThan2 == 0"),
    ("what does the model say for gold members?", "planGold == 1"),
    ("how often are you wrong on members on the basic plan", "planBasic == 1"),
])
@needs_minilm
def test_a_condition_on_the_quantity_or_category_is_its_column(gym: Any, question: str,
                                                               wanted: str) -> None:
    assert where(gym, question) == wanted


@needs_minilm
def test_a_threshold_no_column_says_is_asked_back_with_the_cuts_there_are(gym: Any) -> None:
    pl = gym.plan("accuracy for members with savings over 3000", DialogueState())
    assert not pl.calls and pl.clarify
    assert "1000" in pl.clarify and "5000" in pl.clarify and "3000" in pl.clarify


@needs_minilm
def test_a_switch_of_category_sets_the_new_column_and_clears_the_old(gym: Any) -> None:
    pl = gym.plan("what if member 40 had a gold plan instead of a basic one?", DialogueState())
    assert [c.tool for c in pl.calls] == ["what_if"]
    edits = {(e["feature"], e["value"]) for e in pl.calls[0].args["features"]}
    assert edits == {("planGold", 1), ("planBasic", 0)}


@needs_minilm
def test_initials_of_a_yes_no_column_are_never_read_inside_a_word(gym: Any) -> None:
    # "HasLocker" has the initials "hl", "planSilver" "ps": neither is in "ps" of "groups"
    # nor "hl" of "monthly"
    assert where(gym, "how accurate are you on the monthly groups of members over 40") == (
        "Age > 40")


@needs_minilm
def test_a_supposed_threshold_is_an_edit_of_its_column(gym: Any) -> None:
    pl = gym.plan("what if member 12 had savings of at least 5000?", DialogueState())
    assert [(c.tool, c.args) for c in pl.calls] == [("what_if", {"id": 12, "features": [
        {"feature": "SavingsGreaterOrEqualThan5000", "op": "set", "value": "1"}]})]


@pytest.fixture(scope="module")
def homes() -> Any:
    return offline_planner(["no claim", "claim"], range(1, 3000), "homeowner", [
        ("Age", "numeric", ()), ("HouseAge", "numeric", ()), ("FloodZone", "boolean", YES_NO),
        ("roofTile", "boolean", YES_NO), ("roofMetal", "boolean", YES_NO),
        ("roofAsphaltShingle", "boolean", YES_NO)])


@needs_minilm
@pytest.mark.parametrize(("question", "wanted"), [
    # the age of a thing is its feature, a person's age stays Age
    ("how accurate are you on houses at least 50 years old?", "HouseAge >= 50"),
    ("mistakes on homeowners over 60 whose house is under 10 years old",
     "Age > 60 and HouseAge < 10"),
    # two values of one one-hot category joined by "and" are either
    ("accuracy for tile and metal roofs", "roofTile == 1 or roofMetal == 1"),
    # a two-word value run together
    ("what do you predict for asphaltshingle roofs", "roofAsphaltShingle == 1"),
    # "60 or more than 90" is two bounds, not "60 or more"
    ("accuracy on homeowners younger than 30 or older than 70", "Age < 30 or Age > 70"),
    ("accuracy on houses with house age less than 5 or more than 80",
     "HouseAge < 5 or HouseAge > 80"),
])
def test_things_ages_categories_and_two_bounds(homes: Any, question: str, wanted: str) -> None:
    assert where(homes, question) == wanted


@needs_minilm
def test_a_feature_name_run_together_is_read_not_crashed_on(homes: Any) -> None:
    pl = homes.plan("show the houseage of homeowner 12", DialogueState())
    assert pl.intent != "error" and pl.calls, pl


@needs_minilm
def test_review_cases_of_switches_ages_and_either(homes: Any) -> None:
    # "a 5 year old house" is the house's age
    assert where(homes, "accuracy for homeowners with a 5 year old house") == "HouseAge == 5"
    # "tile and metal roofs with a flood zone": each roof with the flood zone
    assert where(homes, "accuracy for tile and metal roofs with a flood zone") == (
        "roofTile == 1 and FloodZone == 1 or roofMetal == 1 and FloodZone == 1")
