"""One exception tree for the whole project, three audiences.

- `UserError`: the user's mistake (unknown id, empty text, bad file). Shown as a plain sentence.
- `ToolArgsError`: the planner's mistake (arguments that do not fit a tool). Fed back to an LLM
  planner once for a retry, or turned into a clarifying question by the offline planner.
- `SystemFailure` family (`TargetError`, `AssetError`, `ToolTimeout`): the system failed. A short
  apology with what to do; the stack trace goes to the log only. `ToolTimeout` is also what a
  turn's deadline raises at its next `ToolContext.check()`.
- `CancelledByUser`: nobody's mistake; the user stopped the turn (Ctrl-C), which ends at its next
  `ToolContext.check()` and leaves the conversation as it was before the question.

It lives in `saywhy.tools` because tools are the lowest layer; the agent and the server import it
from here. `http_status` is the single place where each class maps to an HTTP status code.
"""

from __future__ import annotations


class SaywhyError(Exception):
    """Base class. `message` is safe to show to a person; it never contains a traceback."""

    http_status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def user_text(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class UserError(SaywhyError):
    """Something the user asked for or gave cannot be used as it is."""

    http_status = 400
    code = "bad_request"


class NotFoundError(UserError):
    """An id, label, column, model or file the user named does not exist."""

    http_status = 404
    code = "not_found"


class ToolArgsError(SaywhyError):
    """A planner produced arguments that do not fit the tool; the planner may retry."""

    http_status = 422
    code = "invalid_tool_arguments"


class SystemFailure(SaywhyError):
    """The system, not the user, failed."""

    http_status = 500
    code = "internal_error"


class TargetError(SystemFailure):
    """The target model could not be loaded or run."""

    http_status = 500
    code = "target_error"


class AssetError(SystemFailure):
    """A registry-fetched asset is missing, unreachable or fails its hash check."""

    http_status = 503
    code = "asset_unavailable"


class ToolTimeout(SystemFailure):
    """A tool ran past its time budget."""

    http_status = 504
    code = "tool_timeout"


class CancelledByUser(SaywhyError):
    """The user cancelled the turn (or the server did, after answering 504 for it). 499 is
    nginx's "client closed request": nobody is waiting for the answer any more."""

    http_status = 499
    code = "cancelled"


def http_status(exc: BaseException) -> int:
    """The one mapping from an exception to an HTTP status code."""
    return exc.http_status if isinstance(exc, SaywhyError) else 500
