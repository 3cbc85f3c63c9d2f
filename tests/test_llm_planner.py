"""The LLM planner: spec parsing, native tool calling with registry schemas, validation and one
retry, fallback on failure — with a scripted fake chat model and, once, the real langchain-openai
client against a fake OpenAI-compatible server."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import JSONResponse

from saywhy.agent.llm import (
    MAX_RETRIES,
    ChatClient,
    LLMUnavailable,
    make_chat_model,
    parse_llm_spec,
)
from saywhy.agent.planner.base import Plan
from saywhy.agent.planner.llm import NOTICE, LLMPlanner
from saywhy.agent.state import DialogueState
from saywhy.agent.testing import FakeToolChatModel, tool_call
from saywhy.tools.errors import CancelledByUser, ToolArgsError
from saywhy.tools.turn import Limits
from tests.fake_openai import FakeOpenAI


class FixedPlanner:
    """Stands in for the offline planner as the fallback."""

    name = "offline"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def plan(self, text: str, state: DialogueState) -> Plan:
        self.asked.append(text)
        return Plan(calls=[{"tool": "predict", "args": {"id": 1}}], planner=self.name)  # type: ignore[list-item]


def planner(model: FakeToolChatModel, fallback: Any = None, timeout: float = 5.0) -> LLMPlanner:
    return LLMPlanner(ChatClient(model, timeout=timeout), labels=["negative", "positive"],
                      kind="classifier", n_items=12, fallback=fallback, model_name="tiny-bert")


def notices(plan: Plan) -> list[str]:
    return [n for n in plan.notes if n.startswith(NOTICE)]


# ---- specs and providers ---------------------------------------------------------------------
def test_parse_llm_spec_forms() -> None:
    assert parse_llm_spec("openai:gpt-4o-mini").provider == "openai"
    assert parse_llm_spec("ollama:qwen2.5").model == "qwen2.5"
    spec = parse_llm_spec("openai-compatible:llama3@http://127.0.0.1:8080/v1/")
    assert (spec.provider, spec.model, spec.base_url) == ("openai-compatible", "llama3",
                                                           "http://127.0.0.1:8080/v1")
    assert parse_llm_spec("qwen", base_url="http://h:1/v1").provider == "openai-compatible"
    assert parse_llm_spec(None, base_url="http://h:1/v1").model == "local-model"
    assert parse_llm_spec("gpt-4o-mini").provider is None  # inferred by init_chat_model
    with pytest.raises(LLMUnavailable, match="needs a model and a URL"):
        parse_llm_spec("openai-compatible:llama3")


@pytest.mark.parametrize("spec,package", [
    ("anthropic:claude-3-5-haiku-latest", "langchain-anthropic"),
    ("ollama:qwen2.5", "langchain-ollama")])
def test_missing_provider_package_says_what_to_install(spec: str, package: str) -> None:
    try:
        make_chat_model(spec)
    except LLMUnavailable as exc:
        assert f"pip install {package}" in exc.message
    else:  # the package happens to be installed
        pytest.skip(f"{package} is installed")


def test_unknown_provider_and_missing_key_are_clear() -> None:
    with pytest.raises(LLMUnavailable, match="which provider"):
        make_chat_model("mystery-model")
    with pytest.raises(LLMUnavailable, match="OPENAI_API_KEY"):
        make_chat_model("openai:gpt-4o-mini")  # conftest removed the key


def test_openai_compatible_builds_chat_openai_without_key() -> None:
    model = make_chat_model("openai-compatible:m@http://127.0.0.1:9/v1")
    assert type(model).__name__ == "ChatOpenAI"
    assert "127.0.0.1:9" in str(model.openai_api_base)  # type: ignore[attr-defined]


# ---- the fake model itself -------------------------------------------------------------------
def test_fake_model_binds_tools_and_replays() -> None:
    fake = FakeToolChatModel().enqueue({"name": "predict", "args": {"id": 2}}, "plain text")
    bound = fake.bind_tools([{"name": "predict", "description": "d",
                              "parameters": {"type": "object", "properties": {}}}])
    first = bound.invoke("hi")
    assert first.tool_calls[0]["name"] == "predict" and first.tool_calls[0]["args"] == {"id": 2}
    assert fake.invoke("again").content == "plain text"
    assert fake.history[0]["tools"][0]["function"]["name"] == "predict"
    assert len(fake.history) == 2
    with pytest.raises(RuntimeError, match="no scripted responses"):
        fake.invoke("more")


# ---- planning --------------------------------------------------------------------------------
def test_plans_validated_registry_calls_with_state_in_prompt() -> None:
    fake = FakeToolChatModel().enqueue(tool_call("predict", {"id": 3}))
    state = DialogueState(focus_id=7, last_method="shap")
    plan = planner(fake).plan("what does it say for review 3?", state)
    assert [c.tool for c in plan.calls] == ["predict"] and plan.calls[0].args == {"id": 3}
    sent = fake.history[0]
    system, user = sent["messages"][0].content, sent["messages"][1].content
    assert "review #7" in system and "shap" in system and "negative, positive" in system
    assert user == "what does it say for review 3?"  # user text is passed as data, unchanged
    names = [t["function"]["name"] for t in sent["tools"]]
    assert "predict" in names
    predict_schema = next(t for t in sent["tools"] if t["function"]["name"] == "predict")
    assert "id" in predict_schema["function"]["parameters"]["properties"]


def test_bad_arguments_are_fed_back_once_then_retried() -> None:
    fake = FakeToolChatModel().enqueue(tool_call("predict", {"id": 3, "colour": "red"}),
                                       tool_call("predict", {"id": 3}))
    plan = planner(fake).plan("predict 3", DialogueState())
    assert plan.calls[0].args == {"id": 3}
    retry_msgs = fake.history[1]["messages"]
    tool_msg = retry_msgs[-1]
    assert type(tool_msg).__name__ == "ToolMessage" and "colour" in tool_msg.content
    assert retry_msgs[-2].tool_calls[0]["args"] == {"id": 3, "colour": "red"}


def test_a_cancelled_turn_stops_between_rounds_without_falling_back() -> None:
    """The first reply is refused; the user cancels meanwhile: no second LLM call, and no
    fallback answer for a turn nobody waits for."""
    stop = threading.Event()
    fake = FakeToolChatModel().enqueue(tool_call("predict", {"id": 3, "colour": "red"}),
                                       tool_call("predict", {"id": 3}))
    fallback = FixedPlanner()
    llm = planner(fake, fallback=fallback)
    real = llm.client.complete

    def complete_then_cancel(*args: Any, **kwargs: Any) -> Any:
        reply = real(*args, **kwargs)
        stop.set()
        return reply

    llm.client.complete = complete_then_cancel  # type: ignore[method-assign]
    llm.check = Limits.of(cancel=stop).check
    with pytest.raises(CancelledByUser):
        llm.plan("predict 3", DialogueState())
    assert len(fake.history) == 1 and fallback.asked == []


def test_unknown_tool_is_refused_and_fed_back() -> None:
    fake = FakeToolChatModel().enqueue(tool_call("rm_rf", {"path": "/"}),
                                       tool_call("predict", {"id": 1}))
    plan = planner(fake).plan("delete everything", DialogueState())
    assert [c.tool for c in plan.calls] == ["predict"]
    assert "Unknown tool 'rm_rf'" in fake.history[1]["messages"][-1].content


def test_garbage_twice_falls_back_to_offline_with_notice() -> None:
    fake = FakeToolChatModel().enqueue(tool_call("predict", {"id": -5}), tool_call("nope", {}))
    fallback = FixedPlanner()
    plan = planner(fake, fallback).plan("predict it", DialogueState())
    assert fallback.asked == ["predict it"] and plan.calls[0].tool == "predict"
    assert notices(plan) and "offline planner" in notices(plan)[0]
    assert len(fake.history) == 2  # bounded: one retry only


def test_garbage_without_fallback_asks_back() -> None:
    fake = FakeToolChatModel().enqueue(tool_call("predict", {"id": -5}),
                                       tool_call("predict", {"id": -6}))
    plan = planner(fake).plan("predict it", DialogueState())
    assert plan.clarify and not plan.calls


@pytest.mark.parametrize("failure", [ConnectionError("refused"), RuntimeError("500 from server")])
def test_llm_failure_uses_fallback_or_raises(failure: Exception) -> None:
    plan = planner(FakeToolChatModel().enqueue(failure), FixedPlanner()).plan("hi", DialogueState())
    assert plan.calls and "could not be used" in notices(plan)[0]
    with pytest.raises(LLMUnavailable):
        planner(FakeToolChatModel().enqueue(failure)).plan("hi", DialogueState())


def test_a_provider_timeout_falls_back_with_a_notice() -> None:
    fake = FakeToolChatModel().enqueue(TimeoutError("read timed out"))
    plan = planner(fake, FixedPlanner(), timeout=0.1).plan("hi", DialogueState())
    assert plan.calls and "did not answer within 0.1 s" in notices(plan)[0]


def test_text_replies_clarifications_and_ungrounded_numbers() -> None:
    p = planner(FakeToolChatModel().enqueue("SHAP splits the prediction among the words fairly.",
                                            "Which review do you mean?"), FixedPlanner())
    assert p.plan("what is shap", DialogueState()).reply.startswith("SHAP")  # type: ignore[union-attr]
    assert p.plan("explain that one", DialogueState()).clarify == "Which review do you mean?"
    invented = planner(FakeToolChatModel().enqueue("The accuracy is 0.97."), FixedPlanner())
    plan = invented.plan("how accurate is it", DialogueState())
    assert plan.calls and plan.reply is None  # a number no tool produced is not passed on


def test_retry_after_a_runtime_tool_args_error() -> None:
    fake = FakeToolChatModel().enqueue(tool_call("predict", {"id": 4}))
    p = planner(fake)
    calls = [{"tool": "predict", "args": {"id": 3}}]
    plan = p.retry("predict 3", DialogueState(), [Plan(calls=calls).calls[0]],  # type: ignore[arg-type]
                   ToolArgsError("Bad arguments for predict: id: nope."))
    assert plan.calls[0].args == {"id": 4}
    assert "nope" in fake.history[0]["messages"][-1].content


# ---- the real langchain-openai client against a fake server -----------------------------------
def test_real_openai_client_against_fake_server() -> None:
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as server:
        server.tool_calls(("predict", '{"id": 3, "bogus": 1}')).tool_calls(("predict", {"id": 3}))
        model = make_chat_model(f"openai-compatible:fake-model@{server.base_url}", timeout=10)
        p = LLMPlanner(ChatClient(model, timeout=10), labels=["negative", "positive"],
                       kind="classifier", n_items=12)
        plan = p.plan("what does the model say about review 3?", DialogueState(focus_id=2))
        assert [c.tool for c in plan.calls] == ["predict"] and plan.calls[0].args == {"id": 3}
        first, second = server.requests
        assert first["model"] == "fake-model"
        assert "predict" in [t["function"]["name"] for t in first["tools"]]
        system, retry = first["messages"][0], second["messages"][-1]
        assert system["role"] == "system" and "review #2" in system["content"]
        assert retry["role"] == "tool" and "bogus" in retry["content"]

        server.text("Integrated gradients sums gradients along a path from a baseline.")
        assert p.plan("what is integrated gradients?", DialogueState()).reply

        server.status(401, "Incorrect API key provided: sk-secret")
        p.fallback = FixedPlanner()
        plan = p.plan("predict 1", DialogueState())
        assert "refused the API key" in notices(plan)[0] and "sk-secret" not in notices(plan)[0]


class SlowOpenAI(FakeOpenAI):
    """Answers every request too late."""

    async def _chat(self, request: Request) -> JSONResponse:
        self.requests.append(await request.json())
        await asyncio.sleep(3.0)
        return JSONResponse({"error": {"message": "too late"}}, status_code=500)


def test_the_chat_models_own_timeout_and_retries_bound_a_slow_server() -> None:
    """No thread is left waiting: the provider client gives up on each attempt after its
    timeout, retries MAX_RETRIES times, and the planner falls back to the offline one."""
    with SlowOpenAI() as server:
        model = make_chat_model(f"openai-compatible:m@{server.base_url}", timeout=0.3)
        p = LLMPlanner(ChatClient(model, timeout=0.3), labels=["negative", "positive"],
                       kind="classifier", fallback=FixedPlanner())
        plan = p.plan("predict 1", DialogueState())
        assert plan.calls and "did not answer within 0.3 s" in notices(plan)[0]
        assert len(server.requests) == 1 + MAX_RETRIES


def test_unreachable_server_falls_back() -> None:
    from tests.fake_openai import free_port

    model = make_chat_model(f"openai-compatible:m@http://127.0.0.1:{free_port()}/v1", timeout=5)
    p = LLMPlanner(ChatClient(model, timeout=5), labels=["negative", "positive"], kind="classifier",
                   fallback=FixedPlanner())
    plan = p.plan("predict 1", DialogueState())
    assert plan.calls and "could not be reached" in notices(plan)[0]
