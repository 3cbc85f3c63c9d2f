"""A real uvicorn on 127.0.0.1 driven by httpx: the round trip and streaming over the wire,
concurrent clients (nothing dropped), the bounded queue (503 when full), body limits (declared
and chunked), and a restart of the server over the same SQLite file."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from saywhy.tools.context import ToolContext
from tests.serving import live_server, make_app, need_planner, sleepy_factory

PREDICT = "what does the model predict for review 3?"


@pytest.fixture(autouse=True)
def _planner() -> None:
    need_planner()


def new(c: httpx.Client) -> str:
    r = c.post("/api/v1/conversations")
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_live_round_trip_streaming_and_restart(tiny_ctx: ToolContext, tmp_path: Path) -> None:
    with live_server(make_app(tiny_ctx, tmp_path)) as url, httpx.Client(base_url=url,
                                                                         timeout=120) as c:
        cid = new(c)
        answer = c.post(f"/api/v1/conversations/{cid}/messages", json={"text": PREDICT}).json()
        assert answer["calls"][0] == {"tool": "predict", "args": {"id": 3}}
        events = []
        with c.stream("POST", f"/api/v1/conversations/{cid}/messages/stream",
                      json={"text": "why? use gradient x input"}) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            kind = ""
            for line in r.iter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    events.append((kind, json.loads(line[5:])))
        assert [k for k, _ in events][-1] == "answer" and len(events) >= 4
        assert events[-1][1]["results"][0]["tool"] == "attribute"
        assert c.get("/no/such/page").json()["error"]["code"] == "not_found"
    again = ToolContext(target=tiny_ctx.target, data=tiny_ctx.data)
    with live_server(make_app(again, tmp_path)) as url, httpx.Client(base_url=url,
                                                                     timeout=120) as c:
        transcript = c.get(f"/api/v1/conversations/{cid}").json()
        assert transcript["turns"] == 2 and transcript["messages"][1]["answer"]["results"]


def test_concurrent_clients_are_all_answered(tiny_ctx: ToolContext, tmp_path: Path) -> None:
    questions = [PREDICT, "why? use gradient x input", "how accurate is the model?"]
    with live_server(make_app(tiny_ctx, tmp_path)) as url:
        def client(n: int) -> list[int]:
            with httpx.Client(base_url=url, timeout=300) as c:
                cid = new(c)
                return [c.post(f"/api/v1/conversations/{cid}/messages",
                               json={"text": q}).status_code for q in questions]

        with ThreadPoolExecutor(6) as pool:
            codes = [code for codes in pool.map(client, range(6)) for code in codes]
    assert codes == [200] * 18


def test_a_full_queue_answers_503(tiny_ctx: ToolContext, tmp_path: Path) -> None:
    app = make_app(tiny_ctx, tmp_path, factory=sleepy_factory, workers=1, queue_limit=0)
    with live_server(app) as url, httpx.Client(base_url=url, timeout=60) as c:
        busy_cid, other = new(c), new(c)
        result: dict[str, Any] = {}

        def slow() -> None:
            with httpx.Client(base_url=url, timeout=60) as c2:
                result["r"] = c2.post(f"/api/v1/conversations/{busy_cid}/messages",
                                      json={"text": "sleep 3"})

        thread = threading.Thread(target=slow)
        thread.start()
        work = app.state.services.work
        while work.stats()["admitted"] == 0 and thread.is_alive():
            threading.Event().wait(0.02)
        r = c.post(f"/api/v1/conversations/{other}/messages", json={"text": PREDICT})
        assert r.status_code == 503 and r.json()["error"]["code"] == "busy"
        assert r.headers["retry-after"]
        thread.join()
        assert result["r"].status_code == 200 and result["r"].json()["text"] == "I slept."
        assert c.post(f"/api/v1/conversations/{other}/messages",
                      json={"text": PREDICT}).status_code == 200


def test_body_limit_over_the_wire(tiny_ctx: ToolContext, tmp_path: Path) -> None:
    with live_server(make_app(tiny_ctx, tmp_path, max_body_bytes=2048)) as url, \
            httpx.Client(base_url=url, timeout=60) as c:
        cid = new(c)
        big = json.dumps({"text": "x" * 5000}).encode()
        r = c.post(f"/api/v1/conversations/{cid}/messages", content=big,
                   headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

        def chunks() -> Any:  # no Content-Length: the limit is enforced while reading
            for i in range(0, len(big), 512):
                yield big[i:i + 512]

        r = c.post(f"/api/v1/conversations/{cid}/messages", content=chunks(),
                   headers={"content-type": "application/json"})
        assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"
        assert c.get(f"/api/v1/conversations/{cid}").json()["turns"] == 0
