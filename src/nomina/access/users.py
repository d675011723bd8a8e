"""Users, their liaison countries, API tokens and browser sessions, in the store.

Users are never deleted, only disabled (`disable_user`): the audit log keeps naming
someone the register knew. Only hashes are stored: Argon2id for passwords, SHA-256 for
API tokens and session cookies (random 256-bit values: a fast hash is enough, and a
stolen table lets no one log in). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from nomina.access.passwords import (
    burn_time,
    check_password_strength,
    hash_password,
    verify_password,
)
from nomina.access.rules import ROLES, SCOPES, Principal, scopes_of_role
from nomina.reference import get_territory, lookup_territory
from nomina.settings import current_actor
from nomina.store import Store
from nomina.store.audit import append_audit
from nomina.store.dialect import take_write_lock
from nomina.store.schema import api_tokens, user_countries, user_sessions, users

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
TOKEN_PREFIX = "nmn_"
USER_COLUMNS = ("name", "role", "countries", "disabled", "created_at", "created_by")


class AccessError(ValueError):
    """A request about users or tokens that cannot be done; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    countries: frozenset[str]
    disabled: bool

    def principal(self, *, scopes: frozenset[str] | None = None, via: str = "session") -> Principal:
        return Principal(self.name, self.role, self.countries, scopes, self.id, via)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands datetimes back without a zone; they were stored as UTC.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def country_codes(countries: Iterable[str]) -> frozenset[str]:
    """Reference codes of countries given as codes or names (Nepal, NP, Непал)."""
    codes = set()
    for given in countries:
        territory = get_territory(given.strip().upper()) or lookup_territory(given)
        if territory is None:
            raise AccessError(f"country: {given!r} is not in the reference table")
        codes.add(territory.code)
    return frozenset(codes)


def add_user(
    store: Store,
    name: str,
    role: str,
    password: str,
    *,
    countries: Collection[str] = (),
    actor: str | None = None,
) -> User:
    if not NAME_PATTERN.match(name or ""):
        raise AccessError(
            "name: letters, digits and . _ @ - only, starting with a letter or digit, "
            "at most 64 characters"
        )
    if role not in ROLES:
        raise AccessError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    codes = country_codes(countries)
    if role == "liaison" and not codes:
        raise AccessError("countries: a liaison officer needs at least one country (--country)")
    if role != "liaison" and codes:
        raise AccessError(f"countries: only liaison officers have countries, not a {role}")
    try:
        check_password_strength(password)
    except ValueError as error:
        raise AccessError(str(error)) from None
    who = actor or current_actor()
    hashed = hash_password(password)
    with store.engine.begin() as connection:
        take_write_lock(connection)
        if connection.execute(select(users.c.id).where(users.c.name == name)).first():
            raise AccessError(f"name: a user {name!r} exists already (users are never deleted)")
        user_id = connection.execute(
            users.insert().values(
                name=name,
                role=role,
                password_hash=hashed,
                disabled=0,
                created_at=_now(),
                created_by=who,
            )
        ).inserted_primary_key[0]
        for code in sorted(codes):
            connection.execute(user_countries.insert().values(user_id=user_id, country=code))
        append_audit(
            connection,
            actor=who,
            action="add user",
            object_type="user",
            object_id=name,
            detail={"role": role, "countries": sorted(codes)},
        )
    return User(user_id, name, role, codes, False)


def _user_from_row(connection: Connection, row: Any) -> User:
    codes = connection.execute(
        select(user_countries.c.country).where(user_countries.c.user_id == row.id)
    ).scalars()
    return User(row.id, row.name, row.role, frozenset(codes), bool(row.disabled))


def get_user(connection: Connection, name: str) -> User | None:
    row = connection.execute(select(users).where(users.c.name == name)).first()
    return _user_from_row(connection, row) if row else None


