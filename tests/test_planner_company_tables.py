"""The offline planner on a table as a company exports it: a yes/no column of "No"/"Yes" said as
what people do ("members who don't have a personal trainer"), long category values said by their
initials or with "and" for "&" ("HFP", "health and fitness park"), a stay/leave model, a pay rise
with no column named, a distance in miles, money written "$2,500", "stats" beside a label
"stays", "low satisfaction" on a 1-5 scale (and a question back for "a high monthly fee").
A made-up gym-membership table, nothing the planner was written for.

Needs only the MiniLM asset; no tool runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from saywhy.agent.state import DialogueState
from tests.conftest import needs_minilm
from tests.planning import answered as calls
from tests.planning import offline_planner

pytestmark = needs_minilm


@pytest.fixture(scope="module")
def gym() -> Any:
    return offline_planner(["stays", "leaves"], range(1, 3000), "member", [
        ("Age", "numeric", ()), ("PersonalTrainer", "categorical", ("No", "Yes")),
        ("Branch", "categorical", ("City Centre", "Health & Fitness Park", "Riverside")),
        ("MonthlyIncome", "numeric", ()), ("DistanceFromGym", "numeric", ()),
        ("VisitsPerWeek", "numeric", ()), ("SatisfactionScore", "numeric", (), 1, 5),
        ("MonthlyFee", "numeric", (), 15.0, 89.5)])


@pytest.mark.parametrize(("question", "where"), [
    ("what does the model predict for members who don't have a personal trainer",
     "PersonalTrainer == No"),
    ("predictions for members who work with a personal trainer", "PersonalTrainer == Yes"),
    ("predictions for the HFP members", "Branch == Health & Fitness Park"),
    ("predictions for members of the health and fitness park", "Branch == Health & Fitness Park"),
    ("predictions for members who live more than 5 miles away", "DistanceFromGym > 5"),
    ("predictions for members earning over $2,500 a month", "MonthlyIncome > 2500"),
])
def test_company_columns_said_in_words(gym: Any, question: str, where: str) -> None:
    assert calls(gym, question) == [("filter", {"where": where}), ("predict", {})]


def test_stay_and_leave_said_as_verbs(gym: Any) -> None:
    assert calls(gym, "what would it take for member 12 to stay?") == [
        ("counterfactual", {"id": 12, "label": "stays"})]
    assert calls(gym, "why is member 7 predicted to quit") == [
        ("attribute", {"id": 7, "label": "leaves"})]


def test_a_raise_changes_the_pay_column(gym: Any) -> None:
    assert calls(gym, "give member 40 a 10% raise, would they still leave?") == [
        ("what_if", {"id": 40, "features": [
            {"feature": "MonthlyIncome", "op": "multiply", "value": 1.1}]})]


@pytest.mark.parametrize(("question", "where"), [
    ("how many members with low satisfaction score actually left?", "SatisfactionScore <= 2"),
    ("how many dissatisfied members really left", "SatisfactionScore <= 2"),
    ("how many members with a high satisfaction score left", "SatisfactionScore >= 4"),
])
def test_a_level_of_a_short_scale(gym: Any, question: str, where: str) -> None:
    assert calls(gym, question) == [("filter", {"where": where, "label": "leaves"})]


def test_a_level_of_any_other_feature_is_asked_back(gym: Any) -> None:
    pl = gym.plan("accuracy for members with a high monthly fee", DialogueState())
    assert pl.clarify and "monthly fee" in pl.clarify.lower() and not pl.calls


def test_an_english_word_is_no_typo_of_a_label(gym: Any) -> None:
    got = calls(gym, "stats on members at the Riverside branch")
    assert got[0] == ("filter", {"where": "Branch == Riverside"})
    assert "label" not in got[0][1]


def test_age_said_as_how_old(gym: Any) -> None:
    assert calls(gym, "how could member 5 stay without changing how old they are or their "
                      "branch") == [("counterfactual", {"id": 5, "label": "stays",
                                                        "fixed": ["Age", "Branch"]})]
