"""Errors as words for their audience, so that a user never sees a stack trace.

A planner's bad arguments become a clarifying question; a UserError is a plain sentence; a
saywhy system failure is a short apology with its own hint; anything else is an apology that
points at the log, where the stack trace goes. `Conversation` turns every failure of a turn into
an `Answer` through here.
"""

from __future__ import annotations

import logging

from saywhy.tools.errors import SaywhyError, SystemFailure, ToolArgsError, UserError

from .answer import Answer, AnswerError

log = logging.getLogger("saywhy.agent.conversation")  # the conversation's failures, as before


def clarify(exc: ToolArgsError) -> str:
    return (f"I could not run that as I understood it ({exc.message.rstrip('.')}). Could you say "
            "it another way, for example naming the item by its id or quoting the text?")


def failure_answer(exc: BaseException) -> Answer:
    """The answer for a turn that failed with `exc` (logged, with its trace, unless the user's)."""
    if isinstance(exc, UserError):
        return Answer(text=exc.user_text(), kind="error", error=AnswerError(
            code=exc.code, message=exc.user_text(), http_status=exc.http_status))
    if isinstance(exc, SaywhyError):
        log.error("system failure: %s", exc.message, exc_info=exc)
        text = f"Sorry, I could not answer that: {exc.user_text()}"
        if not isinstance(exc, SystemFailure) or exc.hint is None:
            text += " Please try again; if it keeps failing, restart saywhy or check the log."
        return Answer(text=text, kind="error", error=AnswerError(
            code=exc.code, message=exc.user_text(), http_status=exc.http_status))
    log.error("unexpected failure while answering", exc_info=exc)
    return Answer(text="Sorry, something went wrong on my side while answering that. It is in "
                       "the log; please try again or ask in other words.", kind="error",
                  error=AnswerError(code="internal_error", message="internal error"))
