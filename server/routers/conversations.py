"""Conversations: create, read the transcript, delete (exports: `export.py`)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.concurrency import run_in_threadpool

from ..dependencies import GUARDS, CredentialDep, SessionsDep
from ..schemas import ConversationCreate, ConversationInfo, ErrorBody, Transcript

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"], dependencies=GUARDS,
                   responses={401: {"model": ErrorBody}, 404: {"model": ErrorBody},
                              429: {"model": ErrorBody}, 503: {"model": ErrorBody}})


@router.post("", status_code=201, response_model=ConversationInfo,
             summary="Start a conversation")
async def create_conversation(sessions: SessionsDep, owner: CredentialDep,
                              body: ConversationCreate | None = None) -> ConversationInfo:
    """A new, empty conversation with the loaded model. Keep its `id`: it is the only key."""
    row = await run_in_threadpool(sessions.create, (body.title or "") if body else "", owner)
    return ConversationInfo.model_validate(row)


@router.get("/{conversation_id}", response_model=Transcript, summary="Get the transcript")
async def get_conversation(conversation_id: str, sessions: SessionsDep) -> Transcript:
    """Every turn: the question, the whole Answer (calls, results, timings) and its feedback."""
    data = await run_in_threadpool(sessions.transcript, conversation_id)
    return Transcript.model_validate(data)


@router.delete("/{conversation_id}", status_code=204, summary="Delete a conversation",
               response_class=Response)
async def delete_conversation(conversation_id: str, sessions: SessionsDep) -> Response:
    """Forget the conversation and its transcript for good."""
    await run_in_threadpool(sessions.delete, conversation_id)
    return Response(status_code=204)
