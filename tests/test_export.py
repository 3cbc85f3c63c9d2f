"""Exports of a conversation (agent/export.py, `/export` in the REPL, `GET .../export` on the
API): the page draws every view of every result, loads and runs nothing, and escapes every text;
the JSON holds the structured results in full."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from saywhy.agent.export import Transcript, from_messages, to_html
from saywhy.tools.context import ToolContext
from saywhy.tools.views import Bars, Matrix, Table, TextPair, TextPairs, View, WordScores
from tests.conftest import REAL_HOME
from tests.serving import make_app, need_planner

QUESTIONS = ["what does the model predict for review 3?", "why? use gradient x input",
             "how accurate is the model?", "show me the mistakes"]
TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h4", "p", "section",
        "div", "b", "i", "span", "mark", "sub", "figure", "table", "thead", "tbody", "tr", "th",
        "td", "del", "ins", "details", "summary", "ul", "li", "code"}
VIEW: TypeAdapter[View] = TypeAdapter(View)


class Page(HTMLParser):
    """What a browser would see: tags with their attributes, and the text."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str, cls: str | None = None) -> int:
        return sum(1 for t, a in self.tags
                   if t == tag and (cls is None or cls in (a.get("class") or "").split()))


def loads_or_runs_nothing(page: Page) -> None:
    assert {t for t, _ in page.tags} <= TAGS  # no script, img, link, iframe, object, form ...
    for _, attrs in page.tags:
        assert not any(k.startswith("on") or k in ("src", "href", "action") for k in attrs)
    csp = [a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert csp and "default-src 'none'" in str(csp[0]) and "script" not in str(csp[0])


def views_of(transcript: dict[str, Any]) -> list[dict[str, Any]]:
    return [v for t in transcript["turns"] for r in t["results"] for v in r["views"]]


def drawn_as_asked(page: Page, views: list[dict[str, Any]]) -> None:
    """Every view is one figure of its kind, with one mark per scored word, one bar row per
    name, one body row per table row."""
    for kind in ("word_scores", "bars", "table", "matrix", "text_pairs"):
        assert page.count("figure", kind) == sum(v["kind"] == kind for v in views), kind
    scored = sum(s is not None for v in views if v["kind"] == "word_scores" for s in v["scores"])
    assert page.count("mark") == scored
    bar_rows = sum(len(v["names"]) for v in views if v["kind"] == "bars")
    assert page.count("td", "bar") == bar_rows


# ---- the API ---------------------------------------------------------------------------------
@pytest.fixture
def client(tiny_ctx: ToolContext, tmp_path: Path) -> Iterator[TestClient]:
    need_planner()
    with TestClient(make_app(tiny_ctx, tmp_path)) as c:
        yield c


def test_api_exports_html_and_json_of_the_stored_turns(client: TestClient) -> None:
    cid = client.post("/api/v1/conversations", json={}).json()["id"]
    hostile = "why is '<script>alert(1)</script><img src=x onerror=alert(2)>' negative?"
    answers = [client.post(f"/api/v1/conversations/{cid}/messages", json={"text": q}).json()
               for q in [*QUESTIONS, hostile]]
    url = f"/api/v1/conversations/{cid}/export"

    res = client.get(url, params={"format": "json"})
    assert res.status_code == 200 and res.headers["content-type"] == "application/json"
    data = Transcript.model_validate_json(res.text).model_dump(mode="json")
    assert [t["question"] for t in data["turns"]] == [*QUESTIONS, hostile]
    assert [t["results"] for t in data["turns"]] == [a["results"] for a in answers]
    kinds = {v["kind"] for v in views_of(data)}
    assert {"word_scores", "bars", "table"} <= kinds, kinds

    res = client.get(url, params={"format": "html"})
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in res.headers["content-security-policy"]
    assert res.headers["content-disposition"].startswith("attachment")
    page = Page(res.text)
    loads_or_runs_nothing(page)
    drawn_as_asked(page, views_of(data))
    assert hostile in "".join(page.text)  # shown as the words it is
    assert [a["text"] for a in answers][0] in "".join(page.text)

    assert client.get(url).headers["content-type"].startswith("text/markdown")  # the default
    assert client.get(url, params={"format": "pdf"}).status_code == 422
    assert client.get("/api/v1/conversations/nope/export",
                      params={"format": "html"}).status_code == 404


# ---- the page on its own -----------------------------------------------------------------------
nasty = st.lists(st.sampled_from([*"ab <>&\"'/=;:", "<script>", "</td>", "-->", "é"]),
                 min_size=1, max_size=12).map("".join)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(nasty, min_size=1, max_size=6), cell=nasty, label=nasty, note=nasty)
