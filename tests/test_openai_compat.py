"""The OpenAI-compatible endpoint through the real `openai` client against a live uvicorn:
models, plain and streamed completions, conversations continued by the history hash or by
metadata, users kept apart, errors, and the bearer token as the API key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from saywhy.agent.settings import Settings
from saywhy.tools.context import ToolContext
from tests.serving import live_server, make_app, need_planner

openai = pytest.importorskip("openai")
PREDICT = "what does the model predict for review 3?"
WHY = "why? use gradient x input"


@pytest.fixture
def server(tiny_ctx: ToolContext, tmp_path: Path) -> Iterator[str]:
    need_planner()
    with live_server(make_app(tiny_ctx, tmp_path)) as url:
        yield url


def client(url: str, key: str = "unused") -> Any:
    return openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0, timeout=120)


def conversation_of(completion: Any) -> str:
    return str(completion.model_extra["saywhy"]["conversation_id"])


def test_models_and_a_conversation_by_history(server: str) -> None:
    oa = client(server)
    assert [m.id for m in oa.models.list()] == ["saywhy"]
    history: list[dict[str, str]] = [{"role": "system", "content": "Be brief."},
                                      {"role": "user", "content": PREDICT}]
    first = oa.chat.completions.create(model="saywhy", messages=history)  # type: ignore[arg-type]
    text = first.choices[0].message.content
    assert "review #3" in text and first.choices[0].finish_reason == "stop"
    assert first.usage.completion_tokens == len(text.split())
    history += [{"role": "assistant", "content": text}, {"role": "user", "content": WHY}]
    second = oa.chat.completions.create(model="saywhy", messages=history)  # type: ignore[arg-type]
    assert conversation_of(second) == conversation_of(first)  # found by the history's hash
    assert second.model_extra["saywhy"]["answer"]["results"][0]["id"] == 3
    transcript = httpx.get(f"{server}/api/v1/conversations/{conversation_of(first)}").json()
    assert [m["question"] for m in transcript["messages"]] == [PREDICT, WHY]

    edited = [{"role": "user", "content": "something else"}, {"role": "assistant", "content": "x"},
              {"role": "user", "content": WHY}]
    third = oa.chat.completions.create(model="saywhy", messages=edited)  # type: ignore[arg-type]
    assert conversation_of(third) != conversation_of(first)  # unknown history: a new one


def test_users_are_kept_apart_and_metadata_picks_the_conversation(server: str) -> None:
    oa = client(server)
    first = oa.chat.completions.create(model="saywhy", user="alice",
                                       messages=[{"role": "user", "content": PREDICT}])
    history = [{"role": "user", "content": PREDICT},
               {"role": "assistant", "content": first.choices[0].message.content},
               {"role": "user", "content": WHY}]
    bob = oa.chat.completions.create(model="saywhy", user="bob", messages=history)  # type: ignore[arg-type]
    assert conversation_of(bob) != conversation_of(first)

    cid = httpx.post(f"{server}/api/v1/conversations").json()["id"]
    one = oa.chat.completions.create(model="saywhy", metadata={"conversation_id": cid},
                                     messages=[{"role": "user", "content": PREDICT}])
    two = oa.chat.completions.create(model="saywhy", metadata={"conversation_id": cid},
                                     messages=[{"role": "user", "content": WHY}])
    assert conversation_of(one) == conversation_of(two) == cid
    assert two.model_extra["saywhy"]["answer"]["results"][0]["id"] == 3
    mine = [oa.chat.completions.create(model="saywhy", user="carol",
                                       metadata={"conversation_id": "my-chat-7"},
                                       messages=[{"role": "user", "content": q}])
            for q in (PREDICT, WHY)]
    assert conversation_of(mine[0]) == conversation_of(mine[1]) != "my-chat-7"


def test_identical_openings_from_two_clients_stay_apart(server: str) -> None:
    """Two clients with the same first question get the same (deterministic) answer; each one's
    next turn must land in a conversation of its own, never in the other's."""
    a, b = client(server), client(server)
    opening = [{"role": "user", "content": PREDICT}]
    first_a = a.chat.completions.create(model="saywhy", messages=opening)  # type: ignore[arg-type]
    first_b = b.chat.completions.create(model="saywhy", messages=opening)  # type: ignore[arg-type]
    assert conversation_of(first_a) != conversation_of(first_b)
    assert first_a.choices[0].message.content == first_b.choices[0].message.content
    history = [{"role": "user", "content": PREDICT},
               {"role": "assistant", "content": first_a.choices[0].message.content},
               {"role": "user", "content": WHY}]
    next_a = a.chat.completions.create(model="saywhy", messages=history)  # type: ignore[arg-type]
    next_b = b.chat.completions.create(model="saywhy", messages=history)  # type: ignore[arg-type]
    seen = {conversation_of(next_a), conversation_of(next_b)}
    assert len(seen) == 2 and not seen & {conversation_of(first_b)} - {conversation_of(first_a)}
    assert conversation_of(next_a) != conversation_of(first_b)
    assert conversation_of(next_b) != conversation_of(first_a)
    for cid in (conversation_of(first_a), conversation_of(first_b)):  # one turn each, untouched
        transcript = httpx.get(f"{server}/api/v1/conversations/{cid}").json()
        assert [m["question"] for m in transcript["messages"]] == [PREDICT]


