"""The offline planner on groups of rows said in everyday words: a label said as the model's
verb ("the ones it turns down"), a gold label ("should have been approved"), the healthy side of
a "no X" label, ages in brackets, "with no X" of one row, "she" as one person, and "what makes
the model predict X". Made-up tables, nothing the planner was written for.

Needs only the MiniLM asset; no tool runs.
"""

from __future__ import annotations

from typing import Any

import pytest

from saywhy.agent.planner.base import Plan
from saywhy.agent.state import DialogueState
from tests.conftest import needs_minilm
from tests.planning import offline_planner

pytestmark = needs_minilm


def _planner(labels: list[str], features: list[tuple[str, str, tuple[str, ...]]],
             noun: str) -> Any:
    return offline_planner(labels, range(0, 500), noun, features)


@pytest.fixture(scope="module")
def loans() -> Any:
    return _planner(["rejected", "approved"], [
        ("income", "numeric", ()), ("age", "numeric", ()),
        ("dependents_count", "numeric", ()), ("cosigner", "boolean", ("0", "1")),
        ("sex", "categorical", ("Female", "Male"))], "applicant")


@pytest.fixture(scope="module")
def clinic() -> Any:
    return _planner(["no disease", "disease"], [
        ("Age", "numeric", ()), ("Cholesterol", "numeric", ()),
        ("Smoker", "boolean", ("0", "1"))], "patient")


def plan(p: Any, q: str) -> Plan:
    return p.plan(q, DialogueState())


def filters(pl: Plan) -> list[dict[str, Any]]:
    return [c.args for c in pl.calls if c.tool == "filter"]


@pytest.mark.parametrize(("question", "role"), [
    ("how many men does the model turn down?", "predicted"),
    ("number of women it rejects", "predicted"),
    ("how many men were actually rejected?", "label"),
])
def test_a_label_said_as_the_models_verb_or_as_fact(loans: Any, question: str,
                                                    role: str) -> None:
    pl = plan(loans, question)
    assert [c.tool for c in pl.calls] == ["filter"], pl.calls
    f = filters(pl)[0]
    assert f[role] == "rejected" and "correct" not in f
    assert f["where"] == "sex == Male" if "men" in question.split() else "sex == Female"


def test_should_have_been_is_the_gold_label_and_the_verb_the_prediction(loans: Any) -> None:
    pl = plan(loans, "how many applicants over 60 should have been approved but were rejected "
                     "by the model?")
    f = filters(pl)
    assert len(f) == 1 and [c.tool for c in pl.calls] == ["filter"], pl.calls
    assert (f[0]["label"], f[0]["predicted"], f[0]["where"]) == ("approved", "rejected", "age > 60")


def test_wrongness_still_makes_a_list_of_mistakes(loans: Any) -> None:
    pl = plan(loans, "which women did it wrongly reject?")
    assert filters(pl)[0] == {"where": "sex == Female", "predicted": "rejected",
                              "correct": False} or filters(pl)[0] == {
        "predicted": "rejected", "correct": False, "where": "sex == Female"}


def test_healthy_is_the_no_label(clinic: Any) -> None:
    pl = plan(clinic, "how many healthy smokers are there?")
    assert filters(pl) == [{"label": "no disease", "where": "Smoker == 1"}]


@pytest.mark.parametrize(("question", "conds"), [
    ("accuracy on younger (under 35) versus older (65+) patients",
     ["Age < 35", "Age >= 65"]),
    ("mistakes among the young (<40)", ["Age < 40"]),
])
def test_ages_in_brackets(clinic: Any, question: str, conds: list[str]) -> None:
    pl = plan(clinic, question)
    assert [f["where"] for f in filters(pl)] == conds


def test_with_no_of_one_row_is_an_edit(loans: Any) -> None:
    pl = plan(loans, "applicant 77 with no dependents - approved?")
    assert [(c.tool, c.args) for c in pl.calls] == [
        ("what_if", {"id": 77, "features": [
            {"feature": "dependents_count", "op": "set", "value": 0}]})]
    pl = plan(loans, "what if applicants with no dependents had a cosigner?")
    assert filters(pl) == [{"where": "dependents_count == 0"}]


