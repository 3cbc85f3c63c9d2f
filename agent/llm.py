"""The one module that imports langchain (besides its test double, `testing.py`): chat models
from a spec, and one bounded call.

The bound is the chat model's own: `make_chat_model` gives the provider client a per-request
`timeout` and `max_retries`, so a call that runs over is closed by its HTTP client rather than
left running in a thread nobody waits for. A timeout, like any other failure, becomes
LLMUnavailable, and the planner and writer fall back to their offline versions.

Everything else in the agent talks to `ChatClient.complete(messages, tools) -> LLMReply` with plain
dicts, so the planner and writer stay testable and the provider stays swappable (any langchain
chat model via `init_chat_model`, or an OpenAI-compatible server through `ChatOpenAI`).
A scripted chat model for tests and demos lives in `testing.py` (`FakeToolChatModel`).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from langchain_core.exceptions import (
    ModelAuthenticationError,
    ModelConnectionError,
    ModelNotFoundError,
    ModelPermissionDeniedError,
    ModelRateLimitError,
    ModelTimeoutError,
)
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.utils.function_calling import convert_to_openai_tool

from saywhy.tools.errors import SystemFailure

if TYPE_CHECKING:
    from saywhy.tools.registry import Tool

    from .settings import Settings

log = logging.getLogger(__name__)

COMPATIBLE = "openai-compatible"
SPEC_HELP = ("Write it as 'openai:gpt-4o-mini', 'anthropic:MODEL', 'ollama:MODEL' or "
             "'openai-compatible:MODEL@http://host:port/v1'.")
MAX_RETRIES = 1  # one more try after a timeout, dropped connection, 429 or 5xx; then fall back


class LLMUnavailable(SystemFailure):
    """The language model could not be set up or did not answer usefully."""

    http_status = 503
    code = "llm_unavailable"


# ---- building a chat model from a spec -------------------------------------------------------
@dataclass(frozen=True)
class LLMSpec:
    provider: str | None  # None: let init_chat_model infer it from the model name
    model: str
    base_url: str | None = None

    def __str__(self) -> str:
        if self.provider == COMPATIBLE:
            return f"{self.model} at {self.base_url}"
        return f"{self.provider}:{self.model}" if self.provider else self.model


def parse_llm_spec(spec: str | None, base_url: str | None = None) -> LLMSpec:
    """`openai:gpt-4o-mini`, `ollama:qwen2.5`, `openai-compatible:MODEL@URL`, or a bare model name
    (served by `base_url` when one is set, else the provider is inferred)."""
    spec = (spec or "").strip()
    if spec.startswith(COMPATIBLE + ":"):
        model, _, url = spec.split(":", 1)[1].partition("@")
        where = url or base_url
        if not model or not where:
            raise LLMUnavailable(f"The LLM spec {spec!r} needs a model and a URL. {SPEC_HELP}")
        return LLMSpec(COMPATIBLE, model, where.rstrip("/"))
    if not spec:
        if base_url:
            return LLMSpec(COMPATIBLE, "local-model", base_url)
        raise LLMUnavailable(f"No LLM was named. {SPEC_HELP}")
    provider, sep, model = spec.partition(":")
    if sep and provider and model and " " not in provider:
        return LLMSpec(provider, model, base_url if provider == "openai" else None)
    if base_url:
        return LLMSpec(COMPATIBLE, spec, base_url)
    return LLMSpec(None, spec)


def _no_temperature(model: str) -> bool:
    return model.lower().startswith(("o1", "o3", "o4", "gpt-5"))


def make_chat_model(spec: str | LLMSpec | None, *, base_url: str | None = None,
                    api_key: str | None = None, timeout: float = 20.0,
                    max_retries: int = MAX_RETRIES) -> BaseChatModel:
    """A langchain chat model for the spec, or LLMUnavailable saying exactly what is missing.

    Each request is bounded by the provider client itself: `timeout` seconds per attempt and
    `max_retries` more attempts (OpenAI, OpenAI-compatible servers, Anthropic, Azure; Ollama
    through its HTTP client's timeout). Other providers keep their own defaults."""
    parsed = spec if isinstance(spec, LLMSpec) else parse_llm_spec(spec, base_url)
    common: dict[str, Any] = {} if _no_temperature(parsed.model) else {"temperature": 0}
    try:
        if parsed.provider == COMPATIBLE or (parsed.provider == "openai" and parsed.base_url):
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(model=parsed.model, base_url=parsed.base_url,
                              api_key=api_key or "not-needed",  # type: ignore[arg-type]
                              timeout=timeout, max_retries=max_retries, **common)
        from langchain.chat_models import init_chat_model

        if parsed.provider in {"openai", "anthropic", "azure_openai"} or parsed.provider is None:
            common.update(timeout=timeout, max_retries=max_retries)
        elif parsed.provider == "ollama":
            common["client_kwargs"] = {"timeout": timeout}
        if api_key:
            common["api_key"] = api_key
        name = f"{parsed.provider}:{parsed.model}" if parsed.provider else parsed.model
        return init_chat_model(name, **common)
    except ImportError as exc:
        package = _package_in(str(exc)) or f"langchain-{parsed.provider}"
        raise LLMUnavailable(f"The LLM {parsed} needs an extra package: "
                             f"pip install {package}") from None
    except ValueError as exc:
        if "infer model provider" in str(exc) or "Unsupported" in str(exc):
            raise LLMUnavailable(f"I cannot tell which provider serves {parsed.model!r}. "
                                 f"{SPEC_HELP}") from None
        raise LLMUnavailable(f"The LLM {parsed} could not be set up: {exc}") from None
    except Exception as exc:  # provider clients raise their own types (missing key, bad URL)
        if "api_key" in str(exc) or "credentials" in str(exc).lower():
            env = f"{(parsed.provider or 'openai').upper()}_API_KEY"
            raise LLMUnavailable(
                f"No API key for {parsed}: set {env} or SAYWHY_LLM_API_KEY.") from None
        log.warning("LLM setup failed", exc_info=True)
        raise LLMUnavailable(
            f"The LLM {parsed} could not be set up ({type(exc).__name__}).") from None


def _package_in(message: str) -> str | None:
    for word in message.replace("`", " ").split():
        if word.startswith("langchain-"):
            return word.rstrip(".,")
    return None


def client_from_settings(settings: Settings) -> ChatClient | None:
    """The chat client the settings ask for, or None for offline."""
    if settings.offline:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    spec = parse_llm_spec(settings.llm, settings.llm_base_url)
    model = make_chat_model(spec, api_key=key, timeout=settings.llm_timeout)
    return ChatClient(model, timeout=settings.llm_timeout, name=str(spec))


def tool_schema(tool: Tool[Any, Any]) -> dict[str, Any]:
    """A registry tool as an OpenAI-format tool schema (name, docstring, pydantic JSON schema)."""
    return convert_to_openai_tool(tool.json_schema())


# ---- one bounded call ------------------------------------------------------------------------
@dataclass
class LLMToolCall:
    name: str
    args: dict[str, Any]
    id: str
    error: str | None = None  # set when the model produced arguments that are not JSON


@dataclass
class LLMReply:
    text: str = ""
    tool_calls: list[LLMToolCall] = field(default_factory=list)


def to_messages(messages: Sequence[dict[str, Any]]) -> list[BaseMessage]:
    """Plain dicts (role, content, tool_calls, tool_call_id) to langchain messages."""
    out: list[BaseMessage] = []
    for m in messages:
        role, content = m["role"], m.get("content") or ""
        if role == "system":
            out.append(SystemMessage(content))
        elif role == "user":
            out.append(HumanMessage(content))
        elif role == "assistant":
            calls = [{"name": c["name"], "args": c.get("args") or {}, "id": c["id"],
                      "type": "tool_call"} for c in m.get("tool_calls") or []]
            out.append(AIMessage(content=content, tool_calls=calls))
        elif role == "tool":
            out.append(ToolMessage(content=content, tool_call_id=m["tool_call_id"]))
        else:
            raise ValueError(f"unknown message role {role!r}")
    return out


def _describe_failure(exc: BaseException) -> str:
    """A short, key-free reason for a provider failure: by langchain's provider-neutral error
    types, else by the provider's own exception name."""
    kind = type(exc).__name__
    if isinstance(exc, ModelAuthenticationError | ModelPermissionDeniedError) or \
            "Authentication" in kind or "PermissionDenied" in kind:
        return "the provider refused the API key"
    if isinstance(exc, ModelRateLimitError) or "RateLimit" in kind:
        return "the provider's rate limit was hit; try again in a minute"
    if isinstance(exc, ModelConnectionError | ConnectionError) or "Connect" in kind:
        return "the server could not be reached"
    if isinstance(exc, ModelNotFoundError) or "NotFound" in kind:
        return "the provider does not know that model"
    return f"it failed ({kind})"


def _timed_out(exc: BaseException) -> bool:
    return isinstance(exc, ModelTimeoutError | TimeoutError) or "Timeout" in type(exc).__name__


class ChatClient:
    """A chat model with its failures turned into LLMUnavailable.

    `timeout` is the per-attempt limit the model was built with (`make_chat_model`), named in
    the message when the provider client gives up on a call."""

    def __init__(self, model: BaseChatModel, *, timeout: float = 20.0, name: str = "") -> None:
        self.model = model
        self.timeout = timeout
        self.name = name or getattr(model, "model_name", None) or type(model).__name__

    def complete(self, messages: Sequence[dict[str, Any]],
                 tools: Sequence[dict[str, Any]] | None = None) -> LLMReply:
        runnable: Any = self.model.bind_tools(list(tools)) if tools else self.model
        try:
            message = runnable.invoke(to_messages(messages))
        except Exception as exc:
            if _timed_out(exc):
                raise LLMUnavailable(f"The language model ({self.name}) did not answer within "
                                     f"{self.timeout:g} s.") from None
            log.warning("LLM call to %s failed", self.name, exc_info=True)
            raise LLMUnavailable(f"The language model ({self.name}) could not be used: "
                                 f"{_describe_failure(exc)}.") from None
        if not isinstance(message, AIMessage):
            raise LLMUnavailable(f"The language model ({self.name}) returned something that is "
                                 "not a chat message.")
        return _reply(message)


def _reply(message: AIMessage) -> LLMReply:
    calls = [LLMToolCall(c["name"], dict(c.get("args") or {}), c.get("id") or _new_id())
             for c in message.tool_calls]
    for bad in message.invalid_tool_calls:
        calls.append(LLMToolCall(bad.get("name") or "", {}, bad.get("id") or _new_id(),
                                 error=f"arguments are not valid JSON: {bad.get('args')!r:.200}"))
    return LLMReply(text=str(message.text).strip(), tool_calls=calls)


def _new_id() -> str:
    return "call_" + uuid.uuid4().hex[:12]
