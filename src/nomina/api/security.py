"""Authentication and authorisation for every endpoint (JSON API and HTML pages alike).

Who is asking (`resolve_principal`), in this order:

1. `Authorization: Bearer <API token>`: the token's user, limited to the token's scopes;
   an unknown, expired or revoked token, or one of a disabled user, is refused (401).
2. The session cookie `nomina_session` set by `POST /api/login`: the user, with the
   full rights of their role. An unknown or expired session counts as no session.
3. Otherwise an anonymous visitor, who acts as the `public` role (unless
   NOMINA_ANONYMOUS_PUBLIC=0, when they may only log in).

Reconciliation routes also take `?token=` (OpenRefine cannot send headers to a
reconciliation service); such a URL is a credential: treat it like a password.

What they may do: `nomina.access.authorise`, asked once per request by the dependency
`guard(action)` that `route` attaches to every endpoint (the action is also in the
OpenAPI document as `x-nomina-action`). A refusal is 401 for someone not logged in and
403 (audited) for someone who is.

CSRF: a request authenticated by the session cookie with an unsafe method (POST, PUT,
PATCH, DELETE) must carry the header `X-CSRF-Token` (or, for HTML forms, a form field
`csrf_token` checked by `check_csrf`) equal to the token login returned, which is an
HMAC of the session with NOMINA_SECRET_KEY and is also in the readable cookie
`nomina_csrf`. A cross-site page can make the browser send the cookie but cannot read
or forge the token. Bearer-token requests need none: browsers never add that header.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from nomina.access import ANONYMOUS, Decision, Principal, authorise
from nomina.access.users import principal_for_session, principal_for_token
from nomina.api.settings import ApiSettings
from nomina.store import Store
from nomina.store.audit import append_audit

SESSION_COOKIE = "nomina_session"
CSRF_COOKIE = "nomina_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
ACTION_KEY = "x-nomina-action"


class ApiError(HTTPException):
    """A 4xx answer: {"detail": message, "field": the request field at fault, or null}."""

    def __init__(
        self, status_code: int, detail: str, *, field: str | None = None, headers=None
    ) -> None:
        super().__init__(status_code=status_code, detail=detail, headers=headers)
        self.field = field


def store_of(request: Request) -> Store:
    return request.app.state.store


def settings_of(request: Request) -> ApiSettings:
    return request.app.state.settings


def csrf_token_for(settings: ApiSettings, session_token: str) -> str:
    return hmac.new(
        settings.secret_key.encode(), session_token.encode(), hashlib.sha256
    ).hexdigest()


def check_csrf(request: Request, submitted: str | None) -> None:
    """Refuse (403) a cookie-authenticated change whose CSRF token is missing or wrong."""
    session = request.cookies.get(SESSION_COOKIE, "")
    expected = csrf_token_for(settings_of(request), session)
    if not submitted or not hmac.compare_digest(submitted, expected):
        raise ApiError(
            403,
            f"CSRF token missing or wrong: send the {CSRF_HEADER} header with the token "
            "login returned (cookie nomina_csrf)",
            field=CSRF_HEADER,
        )


def resolve_principal(request: Request, *, allow_query_token: bool = False) -> Principal:
    store = store_of(request)
    header = request.headers.get("authorization", "")
    token = None
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise ApiError(401, "Authorization: expected 'Bearer <API token>'", field="Authorization")  # fmt: skip
        token = value.strip()
    elif allow_query_token and request.query_params.get("token"):
        token = request.query_params["token"]
    if token is not None:
        principal = principal_for_token(store, token)
        if principal is None:
            raise ApiError(
                401, "API token unknown, expired or revoked, or its user is disabled",
                field="Authorization", headers={"WWW-Authenticate": "Bearer"},
            )  # fmt: skip
        return principal
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        principal = principal_for_session(store, session)
        if principal is not None:
            return principal
    return ANONYMOUS


def audit(request: Request, principal: Principal, action: str, object_type: str | None = None,
          object_id: str | None = None, detail: dict[str, Any] | None = None) -> None:  # fmt: skip
    """An audit entry in its own transaction (for reads no stage function audits)."""
    with store_of(request).engine.begin() as connection:
        append_audit(
            connection, actor=principal.name, action=action, object_type=object_type,
            object_id=object_id, detail=detail,
        )  # fmt: skip


def refuse(
    request: Request,
    principal: Principal,
    action: str,
    reason: str,
    *,
    object_type: str | None = None,
    object_id: str | None = None,
) -> ApiError:
    """The refusal to raise: 401 when not logged in; 403, audited, when logged in."""
    if not principal.authenticated:
        return ApiError(401, f"log in first: {reason}", headers={"WWW-Authenticate": "Bearer"})
    audit(request, principal, "refused", object_type, object_id, {"action": action, "reason": reason})  # fmt: skip
    return ApiError(403, reason)


def guard(action: str, *, allow_query_token: bool = False) -> Callable[[Request], Principal]:
    """A dependency: the request's principal, when it may do `action` (else 401/403)."""

    def dependency(request: Request) -> Principal:
        principal = resolve_principal(request, allow_query_token=allow_query_token)
        decision = authorise(principal, action)
        if not principal.authenticated and not settings_of(request).anonymous_public:
            if action != "session":
                decision = Decision(False, "this server shows nothing to visitors not logged in")
        if not decision:
            raise refuse(request, principal, action, decision.reason)
        # Logging in needs no CSRF token (logout checks its own).
        unsafe = request.method not in SAFE_METHODS and action != "session"
        if principal.via == "session" and unsafe:
            check_csrf(request, request.headers.get(CSRF_HEADER))
        request.state.principal = principal
        return principal

    dependency.__name__ = f"guard_{action}"
    return dependency


def who(request: Request) -> Principal:
    """The principal the route's guard let in (use as `Depends(who)`)."""
    return request.state.principal


def route(
    router: APIRouter,
    method: str,
    path: str,
    action: str,
    *,
    allow_query_token: bool = False,
    **options: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register an endpoint guarded by `action`: the one way endpoints are declared, so
    none can be added without a rule of the authorisation matrix."""
    extra = dict(options.pop("openapi_extra", None) or {})
    extra[ACTION_KEY] = action
    return router.api_route(
        path,
        methods=[method],
        dependencies=[Depends(guard(action, allow_query_token=allow_query_token))],
        openapi_extra=extra,
        **options,
    )


def guarded_action(endpoint_route: Any) -> str | None:
    """The action an app route is guarded by (None for routes outside `route`, e.g. docs)."""
    extra = getattr(endpoint_route, "openapi_extra", None) or {}
    return extra.get(ACTION_KEY)


def scope_check(
    request: Request,
    principal: Principal,
    action: str,
    countries: frozenset[str],
    *,
    object_type: str,
    object_id: str,
) -> None:
    """Refuse (403, audited) a read of one object outside the principal's countries."""
    decision = authorise(principal, action, countries)
    if not decision:
        raise refuse(request, principal, action, decision.reason, object_type=object_type,
                     object_id=object_id)  # fmt: skip


def operations(app: Any) -> list[tuple[str, str, str | None]]:
    """(method, path, action) of every operation in the app's OpenAPI document."""
    found = []
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            found.append((method.upper(), path, operation.get(ACTION_KEY)))
    return sorted(found)
