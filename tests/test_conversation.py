"""Conversation.ask(): whole dialogues on the tiny models with scripted planners (and, when they
are there, the LLM planner on a fake chat model and the offline planner): state updates, subset
mirroring, every error audience, persistence, the transcript, and the settings."""

from __future__ import annotations

import importlib.util
import json
import logging
from typing import Any

import pytest

from saywhy.agent.answer import Answer
from saywhy.agent.compose import build_conversation
from saywhy.agent.conversation import Conversation
from saywhy.agent.llm import ChatClient, LLMUnavailable
from saywhy.agent.planner.base import Plan, ToolCall
from saywhy.agent.planner.llm import LLMPlanner
from saywhy.agent.settings import Settings, get_settings, load_settings
from saywhy.agent.state import DialogueState
from saywhy.agent.testing import FakeToolChatModel, tool_call
from saywhy.agent.writer.llm import LLMWriter
from saywhy.tools import registry
from saywhy.tools.context import Subset, ToolContext
from saywhy.tools.errors import TargetError, ToolArgsError, UserError
from saywhy.tools.registry import Result, Tool, ToolArgs


class ScriptedPlanner:
    """Returns predetermined plans in order; remembers the state it saw."""

    name = "scripted"

    def __init__(self, *plans: Plan | list[tuple[str, dict[str, Any]]]) -> None:
        self.plans = [p if isinstance(p, Plan) else
                      Plan(calls=[ToolCall(tool=t, args=a) for t, a in p]) for p in plans]
        self.seen: list[DialogueState] = []

    def plan(self, text: str, state: DialogueState) -> Plan:
        self.seen.append(state.model_copy(deep=True))
        return self.plans.pop(0)


class RetryingPlanner(ScriptedPlanner):
    def __init__(self, *plans: Any, fixed: Plan) -> None:
        super().__init__(*plans)
        self.fixed, self.errors = fixed, []  # type: ignore[var-annotated]

    def retry(self, text: str, state: DialogueState, calls: list[ToolCall], error: ToolArgsError,
              failed: int = 0) -> Plan:
        self.errors.append((error.message, failed))
        return self.fixed


# ---- fake data tools, registered only for a test --------------------------------------------
class FilterArgs(ToolArgs):
    contains: str | None = None
    reset: bool = False


class SizeResult(Result):
    size: int = 0
    text: str = ""

    def summary(self) -> str:
        return self.text


class NoArgs(ToolArgs):
    pass


def _filter(ctx: ToolContext, args: FilterArgs) -> SizeResult:
    if args.reset:
        ctx.subset = None
        return SizeResult(size=len(ctx.data), text="The selection is cleared.")  # type: ignore[arg-type]
    assert ctx.data is not None and args.contains
    ids = [i for i in ctx.data.ids if args.contains in ctx.data.text(i)]
    ctx.subset = Subset(ids=ids, description=f"reviews that mention '{args.contains}'",
                        criteria={"contains": args.contains})
    return SizeResult(size=len(ids), text=f"Now looking at {len(ids)} reviews.")


def _performance(ctx: ToolContext, args: NoArgs) -> SizeResult:
    n = len(ctx.items())
    return SizeResult(size=n, text=f"Accuracy is 0.50 on {n} items.")


def _boom(ctx: ToolContext, args: NoArgs) -> SizeResult:
    raise RuntimeError("secret internal detail")


def _gpu(ctx: ToolContext, args: NoArgs) -> SizeResult:
    raise TargetError("The model could not run (out of memory).")


@pytest.fixture
def fake_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    registry.names()  # load the real tools first; the fakes shadow some for this test only
    for name, args, fn, updates in [("filter", FilterArgs, _filter, {"subset"}),
                                    ("performance", NoArgs, _performance, set()),
                                    ("t_boom", NoArgs, _boom, set()), ("t_gpu", NoArgs, _gpu, set())]:
        monkeypatch.setitem(registry._REGISTRY, name,
                            Tool(name=name, args_model=args, fn=fn, needs_data=True,
                                 scope="dataset", updates=frozenset(updates)))


def conv(ctx: ToolContext, planner: Any, **kw: Any) -> Conversation:
    return Conversation(ctx=ctx, planner=planner, **kw)


# ---- one turn, state, follow-ups -------------------------------------------------------------
def test_answer_names_its_referent_and_carries_calls_results_timings(tiny_ctx: ToolContext) -> None:
    c = conv(tiny_ctx, ScriptedPlanner([("predict", {"id": 3})]))
    answer = c.ask("what does it say about review 3?")
    assert isinstance(answer, Answer) and answer.kind == "answer"
    assert "review #3" in answer.text.split(",")[0] and answer.refers_to == "review #3"
    assert [c.tool for c in answer.calls] == ["predict"] and answer.calls[0].args == {"id": 3}
    first = answer.results[0]
    assert getattr(first, "label", None) in {"negative", "positive"} and first.summary()
    assert {"plan", "tools", "write", "total", "1:predict"} <= set(answer.timings)
    assert c.state.focus == {"id": 3} and c.state.last_tool == "predict"
    assert c.state.last_results == [r.to_json() for r in answer.results]
    assert len(c.state.history) == 1


