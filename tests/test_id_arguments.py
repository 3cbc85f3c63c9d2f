"""Tool arguments name items by the user's ids ("TCK-0042"), as the data writes them.

The tiny 3-class ticket classifier of tests/test_own_data.py over a CSV whose id column holds
names: `saywhy tool`, the LLM planner (a scripted chat model) and any direct call pass the
user's id; it is looked up in one place (`Dataset.key`) in any case, an unknown one is an error
naming real ids, and what a person reads (answers, /state, the LLM planner's prompt, the data's
description) never shows a row key. Long texts are clipped in `mistakes` and `similar` as in
`show`, and kept whole in the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from saywhy.tools import registry
from saywhy.tools.context import ToolContext
from saywhy.tools.data.views import SHOWN_CHARS
from saywhy.tools.errors import ToolArgsError, UserError
from tests.test_own_data import TICKETS, Files, files, run  # noqa: F401  (fixture)

LABELS = ["billing", "technical issue", "account access"]
NAMES = [f"TCK-{n:04d}" for n in (7, 12, 42, 99, 100, 256, 300, 512, 1024)]
FLAGS = ["--text-column", "complaint", "--label-column", "dept", "--id-column", "ref",
         "--item-name", "ticket"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"ref": NAMES, "complaint": [t for _, t, _, _ in TICKETS],
                         "dept": [LABELS[d] for _, _, d, _ in TICKETS]})


@pytest.fixture(scope="module")
def csv(files: Files, tmp_path_factory: pytest.TempPathFactory) -> str:  # noqa: F811
    path = Path(tmp_path_factory.mktemp("id-args")) / "tickets.csv"
    _frame().to_csv(path, index=False)
    return str(path)


@pytest.fixture(scope="module")
def loaded(files: Files, csv: str) -> ToolContext:  # noqa: F811
    from saywhy.agent.bootstrap import DataSpec, load_context

    return load_context(files.model, DataSpec(path=csv, text_column="complaint",
                                              label_column="dept", id_column="ref",
                                              item_name="ticket"))


# ---- the argument and its one look-up ------------------------------------------------------------
def test_every_id_argument_takes_the_users_id_and_says_so() -> None:
    """Each tool's `id` accepts a whole number and a name, refuses a negative number or an empty
    name, and its JSON schema (what an LLM and the API read) says ids are the data's."""
    with_id = [t for t in registry.all_tools() if t.accepts("id")]
    assert {"predict", "attribute", "show", "similar", "what_if", "counterfactual"} <= {
        t.name for t in with_id}
    for t in with_id:
        prop = t.json_schema()["parameters"]["properties"]["id"]
        types = {s.get("type") for s in prop["anyOf"]}
        assert {"integer", "string"} <= types, (t.name, prop)
        assert "as the data writes it" in prop["description"], t.name
        assert t.validate({"id": " TCK-0042 "}).id == "TCK-0042"
        assert t.validate({"id": 12}).id == 12
        for bad in (-3, ""):
            with pytest.raises(ToolArgsError):
                t.validate({"id": bad})


@pytest.mark.parametrize("given, key", [("TCK-0042", 2), ("tck-0042", 2), ("#TCK-1024", 8),
                                        (" tck-0007 ", 0), (4, 4)])
def test_a_name_in_any_case_or_a_key_finds_the_item(loaded: ToolContext, given: Any,
                                                    key: int) -> None:
    ref = loaded.resolve(given)
    assert ref.id == key and ref.name == NAMES[key] and ref.referent == f"ticket #{NAMES[key]}"
    assert ref.text == TICKETS[key][1]


@pytest.mark.parametrize("given", ["TCK-9999", "42", "5001", 99, "TCK-00"])
def test_an_unknown_id_is_a_user_error_naming_real_ids(loaded: ToolContext, given: Any) -> None:
    with pytest.raises(UserError) as err:
        registry.get("predict").run(loaded.for_conversation(), {"id": given})
    said = err.value.user_text()
    assert str(given) in said and "TCK-0007" in said and "Traceback" not in said


def test_whole_number_ids_also_come_as_strings(files: Files) -> None:  # noqa: F811
    from saywhy.tools.data.dataset import from_frame

    data = from_frame(pd.DataFrame({"ref": [5001, 5002, 5003], "body": ["a", "b", "c"]}),
                      id_column="ref")
    assert [data.key(x) for x in (5002, "5002", " #5003")] == [5002, 5002, 5003]
    with pytest.raises(UserError, match="5004.*from 5001 to 5003"):
        data.key("5004")


def test_show_takes_a_list_of_names(loaded: ToolContext) -> None:
    res = registry.get("show").run(loaded.for_conversation(),
                                   {"ids": ["tck-0512", "TCK-0012", 0]})
    assert [it.name for it in res.items] == ["TCK-0512", "TCK-0012", "TCK-0007"]
    res = registry.get("show").run(loaded.for_conversation(), {"ids": "TCK-0099, tck-0100"})
    assert [it.name for it in res.items] == ["TCK-0099", "TCK-0100"]
    with pytest.raises(UserError, match="TCK-0001.*TCK-0007"):
        registry.get("show").run(loaded.for_conversation(), {"ids": ["TCK-0001"]})


