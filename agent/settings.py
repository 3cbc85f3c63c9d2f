"""Settings from the environment (`SAYWHY_*`), validated once, shared by the CLI, REPL and server.

One object instead of scattered `os.environ` reads, so a typo in `SAYWHY_LLM` or a negative
timeout fails at start-up with a sentence, not halfway through a conversation. Secrets are
`SecretStr` so they never appear in a log line or a repr.

`EnvSettings` is the one place that says how a section is read (the `SAYWHY_` prefix) and how a
bad value is reported; `Settings` here and the server's `ServerSettings` (saywhy.server.config)
are its sections, each field declared once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from saywhy.tools.errors import UserError
from saywhy.tools.home import saywhy_home
from saywhy.tools.target.windows import DEFAULT_WINDOWS

OFFLINE_WORDS = {"", "none", "off", "offline", "false", "0", "no"}


class EnvSettings(BaseSettings):
    """A section of settings: each field is read from `SAYWHY_<FIELD>`, validated at load."""

    model_config = SettingsConfigDict(env_prefix="SAYWHY_", extra="ignore", validate_default=True)
    section: ClassVar[str] = "settings"  # how an error message names the section

    @classmethod
    def load(cls, **overrides: object) -> Self:
        """The section from the environment plus explicit overrides (CLI flags; None = unset);
        an invalid value is one UserError sentence naming each `SAYWHY_*` variable at fault."""
        values: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
        try:
            return cls(**values)
        except ValidationError as exc:
            problems = "; ".join(
                f"SAYWHY_{str(e['loc'][0]).upper() if e['loc'] else '?'}: {e['msg']}"
                for e in exc.errors())
            raise UserError(f"Invalid {cls.section}: {problems}.") from None


class Settings(EnvSettings):
    """Everything configurable. Each field is read from `SAYWHY_<FIELD>` (e.g. `SAYWHY_LLM`)."""

    home: Path = Field(default_factory=saywhy_home,
                       description="Where every writable thing lives (caches, models, stores).")
    model: str = Field(default="demo-sentiment",
                       description="demo-sentiment, demo-lm, a model directory, .gguf or hub id.")
    data: str | None = Field(default=None, description="CSV, JSONL or Parquet file to explain on.")
    text_column: str | None = Field(default=None, description="The data's text column "
                                    "(default: guessed from text, sentence, body, message ...).")
    label_column: str | None = Field(default=None, description="The data's gold label column "
                                     "(default: guessed from label, class, category, topic ...).")
    labels: str | None = Field(default=None, description="Names for a table model's classes: "
                                "'0=bad risk,1=good risk' (class=name pairs) or 'bad risk,good "
                                "risk' (in the order of classes_); default: the classes as they "
                                "are.")
    id_column: str | None = Field(default=None, description="The data's id column, integers or "
                                  "strings (default: guessed from id, idx, uid, *_id ...).")
    item_name: str | None = Field(default=None, description="What one item is called in answers "
                                  "(ticket, case ...; default: item, or review for the demo).")
    windows: int = Field(
        default=DEFAULT_WINDOWS, ge=1, le=64,
        description="Most windows of the model's maximum length a classifier reads a long text "
                    "in (each overlapping the one before by a quarter, probabilities averaged); "
                    "1 = the first window only, as a transformers pipeline truncates.")
    llm: str | None = Field(
        default=None,
        description="Chat model for planning and writing; None = the offline planner. Forms: "
                    "'openai:gpt-4o-mini', 'anthropic:MODEL', 'ollama:qwen2.5', "
                    "or 'openai-compatible:MODEL@http://host:port/v1'.")
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible server URL (vLLM, llama.cpp, LM Studio).")
    llm_api_key: SecretStr | None = Field(default=None, description="API key for the LLM provider.")
    llm_timeout: float = Field(default=20.0, gt=0, le=600, description="Seconds per LLM call.")
    llm_max_rounds: int = Field(default=3, ge=1, le=10,
                                description="Most LLM calls for planning one question.")
    api_token: SecretStr | None = Field(default=None,
                                        description="Bearer token the web API requires, if set.")
    seed: int = Field(default=0, ge=0, description="Seed for sampling and the writer's phrasing.")
    ray_address: str | None = Field(
        default=None, description="Ray for dataset-level work (predictions over the data, global "
        "importance): 'local', 'auto', HOST:PORT or ray://HOST:10001; None = in-process.")

    @field_validator("home", mode="after")
    @classmethod
    def _home(cls, value: Path) -> Path:
        path = value.expanduser()
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"cannot create {path}: {exc.strerror}") from None
        return path

    @field_validator("model", mode="after")
    @classmethod
    def _model(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must name a model")
        return value.strip()

    @field_validator("data", "labels", mode="after")
    @classmethod
    def _data(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("llm", mode="after")
    @classmethod
    def _llm(cls, value: str | None) -> str | None:
        if value is None or value.strip().lower() in OFFLINE_WORDS:
            return None
        value = value.strip()
        if value.startswith("openai-compatible:"):
            rest = value.split(":", 1)[1]
            model, _, url = rest.partition("@")
            if not model or (url and not url.startswith(("http://", "https://"))):
                raise ValueError("use 'openai-compatible:MODEL@http://host:port/v1'")
        return value

    @field_validator("llm_base_url", mode="after")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.strip().rstrip("/")

    @property
    def offline(self) -> bool:
        return self.llm is None and self.llm_base_url is None


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment plus explicit overrides (CLI flags); errors as UserError."""
    return Settings.load(**overrides)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (cached; tests call `get_settings.cache_clear()`)."""
    return load_settings()
