"""The web server's own limits (`SAYWHY_*`): a section of the agent's settings.

Read and validated like `saywhy.agent.settings.Settings` (the shared `EnvSettings` base), kept in
its own section because only the server reads it; every limit has a default that suits one person
on a 2-core machine and can be raised for a benchmark.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field

from saywhy.agent.settings import EnvSettings
from saywhy.tools.home import saywhy_home


class ServerSettings(EnvSettings):
    """Limits and storage of `saywhy serve`. Each field is read from `SAYWHY_<FIELD>`."""

    section: ClassVar[str] = "server settings"

    db_path: Path | None = Field(default=None, description="SQLite file for conversations "
                                 "(default SAYWHY_HOME/server/conversations.sqlite3).")
    max_message_chars: int = Field(default=20_000, ge=1, description="Longest question.")
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, description="Largest request body.")
    rate_limit_per_minute: float = Field(default=120.0, ge=0,
                                         description="Requests per client IP (0 = no limit).")
    rate_limit_burst: int = Field(default=60, ge=1, description="Requests a client IP may send "
                                  "at once; over time it gets rate_limit_per_minute.")
    # One worker with torch's own intra-op threads beat two workers on 2 cores (evals/bench_server:
    # 4.8 vs 3.4-3.8 answers/s at 4-16 clients; one thread each was worse still, 2.9-3.1): two
    # forward passes at once oversubscribe the cores. Raise it on machines with more cores.
    workers: int = Field(default=1, ge=1, le=16, description="Questions answered at once.")
    queue_limit: int = Field(default=32, ge=0, description="Questions that may wait for a worker; "
                             "more get 503.")
    queue_timeout: float = Field(default=300.0, gt=0, description="Seconds a question may wait "
                                 "for a worker before 503.")
    request_timeout: float = Field(default=300.0, gt=0, description="Seconds of model work per "
                                   "question before 504.")
    sessions_cached: int = Field(default=64, ge=1, description="Conversations kept in memory.")

    def database(self) -> Path:
        return (self.db_path or saywhy_home() / "server" / "conversations.sqlite3").expanduser()


def load_server_settings(**overrides: object) -> ServerSettings:
    """Server settings from the environment plus overrides; errors as one UserError sentence."""
    return ServerSettings.load(**overrides)