def test_follow_up_sees_focus_and_free_text_moves_it(tiny_ctx: ToolContext) -> None:
    planner = ScriptedPlanner([("predict", {"id": 3})], [("predict", {"text": "a witty film"})],
                              Plan(reply="SHAP shares the prediction among the words."))
    c = conv(tiny_ctx, planner)
    c.ask("review 3?")
    second = c.ask("and for 'a witty film'?")
    assert planner.seen[1].focus == {"id": 3}
    assert c.state.focus == {"text": "a witty film"} and '"a witty film"' in second.text[:40]
    reply = c.ask("what is shap?")
    assert reply.kind == "reply" and reply.text.startswith("SHAP") and not reply.calls
    assert c.state.focus == {"text": "a witty film"}  # a reply does not move the focus


def test_lm_generation_is_remembered(tiny_lm_ctx: ToolContext) -> None:
    c = conv(tiny_lm_ctx, ScriptedPlanner([("predict", {"text": "is the film good?",
                                                         "max_new_tokens": 3})]))
    answer = c.ask("what does it answer?")
    assert c.state.last_generation == getattr(answer.results[0], "generation", {})["text"]
    assert c.state.focus == {"text": "is the film good?"}


def test_subset_from_filter_is_mirrored_and_named(tiny_ctx: ToolContext, fake_tools: None) -> None:
    planner = ScriptedPlanner([("filter", {"contains": "acting"})], [("performance", {})],
                              [("filter", {"reset": True})], [("performance", {})])
    c = conv(tiny_ctx, planner)
    c.ask("only reviews about acting")
    assert c.state.subset is not None and c.state.subset.ids == [0, 6]
    answer = c.ask("how accurate is it on those?")
    assert answer.text.startswith(("Among", "Within", "Restricted"))
    assert "the 2 reviews that mention 'acting'" in answer.text and "on 2 items" in answer.text
    assert answer.subset == {"size": 2, "description": "reviews that mention 'acting'"}
    c.ask("reset")
    assert c.state.subset is None and tiny_ctx.subset is None
    assert "12 items" in c.ask("and overall?").text


def test_restored_subset_reaches_the_tools(tiny_ctx: ToolContext, fake_tools: None) -> None:
    c = conv(tiny_ctx, ScriptedPlanner([("filter", {"contains": "boring"})]))
    c.ask("boring ones")
    saved = json.loads(json.dumps(c.to_dict()))
    fresh_ctx = ToolContext(target=tiny_ctx.target, data=tiny_ctx.data)
    again = Conversation.from_dict(saved, ctx=fresh_ctx,
                                   planner=ScriptedPlanner([("performance", {})]))
    assert again.state.history[0].question == "boring ones" and fresh_ctx.subset is not None
    assert "on 2 items" in again.ask("accuracy?").text


# ---- errors for each audience ----------------------------------------------------------------
def test_user_error_is_a_plain_sentence(tiny_ctx: ToolContext) -> None:
    answer = conv(tiny_ctx, ScriptedPlanner([("predict", {"id": 999})])).ask("review 999")
    assert answer.kind == "error" and answer.error is not None and answer.error.code == "not_found"
    assert answer.text.startswith("There is no item with id 999") and "Traceback" not in answer.text


def test_user_error_after_a_result_keeps_the_result(tiny_ctx: ToolContext) -> None:
    planner = ScriptedPlanner([("predict", {"id": 1}), ("predict", {"id": 999})])
    answer = conv(tiny_ctx, planner).ask("x")
    assert answer.results and "review #1" in answer.text and "no item with id 999" in answer.text


def test_bad_arguments_become_a_clarifying_question(tiny_ctx: ToolContext) -> None:
    plans: list[list[tuple[str, dict[str, Any]]]] = [[("predict", {"id": 1, "colour": "red"})],
                                                      [("no_such_tool", {})]]
    for plan in plans:
        c = conv(tiny_ctx, ScriptedPlanner(plan))
        answer = c.ask("something")
        assert answer.kind == "clarify" and answer.text.endswith("?") and not answer.results
        assert c.state.focus == {}


