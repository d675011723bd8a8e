"""Logging in and out, and who am I."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from nomina.access import Principal, authenticate, create_session, end_session
from nomina.access.rules import RULES, authorise, scopes_of_role
from nomina.api.security import (
    CSRF_COOKIE,
    CSRF_HEADER,
    SESSION_COOKIE,
    ApiError,
    audit,
    check_csrf,
    csrf_token_for,
    route,
    settings_of,
    store_of,
    who,
)

router = APIRouter(prefix="/api", tags=["session"])


class Login(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def describe(principal: Principal) -> dict[str, Any]:
    allowed = [action for action in RULES if authorise(principal, action)]
    return {
        "name": principal.name,
        "role": principal.role,
        "countries": sorted(principal.countries),
        # A session has every scope its role may use; a token, those it was given.
        "scopes": sorted(
            principal.scopes if principal.scopes is not None else scopes_of_role(principal.role)
        ),  # fmt: skip
        "via": principal.via,
        "actions": allowed,
    }


@route(router, "POST", "/login", "session", summary="Log in: sets the session cookie")
def login(body: Login, request: Request, response: Response) -> dict[str, Any]:
    """Check name and password; on success set the session cookie and return the CSRF
    token to send as X-CSRF-Token with every change. 5 failures a minute for one name or
    from one address → 429 until the minute has passed."""
    limiter = request.app.state.limiter
    client = _client(request)
    wait = limiter.retry_after(body.name, client)
    if wait > 0:
        raise ApiError(
            429,
            f"too many failed logins: try again in {int(wait) + 1} s",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    store, settings = store_of(request), settings_of(request)
    user, why = authenticate(store, body.name, body.password)
    if user is None:
        limiter.failed(body.name, client)
        audit(request, request.state.principal, "login failed", "user", body.name,
              {"reason": why, "client": client})  # fmt: skip
        raise ApiError(401, "name or password wrong, or the user is disabled")
    limiter.succeeded(body.name)
    session = create_session(store, user, hours=settings.session_hours)
    csrf = csrf_token_for(settings, session)
    age = int(settings.session_hours * 3600)
    response.set_cookie(SESSION_COOKIE, session, max_age=age, httponly=True, samesite="lax",
                        secure=settings.secure_cookies)  # fmt: skip
    response.set_cookie(CSRF_COOKIE, csrf, max_age=age, httponly=False, samesite="strict",
                        secure=settings.secure_cookies)  # fmt: skip
    principal = user.principal()
    audit(request, principal, "log in", "user", user.name, {"client": client})
    return {**describe(principal), "csrf_token": csrf, "csrf_header": CSRF_HEADER}


@route(router, "POST", "/logout", "session", summary="Log out: ends the session")
def logout(request: Request, response: Response) -> dict[str, Any]:
    principal: Principal = request.state.principal
    session = request.cookies.get(SESSION_COOKIE)
    if principal.via == "session" and session:
        check_csrf(request, request.headers.get(CSRF_HEADER))
        end_session(store_of(request), session)
        audit(request, principal, "log out", "user", principal.name)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return {"logged_out": principal.via == "session"}


@route(router, "GET", "/me", "read_self", summary="Who am I, and what may I do")
def me(principal: Annotated[Principal, Depends(who)]) -> dict[str, Any]:
    return describe(principal)
