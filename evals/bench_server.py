"""Issue 7 benchmark: the web server under 1, 4 and 16 concurrent clients.

A real `saywhy serve`-style uvicorn runs in a child process on 127.0.0.1 with demo-sentiment, the
offline planner and its own SQLite file (rate limit off, a queue and time budget big enough for
16 clients, the default model workers or SAYWHY_WORKERS). Each client opens its own conversation
and asks 10 "why" questions about different reviews (no answer is served from another's cache),
one after another.
Measured per level: latency of each question as the client sees it (p50, p95; it includes waiting
for a worker), the server's own answering time (median `timings.total`), throughput (questions
answered per second of wall time), and what went wrong: non-200 answers, 5xx, dropped requests
(connection errors or timeouts). Goal (printed, never asserted): nothing dropped, no 5xx.
Timings depend on the machine and on whatever else runs on it: see the machine note.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from .common import Missing, demo_built, machine_note, print_table, run_main

LEVELS = (1, 4, 16)
QUESTIONS = 10
FIRST_ID = 1000  # ids FIRST_ID.. are asked about; each client and question gets its own


def _serve(port: int) -> None:
    """The child: the same code path as `saywhy serve`."""
    from saywhy.server.app import run as serve

    serve("127.0.0.1", port, "demo-sentiment", None, "offline")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(port: int, home: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, SAYWHY_DB_PATH=str(home / "bench.sqlite3"),
               SAYWHY_RATE_LIMIT_PER_MINUTE="0", SAYWHY_QUEUE_LIMIT="64",
               SAYWHY_REQUEST_TIMEOUT="900", SAYWHY_QUEUE_TIMEOUT="1800", SAYWHY_LLM="offline")
    env.pop("SAYWHY_API_TOKEN", None)
    return subprocess.Popen([sys.executable, "-m", "saywhy.evals.bench_server", "--serve",
                             str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=open(home / "server.log", "wb"))  # noqa: SIM115


async def _wait_ready(url: str, proc: subprocess.Popen[bytes], limit: float = 300) -> None:
    import httpx

    deadline = time.monotonic() + limit
    async with httpx.AsyncClient(base_url=url, timeout=5) as c:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited with code {proc.returncode}")
            try:
                if (await c.get("/api/v1/ready")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError("the server was not ready in time")


def question(client: int, n: int, round_: int) -> str:
    """Distinct reviews for every round, client and question (ids FIRST_ID.. of the demo)."""
    return f"why is review {FIRST_ID + round_ * 1000 + client * 50 + n} classified that way?"


async def _client(url: str, client: int, round_: int, questions: int) -> list[dict[str, Any]]:
    import httpx

    out: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=url, timeout=1800) as c:
        cid = (await c.post("/api/v1/conversations")).json()["id"]
        for n in range(questions):
            started = time.perf_counter()
            row: dict[str, Any] = {"status": None, "seconds": None, "server": None}
            try:
                r = await c.post(f"/api/v1/conversations/{cid}/messages",
                                 json={"text": question(client, n, round_)})
                row["status"] = r.status_code
                if r.status_code == 200:
                    body = r.json()
                    row["server"] = body["timings"].get("total")
                    row["tools"] = [call["tool"] for call in body["calls"]]
            except httpx.HTTPError as exc:
                row["error"] = type(exc).__name__
            row["seconds"] = time.perf_counter() - started
            out.append(row)
    return out


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


async def _level(url: str, level: int, round_: int, questions: int) -> list[Any]:
    started = time.perf_counter()
    results = await asyncio.gather(*[_client(url, i, round_, questions) for i in range(level)])
    wall = time.perf_counter() - started
    rows = [r for client in results for r in client]
    ok = [r for r in rows if r["status"] == 200]
    lat = [r["seconds"] for r in ok]
    server = [r["server"] for r in ok if r["server"] is not None]
    attributed = sum(1 for r in ok if "attribute" in r.get("tools", []))
    return [level, len(rows), len(ok), attributed, _pct(lat, 0.5), _pct(lat, 0.95),
            statistics.median(server) if server else None, len(ok) / wall if wall else None,
            sum(1 for r in rows if (r["status"] or 0) >= 500),
            sum(1 for r in rows if r["status"] is None), wall]


async def _bench(url: str, levels: tuple[int, ...], questions: int) -> list[list[Any]]:
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=600) as c:  # warm-up, not measured
        cid = (await c.post("/api/v1/conversations")).json()["id"]
        await c.post(f"/api/v1/conversations/{cid}/messages", json={"text": "why is review 1?"})
    return [await _level(url, level, i + 1, questions) for i, level in enumerate(levels)]


def run(levels: tuple[int, ...] = LEVELS, questions: int = QUESTIONS) -> None:
    if max(levels) > 20 or questions > 50 or len(levels) > 9:
        raise ValueError("at most 20 clients, 50 questions and 9 rounds (distinct review ids)")
    if not demo_built("demo-sentiment"):
        raise Missing("demo-sentiment is not built yet; run `make setup` first.")
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="saywhy-bench-server-") as tmp:
        proc = _start(port, Path(tmp))
        try:
            url = f"http://127.0.0.1:{port}"
            asyncio.run(_wait_ready(url, proc))
            rows = asyncio.run(_bench(url, levels, questions))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    print_table("Web server: concurrent clients asking 'why' (demo-sentiment, offline planner)",
                ["clients", "asked", "200", "attributed", "p50 s", "p95 s", "server median s",
                 "answers/s", "5xx", "dropped", "wall s"], rows,
                note=f"Each client asks {questions} questions in turn about distinct reviews; "
                     f"latency includes waiting for one of the {_workers()} model worker(s). "
                     "Goal: nothing "
                     f"dropped, no 5xx. {machine_note()}. On a shared machine (other jobs "
                     "running) every time here is inflated.", digits=2)


def _workers() -> int:
    from saywhy.server.config import ServerSettings

    return ServerSettings().workers  # the server child reads the same environment


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)))
    parser.add_argument("--questions", type=int, default=QUESTIONS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve)
        return
    levels = tuple(int(x) for x in args.levels.split(",") if x.strip())
    run_main(lambda: run(levels, args.questions))


if __name__ == "__main__":
    main()