def test_she_is_one_person_not_the_rows_of_a_label(clinic: Any) -> None:
    assert plan(clinic, "why do you think she has the disease?").clarify
    state = DialogueState(focus_id=12)
    pl = clinic.plan("why do you think she has the disease?", state)
    assert [(c.tool, c.args.get("id")) for c in pl.calls] == [("attribute", 12)]


def test_what_makes_the_model_predict_is_a_why(clinic: Any) -> None:
    pl = plan(clinic, "what makes the model predict disease for patient 41?")
    assert [c.tool for c in pl.calls] == ["attribute"]
    pl = plan(clinic, "what makes you predict disease in smokers?")
    assert [c.tool for c in pl.calls][-1] == "global_importance"


@pytest.fixture(scope="module")
def subs() -> Any:
    return _planner(["retained", "churned"], [
        ("months_active", "numeric", ()), ("monthly_fee", "numeric", ()),
        ("plan", "categorical", ("basic", "two screen", "family")),
        ("is_student", "boolean", ("0", "1"))], "subscriber")


def test_churn_said_as_leaving_and_keeping_from_it_wants_the_other_label(subs: Any) -> None:
    pl = plan(subs, "how many subscribers does the model expect to leave?")
    assert filters(pl) == [{"predicted": "churned"}]
    pl = plan(subs, "how many family plan subscribers does the model expect to leave?")
    # the predictions of the subset counted by label, or the subset of one predicted label
    assert filters(pl)[0]["where"] == "plan == family" and (
        filters(pl)[0].get("predicted") == "churned" or pl.calls[-1].tool == "predict")
    pl = plan(subs, "how do we keep subscriber 31 from leaving?")
    assert [(c.tool, c.args.get("label")) for c in pl.calls] == [("counterfactual", "retained")]


def test_a_value_with_a_number_word_and_units_of_a_feature(subs: Any) -> None:
    pl = plan(subs, "accuracy on subscribers on the two screen plan")
    assert filters(pl) == [{"where": "plan == two screen"}]
    pl = plan(subs, "how many subscribers paying more than 20 a month are students?")
    assert "monthly_fee > 20" in filters(pl)[0]["where"]
    pl = plan(subs, "mistakes on subscribers active for under 3 months")
    assert filters(pl) == [{"where": "months_active < 3"}]


def test_a_what_if_on_a_group_answers_its_own_count(subs: Any) -> None:
    pl = plan(subs, "if every basic subscriber paid 5 less, how many would churn?")
    assert [(c.tool, c.args) for c in pl.calls] == [
        ("filter", {"where": "plan == basic"}),
        ("what_if", {"features": [{"feature": "monthly_fee", "op": "decrease", "value": 5}]})]


def test_narrowing_or_redoing_runs_the_last_tool_on_the_new_subset(loans: Any) -> None:
    from saywhy.agent.planner.base import ToolCall

    state = DialogueState(last_calls=[ToolCall(tool="filter", args={"where": "age > 60"}),
                                      ToolCall(tool="mistakes", args={})])
    pl = loans.plan("narrow that to the ones earning under 20000", state)
    assert [c.tool for c in pl.calls] == ["filter", "mistakes"]
    assert pl.calls[0].args["combine"] == "and"
    pl = loans.plan("do it again with the women added", state)
    assert [(c.tool, c.args.get("combine")) for c in pl.calls] == [("filter", "or"),
                                                                    ("mistakes", None)]
    assert pl.calls[0].args["where"] == "sex == Female"


@pytest.mark.parametrize("question", [
    "what is the smallest change that would get applicant 12 approved if income can't change?",
    "how could applicant 12 be approved while income has to stay the same",
])
def test_a_feature_that_may_not_change_is_held_fixed(loans: Any, question: str) -> None:
    pl = plan(loans, question)
    assert [(c.tool, c.args.get("fixed")) for c in pl.calls] == [("counterfactual", ["income"])]


