"""Clarifying choices over HTTP (FastAPI's TestClient on the tiny classifier, the offline planner
made torn for one question as in test_choices.py): the message response carries `choices` as
[{number, text}], answering with a number (plain or streamed) runs that reading, the transcript
keeps the offer, the OpenAPI document describes it, and /v1/chat/completions lists the readings in
its text, where the next user message picks one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from saywhy.tools.context import ToolContext
from tests.serving import make_app, need_planner
from tests.test_choices import TORN, tear


@pytest.fixture
def client(tiny_ctx: ToolContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    need_planner()
    tear(monkeypatch)
    with TestClient(make_app(tiny_ctx, tmp_path)) as c:
        yield c


def ask(c: TestClient, cid: str, text: str) -> dict[str, Any]:
    r = c.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def streamed(c: TestClient, cid: str, text: str) -> dict[str, Any]:
    with c.stream("POST", f"/api/v1/conversations/{cid}/messages/stream",
                  json={"text": text}) as r:
        assert r.status_code == 200
        events = [(e, d) for e, d in _events(r.iter_lines())]
    assert events[-1][0] == "answer", events
    return events[-1][1]  # type: ignore[no-any-return]


def _events(lines: Any) -> Any:
    event = ""
    for line in lines:
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            yield event, json.loads(line[5:])


def tools(answer: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(c["tool"], c["args"].get("id")) for c in answer["calls"]]


def test_the_response_offers_numbered_choices_and_a_number_resolves_the_turn(
        client: TestClient) -> None:
    cid = client.post("/api/v1/conversations", json={}).json()["id"]
    first = ask(client, cid, TORN)
    assert first["kind"] == "clarify" and first["calls"] == [] and first["results"] == []
    choices = first["choices"]
    assert [c["number"] for c in choices] == [1, 2]
    assert all(set(c) == {"number", "text"} and "review 3" in c["text"] for c in choices)
    assert all(f"\n{c['number']}. {c['text']}" in first["text"] for c in choices)

    second = ask(client, cid, "2")
    assert tools(second) == [("attribute", 3)] and second["choices"] == []
    assert second["kind"] == "answer" and second["results"]

    messages = client.get(f"/api/v1/conversations/{cid}").json()["messages"]
    assert [m["question"] for m in messages] == [TORN, "2"]
    assert messages[0]["answer"]["choices"] == choices  # the offer is kept with the transcript
    assert messages[1]["answer"]["choices"] == []


def test_a_streamed_answer_offers_choices_and_a_streamed_pick_runs_it(client: TestClient) -> None:
    cid = client.post("/api/v1/conversations", json={}).json()["id"]
    first = streamed(client, cid, TORN)
    assert [c["number"] for c in first["choices"]] == [1, 2] and first["calls"] == []
    picked = streamed(client, cid, first["choices"][0]["text"])  # the chip's words
    assert tools(picked) == [("predict", 3)] and picked["choices"] == []


def test_the_openapi_document_describes_the_choices(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    schemas = doc["components"]["schemas"]
    field = schemas["Answer"]["properties"]["choices"]
    ref = field["items"]["$ref"].rsplit("/", 1)[1]
    assert set(schemas[ref]["properties"]) == {"number", "text"}
    assert "number" in field["description"]


def test_chat_completions_list_the_choices_and_the_next_message_picks(
        client: TestClient) -> None:
    history: list[dict[str, str]] = [{"role": "user", "content": TORN}]
    r = client.post("/v1/chat/completions", json={"model": "saywhy", "messages": history})
    assert r.status_code == 200, r.text
    first = r.json()
    text = first["choices"][0]["message"]["content"]
    offered = first["saywhy"]["answer"]["choices"]
    assert [c["number"] for c in offered] == [1, 2]
    assert all(f"{c['number']}. {c['text']}" in text.splitlines() for c in offered)
    history += [{"role": "assistant", "content": text}, {"role": "user", "content": "2"}]
    r = client.post("/v1/chat/completions", json={"model": "saywhy", "messages": history})
    assert r.status_code == 200, r.text
    second = r.json()
    assert second["saywhy"]["conversation_id"] == first["saywhy"]["conversation_id"]
    assert tools(second["saywhy"]["answer"]) == [("attribute", 3)]