def test_bad_arguments_are_retried_once_with_a_retrying_planner(tiny_ctx: ToolContext) -> None:
    planner = RetryingPlanner([("predict", {"id": 2}), ("predict", {"id": 1, "bad": 1})],
                              fixed=Plan(calls=[ToolCall(tool="predict", args={"id": 1})]))
    c = conv(tiny_ctx, planner)
    answer = c.ask("review 1")
    assert planner.errors and planner.errors[0][1] == 1 and "bad" in planner.errors[0][0]
    assert [c.args for c in answer.calls] == [{"id": 1}] and c.state.focus == {"id": 1}


def test_system_failures_apologise_and_log(tiny_ctx: ToolContext, fake_tools: None,
                                           caplog: pytest.LogCaptureFixture) -> None:
    c = conv(tiny_ctx, ScriptedPlanner([("t_boom", {})], [("t_gpu", {})]))
    with caplog.at_level(logging.ERROR):
        boom = c.ask("crash")
    assert boom.kind == "error" and boom.text.startswith("Sorry") and "secret" not in boom.text
    assert "Traceback" not in boom.text and any(r.exc_info for r in caplog.records)
    gpu = c.ask("crash differently")
    assert "out of memory" in gpu.text and gpu.error and gpu.error.code == "target_error"
    assert len(c.state.history) == 2


def test_planner_crash_and_empty_questions(tiny_ctx: ToolContext) -> None:
    class Broken:
        name = "broken"

        def plan(self, text: str, state: DialogueState) -> Plan:
            raise KeyError("planner bug")

    c = conv(tiny_ctx, Broken())
    assert c.ask("hello").text.startswith("Sorry")
    assert c.ask("   ").kind == "clarify"


def test_clarify_plans_are_answered_directly(tiny_ctx: ToolContext) -> None:
    c = conv(tiny_ctx, ScriptedPlanner(Plan(clarify="Which review do you mean?"), Plan()))
    assert c.ask("explain it").text == "Which review do you mean?"
    assert c.ask("hmm").kind == "clarify"


# ---- persistence and transcript --------------------------------------------------------------
def test_round_trip_and_markdown_export(tiny_ctx: ToolContext) -> None:
    c = conv(tiny_ctx, ScriptedPlanner([("predict", {"id": 4})], Plan(reply="Hello!")))
    c.ask("what about review 4?")
    c.ask("hi")
    data = json.loads(json.dumps(c.to_dict()))
    again = Conversation.from_dict(data, ctx=tiny_ctx, planner=ScriptedPlanner())
    assert again.state == c.state and again.state.focus == {"id": 4}
    md = again.export_markdown()
    assert "## 1. what about review 4?" in md and "`predict {\"id\": 4}`" in md
    assert '"summary"' in md and "**saywhy:** Hello!" in md
    with pytest.raises(UserError):
        Conversation.from_dict({"version": 99}, ctx=tiny_ctx, planner=ScriptedPlanner())


# ---- with the LLM planner and writer on a scripted chat model ---------------------------------
def test_llm_dialogue_end_to_end(tiny_ctx: ToolContext) -> None:
    fake = FakeToolChatModel()
    client = ChatClient(fake, timeout=5)
    planner = LLMPlanner(client, labels=tiny_ctx.target.labels, kind="classifier", n_items=12,
                         fallback=ScriptedPlanner([("predict", {"id": 5})]))
    c = Conversation(ctx=tiny_ctx, planner=planner, writer=LLMWriter(client))

    fake.enqueue(tool_call("predict", {"id": 2}),
                 "Review #2 is read as 'mess' by a 99% sure model.")
    first = c.ask("what does the model think of review 2?")
    assert first.calls[0].args == {"id": 2} and first.writer.startswith("embedded (llm answer not")
    assert "review #2" in first.text.split(",")[0]

    def grounded(messages: list[Any]) -> str:
        return f"For review #2, the model picks {getattr(first.results[0], 'label', '?')}."

    fake.enqueue(tool_call("predict", {"id": 2, "max_new_tokens": 0}),
                 tool_call("predict", {"id": 2}), grounded)
    second = c.ask("and again?")
    assert second.writer == "llm" and second.text.startswith("For review #2")
    assert "review #2" in fake.history[2]["messages"][0].content  # the focus was in the prompt

    fake.enqueue(ConnectionError("down"), ConnectionError("down"))
    third = c.ask("review 5 please")
    assert third.notices and "offline planner" in third.notices[0]
    assert third.text.startswith("(") and third.calls[0].args == {"id": 5}


def test_llm_without_fallback_fails_politely(tiny_ctx: ToolContext) -> None:
    planner = LLMPlanner(ChatClient(FakeToolChatModel().enqueue(ConnectionError("x")), timeout=5),
                         labels=["negative", "positive"], kind="classifier")
    answer = conv(tiny_ctx, planner).ask("hi")
    assert answer.kind == "error" and answer.text.startswith("Sorry")
    assert answer.error is not None and answer.error.code == "llm_unavailable"