def test_which_of_two_groups_does_better_is_a_comparison(loans: Any) -> None:
    pl = plan(loans, "is it fairer to men or to women?")
    assert [(c.tool, c.args.get("where")) for c in pl.calls] == [
        ("filter", "sex == Male"), ("performance", None),
        ("filter", "sex == Female"), ("performance", None)]


def test_group_words(clinic: Any, subs: Any) -> None:
    assert filters(plan(clinic, "accuracy on the under-40s")) == [{"where": "Age < 40"}]
    pl = plan(clinic, "give me a random patient over 70")
    assert [c.tool for c in pl.calls] == ["filter", "sample"]
    assert filters(pl) == [{"where": "Age > 70"}]
    pl = plan(subs, "suppose every student moved to the family plan")
    assert filters(pl) == [{"where": "is_student == 1"}]
    assert pl.calls[-1].args["features"] == [{"feature": "plan", "op": "set", "value": "family"}]


def test_a_rows_record_and_their_true_outcomes(clinic: Any) -> None:
    pl = plan(clinic, "what does the record of patient 250 look like")
    assert [(c.tool, c.args) for c in pl.calls] == [("show", {"id": 250})]
    pl = plan(clinic, "actual outcome breakdown for smokers")
    assert [c.tool for c in pl.calls] == ["filter", "describe_data"]


def test_a_statistic_of_a_feature_is_no_count_of_rows(subs: Any) -> None:
    pl = plan(subs, "average number of months active for students")
    assert [c.tool for c in pl.calls] == ["filter", "describe_data"]


def test_predictions_and_their_likelihood_for_a_group(loans: Any) -> None:
    for q in ("what is the chance that applicants over 70 are rejected by the model?",
              "what does the model typically decide for men with a cosigner?",
              "how does it classify female applicants"):
        pl = plan(loans, q)
        assert [c.tool for c in pl.calls] == ["filter", "predict"], (q, pl.calls)
        assert set(filters(pl)[0]) == {"where"}, (q, pl.calls)


def test_a_what_if_given_to_a_group(loans: Any) -> None:
    pl = plan(loans, "what if we gave every man over 50 a cosigner?")
    assert filters(pl) in ([{"where": "sex == Male and age > 50"}],
                           [{"where": "age > 50 and sex == Male"}])
    assert pl.calls[-1].args["features"] == [{"feature": "cosigner", "op": "set", "value": 1}]
    pl = plan(loans, "what if the income of applicants under 30 fell to 15000?")
    assert filters(pl) == [{"where": "age < 30"}]
    assert pl.calls[-1].args["features"] == [{"feature": "income", "op": "set", "value": 15000}]


def test_why_about_people_in_general_explains_the_whole_table(clinic: Any) -> None:
    for q in ("why do you think people have the disease?",
              "why does it make the predictions it makes"):
        pl = plan(clinic, q)
        assert [c.tool for c in pl.calls] == ["global_importance"], (q, pl.calls)
    assert plan(clinic, "why do you think she has the disease?").clarify


@pytest.fixture(scope="module")
def bank() -> Any:
    return _planner(["bad risk", "good risk"], [
        ("credit_amount", "numeric", ()), ("age", "numeric", ()),
        ("home", "categorical", ("own", "rent", "mortgage")),
        ("loan_purpose", "categorical", ("car new", "car used", "holiday")),
        ("checking", "categorical", ("none", "low", "high")),
        ("foreign_worker", "boolean", ("0", "1"))], "borrower")


@pytest.mark.parametrize(("question", "where"), [
    ("how accurate is it for renters?", "home == rent"),
    ("mistakes on used car loans", "loan_purpose == car used"),
    ("accuracy for borrowers with no checking account", "checking == none"),
    ("accuracy for borrowers who don't rent", "home != rent"),
    ("how does it do on loans that aren't for a holiday", "loan_purpose != holiday"),
    ("accuracy on borrowers who aren't foreign workers", "foreign_worker == 0"),
    ("predictions for borrowers asking for more than 20000", "credit_amount > 20000"),
])
def test_categories_said_otherwise(bank: Any, question: str, where: str) -> None:
    assert filters(plan(bank, question)) == [{"where": where}]


