"""The whole-call TalkToModel eval's reading of gold programs and its match rule.

Programs and plans here are written for a small made-up table (not taken from the suites); the
last test loads a real suite table and skips when ../shared is not there.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from saywhy.agent.planner.base import Plan, ToolCall
from saywhy.evals.parse.talktomodel import data_dir, read_suite
from saywhy.evals.parse.talktomodel_calls import observed
from saywhy.evals.parse.ttm_programs import Normaliser, read_program
from saywhy.tools.tabular.schema import infer_schema


@pytest.fixture(scope="module")
def norm() -> Normaliser:
    frame = pd.DataFrame({
        "Age": [18 + (i * 7) % 60 for i in range(40)],
        "BodyMass": [18.5 + (i * 1.3) % 20 for i in range(40)],
        "Smoker": [i % 2 for i in range(40)],
        "Region": ["north", "south", "east", "west"] * 10,
    })
    return Normaliser(infer_schema(frame), classes=[0, 1], labels=["healthy", "sick"])


def plan(*calls: tuple[str, dict[str, Any]]) -> Plan:
    return Plan(calls=[ToolCall(tool=t, args=a) for t, a in calls])


def judge(program: str, p: Plan, norm: Normaliser) -> tuple[bool, bool]:
    whole, intent, _ = observed(p, read_program(program, norm), norm)
    return whole, intent


def why(program: str, p: Plan, norm: Normaliser) -> str:
    return observed(p, read_program(program, norm), norm)[2]


def test_a_miss_is_counted_by_its_kind(norm: Normaliser) -> None:
    program = "filter age greater than 50 and filter bodymass less than 30 and score default"
    assert why(program, plan(("filter", {"where": "Age > 50"}), ("performance", {})),
               norm) == "rows:missing BodyMass"
    assert why(program, plan(("filter", {"where": "Age > 50 and BodyMass < 30 and Smoker == 1"}),
                             ("performance", {})), norm) == "rows:extra Smoker"
    assert why(program, plan(("filter", {"where": "Age > 50 and Smoker == 1"}),
                             ("performance", {})), norm) == "rows:other BodyMass got Smoker"
    assert why(program, plan(("mistakes", {})), norm) == "tool mistakes"
    assert why(program, Plan(clarify="Which rows?"), norm) == "question back"
    assert why("filter id 5 and predict", plan(("predict", {"id": 6})), norm) == "item:other"


def test_a_change_then_a_prediction_is_a_what_if_in_the_intent_eval() -> None:
    from saywhy.evals.parse.talktomodel import expected

    assert expected("filter age greater than 50 and change bmi decrease 5 and predict") == (
        "predict", {"predict", "show", "filter", "performance", "what_if"})
    assert expected("filter age greater than 50 and predict") == (
        "predict", {"predict", "show", "filter", "performance"})


def test_conditions_compare_by_meaning_not_spelling(norm: Normaliser) -> None:
    program = "filter age greater than 40 and filter bodymass less than 25.5 and score accuracy"
    right = [
        "Age > 40 and BodyMass < 25.5",
        "body mass under 25.5 and age over 40",   # order, spelling and comparison words
        "age >= 41 and BodyMass < 25.5",          # whole-number feature: > 40 is >= 41
    ]
    for where in right:
        assert judge(program, plan(("filter", {"where": where}), ("performance", {})), norm) == \
            (True, True), where
    wrong = ["Age > 39 and BodyMass < 25.5", "Age > 40", "Age > 40 and BodyMass <= 25.5",
             "Age > 40 or BodyMass < 25.5"]
    for where in wrong:
        assert judge(program, plan(("filter", {"where": where}), ("performance", {})), norm) == \
            (False, True), where
    # no filter at all: the tool is right, the rows are not
    assert judge(program, plan(("performance", {})), norm) == (False, True)
    # the rows right but the question answered by another tool: wrong on both counts
    rows = "filter age greater than 40 and predict"
    assert judge(rows, plan(("filter", {"where": "Age > 40"}), ("describe_data", {})), norm) == \
        (False, False)
    assert judge(rows, plan(("filter", {"where": "Age > 40"}), ("show", {})), norm) == \
        (True, True)


def test_or_and_between_and_booleans(norm: Normaliser) -> None:
    either = "filter smoker true or filter age less than 20 and show"
    assert judge(either, plan(("filter", {"where": "Smoker or Age < 20"}), ("show", {})),
                 norm)[0]
    assert not judge(either, plan(("filter", {"where": "Smoker and Age < 20"}), ("show", {})),
                     norm)[0]
    # two filter calls widened with combine="or" are the same rows
    widened = plan(("filter", {"where": "Smoker == yes"}),
                   ("filter", {"where": "Age <= 19", "combine": "or"}), ("show", {}))
    assert judge(either, widened, norm)[0]
    span = "filter age greater equal than 30 and filter age less equal than 50 and show"
    assert judge(span, plan(("filter", {"where": "Age between 30 and 50"}), ("show", {})),
                 norm)[0]
    not_smoking = "filter smoker false and countdata"
    for where in ("Smoker == 0", "Smoker != 1", "not smoker"):
        assert judge(not_smoking, plan(("filter", {"where": where})), norm)[0], where
    assert not judge(not_smoking, plan(("filter", {"where": "Smoker"})), norm)[0]
    region = "filter region equal to south and mistake sample"
    assert judge(region, plan(("filter", {"where": "region is South"}), ("mistakes", {})),
                 norm)[0]


def test_ids_and_what_if_edits(norm: Normaliser) -> None:
    program = "filter id 7 and change bodymass increase 2 and likelihood"
    exp = read_program(program, norm)
    assert exp.tools == {"what_if"} and exp.id == 7
    edit = {"feature": "body mass", "op": "increase", "value": "2"}
    assert judge(program, plan(("what_if", {"id": 7, "features": [edit]})), norm) == (True, True)
    assert not judge(program, plan(("what_if", {"id": 8, "features": [edit]})), norm)[0]
    assert not judge(program, plan(("what_if", {"id": 7, "features": [
        {**edit, "value": 3}]})), norm)[0]
    assert not judge(program, plan(("what_if", {"id": 7, "features": [
        {**edit, "op": "set"}]})), norm)[0]
    assert judge(program, plan(("predict", {"id": 7})), norm) == (False, False)
    # the id may come from a one-item filter before the tool
    assert judge("filter id 3 and show", plan(("filter", {"ids": [3]}), ("show", {})), norm)[0]
    # an id the gold does not have is wrong
    assert judge("mistake typical", plan(("mistakes", {})), norm) == (True, True)
    assert not judge("score accuracy", plan(("performance", {"id": 4})), norm)[0]
    flip = "filter id 5 and change smoker false and predict"
    assert judge(flip, plan(("what_if", {"id": 5, "features": [
        {"feature": "smoker", "value": "no"}]})), norm)[0]


def test_labels_previous_turns_and_questions_back(norm: Normaliser) -> None:
    program = "filter labelfilter 1 and filter predictionfilter 0 and show"
    assert judge(program, plan(("filter", {"label": "sick", "predicted": "healthy"}),
                               ("show", {})), norm)[0]
    assert not judge(program, plan(("filter", {"label": "healthy", "predicted": "sick"}),
                                   ("show", {})), norm)[0]
    # a mistakes question asked as "the wrong ones" is the same question
    assert judge("mistake typical", plan(("filter", {"correct": False}), ("mistakes", {})),
                 norm)[0]
    # the previous turn's rows are not in the suite: they are not compared
    previous = "previousfilter and score accuracy"
    assert read_program(previous, norm).conditions is None
    assert judge(previous, plan(("filter", {"where": "Age > 40"}), ("performance", {})), norm)[0]
    assert judge("important topk 3", Plan(clarify="Which features?"), norm) == (False, False)
    assert read_program("interact", norm).tools == {"interactions"}
    # a feature the table lacks is kept, and never matches
    odd = read_program("filter glucose greater than 100 and show", norm)
    assert odd.unknown == ("glucose",)


@pytest.mark.skipif(not (data_dir() / "data" / "diabetes_train.csv").is_file(),
                    reason="TalkToModel tables (../shared/data/talktomodel) not present")
def test_a_suite_table_loads_as_a_user_file(tmp_path: Any) -> None:
    from saywhy.evals.parse.ttm_tables import load_suite_table

    loaded = load_suite_table("diabetes", data_dir() / "data", workdir=tmp_path)
    target, data = loaded.ctx.target, loaded.ctx.data
    assert target.kind == "tabular" and target.source.endswith(".skops")
    assert data is not None and data.has_split and data.has_labels
    assert 0.6 < loaded.held_out_accuracy <= 1.0
    schema = target.schema  # type: ignore[attr-defined]
    norm = Normaliser(schema, target.classes, target.labels)  # type: ignore[attr-defined]
    programs = [p for _, p in read_suite(data_dir() / "diabetes_test_suite.txt")]
    read = [read_program(p, norm) for p in programs]
    assert all(r.tools for r in read)  # every program maps to some saywhy tool
    assert all(not r.unknown for r in read)  # its feature names are the table's
    assert all(r.id in set(data.ids) for r in read if r.id is not None)