def test_offline_planner_end_to_end(tiny_ctx: ToolContext) -> None:
    pytest.importorskip("saywhy.agent.planner.offline")
    c = build_conversation(tiny_ctx, Settings(llm=None))
    answer = c.ask("what does the model predict for review 3?")
    assert answer.kind in {"answer", "clarify"}
    if answer.kind == "answer":
        assert "review #3" in answer.text and c.state.focus == {"id": 3}


# ---- settings --------------------------------------------------------------------------------
def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("SAYWHY_LLM", "openai-compatible:qwen@http://127.0.0.1:8000/v1")
    monkeypatch.setenv("SAYWHY_LLM_TIMEOUT", "5")
    monkeypatch.setenv("SAYWHY_API_TOKEN", "s3cr3t-value")
    monkeypatch.setenv("SAYWHY_HOME", str(tmp_path / "h"))
    get_settings.cache_clear()
    try:
        s = get_settings()
        assert s is get_settings() and s.llm and s.llm.startswith("openai-compatible")
        assert s.llm_timeout == 5 and s.llm_max_rounds == 3 and s.home == tmp_path / "h"
        assert s.api_token is not None and "s3cr3t" not in repr(s)
        assert s.model == "demo-sentiment" and s.data is None and not s.offline
    finally:
        get_settings.cache_clear()
    assert load_settings(llm="offline").offline
    for bad in ({"llm_timeout": -1}, {"llm": "openai-compatible:"}, {"llm_base_url": "ftp://x"},
                {"llm_max_rounds": 0}, {"model": " "}):
        with pytest.raises(UserError, match="Invalid settings"):
            load_settings(**bad)


def test_build_conversation_names_a_missing_provider_package(tiny_ctx: ToolContext) -> None:
    if importlib.util.find_spec("langchain_anthropic") is not None:
        pytest.skip("langchain-anthropic is installed")
    with pytest.raises(LLMUnavailable, match="pip install langchain-anthropic"):
        build_conversation(tiny_ctx, Settings(), llm="anthropic:claude-3-5-haiku-latest")


def test_build_conversation_picks_planner_and_writer(tiny_ctx: ToolContext) -> None:
    pytest.importorskip("saywhy.agent.planner.offline")
    local = Settings(llm="openai-compatible:m@http://127.0.0.1:9/v1")
    conv_llm = build_conversation(tiny_ctx, local)
    assert conv_llm.planner.name == "llm" and isinstance(conv_llm.writer, LLMWriter)
    assert build_conversation(tiny_ctx, local, llm="offline").planner.name != "llm"


def test_private_contexts_share_the_cache_not_the_subset(tiny_ctx: ToolContext,
                                                         fake_tools: None) -> None:
    one = conv(tiny_ctx.for_conversation(), ScriptedPlanner([("filter", {"contains": "acting"})]))
    two = conv(tiny_ctx.for_conversation(), ScriptedPlanner([("performance", {})]))
    one.ask("acting only")
    assert one.ctx.cache is two.ctx.cache is tiny_ctx.cache
    assert "on 12 items" in two.ask("accuracy?").text and two.state.subset is None


def test_clarifying_choices_are_offered_and_a_number_picks_one(tiny_ctx: ToolContext) -> None:
    """An unclear question answered with numbered readings: "2" runs the second reading's calls;
    anything else is a new question and the offer is forgotten."""
    from saywhy.agent.planner.base import Choice, Plan

    class Unsure:
        name = "unsure"

        def __init__(self) -> None:
            self.asked: list[str] = []

        def plan(self, text: str, state: Any) -> Plan:
            self.asked.append(text)
            if text != "3?":
                return Plan(calls=[ToolCall(tool="predict", args={"id": 4})])
            return Plan(clarify="Did you mean:", choices=[
                Choice(text="predict item 3", calls=[ToolCall(tool="predict", args={"id": 3})]),
                Choice(text="explain item 3", calls=[ToolCall(tool="attribute", args={"id": 3})]),
            ])

    planner = Unsure()
    c = conv(tiny_ctx, planner)
    first = c.ask("3?")
    assert first.kind == "clarify"
    assert [(o.number, o.text) for o in first.choices] == [(1, "predict item 3"),
                                                           (2, "explain item 3")]
    assert "\n1. predict item 3" in first.text and "\n2. explain item 3" in first.text
    second = c.ask("2")
    assert [x.tool for x in second.calls] == ["attribute"] and planner.asked == ["3?"]
    again = c.ask("3?")
    assert again.choices and c.ask("the first one").calls[0].tool == "predict"
    c.ask("3?")
    c.ask("something else entirely")  # a new question: planned, and the offer is gone
    assert planner.asked[-1] == "something else entirely" and c.state.choices == []