def test_risk_labels_in_everyday_words(bank: Any) -> None:
    pl = plan(bank, "why does the model see renters as risky?")
    assert [c.tool for c in pl.calls][-1] == "global_importance"
    assert pl.calls[-1].args["label"] == "bad risk"
    pl = plan(bank, "what would make borrower 4 creditworthy?")
    assert [(c.tool, c.args.get("label")) for c in pl.calls] == [("counterfactual", "good risk")]
    # a label naming risk is no question of chance
    pl = plan(bank, "why does the model rate borrowers over 70 as bad risk?")
    assert [c.tool for c in pl.calls][-1] == "global_importance"


def test_more_group_words(bank: Any, clinic: Any) -> None:
    assert filters(plan(clinic, "how many of the over-65 patients really have the disease?")) == [
        {"label": "disease", "where": "Age > 65"}]
    pl = plan(bank, "summary stats for borrowers the model labels good risk")
    assert [(c.tool, c.args) for c in pl.calls] == [("filter", {"predicted": "good risk"}),
                                                    ("describe_data", {})]
    pl = plan(bank, "if borrowers with no checking account had a high checking account, how many"
                    " would flip?")
    assert filters(pl) == [{"where": "checking == none"}]
    assert pl.calls[-1].args["features"] == [{"feature": "checking", "op": "set", "value": "high"}]
    pl = plan(bank, "what if nobody was a foreign worker?")
    assert pl.calls[-1].args["features"] == [{"feature": "foreign_worker", "op": "set",
                                              "value": 0}]


def test_group_questions_that_read_like_other_tools(bank: Any) -> None:
    pl = plan(bank, "is it reliable for renters?")
    assert [c.tool for c in pl.calls] == ["filter", "performance"]
    pl = plan(bank, "predictions for borrowers with holiday loans")
    assert [c.tool for c in pl.calls] == ["filter", "predict"]
    pl = plan(bank, "predictions for everyone except the renters")
    assert filters(pl) in ([{"where": "home != rent"}], [{"where": "home == rent", "negate": True}])
    pl = plan(bank, "what would flip borrower 9 if they can't change their checking?")
    assert [(c.tool, c.args.get("fixed")) for c in pl.calls] == [("counterfactual", ["checking"])]


def test_one_row_supposed_otherwise(subs: Any) -> None:
    pl = plan(subs, "what if subscriber 40 had been moved to the family plan?")
    assert pl.calls[-1].args == {"id": 40, "features": [
        {"feature": "plan", "op": "set", "value": "family"}]}
    pl = plan(subs, "if subscriber 8 had paid only 9 a month what would you predict")
    assert pl.calls[-1].args == {"id": 8, "features": [
        {"feature": "monthly_fee", "op": "set", "value": 9}]}


@pytest.fixture(scope="module")
def lender() -> Any:
    return _planner(["0", "1"], [
        ("Age", "numeric", ()), ("LoanAmount", "numeric", ()),
        ("OwnsHouse", "boolean", ("0", "1")), ("HasTelephone", "boolean", ("0", "1")),
        ("NumberOfOtherLoansAtBank", "numeric", ())], "applicant")


def test_table_names_in_everyday_words(lender: Any) -> None:
    pl = plan(lender, "what would happen if people who own a house had their loan amount set"
                      " to 900?")
    assert filters(pl) == [{"where": "OwnsHouse == 1"}]
    pl = plan(lender, "what would the model predict if the loan amount of everyone went up by 700?")
    assert pl.calls[-1].args == {"features": [{"feature": "LoanAmount", "op": "increase",
                                               "value": 700}]}
    pl = plan(lender, "accuracy for applicants with more than 1 number of other loans at the bank")
    assert filters(pl) == [{"where": "NumberOfOtherLoansAtBank > 1"}]
    # two-letter initials that are words name no feature
    assert [c.tool for c in plan(lender, "oh, what do you predict for applicant 3?").calls] == [
        "predict"]


def test_a_person_with_a_value_is_anyone_with_it(clinic: Any) -> None:
    pl = plan(clinic, "chance that a patient with cholesterol over 240 has the disease")
    assert [(c.tool, c.args) for c in pl.calls] == [("filter", {"where": "Cholesterol > 240"}),
                                                    ("predict", {})]


