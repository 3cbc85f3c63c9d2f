"""The offline planner on a table whose columns and values are written in codes, as many users'
CSV files are: a sex column of "M"/"F", a yes/no column of "Y"/"N", categories coded in capitals
("OSA" for obstructive sleep apnea), names with an acronym inside ("RestingHR"); and on groups
said before the request ("if a patient is over 60, how likely ..."), or named by a label ("what
if the patients with a disorder ..."). A made-up sleep-clinic table, nothing the planner was
written for.

Needs only the MiniLM asset; no tool runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from saywhy.agent.planner.base import Plan
from saywhy.agent.planner.slots.feature_names import FeatureInfo, FeatureNames
from saywhy.agent.state import DialogueState
from tests.conftest import needs_minilm
from tests.planning import offline_planner

FEATURES: list[tuple[str, str, tuple[str, ...]]] = [
    ("Age", "numeric", ()),
    ("Gender", "categorical", ("F", "M")),
    ("Snoring", "categorical", ("N", "Y")),
    ("RestingHR", "numeric", ()),
    ("SystolicBP", "numeric", ()),
    ("BreathingPattern", "categorical", ("CSA", "OSA", "NRM")),
]


@pytest.fixture(scope="module")
def clinic() -> Any:
    return offline_planner(["no disorder", "disorder"], range(0, 400), "patient", FEATURES)


def plan(p: Any, q: str) -> Plan:
    return p.plan(q, DialogueState())


def calls(pl: Plan) -> list[tuple[str, dict[str, Any]]]:
    return [(c.tool, c.args) for c in pl.calls]


@needs_minilm
@pytest.mark.parametrize(("question", "where"), [
    ("how likely are men with obstructive sleep apnea to have a disorder?",
     "Gender == M and BreathingPattern == OSA"),
    ("chance of a disorder for women with central sleep apnea",
     "Gender == F and BreathingPattern == CSA"),
    ("what's the probability of a disorder for patients who have snoring",
     "Snoring == Y"),
    ("probability of a disorder for people with a resting heart rate above 90",
     "RestingHR > 90"),
])
def test_coded_values_and_names_said_in_words(clinic: Any, question: str, where: str) -> None:
    assert calls(plan(clinic, question)) == [("filter", {"where": where}), ("predict", {})]


@needs_minilm
def test_a_yes_no_column_of_letters_is_negated_as_a_yes_no_column(clinic: Any) -> None:
    pl = plan(clinic, "how accurate is it on patients without snoring")
    assert calls(pl) == [("filter", {"where": "Snoring == N"}), ("performance", {})]


@needs_minilm
@pytest.mark.parametrize(("question", "where"), [
    ("if a patient is older than 60 and has a systolic blood pressure over 140, how likely is a "
     "disorder?", "Age > 60 and SystolicBP > 140"),
    ("if someone is under 30, what are the odds of a disorder", "Age < 30"),
    ("what would the model predict if a patient is over 70", "Age > 70"),
])
def test_a_group_said_before_the_request_is_its_rows(clinic: Any, question: str,
                                                     where: str) -> None:
    """The "if" part describes who is asked about; it is no what-if and names no id."""
    assert calls(plan(clinic, question)) == [("filter", {"where": where}), ("predict", {})]


@needs_minilm
def test_an_age_said_of_the_person_after_a_feature(clinic: Any) -> None:
    pl = plan(clinic, "show patients with a systolic blood pressure over 150 who are under 40")
    assert ("filter", {"where": "SystolicBP > 150 and Age < 40"}) in calls(pl)
    pl = plan(clinic, "how many patients have a resting heart rate over 100 and are under 25")
    assert calls(pl) == [("filter", {"where": "RestingHR > 100 and Age < 25"})]


@needs_minilm
def test_a_label_naming_the_rows_of_a_what_if_or_counterfactual(clinic: Any) -> None:
    pl = plan(clinic, "what if the patients with a disorder had a resting heart rate 10 lower")
    assert calls(pl) == [("filter", {"label": "disorder"}), (
        "what_if", {"features": [{"feature": "RestingHR", "op": "decrease", "value": 10}]})]
    pl = plan(clinic, "what would it take for the patients you predict a disorder to get no "
                      "disorder")
    assert calls(pl) == [("filter", {"predicted": "disorder"}),
                         ("counterfactual", {"label": "no disorder"})]


@needs_minilm
def test_a_counterfactual_asked_to_be_explained(clinic: Any) -> None:
    assert calls(plan(clinic, "explain the counterfactual for patient 7")) == [
        ("counterfactual", {"id": 7})]
    assert calls(plan(clinic, "cfe for 12")) == [("counterfactual", {"id": 12})]


def test_codes_are_read_from_words_whose_starts_spell_them() -> None:
    names = FeatureNames([FeatureInfo("PainType", "categorical", ("TA", "ATA", "NAP", "ASY")),
                          FeatureInfo("Income", "numeric")])
    assert names.value_of("typical angina") == ("PainType", "TA")
    assert names.value_of("atypical angina") == ("PainType", "ATA")
    assert names.value_of("non-anginal pain") == ("PainType", "NAP")
    assert names.value_of("asymptomatic") == ("PainType", "ASY")
    assert names.value_of("than average") is None  # two short words spell no two-letter code
    assert names.value_of("take") is None
