"""Ids that are not numbers ("TCK-0001", "a-7", UUIDs): the user's ids in every answer.

Tools keep integer keys; a dataset whose ids are names keeps them and shows them. Driven through
`Conversation.ask` with the tiny 3-class ticket classifier of tests/test_own_data.py and a CSV
whose id column holds names: predict, why, show, similar and mistakes must name items only by
the user's ids, an unknown id is a question back naming it, and numbers in a question are never
taken for another item's key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from saywhy.tools.data.dataset import from_frame
from saywhy.tools.errors import UserError
from tests.test_own_data import TICKETS, Files, _need_planner, files  # noqa: F401  (fixture)

NAMES = [f"TCK-{n:04d}" for n in (7, 12, 42, 99, 100, 256, 300, 512, 1024)]
KEYS = re.compile(r"#\s*(\S+?)(?=[\s:,;.)]|$)")


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"ref": NAMES, "complaint": [t for _, t, _, _ in TICKETS],
                         "dept": [d for _, _, d, _ in TICKETS]})


# ---- the dataset ---------------------------------------------------------------------------
def test_names_are_kept_and_looked_up_in_any_case() -> None:
    data = from_frame(_frame(), text_column="complaint", id_column="ref", item_name="ticket")
    assert data.names is not None and data.ids == list(range(len(NAMES)))
    for key, name in enumerate(NAMES):
        assert data.shown(key) == name and data.key_of(name.lower()) == key
    assert data.key_of("TCK-9999") is None and data.key_of(3) is None
    with pytest.raises(UserError, match="no item with id 42 .*TCK-0007"):
        data.row(42)


def test_whole_number_ids_stay_the_keys() -> None:
    data = from_frame(pd.DataFrame({"id": ["0012", "7", "300"], "text": ["a", "b", "c"]}))
    assert data.names is None and data.ids == [12, 7, 300] and data.shown(300) == "300"
    assert data.key_of("12") == 12 and data.key_of("13") is None and data.key_of("x1") is None


@pytest.mark.parametrize("ids, problem", [(["a-1", "A-1 ", "b"], "repeats"),
                                          (["a-1", None, "b"], "has empty"),
                                          ([1, 1, 2], "repeats")])
def test_repeated_or_missing_ids_are_an_error_naming_the_column(ids: list[Any],
                                                                problem: str) -> None:
    with pytest.raises(UserError, match=f"'ref' {problem}"):
        from_frame(pd.DataFrame({"ref": ids, "text": ["a", "b", "c"]}), id_column="ref")


def test_renaming_an_id_changes_the_fingerprint() -> None:
    frame = _frame()
    a = from_frame(frame, text_column="complaint", id_column="ref")
    b = from_frame(frame.assign(ref=[n.replace("TCK", "T") for n in NAMES]),
                   text_column="complaint", id_column="ref")
    assert a.fingerprint() != b.fingerprint()


# ---- through the conversation --------------------------------------------------------------
@pytest.fixture(scope="module")
def conv_factory(files: Files, tmp_path_factory: pytest.TempPathFactory) -> Any:  # noqa: F811
    from saywhy.agent.bootstrap import DataSpec, load_context
    from saywhy.agent.compose import offline_planner
    from saywhy.agent.conversation import Conversation
    from saywhy.agent.writer.embedded import EmbeddedWriter

    path = Path(tmp_path_factory.mktemp("string-ids")) / "tickets.csv"
    _frame().to_csv(path, index=False)
    ctx = load_context(files.model, DataSpec(path=str(path), text_column="complaint",
                                             label_column="dept", id_column="ref",
                                             item_name="ticket"))

    def make() -> Conversation:
        mine = ctx.for_conversation()
        return Conversation(ctx=mine, planner=offline_planner(mine), writer=EmbeddedWriter(0))
    return make


def _named(text: str) -> list[str]:
    """Every id an answer names with '#'."""
    return KEYS.findall(text)


def _only_real_ids(text: str) -> None:
    named = _named(text)
    assert named and all(n in NAMES for n in named), text


@pytest.mark.parametrize("question, key", [
    ("what do you predict for ticket TCK-0042?", 2),
    ("what do you predict for tck-0512", 7),
    ("predict #TCK-1024", 8),
])
def test_predict_reads_and_writes_the_users_id(conv_factory: Any, question: str,
                                               key: int) -> None:
    _need_planner()
    answer = conv_factory().ask(question)
    assert [(c.tool, c.args.get("id")) for c in answer.calls] == [("predict", key)], answer.text
    assert f"ticket #{NAMES[key]}" in answer.text
    _only_real_ids(answer.text)


def test_why_explains_the_named_ticket_and_a_follow_up_stays_on_it(conv_factory: Any) -> None:
    _need_planner()
    conv = conv_factory()
    first = conv.ask("why is TCK-0100 billing?")
    assert first.calls[0].tool == "attribute" and first.calls[0].args.get("id") == 4
    assert "ticket #TCK-0100" in first.text
    _only_real_ids(first.text)
    again = conv.ask("show it")
    assert again.calls[0].args.get("id") == 4 or again.calls[0].args.get("ids") == [4]
    assert "#TCK-0100" in again.text and "upload fails" in again.text


def test_show_similar_and_mistakes_name_items_by_the_users_ids(conv_factory: Any) -> None:
    _need_planner()
    conv = conv_factory()
    show = conv.ask("show me ticket TCK-0012")
    assert "#TCK-0012" in show.text and "crashes every time" in show.text
    _only_real_ids(show.text)
    similar = conv.ask("which tickets are most like ticket TCK-0007?")
    assert similar.calls[0].tool == "similar", similar.calls
    _only_real_ids(similar.text)
    rows = [r for v in similar.results[0].views() if v.kind == "table" for r in v.rows]
    assert rows and all(r[0] in NAMES for r in rows)
    mistakes = conv.ask("which tickets did you get wrong?")
    assert mistakes.calls[0].tool == "mistakes", mistakes.calls
    if mistakes.results[0].sample:
        _only_real_ids(mistakes.text)


@pytest.mark.parametrize("question, said", [
    ("what do you predict for ticket TCK-9999?", "TCK-9999"),
    ("why is TCK-0005 billing?", "TCK-0005"),
    ("predict ticket 5", "5"),
    ("show me ticket #3", "3"),
])
def test_an_unknown_id_is_a_question_back_naming_it(conv_factory: Any, question: str,
                                                    said: str) -> None:
    _need_planner()
    answer = conv_factory().ask(question)
    assert not answer.calls, (question, answer.calls)
    assert f'no ticket with id "{said}"' in answer.text and "TCK-0007" in answer.text


def test_numbers_in_a_question_are_not_keys(conv_factory: Any) -> None:
    _need_planner()
    answer = conv_factory().ask("show me 3 random tickets")
    assert all(c.args.get("id") is None for c in answer.calls), answer.calls
    _only_real_ids(answer.text)


# ---- the planner's reading, without the intent model ------------------------------------------
UUIDS = ["3f2a9c1e-8b7d-4e21-9f0a-1c2b3d4e5f60", "a1b2c3d4-0000-4111-8222-333344445555"]


@pytest.mark.parametrize("names, question, keys, unknown", [
    (["ticket-7", "ticket-12"], "why is ticket-12 billing?", [1], None),
    (["ticket-7", "ticket-12"], "compare Ticket-7 and ticket-12 please", [0, 1], None),
    (["ticket-7", "ticket-12"], "predict ticket-99", [], "ticket-99"),
    (UUIDS, f"what about item {UUIDS[1].upper()}?", [1], None),
    (UUIDS, f"show {UUIDS[0][:-4]}0000", [], f"{UUIDS[0][:-4]}0000"),
    (["A-1005", "B-7"], "top 5 words for case A-1005 in 2024", [0], None),
])
def test_names_are_read_back_into_keys(names: list[str], question: str, keys: list[int],
                                       unknown: str | None) -> None:
    from saywhy.agent.planner.slots.id_patterns import ITEM_NOUNS
    from saywhy.agent.planner.slots.names import read_names
    from saywhy.tools.data.ids import IdNames

    work, found, missing = read_names(question, IdNames(names), ITEM_NOUNS)
    assert found == keys and missing == unknown
    assert len(work) == len(question)
    for k in found:  # a name read is used up: none of its digits is left for a count
        assert names[k].lower() not in work.lower()
    if "top 5" in question:
        assert "5" in work and "2024" in work