def test_named_conversations_belong_to_their_owner(server: str) -> None:
    oa = client(server)
    ask = {"model": "saywhy", "metadata": {"conversation_id": "my-chat"}}
    alice = oa.chat.completions.create(user="alice", **ask,
                                       messages=[{"role": "user", "content": PREDICT}])
    bob = oa.chat.completions.create(user="bob", messages=[{"role": "user", "content": WHY}], **ask)
    assert conversation_of(alice) != conversation_of(bob)
    # bob names alice's real id: he gets a conversation of his own, not hers
    steal = oa.chat.completions.create(model="saywhy", user="bob",
                                       metadata={"conversation_id": conversation_of(alice)},
                                       messages=[{"role": "user", "content": WHY}])
    assert conversation_of(steal) != conversation_of(alice)
    transcript = httpx.get(f"{server}/api/v1/conversations/{conversation_of(alice)}").json()
    assert [m["question"] for m in transcript["messages"]] == [PREDICT]
    # a name with no owner at all (no token, no user) would be shared: refused with the way out
    with pytest.raises(openai.BadRequestError) as refused:
        oa.chat.completions.create(messages=[{"role": "user", "content": PREDICT}], **ask)
    assert "user" in str(refused.value)


def test_streaming(server: str) -> None:
    oa = client(server)
    stream = oa.chat.completions.create(model="saywhy", stream=True,
                                        messages=[{"role": "user", "content": PREDICT}])
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert "review #3" in text and chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[0].choices[0].delta.role == "assistant"
    cid = chunks[-1].model_extra["saywhy"]["conversation_id"]
    transcript = httpx.get(f"{server}/api/v1/conversations/{cid}").json()
    assert transcript["messages"][0]["answer"]["text"] == text


def test_errors_reach_the_client_as_openai_errors(server: str) -> None:
    oa = client(server)
    with pytest.raises(openai.NotFoundError) as missing:
        oa.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert "saywhy" in str(missing.value)
    with pytest.raises(openai.BadRequestError):
        oa.chat.completions.create(model="saywhy", messages=[{"role": "assistant", "content": "x"}])


def test_the_api_token_is_the_api_key(tiny_ctx: ToolContext, tmp_path: Path) -> None:
    need_planner()
    app = make_app(tiny_ctx, tmp_path, settings=Settings(api_token=SecretStr("tok")))
    with live_server(app) as url:
        with pytest.raises(openai.AuthenticationError):
            client(url, "wrong").models.list()
        assert [m.id for m in client(url, "tok").models.list()] == ["saywhy"]
