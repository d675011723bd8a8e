"""Access control for the interfaces: users and roles, Argon2 passwords, scoped API
tokens, sessions, login rate limiting, and the authorisation matrix (`rules`) that every
endpoint asks through `authorise`.

>>> add_user(store, "sita", "liaison", password, countries=["NP"])
>>> authorise(principal, "read_persons", object_countries={"KP"})   # Decision(False, ...)
"""

from nomina.access.ratelimit import LoginLimiter
from nomina.access.rules import (
    ANONYMOUS,
    ROLES,
    RULES,
    SCOPES,
    Decision,
    Principal,
    Rule,
    authorise,
    country_filter,
    matrix,
    may,
    scopes_of_role,
)
from nomina.access.users import (
    AccessError,
    User,
    add_user,
    authenticate,
    create_session,
    create_token,
    disable_user,
    end_session,
    get_user,
    list_users,
    principal_for_session,
    principal_for_token,
)

__all__ = [
    "ANONYMOUS",
    "ROLES",
    "RULES",
    "SCOPES",
    "AccessError",
    "Decision",
    "LoginLimiter",
    "Principal",
    "Rule",
    "User",
    "add_user",
    "authenticate",
    "authorise",
    "country_filter",
    "create_session",
    "create_token",
    "disable_user",
    "end_session",
    "get_user",
    "list_users",
    "matrix",
    "may",
    "principal_for_session",
    "principal_for_token",
    "scopes_of_role",
]