def test_a_feature_said_as_it_or_left_out(clinic: Any, subs: Any) -> None:
    pl = plan(clinic, "if every patient with cholesterol above 260 got it down to 200, what then?")
    assert [(c.tool, c.args) for c in pl.calls] == [
        ("filter", {"where": "Cholesterol > 260"}),
        ("what_if", {"features": [{"feature": "Cholesterol", "op": "set", "value": 200}]})]
    pl = plan(subs, "what if subscribers with more than 30 months active had 12 fewer?")
    assert pl.calls[-1].args == {"features": [{"feature": "months_active", "op": "decrease",
                                               "value": 12}]}
    from saywhy.agent.planner.base import ToolCall

    state = DialogueState(last_calls=[ToolCall(tool="filter", args={"where": "Age > 70"}),
                                      ToolCall(tool="what_if", args={"features": [
                                          {"feature": "Cholesterol", "op": "set", "value": 180}]})])
    pl = clinic.plan("and what about setting it to 150?", state)
    assert pl.calls[-1].args == {"features": [{"feature": "Cholesterol", "op": "set",
                                               "value": 150}]}
    assert plan(subs, "pick 2 random students").calls[-1].args == {"k": 2}


def test_a_group_against_the_rest_and_more_phrasings(loans: Any, clinic: Any) -> None:
    pl = plan(loans, "how accurate is it for applicants with a cosigner compared to those without?")
    assert [(c.tool, c.args.get("where")) for c in pl.calls] == [
        ("filter", "cosigner == 1"), ("performance", None),
        ("filter", "cosigner != 1"), ("performance", None)]
    pl = plan(clinic, "what if all patients under 50 had 20 points lower cholesterol")
    assert pl.calls[-1].args == {"features": [{"feature": "Cholesterol", "op": "decrease",
                                               "value": 20}]}
    pl = plan(clinic, "mistakes on patients who are either over 70 or smokers")
    assert filters(pl)[0]["where"] in ("Age > 70 or Smoker == 1", "Smoker == 1 or Age > 70")


def test_a_synonym_of_one_name_does_not_take_anothers_verbs(loans: Any) -> None:
    # "credit" in a credit score is no loan: "asking for" stays the loan amount's word
    from saywhy.agent.planner.slots.feature_names import FeatureInfo, FeatureNames

    names = FeatureNames([FeatureInfo("loan_amount"), FeatureInfo("credit_score")])
    assert names.name_of("asking for") == "loan_amount"
    assert FeatureNames([FeatureInfo("credit_amount")]).name_of("loan amount") == "credit_amount"


def test_a_model_whose_labels_are_0_and_1(lender: Any) -> None:
    pl = plan(lender, "why does the model predict 1 for applicants over 60?")
    assert pl.calls[-1].tool == "global_importance" and pl.calls[-1].args.get("label") == "1"
    assert filters(pl)[0]["where"] == "Age > 60"
    pl = plan(lender, "how likely are applicants over 60 to be predicted 0?")
    assert [c.tool for c in pl.calls] == ["filter", "predict"] and "id" not in pl.calls[-1].args
    got = [(c.tool, c.args) for c in plan(lender, "what do you predict for applicant 1?").calls]
    assert got == [
        ("predict", {"id": 1})]


def test_years_on_a_table_that_counts_months(subs: Any, clinic: Any) -> None:
    pl = plan(subs, "accuracy on subscribers active for more than a year")
    assert filters(pl) == [{"where": "months_active > 12"}]
    assert filters(plan(clinic, "accuracy for patients over 40 years old")) == [
        {"where": "Age > 40"}]
    assert filters(plan(clinic, "accuracy on 40 year olds")) == [{"where": "Age == 40"}]


def test_repeat_as_an_adjective_is_no_request_to_redo(loans: Any) -> None:
    from saywhy.agent.planner.base import ToolCall

    state = DialogueState(last_calls=[ToolCall(tool="filter", args={"where": "age > 30"}),
                                      ToolCall(tool="mistakes", args={})])
    pl = loans.plan("how likely are repeat borrowers over 60 to be approved?", state)
    assert [c.tool for c in pl.calls] == ["filter", "predict"]
    assert filters(pl) == [{"where": "age > 60"}]