def test_every_text_is_escaped(words: list[str], cell: str, label: str, note: str) -> None:
    text = " ".join(words)
    views = [
        WordScores(title=label, text=text, words=words, scores=[0.5] * len(words), high=note,
                   low=label, marked=[0], note=note).model_dump(mode="json"),
        Bars(title=note, names=[label, cell], values=[0.2, -0.1], signed=True,
             notes=[note, cell]).model_dump(mode="json"),
        Table(columns=[label, "n"], rows=[[cell, 3], [note, None]]).model_dump(mode="json"),
        Matrix(rows=[label], columns=[cell], values=[[1.0]], row_title=note)
        .model_dump(mode="json"),
        TextPairs(pairs=[TextPair(before=text, after=cell, note=note, before_label=label)])
        .model_dump(mode="json"),
    ]
    messages = [{"turn": 1, "question": cell, "feedback": None,
                 "answer": {"text": note, "calls": [{"tool": "x", "args": {"text": label}}],
                            "results": [{"tool": "x", "views": views}]}}]
    page = Page(to_html(from_messages(messages, None, title=label)))
    loads_or_runs_nothing(page)
    shown = "".join(page.text)
    for s in (cell, label, note, *words):
        assert s in shown
    drawn_as_asked(page, views)


def test_a_shortened_view_is_left_out_not_drawn_wrong() -> None:
    cut = {"kind": "table", "columns": ["a"], "rows": "[3 x 1 matrix omitted]"}
    messages = [{"turn": 1, "question": "q", "answer": {"text": "a", "results": [
        {"tool": "x", "views": [cut]}]}}]
    page = Page(to_html(from_messages(messages, None)))
    assert page.count("figure") == 0 and "left out" in "".join(page.text)


# ---- the REPL ------------------------------------------------------------------------------------
def test_repl_exports_the_full_results(tmp_path: Path) -> None:
    if not (REAL_HOME / "assets" / "minilm").exists():
        pytest.skip("the MiniLM asset (offline planner) is missing; run `make setup`")
    from typer.testing import CliRunner

    from saywhy.agent.terminal.app import app
    from tests.tiny import save_tiny

    save_tiny(tmp_path)
    page, data = tmp_path / "t.html", tmp_path / "t.json"
    lines = [*QUESTIONS, f"/export {page}", f"/export {data}", f"/export {tmp_path / 't.pdf'}"]
    res = CliRunner().invoke(app, ["chat", "--model", str(tmp_path / "model"), "--data",
                                   str(tmp_path / "reviews.csv")], input="\n".join(lines) + "\n")
    assert res.exit_code == 0, res.output
    assert "writes .md, .html or .json" in res.stdout
    transcript = json.loads(data.read_text(encoding="utf-8"))
    assert [t["question"] for t in transcript["turns"]] == QUESTIONS
    views = views_of(transcript)
    words = [v for v in views if v["kind"] == "word_scores"]
    assert words and all(isinstance(v["spans"], list) for v in words)  # the history drops them
    for view in views:  # in full: the history's shortened copies would not validate
        VIEW.validate_python(view)
    assert any(v["kind"] == "table" and v["rows"] for v in views)
    html_page = Page(page.read_text(encoding="utf-8"))
    loads_or_runs_nothing(html_page)
    drawn_as_asked(html_page, views)