# ---- through the commands a user types ---------------------------------------------------------
def test_the_tool_command_takes_a_string_id(files: Files, csv: str) -> None:  # noqa: F811
    res = run("tool", "predict", "--json", "--args", '{"id": "tck-0100"}', "--model",
              files.model, "--data", csv, *FLAGS)
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["referent"] == "ticket #TCK-0100" and out["text"] == TICKETS[4][1]
    assert set(out["probs"]) == set(LABELS)
    bad = run("tool", "predict", "--args", '{"id": "TCK-0005"}', "--model", files.model,
              "--data", csv, *FLAGS)
    assert bad.exit_code != 0 and "TCK-0005" in bad.output and "TCK-0007" in bad.output
    assert "Traceback" not in bad.output


def test_the_llm_planner_passes_and_is_told_the_users_ids(loaded: ToolContext) -> None:
    """The LLM calls predict with the user's id; the answer names it, the dialogue keeps the
    item, the next prompt shows the focus by that id (never its key), a follow-up passing it
    back works, and an unknown id is said plainly with real ids."""
    from saywhy.agent.compose import data_description, focus_item
    from saywhy.agent.conversation import Conversation
    from saywhy.agent.llm import ChatClient
    from saywhy.agent.planner.llm import LLMPlanner
    from saywhy.agent.terminal.describe import state_lines
    from saywhy.agent.testing import FakeToolChatModel, tool_call
    from saywhy.agent.writer.embedded import EmbeddedWriter

    ctx = loaded.for_conversation()
    fake = FakeToolChatModel()
    planner = LLMPlanner(ChatClient(fake, timeout=5), labels=LABELS, kind="classifier",
                         n_items=len(NAMES), model_name="tickets",
                         data_description=data_description(ctx), focus_item=focus_item(ctx))
    conv = Conversation(ctx=ctx, planner=planner, writer=EmbeddedWriter(0))

    prompt = planner.system_prompt(conv.state)
    assert "TCK-0007" in prompt and "ids 0-8" not in prompt

    fake.enqueue(tool_call("predict", {"id": "tck-0256"}))
    first = conv.ask("what do you predict for tck-0256?")
    assert first.kind == "answer" and "ticket #TCK-0256" in first.text, first.text
    assert conv.state.focus == {"id": 5}
    assert any("ticket #TCK-0256" in line for line in state_lines(conv, "m", None, "llm"))

    fake.enqueue(tool_call("attribute", {"id": "TCK-0256", "faithfulness": False}))
    second = conv.ask("why?")
    prompt = fake.history[-1]["messages"][0].content
    assert 'ticket #TCK-0256 (pass id="TCK-0256")' in prompt and "#5 " not in prompt
    assert second.kind == "answer" and "ticket #TCK-0256" in second.text, second.text
    assert conv.state.focus == {"id": 5}

    fake.enqueue(tool_call("predict", {"id": "TCK-4242"}))
    third = conv.ask("and TCK-4242?")
    assert third.kind == "error" and "TCK-4242" in third.text and "TCK-0007" in third.text
    assert conv.state.focus == {"id": 5}


def test_the_data_description_names_ids_as_the_user_writes_them(loaded: ToolContext) -> None:
    from saywhy.agent.compose import data_description, focus_item

    said = data_description(loaded)
    assert "9 tickets" in said and "TCK-0007, TCK-0012, TCK-0042" in said
    assert 'id="TCK-0007"' in said and "0-8" not in said
    assert focus_item(loaded)(3) == 'ticket #TCK-0099 (pass id="TCK-0099")'


# ---- long texts are clipped where they are listed ----------------------------------------------
def test_mistakes_and_similar_clip_a_long_text_and_keep_it_in_the_json(
        loaded: ToolContext) -> None:
    from saywhy.tools.data.dataset import from_frame

    base = loaded.for_conversation()
    long_text = " ".join([TICKETS[i % len(TICKETS)][1] for i in range(400)])
    assert len(long_text) > 5 * SHOWN_CHARS
    predicted = LABELS[int(base.probs([long_text])[0].argmax())]
    wrong = next(x for x in LABELS if x != predicted)
    frame = pd.concat([_frame(), pd.DataFrame({"ref": ["TCK-LONG"], "complaint": [long_text],
                                               "dept": [wrong]})], ignore_index=True)
    ctx = ToolContext(target=loaded.target,
                      data=from_frame(frame, text_column="complaint", label_column="dept",
                                      id_column="ref", item_name="ticket"))
    res = registry.get("mistakes").run(ctx, {"k": 50})
    listed = [m for m in res.sample if m.name == "TCK-LONG"]
    assert listed and listed[0].text == long_text  # the result keeps the whole text
    said = res.summary()
    assert long_text not in said and long_text[:SHOWN_CHARS // 2] in said
    assert "more characters not shown" in said and len(said) < 20 * SHOWN_CHARS
    assert all(len(str(cell)) < SHOWN_CHARS + 200 for v in res.views() if v.kind == "table"
               for row in v.rows for cell in row)
    assert res.to_json()["sample"][[m.name for m in res.sample].index("TCK-LONG")][
        "text"] == long_text

    near = registry.get("similar").run(ctx, {"text": long_text[:300], "k": 50})
    assert any(n.text == long_text for n in near.items)
    cells = [str(c) for v in near.views() if v.kind == "table" for row in v.rows for c in row]
    assert long_text not in cells and any("more characters not shown" in c for c in cells)