def test_what_would_flip_a_group_is_a_counterfactual_for_its_rows(clinic: Any) -> None:
    pl = plan(clinic, "what would it take for patients over 60 to not be predicted disease?")
    assert [c.tool for c in pl.calls] == ["filter", "counterfactual"]
    assert filters(pl) == [{"where": "Age > 60"}]
    assert pl.calls[-1].args == {"label": "no disease"}  # no id: the rows of the filter
    pl = plan(clinic, "what would make patient 3 no longer be classified as disease?")
    assert [(c.tool, c.args) for c in pl.calls] == [
        ("counterfactual", {"id": 3, "label": "no disease"})]


def test_a_number_before_with_belongs_to_the_age_not_the_next_word() -> None:
    stroke = _planner(["0", "1"], [
        ("Age", "numeric", ()), ("StrokeFamilyIndex", "numeric", ())], "patient")
    pl = plan(stroke, "how accurate are you on patients over 30 with stroke?")
    assert filters(pl)[0]["where"] == "Age > 30", pl.calls


def test_a_second_feature_changed_the_same_way_and_a_lacking_thing_got(clinic: Any,
                                                                      loans: Any) -> None:
    pl = plan(clinic, "for patient 12, what if cholesterol dropped by 30 and age by 4?")
    assert pl.calls[-1].args["features"] == [
        {"feature": "Cholesterol", "op": "decrease", "value": 30},
        {"feature": "Age", "op": "decrease", "value": 4}]
    pl = plan(loans, "what happens to the predictions if the applicants without a cosigner "
                     "got one?")
    assert [c.tool for c in pl.calls] == ["filter", "what_if"]
    assert filters(pl) == [{"where": "cosigner == 0"}]
    assert pl.calls[-1].args["features"] == [{"feature": "cosigner", "op": "set", "value": 1}]


def test_a_label_followed_by_prediction_is_the_models(clinic: Any) -> None:
    pl = plan(clinic, "count patients over 50 that get a disease prediction")
    assert filters(pl)[0].get("predicted") == "disease" and "label" not in filters(pl)[0]


def test_an_acronym_spelled_out_a_plural_with_an_apostrophe_and_it_by_n() -> None:
    heart = _planner(["no disease", "disease"], [
        ("Age", "numeric", ()), ("HDL", "numeric", ()), ("Cholesterol", "numeric", ())],
        "patient")
    assert filters(plan(heart, "accuracy for patients with high density lipoprotein over 60")) \
        == [{"where": "HDL > 60"}]
    assert filters(plan(heart, "how accurate are you on those whose HDL's are under 40")) == [
        {"where": "HDL < 40"}]
    for q in ("what if patients with cholesterol over 240 lowered it by 40?",
              "what is the chance of disease for patients with cholesterol over 240 if we "
              "lower their cholesterol by 40"):
        pl = plan(heart, q)
        assert [c.tool for c in pl.calls] == ["filter", "what_if"], (q, pl.calls)
        assert filters(pl) == [{"where": "Cholesterol > 240"}]
        assert pl.calls[-1].args["features"] == [
            {"feature": "Cholesterol", "op": "decrease", "value": 40}]


@pytest.fixture(scope="module")
def lender_months() -> Any:
    return _planner(["bad", "good"], [
        ("credit_amount", "numeric", ()), ("duration_months", "numeric", ()),
        ("age", "numeric", ())], "applicant")


@pytest.mark.parametrize(("question", "where"), [
    ("accuracy on loans above 5000", "credit_amount > 5000"),
    ("accuracy on loans over 36 months", "duration_months > 36"),  # the unit names the feature
    ("how accurate are you for everyone under 30 asking for more than 5000",
     "age < 30 and credit_amount > 5000"),  # 30 is no amount asked for
    ("predictions for applicants whose loan length is no more than 12 months",
     "duration_months <= 12"),
])
def test_a_loan_is_its_amount_unless_a_unit_says_otherwise(lender_months: Any, question: str,
                                                           where: str) -> None:
    assert filters(plan(lender_months, question))[0]["where"] == where


