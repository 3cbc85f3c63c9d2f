"""A conversation exported: Markdown, a self-contained HTML page, or the JSON transcript.

The page and the JSON come from `agent/export.py` (the REPL's `/export` writes the same), built
from the stored turns, so an export after a restart is the same as before it. The page is sent
with a CSP that lets it run nothing and load nothing (it needs neither), as an attachment: it
holds the data's own texts, and it must never become a script on the origin that keeps the
API token.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse, Response

from saywhy.agent.export import CSP, Transcript, from_messages, to_html, to_json

from ..dependencies import GUARDS, SessionsDep
from ..schemas import ErrorBody
from ..sessions import Sessions

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"], dependencies=GUARDS,
                   responses={401: {"model": ErrorBody}, 404: {"model": ErrorBody},
                              429: {"model": ErrorBody}, 503: {"model": ErrorBody}})
MEDIA = {"markdown": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
         "json": "application/json"}


def _transcript(sessions: Sessions, cid: str) -> Transcript:
    data = sessions.transcript(cid)
    return from_messages(data["messages"], sessions.base, title=str(data.get("title") or ""))


@router.get("/{conversation_id}/export", summary="Export as Markdown, HTML or JSON",
            response_class=PlainTextResponse,
            responses={200: {"content": {
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
                "application/json": {"schema": Transcript.model_json_schema()}}}})
async def export_conversation(
        conversation_id: str, sessions: SessionsDep,
        format: Literal["markdown", "html", "json"] = Query(  # noqa: A002 - the API's word
            "markdown", description="`markdown`: the transcript with every call and result; "
            "`html`: one page that opens offline (highlighted words, bars, tables); `json`: "
            "every turn with its calls and structured results (fields, summary, views).")
) -> Response:
    """The conversation to keep or share, in the format asked for."""
    await run_in_threadpool(sessions.require, conversation_id)
    if format == "markdown":
        text = await run_in_threadpool(sessions.export_markdown, conversation_id)
        return PlainTextResponse(text, media_type=MEDIA["markdown"])
    transcript = await run_in_threadpool(_transcript, sessions, conversation_id)
    body = to_html(transcript) if format == "html" else to_json(transcript)
    name = f"saywhy-{conversation_id[:12]}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"',
               "X-Content-Type-Options": "nosniff"}
    if format == "html":
        headers["Content-Security-Policy"] = CSP + "; frame-ancestors 'none'"
    return Response(body, media_type=MEDIA[format], headers=headers)
