"""The offline planner on a table model: feature names as people write them, comparisons in
words, what-if edits, fixed features and a pair of features, read from the loaded table's
columns at run time (a made-up loan table here, nothing the planner was written for).

Needs only the MiniLM asset; no tool runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from saywhy.agent.planner.base import Plan
from saywhy.agent.state import DialogueState
from tests.conftest import needs_minilm
from tests.planning import ask, calls, offline_planner

pytestmark = needs_minilm

FEATURES = [
    ("AnnualIncome", "numeric", ()),
    ("Age", "numeric", ()),
    ("CreditScore", "numeric", ()),
    ("number_of_dependents", "numeric", ()),
    ("EmploymentType", "categorical", ("salaried", "self-employed", "student")),
    ("has_guarantor", "boolean", ("0", "1")),
    ("Sex", "categorical", ("Female", "Male")),
]


@pytest.fixture(scope="module")
def planner():  # type: ignore[no-untyped-def]
    return offline_planner(["rejected", "approved"], range(0, 500), "applicant", FEATURES)


def where(plan: Plan) -> str | None:
    return next((c.args.get("where") for c in plan.calls if "where" in c.args), None)


@pytest.mark.parametrize(("question", "condition"), [
    ("how accurate are you on applicants older than 40?", "Age > 40"),
    ("accuracy for people with a credit score under 600", "CreditScore < 600"),
    ("show me applicants whose annual income is at least 50000", "AnnualIncome >= 50000"),
    ("how many applicants have more than 2 dependents?", "number_of_dependents > 2"),
    ("how well do you do on women?", "Sex == Female"),
    ("performance on applicants aged 30 or younger", "Age <= 30"),
    ("list applicants with income between 20000 and 40000",
     "AnnualIncome between 20000 and 40000"),
    ("accuracy on students", "EmploymentType == student"),
    ("how accurate are you for applicants over 60 with a credit score above 700?",
     "Age > 60 and CreditScore > 700"),
])
def test_conditions_become_a_where_filter(planner: Any, question: str, condition: str) -> None:
    plan = ask(planner, question)
    assert where(plan) == condition, calls(plan) or plan.clarify


def test_a_number_in_a_condition_is_never_an_item_id(planner: Any) -> None:
    plan = ask(planner, "show me applicants with a credit score over 150")
    assert where(plan) == "CreditScore > 150"
    assert all("id" not in args for _, args in calls(plan))


def edits(plan: Plan) -> list[dict[str, Any]]:
    return next((c.args["features"] for c in plan.calls if c.tool == "what_if"), [])


def focused(planner: Any, item: int = 12) -> DialogueState:
    state = DialogueState()
    plan = ask(planner, f"why did you reject applicant {item}?", state)
    assert plan.calls and plan.calls[-1].args.get("id") == item, calls(plan)
    state.focus_id = item
    state.last_calls = plan.calls
    return state


@pytest.mark.parametrize(("question", "expected"), [
    ("what if their credit score were 720?",
     [{"feature": "CreditScore", "op": "set", "value": 720}]),
    ("what if the annual income was 60000 and age 35?",
     [{"feature": "AnnualIncome", "op": "set", "value": 60000},
      {"feature": "Age", "op": "set", "value": 35}]),
    ("increase the credit score by 50", [{"feature": "CreditScore", "op": "increase",
                                          "value": 50}]),
    ("what if they had 3 dependents?", [{"feature": "number_of_dependents", "op": "set",
                                         "value": 3}]),
    ("and if the income were 10% lower?", [{"feature": "AnnualIncome", "op": "multiply",
                                            "value": 0.9}]),
    ("suppose they were self-employed",  # a value only one feature has names it
     [{"feature": "EmploymentType", "op": "set", "value": "self-employed"}]),
])
def test_what_if_edits_name_the_features(planner: Any, question: str,
                                         expected: list[dict[str, Any]]) -> None:
    plan = ask(planner, question, focused(planner))
    if expected:
        assert edits(plan) == expected, calls(plan) or plan.clarify
        assert all(args.get("id") == 12 for _, args in calls(plan))
    else:
        assert not edits(plan)


def test_what_if_without_an_item_asks_which(planner: Any) -> None:
    plan = ask(planner, "what if his credit score were 720?")
    assert plan.clarify and "applicant" in plan.clarify and "text" not in plan.clarify


def test_fixed_features_go_to_the_counterfactual(planner: Any) -> None:
    plan = ask(planner, "what is the smallest change that gets applicant 7 approved without "
                        "changing age or sex?")
    cf = [args for tool, args in calls(plan) if tool == "counterfactual"]
    assert cf and cf[0]["id"] == 7 and cf[0]["fixed"] == ["Age", "Sex"], calls(plan)


def test_a_label_of_the_model_is_not_read_as_a_feature(planner: Any) -> None:
    plan = ask(planner, "why was applicant 3 approved?")
    assert calls(plan)[-1][1].get("id") == 3 and not where(plan)


@pytest.mark.parametrize(("question", "tool"), [
    ("what do you predict for applicants older than 40?", "predict"),
    ("how likely are applicants with a credit score under 500 to be approved?", "predict"),
    ("explain your predictions for applicants with income above 90000", "global_importance"),
])
def test_a_one_row_tool_asked_of_many_rows_runs_on_them(planner: Any, question: str,
                                                         tool: str) -> None:
    plan = ask(planner, question, focused(planner))  # an applicant in focus is not meant
    assert calls(plan)[0][0] == "filter" and where(plan)
    assert calls(plan)[-1] == (tool, {}), calls(plan)


def test_what_if_on_everyone_changes_every_row(planner: Any) -> None:
    plan = ask(planner, "what would happen if everyone's credit score went up by 50?")
    assert calls(plan) == [("what_if", {"features": [
        {"feature": "CreditScore", "op": "increase", "value": 50}]})]
    plan = ask(planner, "if income rose by 10% for applicants under 30, what would you predict?")
    assert calls(plan) == [("filter", {"where": "Age < 30"}), ("what_if", {"features": [
        {"feature": "AnnualIncome", "op": "multiply", "value": 1.1}]})]


@pytest.mark.parametrize(("question", "calls_expected"), [
    ("for applicants with a credit score above 700, what is the chance of approval?",
     [("filter", {"where": "CreditScore > 700"}), ("predict", {})]),
    ("what is the likelihood of approval for people whose income is under 20000?",
     [("filter", {"where": "AnnualIncome < 20000"}), ("predict", {})]),
    ("what labels do applicants over 50 have in the data?",
     None),  # rows of the data, never the model card
])
def test_rows_asked_about_stay_the_rows(planner: Any, question: str,
                                        calls_expected: list[tuple[str, dict[str, Any]]] | None
                                        ) -> None:
    plan = ask(planner, question)
    if calls_expected is not None:
        assert calls(plan) == calls_expected, calls(plan) or plan.clarify
    else:
        assert where(plan) == "Age > 50" and "model_info" not in [t for t, _ in calls(plan)]


@pytest.fixture(scope="module")
def people():  # type: ignore[no-untyped-def]
    """A table of people with yes/no columns named as words ("smoker", "HasCar") and counts."""
    feats = [("age", "numeric", ()), ("smoker", "boolean", ("0", "1")),
             ("HasCar", "boolean", ("False", "True")), ("number_of_children", "numeric", ()),
             ("woman", "boolean", ("0", "1"))]
    return offline_planner(["low", "high"], range(0, 300), "person", feats, warm=False)


@pytest.mark.parametrize(("question", "condition"), [
    ("how accurate are you on smokers?", "smoker == 1"),
    ("accuracy for people without a car", "HasCar == False"),
    ("show the people who have a car", "HasCar == True"),
    ("how many people have no children?", "number_of_children == 0"),
    ("what is the accuracy for women under 30?", "age < 30 and woman == 1"),
    ("how accurate are you on non-smokers over 40?", "smoker == 0 and age > 40"),
])
def test_yes_no_columns_and_counts_as_groups(people: Any, question: str, condition: str) -> None:
    assert where(ask(people, question)) == condition


@pytest.mark.parametrize(("question", "edit"), [
    # yes/no edits take the table's own values: 1 / 0 as numbers, "True" / "False" as written
    ("what if person 4 were a smoker?", {"feature": "smoker", "op": "set", "value": 1}),
    ("what if person 4 did not have a car?", {"feature": "HasCar", "op": "set", "value": "False"}),
    ("what if person 4 had 2 more children?",
     {"feature": "number_of_children", "op": "increase", "value": 2}),
])
def test_yes_no_and_count_edits(people: Any, question: str, edit: dict[str, Any]) -> None:
    assert edits(ask(people, question)) == [edit]


@pytest.mark.parametrize(("question", "condition"), [
    ("how accurate are you on applicants in their 40s?", "Age between 40 and 49"),
    ("accuracy for applicants aged between 30 and 40", "Age between 30 and 40"),
    ("performance on 50-year-olds", "Age == 50"),
    ("accuracy for applicants that are 40 or older", "Age >= 40"),
    ("accuracy on applicants aged 40+", "Age >= 40"),
    ("accuracy for applicants older than thirty", "Age > 30"),
    ("accuracy where the credit score is over 600 but under 700",
     "CreditScore > 600 and CreditScore < 700"),
    ("accuracy where income is not greater than 30000", "AnnualIncome <= 30000"),
    ("accuracy for credit scores 500-600", "CreditScore between 500 and 600"),
    ("accuracy for credit scores below 500 or above 800", "CreditScore < 500 or CreditScore > 800"),
    ("how do you do on applicants past 50?", "Age > 50"),
    ("accuracy for a credit score of 700+", "CreditScore >= 700"),
    ("accuracy on applicants in their twenties", "Age between 20 and 29"),
    ("accuracy for everyone except the students", "EmploymentType != student"),
    ("accuracy excluding applicants with a guarantor", "has_guarantor == 0"),
    ("accuracy where has_guarantor is yes", "has_guarantor == 1"),
])
def test_more_ways_to_say_a_condition(planner: Any, question: str, condition: str) -> None:
    assert where(ask(planner, question)) == condition


@pytest.mark.parametrize(("question", "expected"), [
    ("what if we lowered the credit score of all applicants by 50?",
     [("what_if", {"features": [{"feature": "CreditScore", "op": "decrease", "value": 50}]})]),
    ("what if credit score + 40 for applicant 3?",
     [("what_if", {"id": 3, "features": [{"feature": "CreditScore", "op": "increase",
                                          "value": 40}]})]),
    ("what if applicant 3's income were halved?",
     [("what_if", {"id": 3, "features": [{"feature": "AnnualIncome", "op": "multiply",
                                          "value": 0.5}]})]),
    ("what if applicant 3's income dropped to 20000?",
     [("what_if", {"id": 3, "features": [{"feature": "AnnualIncome", "op": "set",
                                          "value": 20000}]})]),
    ("what if applicant 3 had income x1.5?",
     [("what_if", {"id": 3, "features": [{"feature": "AnnualIncome", "op": "multiply",
                                          "value": 1.5}]})]),
])
def test_more_ways_to_say_an_edit(planner: Any, question: str,
                                  expected: list[tuple[str, dict[str, Any]]]) -> None:
    assert calls(ask(planner, question)) == expected


def test_a_table_question_naming_no_row_runs_on_the_rows(planner: Any) -> None:
    assert calls(ask(planner, "what if the credit score were 700?")) == [
        ("what_if", {"features": [{"feature": "CreditScore", "op": "set", "value": 700}]})]
    assert calls(ask(planner, "what is the probability of approval?")) == [("predict", {})]
    assert ask(planner, "what if her credit score were 700?").clarify  # one row, unnamed


def test_an_id_before_a_comma_is_still_the_id(planner: Any) -> None:
    assert calls(ask(planner, "flip 17, keep the income fixed")) == [
        ("counterfactual", {"id": 17, "fixed": ["AnnualIncome"]})]


@pytest.mark.parametrize("question", [
    "for applicant 12, how do income and age interact?",
    "interaction between age and income for applicant 12",
])
def test_interactions_for_one_row_keep_the_row(planner: Any, question: str) -> None:
    assert len(calls(ask(planner, question))) == 1
    tool, args = calls(ask(planner, question))[-1]
    assert tool == "interactions" and args["id"] == 12
    assert set(args["features"]) == {"AnnualIncome", "Age"}


def test_dependents_do_not_make_a_question_about_interactions(planner: Any) -> None:
    plan = ask(planner, "find a counterfactual for applicant 15 that keeps age and number of "
                        "dependents as they are")
    assert calls(plan) == [("counterfactual", {"id": 15,
                                               "fixed": ["Age", "number_of_dependents"]})]


@pytest.mark.parametrize(("question", "condition"), [
    ("accuracy for applicants earning over 50000", "AnnualIncome > 50000"),
    ("show applicants who earned less than 20000", "AnnualIncome < 20000"),
])
def test_a_verb_can_name_a_quantity(planner: Any, question: str, condition: str) -> None:
    assert where(ask(planner, question)) == condition


@pytest.mark.parametrize(("question", "tool", "label"), [
    ("why did you turn down applicant 12?", "attribute", "rejected"),
    ("what would get applicant 7 an approval?", "counterfactual", "approved"),
    ("why was applicant 40 denied?", "attribute", "rejected"),
])
def test_labels_in_other_words(planner: Any, question: str, tool: str, label: str) -> None:
    got = calls(ask(planner, question))
    assert got and got[0][0] == tool and got[0][1].get("label") == label, got


def test_label_vocabulary_forms() -> None:
    from saywhy.agent.planner.slots.label_words import label_vocabulary

    forms = dict(label_vocabulary(["no diabetes", "diabetes"]))
    assert forms["non diabetic"] == "no diabetes" and forms["diabetic"] == "diabetes"
    assert forms["without diabetes"] == "no diabetes"
    loans = dict(label_vocabulary(["approved", "rejected"]))
    assert loans["approval"] == "approved" and loans["rejection"] == "rejected"
    assert loans["turned down"] == "rejected"
    assert "position" not in dict(label_vocabulary(["negative", "positive"]))


def test_feature_values_after_one_row_are_edits_of_it(planner: Any) -> None:
    plan = ask(planner, "and with a credit score of 720?", focused(planner, 12))
    assert calls(plan) == [("what_if", {"id": 12, "features": [
        {"feature": "CreditScore", "op": "set", "value": 720}]})]
    group = ask(planner, "and for applicants with a credit score of 720?", focused(planner, 12))
    assert where(group) == "CreditScore == 720"
    assert not any(tool == "what_if" for tool, _ in calls(group))


def test_two_edits_joined_by_and_stay_one_request(planner: Any) -> None:
    plan = ask(planner, "check applicant 60 with annual income doubled and one more dependent")
    assert calls(plan) == [("what_if", {"id": 60, "features": [
        {"feature": "AnnualIncome", "op": "multiply", "value": 2},
        {"feature": "number_of_dependents", "op": "increase", "value": 1}]})]


def test_a_leading_row_phrase_scopes_the_question(planner: Any) -> None:
    plan = ask(planner, "In applicant 73's prediction, do age and credit score work together?")
    assert calls(plan) == [("interactions", {"features": ["Age", "CreditScore"], "id": 73})]


def test_every_person_over_an_age_is_a_group_not_an_id(planner: Any) -> None:
    plan = ask(planner, "what if every applicant over 60 had one more dependent?")
    assert where(plan) == "Age > 60"
    assert all("id" not in args for _, args in calls(plan))


@pytest.mark.parametrize(("question", "condition"), [
    ("accuracy on applicants with credit score 700", "CreditScore == 700"),
    ("list applicants whose age is 40 or more", "Age >= 40"),
    ("for applicants with 2 dependents or more, how accurate are you?",
     "number_of_dependents >= 2"),
])
def test_a_value_without_a_comparison_word(planner: Any, question: str, condition: str) -> None:
    assert where(ask(planner, question)) == condition


def test_thousands_written_with_k(planner: Any) -> None:
    assert where(ask(planner, "accuracy for applicants earning over 40k")) == "AnnualIncome > 40000"


def test_false_negatives_of_a_two_label_table(planner: Any) -> None:
    plan = ask(planner, "false negatives among applicants older than 50")
    flt = next(c.args for c in plan.calls if c.tool == "filter")
    assert flt.get("predicted") == "rejected" and flt.get("correct") is False  # approved is 1


def test_polar_labels() -> None:
    from saywhy.agent.planner.slots.criteria import polar_labels

    assert polar_labels(["diabetes", "no diabetes"]) == ("no diabetes", "diabetes")
    assert polar_labels(["positive", "negative"]) == ("negative", "positive")
    assert polar_labels(["rejected", "approved"]) == ("rejected", "approved")
    assert polar_labels(["a", "b", "c"]) is None


@pytest.mark.parametrize(("question", "condition"), [
    ("accuracy on applicants aged 30-40", "Age between 30 and 40"),
    ("what do you predict for applicants between 30 and 45?", "Age between 30 and 45"),
    ("accuracy for applicants over 65 or under 21", "Age > 65 or Age < 21"),
    ("how do you do on people under 25 and over 70", "Age < 25 or Age > 70"),
    ("applicants over 30 and under 40", "Age > 30 and Age < 40"),
])
def test_age_ranges_and_either_ends(planner: Any, question: str, condition: str) -> None:
    assert where(ask(planner, question)) == condition


def test_why_a_label_for_rows_explains_that_label(planner: Any) -> None:
    plan = ask(planner, "why does the model say approved for applicants over 60?")
    gi = next(c.args for c in plan.calls if c.tool == "global_importance")
    assert gi.get("label") == "approved" and where(plan) == "Age > 60"


@pytest.mark.parametrize(("question", "expected"), [
    ("what if applicant 30 were salaried and had a guarantor?",
     [{"feature": "EmploymentType", "op": "set", "value": "salaried"},
      {"feature": "has_guarantor", "op": "set", "value": 1}]),
    ("what if applicant 30 were a man and 10 years older",
     [{"feature": "Sex", "op": "set", "value": "Male"},
      {"feature": "Age", "op": "increase", "value": 10}]),
])
def test_category_words_and_yes_no_edits(planner: Any, question: str,
                                         expected: list[dict[str, Any]]) -> None:
    assert edits(ask(planner, question)) == expected


def test_two_values_of_one_category_are_either(planner: Any) -> None:
    assert where(ask(planner, "show men and women over 50")) == "Sex in (Male, Female) and Age > 50"


def test_an_added_edit_keeps_the_earlier_ones(planner: Any) -> None:
    state = focused(planner, 12)
    first = ask(planner, "what if their credit score were 700?", state)
    state.last_calls = first.calls
    plan = ask(planner, "and their age 50 as well?", state)
    assert calls(plan) == [("what_if", {"id": 12, "features": [
        {"feature": "CreditScore", "op": "set", "value": 700},
        {"feature": "Age", "op": "set", "value": 50}]})], calls(plan)


def test_add_a_count(planner: Any) -> None:
    plan = ask(planner, "for applicant 8, add 2 dependents")
    assert edits(plan) == [{"feature": "number_of_dependents", "op": "increase", "value": 2}]


def test_holding_a_feature_after_a_counterfactual(planner: Any) -> None:
    state = DialogueState()
    first = ask(planner, "what is the smallest change that gets applicant 40 approved?", state)
    state.focus_id, state.last_calls = 40, first.calls
    plan = ask(planner, "and without changing the annual income?", state)
    assert [(t, a.get("id"), a.get("fixed")) for t, a in calls(plan)] == [
        ("counterfactual", 40, ["AnnualIncome"])]


@pytest.mark.parametrize(("question", "edit"), [
    ("how would the overall predictions change if all the applicants were 5 years older?",
     {"feature": "Age", "op": "increase", "value": 5}),
    ("if nobody had any dependents, how would the predictions shift",
     {"feature": "number_of_dependents", "op": "set", "value": 0}),
])
def test_what_if_for_everyone(planner: Any, question: str, edit: dict[str, Any]) -> None:
    plan = ask(planner, question)
    assert calls(plan) == [("what_if", {"features": [edit]})]


def test_an_inner_phrase_of_a_feature_name_names_it(planner: Any) -> None:
    from saywhy.agent.planner.slots.feature_names import FeatureInfo, FeatureNames

    names = FeatureNames([FeatureInfo("DiabetesPedigreeFunction"), FeatureInfo("Glucose")])
    assert names.name_of("pedigree function") == "DiabetesPedigreeFunction"


def test_also_after_a_what_if_keeps_its_edits(planner: Any) -> None:
    state = focused(planner, 12)
    state.last_calls = ask(planner, "what if their credit score were 700?", state).calls
    plan = ask(planner, "and if their age were also 50?", state)
    assert edits(plan) == [{"feature": "CreditScore", "op": "set", "value": 700},
                           {"feature": "Age", "op": "set", "value": 50}]


@pytest.mark.parametrize(("question", "expected"), [
    ("compare accuracy on applicants under 40 and applicants 40 or older",
     [("filter", {"where": "Age < 40"}), ("performance", {}),
      ("filter", {"where": "Age >= 40"}), ("performance", {})]),
    ("how accurate is it for credit score above 700 vs below 700",
     [("filter", {"where": "CreditScore > 700"}), ("performance", {}),
      ("filter", {"where": "CreditScore < 700"}), ("performance", {})]),
    ("accuracy on women vs men",
     [("filter", {"where": "Sex == Female"}), ("performance", {}),
      ("filter", {"where": "Sex == Male"}), ("performance", {})]),
    ("show applicants under 25 and applicants over 70",
     [("filter", {"where": "Age < 25 or Age > 70"}), ("show", {})]),
])
def test_two_groups_compared_or_together(planner: Any, question: str,
                                         expected: list[Any]) -> None:
    assert calls(ask(planner, question)) == expected


def test_disjoint_conditions() -> None:
    from saywhy.agent.planner.slots.compare import disjoint

    assert disjoint("Age < 25", "Age > 70") and disjoint("Age >= 40", "Age < 40")
    assert not disjoint("Age > 30", "Age < 40") and not disjoint("Age > 30", "BMI < 20")
    assert disjoint("Sex == Male", "Sex == Female") and not disjoint("Age <= 40", "Age >= 40")


def test_shortened_names_keep_their_meaning() -> None:
    from saywhy.agent.planner.slots.feature_names import FeatureInfo, FeatureNames

    names = FeatureNames([FeatureInfo("NoCurrentLoan", "boolean", ("0", "1")),
                          FeatureInfo("LoanRateAsPercentOfIncome"),
                          FeatureInfo("CheckingAccountBalance_geq_200", "boolean", ("0", "1")),
                          FeatureInfo("LoanAmount")])
    assert names.name_of("current loan") is None  # would read "no current loan" backwards
    assert names.name_of("loan rate") == "LoanRateAsPercentOfIncome"
    assert names.name_of("percent of income") == "LoanRateAsPercentOfIncome"
    assert names.name_of("loan rate as percent of") is None
    # the threshold is the meaning: the balance is a stand-in that a condition resolves to a column
    assert names.name_of("checking account balance") in names.bins
