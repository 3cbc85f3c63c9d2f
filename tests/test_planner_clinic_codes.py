"""The offline planner on a clinic's export: a dose change coded Up/Down/Steady/No ("whose dose
went up"), a lab result coded as ranges (">6") and named with a digit ("T4level": "T4 above 6"),
"num_" columns ("number of vaccinations"), a readmission model's label said as the event
("readmission", "coming back", "avoid readmission"), and a bare "up" that is no value ("pull up
pet 15's record"). A made-up veterinary table, nothing the planner was written for.

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
def clinic() -> Any:
    return offline_planner(["not readmitted", "readmitted"], range(1, 5000), "pet", [
        ("weight_kg", "numeric", ()), ("num_vaccinations", "numeric", ()),
        ("dose_change", "categorical", ("No", "Steady", "Up", "Down")),
        ("T4level", "categorical", ("None", "Norm", ">4", ">6")),
        ("coat", "categorical", ("Short", "Long"))])


@pytest.mark.parametrize(("question", "where"), [
    ("predictions for pets whose dose went up", "dose_change == Up"),
    ("predictions for pets with T4 above 6", "T4level == >6"),
    ("predictions for pets with a number of vaccinations over 3", "num_vaccinations > 3"),
    ("chance of coming back within 30 days for pets over 20 kg", "weight_kg > 20"),
])
def test_clinic_codes_said_in_words(clinic: Any, question: str, where: str) -> None:
    assert calls(clinic, question) == [("filter", {"where": where}), ("predict", {})]


def test_the_readmission_label_said_as_the_event(clinic: Any) -> None:
    assert calls(clinic, "how could pet 5 avoid readmission?") == [
        ("counterfactual", {"id": 5, "label": "not readmitted"})]
    assert calls(clinic, "top 2 drivers of readmission") == [
        ("global_importance", {"k": 2, "label": "readmitted"})]


def test_a_bare_up_is_no_value(clinic: Any) -> None:
    assert calls(clinic, "pull up pet 15's record") == [("show", {"id": 15})]


def test_a_short_name_word_leaves_an_abbreviation_to_a_count(clinic: Any) -> None:
    """"vacs" is num_vaccinations' note form; a three-letter name word would not take it."""
    assert calls(clinic, "# of pets on more than 3 vacs") == [
        ("filter", {"where": "num_vaccinations > 3"})]
