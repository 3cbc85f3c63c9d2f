"""Every error leaves the server as `{"error": {"code", "message"}}` with the right status.

The status and code come from the exception tree itself (`saywhy.tools.errors`: each class's
`http_status` and `code`); the server adds only its HTTP-specific classes to that tree (401, 413,
429, 503) and the headers that go with them. Unknown routes, bad methods, validation failures and
crashes get the same shape; a stack trace goes to the log, never into a response.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from saywhy.tools.errors import NotFoundError, SaywhyError, SystemFailure, UserError, http_status

log = logging.getLogger("saywhy.server")


class Unauthorized(UserError):
    """No bearer token, or the wrong one (sent with `WWW-Authenticate: Bearer`)."""

    http_status = 401
    code = "unauthorized"


class PayloadTooLarge(UserError):
    http_status = 413
    code = "payload_too_large"


class RateLimited(UserError):
    http_status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(SystemFailure):
    """503, try again shortly (sent with `Retry-After`); expected, so not logged as a failure."""

    http_status = 503
    retry_after = 5.0


class ServerBusy(Unavailable):
    code = "busy"


class NotReady(Unavailable):
    code = "not_ready"


# The code of a status Starlette raises itself (no exception of the tree behind it): the tree's
# own where it has a class for that status, so either way a status reads the same.
HTTP_CODES = {cls.http_status: cls.code
              for cls in (UserError, NotFoundError, Unauthorized, PayloadTooLarge, RateLimited)}
HTTP_CODES |= {403: "forbidden", 405: "method_not_allowed", 406: "not_acceptable",
               415: "unsupported_media_type", 422: "validation_error"}


def jsonable(value: Any) -> Any:
    """NaN and infinities become null: JSON has no spelling for them."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


class SafeJSONResponse(JSONResponse):
    """The app's default response: tolerant of NaN in tool results."""

    def render(self, content: Any) -> bytes:
        return super().render(jsonable(content))


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def saywhy_error_response(exc: SaywhyError) -> JSONResponse:
    headers: dict[str, str] = {}
    if isinstance(exc, RateLimited | Unavailable):
        headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
    elif isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if http_status(exc) >= 500 and not isinstance(exc, Unavailable):
        log.error("request failed: %s", exc.message, exc_info=exc)
    return error_response(http_status(exc), exc.code, exc.user_text(), headers or None)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body",)) or "body"
        parts.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts) + "."


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(SaywhyError)
    async def _saywhy(request: Request, exc: SaywhyError) -> JSONResponse:
        return saywhy_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "validation_error", _validation_message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        if status == 404 and exc.detail in (None, "Not Found"):
            message = f"There is no {request.method} {request.url.path} here; see /docs."
        elif status == 405:
            message = f"{request.method} is not allowed on {request.url.path}."
        else:
            message = str(exc.detail) if exc.detail else "HTTP error."
        return error_response(status, HTTP_CODES.get(status, "http_error"), message,
                              dict(exc.headers) if exc.headers else None)

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "Something went wrong on the server; "
                              "the details are in its log.")
