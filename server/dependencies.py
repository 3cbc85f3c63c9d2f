"""What routes depend on: the app's services, the bearer token, the rate limit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from saywhy.agent.settings import Settings
from saywhy.tools.context import ToolContext

from .config import ServerSettings
from .errors import NotReady, Unauthorized
from .limits import RateLimiter, WorkQueue
from .sessions import Factory, Sessions
from .store import Store


@dataclass
class Services:
    """Everything the routes share; on `app.state.services`."""

    settings: Settings
    limits: ServerSettings
    store: Store
    rate: RateLimiter
    factory: Factory | None = None
    ctx: ToolContext | None = None
    work: WorkQueue | None = None
    sessions: Sessions | None = None
    load_error: str | None = None


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_sessions(request: Request) -> Sessions:
    svc = get_services(request)
    if svc.sessions is None:
        if svc.load_error:
            raise NotReady(f"The model could not be loaded: {svc.load_error}")
        raise NotReady("The model is still loading; please try again in a few seconds.")
    return svc.sessions


SessionsDep = Annotated[Sessions, Depends(get_sessions)]

_bearer = HTTPBearer(auto_error=False, description="Needed when SAYWHY_API_TOKEN is set.")


async def authorize(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Security(_bearer)] = None) -> None:
    """Every API route needs `Authorization: Bearer <SAYWHY_API_TOKEN>` when a token is set."""
    token = get_services(request).settings.api_token
    if token is None or not token.get_secret_value():
        return
    given = credentials.credentials if credentials is not None else ""
    if not secrets.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise Unauthorized("This server needs an API token: send `Authorization: Bearer <token>` "
                           "(the chat page asks for it).")


def credential(request: Request) -> str:
    """Who is asking, as far as the server can tell: a fingerprint of the API token when one is
    set (every caller that passed `authorize` holds it), else "" (an open server)."""
    token = get_services(request).settings.api_token
    if token is None or not token.get_secret_value():
        return ""
    return "t:" + hashlib.sha256(token.get_secret_value().encode()).hexdigest()[:16]


CredentialDep = Annotated[str, Depends(credential)]


async def rate_limit(request: Request) -> None:
    client = request.client.host if request.client else "unknown"
    get_services(request).rate.check(client)


async def guard(request: Request, credentials: Annotated[
        HTTPAuthorizationCredentials | None, Security(_bearer)] = None) -> None:
    """The token first, then the rate limit: a request without the right token is counted under
    a key of its own ("unauthorized:" + IP), so it never uses up the allowance of valid clients
    behind the same IP. Done here on the `limits` library rather than through slowapi: its
    middleware counts a request before the token is checked, and its route decorator runs after
    the dependencies, so a request refused for its token would not be counted at all."""
    try:
        await authorize(request, credentials)
    except Unauthorized:
        client = request.client.host if request.client else "unknown"
        get_services(request).rate.check("unauthorized:" + client)
        raise
    await rate_limit(request)


GUARDS = [Depends(guard)]
