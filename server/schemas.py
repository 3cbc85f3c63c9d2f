"""Request and response bodies of the web API (they are its OpenAPI documentation)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from saywhy.agent.answer import Answer


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code, e.g. not_found, rate_limited.")
    message: str = Field(description="A sentence safe to show to a person.")


class ErrorBody(BaseModel):
    error: ErrorDetail


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, max_length=200,
                              description="Optional; otherwise the first question names it.")


class ConversationInfo(BaseModel):
    id: str = Field(description="Unguessable id; whoever has it can use the conversation.")
    created: float = Field(description="Unix time.")
    updated: float
    title: str
    target: str = Field(description="The model being explained.")
    data: str | None = Field(default=None, description="The dataset, if any.")
    turns: int


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, description="The question, in plain language (at most "
                      "SAYWHY_MAX_MESSAGE_CHARS characters, 20,000 by default; longer gets 413). "
                      "After an answer that offered `choices`, the `number` of one (\"2\") or "
                      "its `text` picks that reading and runs it.")


class Feedback(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: Literal["up", "down"] | None = Field(description="Thumbs up or down; null clears it.")
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackOut(Feedback):
    conversation_id: str
    turn: int


class TranscriptMessage(BaseModel):
    turn: int
    created: float
    question: str
    answer: Answer
    feedback: Literal["up", "down"] | None = None
    comment: str | None = None


class Transcript(ConversationInfo):
    messages: list[TranscriptMessage] = Field(default_factory=list)


class ToolInfo(BaseModel):
    name: str
    description: str
    parameters: dict[str, Any] = Field(description="JSON Schema of the tool's arguments.")
    kinds: list[str] = Field(description="Model kinds it works on: classifier, causal_lm.")
    needs_data: bool
    available: bool = Field(description="Whether it works on the loaded model and data.")


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class Readiness(BaseModel):
    """What is loaded: the model, the data in its own words, and example questions for them."""

    ready: bool
    target: str | None = None
    kind: str | None = None
    labels: list[str] = Field(default_factory=list, description="The model's labels.")
    data: str | None = None
    items: int | None = None
    item_name: str | None = Field(default=None, description="What one data row is called in "
                                  "answers, e.g. ticket (--item-name, SAYWHY_ITEM_NAME).")
    item_plural: str | None = Field(default=None, description="The same noun for many, e.g. "
                                    "tickets.")
    notes: list[str] = Field(default_factory=list, description="What was guessed or matched when "
                             "the data was read (columns, gold labels), one sentence each.")
    examples: list[str] = Field(default_factory=list, description="Example questions in the words "
                                "of the loaded model and data (the page's chips).")
    conversations: int = 0
    queue: dict[str, int] = Field(default_factory=dict,
                                  description="workers, running, admitted, capacity.")


class ProgressEvent(BaseModel):
    """One `event: progress` of the streaming endpoint."""

    stage: Literal["queued", "planning", "running", "writing"]
    message: str


# ---- OpenAI-compatible chat completions (the subset chat front-ends send) ---------------------
class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(description="system, user, assistant (others are ignored).")
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """OpenAI's chat-completions body; sampling options are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = Field(description='"saywhy".')
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = Field(default=None, max_length=256,
                             description="Your own id: conversations belong to it (and to the "
                             "API token), so different users never share one.")
    metadata: dict[str, str] | None = Field(
        default=None, description='{"conversation_id": "..."} continues that conversation of '
        "yours (an id saywhy returned, or a name of your own, which needs `user` or a token); "
        "otherwise the conversation is found by a hash of the earlier messages.")


class ChatChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int = 0
    message: ChatChoiceMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage
    saywhy: dict[str, Any] = Field(default_factory=dict, description="conversation_id and "
                                   "the whole Answer (calls, results, timings).")


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "saywhy"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
