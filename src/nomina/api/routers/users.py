"""Users and API tokens (admins only). Users are disabled, never deleted."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from nomina.access import AccessError, Principal, add_user, create_token, disable_user, list_users
from nomina.access.rules import ROLES, SCOPES
from nomina.api.security import ApiError, route, store_of, who

router = APIRouter(prefix="/api", tags=["users"])
NAME = Path(min_length=1, max_length=64)


def _field_of(error: AccessError) -> str | None:
    head = str(error).split(":", 1)[0]
    return head if head in ("name", "role", "password", "countries", "country", "scope", "expires_days") else None  # fmt: skip


def _refused(error: AccessError) -> ApiError:
    message = str(error)
    status = 404 if message.startswith("name: no user") else 409 if "exists already" in message else 422  # fmt: skip
    return ApiError(status, message, field=_field_of(error))


@route(router, "GET", "/users", "manage_users", summary="Users")
def users(request: Request) -> dict[str, Any]:
    items = list_users(store_of(request))
    return {"total": len(items), "items": items}


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    role: Literal[ROLES]  # type: ignore[valid-type]
    password: str = Field(min_length=1, max_length=1024)
    countries: list[str] = Field(default_factory=list, max_length=300)


@route(router, "POST", "/users", "manage_users", summary="Add a user", status_code=201)
def user_add(body: UserIn, request: Request, principal: Annotated[Principal, Depends(who)]) -> dict[str, Any]:  # fmt: skip
    try:
        user = add_user(store_of(request), body.name, body.role, body.password,
                        countries=body.countries, actor=principal.name)  # fmt: skip
    except AccessError as error:
        raise _refused(error) from None
    return {"name": user.name, "role": user.role, "countries": sorted(user.countries), "disabled": False}  # fmt: skip


@route(router, "POST", "/users/{name}/disable", "manage_users", summary="Disable a user")
def user_disable(request: Request, name: Annotated[str, NAME], principal: Annotated[Principal, Depends(who)]) -> dict[str, Any]:  # fmt: skip
    try:
        user = disable_user(store_of(request), name, actor=principal.name)
    except AccessError as error:
        raise _refused(error) from None
    return {"name": user.name, "role": user.role, "disabled": True}


class TokenIn(BaseModel):
    scopes: list[Literal[SCOPES]] = Field(min_length=1, max_length=len(SCOPES))  # type: ignore[valid-type]
    expires_days: int | None = Field(None, ge=1, le=3650)


@route(router, "POST", "/users/{name}/tokens", "manage_users", summary="Create an API token", status_code=201)  # fmt: skip
def token_create(body: TokenIn, request: Request, name: Annotated[str, NAME], principal: Annotated[Principal, Depends(who)]) -> dict[str, Any]:  # fmt: skip
    """The token is in this answer only: it is stored as a hash."""
    try:
        token, facts = create_token(store_of(request), name, body.scopes,
                                    expires_days=body.expires_days, actor=principal.name)  # fmt: skip
    except AccessError as error:
        raise _refused(error) from None
    return {"token": token, **facts}