def test_loans_changed_without_naming_the_amount_again(lender_months: Any) -> None:
    pl = plan(lender_months, "what if all loans above 10000 were reduced by 2000?")
    assert filters(pl) == [{"where": "credit_amount > 10000"}]
    assert pl.calls[-1].args["features"] == [
        {"feature": "credit_amount", "op": "decrease", "value": 2000}]
    pl = plan(lender_months, "what would the model decide if every loan was 1000 bigger")
    assert pl.calls[-1].args["features"] == [
        {"feature": "credit_amount", "op": "increase", "value": 1000}]


def test_a_count_given_with_no_noun_and_everyone_who_is_over(lender_months: Any,
                                                             loans: Any) -> None:
    pl = plan(loans, "what would the predictions be if applicants with no dependents had 3")
    assert filters(pl) == [{"where": "dependents_count == 0"}]
    assert pl.calls[-1].args["features"] == [
        {"feature": "dependents_count", "op": "set", "value": 3}]
    assert filters(plan(lender_months, "accuracy for everyone who is over 30")) == [
        {"where": "age > 30"}]


@pytest.fixture(scope="module")
def tenants() -> Any:
    return _planner(["risky", "safe"], [
        ("age", "numeric", ()), ("dwelling", "categorical", ("rent", "own", "free")),
        ("plan", "categorical", ("basic", "premium"))], "tenant")


def test_a_supposed_category_is_an_edit_of_its_feature(tenants: Any) -> None:
    pl = plan(tenants, "what if all the renters were owners instead?")
    assert filters(pl) == [{"where": "dwelling == rent"}]
    assert pl.calls[-1].args["features"] == [{"feature": "dwelling", "op": "set", "value": "own"}]
    pl = plan(tenants, "what if tenant 40 had been on premium and was 10 years older?")
    assert [(c.tool, c.args) for c in pl.calls] == [("what_if", {"id": 40, "features": [
        {"feature": "plan", "op": "set", "value": "premium"},
        {"feature": "age", "op": "increase", "value": 10}]})]
    # a value a noun follows, or given by a relative clause, is no switch
    pl = plan(tenants, "what if tenants who are on basic were 10 years older")
    assert filters(pl) == [{"where": "plan == basic"}], pl.calls
    assert pl.calls[-1].args["features"] == [{"feature": "age", "op": "increase", "value": 10}]
    pl = plan(tenants, "what if tenant 4 had a premium of 900")  # a noun's value, no plan
    assert not any(e.get("feature") == "plan" for c in pl.calls
                   for e in c.args.get("features", []))
    pl = plan(tenants, "what if tenant 40 had been on premium instead of basic?")
    assert pl.calls[-1].args["features"] == [{"feature": "plan", "op": "set", "value": "premium"}]


def test_what_a_change_does_asked_after_it_is_part_of_the_what_if(clinic: Any) -> None:
    for q in ("patient 7 - set cholesterol to 180 and age to 50, does the prediction change",
              "set cholesterol to 180 for patient 7, what happens to the prediction?"):
        pl = plan(clinic, q)
        assert [c.tool for c in pl.calls] == ["what_if"], (q, pl.calls)
    pl = plan(clinic, "count of patients with cholesterol over 240 and a true label of disease")
    assert [(c.tool, c.args) for c in pl.calls] == [
        ("filter", {"label": "disease", "where": "Cholesterol > 240"})]


def test_review_cases_a_lacking_noun_one_fewer_and_a_verdict(loans: Any) -> None:
    pl = plan(loans, "for applicants over 50, what if the cholesterol was reduced by 20")
    assert not any(e.get("feature") == "age" for c in pl.calls
                   for e in c.args.get("features", []))  # the table has no cholesterol
    pl = plan(loans, "what if applicants without a cosigner had 1 fewer dependents")
    assert filters(pl) == [{"where": "cosigner == 0"}]
    assert pl.calls[-1].args["features"] == [
        {"feature": "dependents_count", "op": "decrease", "value": 1}]