def list_users(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as connection:
        countries: dict[int, list[str]] = {}
        for user_id, code in connection.execute(
            select(user_countries.c.user_id, user_countries.c.country).order_by(
                user_countries.c.country
            )
        ):
            countries.setdefault(user_id, []).append(code)
        rows = connection.execute(select(users).order_by(users.c.name)).mappings().all()
    return [
        {
            "name": row["name"],
            "role": row["role"],
            "countries": " ".join(countries.get(row["id"], [])),
            "disabled": bool(row["disabled"]),
            "created_at": _aware(row["created_at"]),
            "created_by": row["created_by"],
        }
        for row in rows
    ]


def disable_user(store: Store, name: str, *, actor: str | None = None) -> User:
    """Disable a user: no login, no session, no token works for them any more."""
    who = actor or current_actor()
    with store.engine.begin() as connection:
        take_write_lock(connection)
        user = get_user(connection, name)
        if user is None:
            raise AccessError(f"name: no user {name!r}")
        if not user.disabled:
            connection.execute(
                users.update().where(users.c.id == user.id).values(disabled=1, disabled_at=_now())
            )
            connection.execute(user_sessions.delete().where(user_sessions.c.user_id == user.id))
            append_audit(
                connection, actor=who, action="disable user", object_type="user", object_id=name
            )
    return User(user.id, user.name, user.role, user.countries, True)


def authenticate(store: Store, name: str, password: str) -> tuple[User | None, str]:
    """(the user, "ok") when the name and password fit an enabled user; else (None, why)."""
    with store.engine.connect() as connection:
        row = connection.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            burn_time(password)
            return None, "unknown user"
        if not verify_password(row.password_hash, password):
            return None, "wrong password"
        if row.disabled:
            return None, "user disabled"
        return _user_from_row(connection, row), "ok"


# --- API tokens ------------------------------------------------------------------------


def create_token(
    store: Store,
    name: str,
    scopes: Collection[str],
    *,
    expires_days: int | None = None,
    actor: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """A new API token for user `name` with `scopes`: (the token, shown once; its facts)."""
    wanted = sorted(set(scopes))
    if not wanted:
        raise AccessError(f"scope: give at least one of {', '.join(SCOPES)}")
    unknown = [scope for scope in wanted if scope not in SCOPES]
    if unknown:
        raise AccessError(f"scope: {', '.join(unknown)} unknown; known: {', '.join(SCOPES)}")
    if expires_days is not None and expires_days < 1:
        raise AccessError("expires_days: at least 1")
    who = actor or current_actor()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = _now()
    expires = now + dt.timedelta(days=expires_days) if expires_days else None
    with store.engine.begin() as connection:
        take_write_lock(connection)
        user = get_user(connection, name)
        if user is None:
            raise AccessError(f"name: no user {name!r}")
        if user.disabled:
            raise AccessError(f"name: user {name!r} is disabled")
        beyond = [scope for scope in wanted if scope not in scopes_of_role(user.role)]
        if beyond:
            raise AccessError(f"scope: a {user.role} cannot be given {', '.join(beyond)}")
        connection.execute(
            api_tokens.insert().values(
                user_id=user.id,
                token_hash=token_hash(token),
                prefix=token[:12],
                scopes=" ".join(wanted),
                created_at=now,
                expires_at=expires,
            )
        )
        append_audit(
            connection,
            actor=who,
            action="create token",
            object_type="user",
            object_id=name,
            detail={"token": token[:12], "scopes": wanted},
        )
    return token, {"user": name, "prefix": token[:12], "scopes": wanted, "expires_at": expires}


def principal_for_token(store: Store, token: str) -> Principal | None:
    """The principal an API token stands for; None when unknown, expired, revoked, or its
    user is disabled."""
    with store.engine.connect() as connection:
        row = connection.execute(
            select(api_tokens, users.c.disabled)
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.token_hash == token_hash(token))
        ).first()
        if row is None or row.disabled or row.revoked_at is not None:
            return None
        expires = _aware(row.expires_at)
        if expires is not None and expires <= _now():
            return None
        user = _user_from_row(
            connection, connection.execute(select(users).where(users.c.id == row.user_id)).one()
        )
    return user.principal(scopes=frozenset(row.scopes.split()), via="token")


# --- sessions --------------------------------------------------------------------------


def create_session(store: Store, user: User, *, hours: float) -> str:
    """A new browser session for `user`: the cookie value (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    with store.engine.begin() as connection:
        connection.execute(
            user_sessions.insert().values(
                user_id=user.id,
                token_hash=token_hash(token),
                created_at=now,
                expires_at=now + dt.timedelta(hours=hours),
            )
        )
        # Expired sessions of anyone go now: the table holds live sessions only.
        connection.execute(user_sessions.delete().where(user_sessions.c.expires_at < now))
    return token


def principal_for_session(store: Store, token: str) -> Principal | None:
    with store.engine.connect() as connection:
        row = connection.execute(
            select(user_sessions.c.expires_at, users)
            .join(users, users.c.id == user_sessions.c.user_id)
            .where(user_sessions.c.token_hash == token_hash(token))
        ).first()
        if row is None or row.disabled or _aware(row.expires_at) <= _now():
            return None
        return _user_from_row(connection, row).principal(via="session")


def end_session(store: Store, token: str) -> None:
    with store.engine.begin() as connection:
        connection.execute(
            user_sessions.delete().where(user_sessions.c.token_hash == token_hash(token))
        )
