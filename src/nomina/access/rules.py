"""The authorisation matrix: who may do what, in one table, and the one function that
answers "may this principal do this action (on this object)?" for every interface.

Roles (DESIGN.md, "Users"):

==========  ==========================================================================
admin       everything, including users, API tokens and the audit log
analyst     loads sources, sees the quarantine, reads persons and internal figures
reviewer    decides uncertain pairs (review queue, judgements) and reads persons
liaison     reads only the persons of the countries assigned to them; public figures
public      aggregate figures only, through disclosure control; anonymous visitors
            act as `public` (unless NOMINA_ANONYMOUS_PUBLIC=0)
==========  ==========================================================================

Each action needs a role that `RULES` lists for it and, for a request made with an API
token, the token's scope (`Rule.scope`; the `admin` scope covers every scope). Actions
marked `countries` are country-scoped: a liaison officer may do them only on objects of
an assigned country.

**The liaison rule.** A person is in a liaison's scope when *any* of its records gives a
citizenship the liaison is assigned (a Nepali record in a person makes that person
Nepal's concern, even if another list called them Indian). A record is in scope when the
person it belongs to is, or — for a record no person holds yet — when its own
citizenship is assigned. Searches, listings and reconciliation show only persons in
scope; a read of one person or record outside it is refused (and the refusal audited).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

ROLES = ("admin", "analyst", "reviewer", "liaison", "public")
STAFF = frozenset({"admin", "analyst", "reviewer", "liaison"})
EVERYONE = frozenset(ROLES)

SCOPES = (
    "read:persons",
    "read:figures",
    "read:sources",
    "write:sources",
    "write:judgements",
    "admin",
)
SCOPE_DESCRIPTIONS = {
    "read:persons": "persons, records, search, reconciliation (personal data; audited)",
    "read:figures": "figures (internal for analysts and admins, public for the others)",
    "read:sources": "the list of sources, and (analysts, admins) the quarantine",
    "write:sources": "upload a source file with its YAML",
    "write:judgements": "the review queue, judgements and undo",
    "admin": "users, tokens, the audit log; covers every other scope",
}


@dataclass(frozen=True)
class Rule:
    scope: str | None  # the API-token scope it needs; None: any authenticated request
    roles: frozenset[str]
    countries: bool = False  # country-scoped for liaison officers
    description: str = ""


def _rule(scope: str | None, roles: Collection[str], description: str, **kw: bool) -> Rule:
    return Rule(scope, frozenset(roles), description=description, **kw)


READERS = {"admin", "analyst", "reviewer", "liaison"}

# The matrix. Every API endpoint names exactly one of these actions.
RULES: dict[str, Rule] = {
    "session": _rule(
        None, EVERYONE, "log in and out (anyone, even when anonymous visitors may do nothing else)"
    ),  # fmt: skip
    "read_self": _rule(None, EVERYONE, "who am I: name, role, countries, scopes"),
    "read_persons": _rule(
        "read:persons",
        READERS,
        "list persons; read one person with its records, certainty reasons, lineage and timeline",
        countries=True,
    ),  # fmt: skip
    "read_records": _rule("read:persons", READERS, "read records", countries=True),
    "search_persons": _rule(
        "read:persons", READERS, "search persons by name across scripts", countries=True
    ),  # fmt: skip
    "reconcile": _rule(
        "read:persons", READERS, "W3C reconciliation queries and previews", countries=True
    ),  # fmt: skip
    "read_reconcile_manifest": _rule(
        None, EVERYONE, "the reconciliation service manifest (no personal data)"
    ),  # fmt: skip
    "read_figures": _rule(
        "read:figures", {"admin", "analyst"}, "internal figures (no disclosure control)"
    ),  # fmt: skip
    "read_public_figures": _rule(
        "read:figures", EVERYONE, "public figures (disclosure-controlled)"
    ),  # fmt: skip
    "read_sources": _rule("read:sources", READERS, "list sources"),
    "read_quarantine": _rule(
        "read:sources",
        {"admin", "analyst"},
        "rows quarantined and values set aside (verbatim personal data)",
    ),  # fmt: skip
    "upload_sources": _rule(
        "write:sources", {"admin", "analyst"}, "ingest a source file with its YAML"
    ),  # fmt: skip
    "read_review_queue": _rule("write:judgements", {"admin", "reviewer"}, "the review queue"),
    "write_judgements": _rule(
        "write:judgements", {"admin", "reviewer"}, "judge two records; undo"
    ),  # fmt: skip
    "manage_users": _rule("admin", {"admin"}, "list, add and disable users; create API tokens"),
    "read_audit": _rule("admin", {"admin"}, "read and verify the audit log"),
}


@dataclass(frozen=True)
class Principal:
    """Who is asking: a user (by session or API token), or an anonymous visitor."""

    name: str
    role: str
    countries: frozenset[str] = frozenset()
    scopes: frozenset[str] | None = None  # None: a session (the role's full rights)
    user_id: int | None = None
    via: str = "session"  # session | token | anonymous | cli

    @property
    def authenticated(self) -> bool:
        return self.via != "anonymous"


ANONYMOUS = Principal(name="anonymous", role="public", via="anonymous")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def authorise(
    principal: Principal, action: str, object_countries: Collection[str] | None = None
) -> Decision:
    """May `principal` do `action` (on an object of `object_countries`)?

    `object_countries` is given for a read of one object (a person's record
    citizenships); None for a listing, whose rows the caller filters with
    `country_filter`.
    """
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"no authorisation rule for action {action!r}") from None
    if principal.role not in rule.roles:
        return Decision(False, f"role {principal.role} may not {action.replace('_', ' ')}")
    if rule.scope is not None and principal.scopes is not None:
        if rule.scope not in principal.scopes and "admin" not in principal.scopes:
            return Decision(False, f"this API token lacks the scope {rule.scope}")
    if rule.countries and principal.role == "liaison" and object_countries is not None:
        if not set(object_countries) & principal.countries:
            assigned = ", ".join(sorted(principal.countries)) or "none"
            return Decision(False, f"outside your countries ({assigned})")
    return Decision(True, "allowed")


def may(principal: Principal, action: str, object_countries: Collection[str] | None = None) -> bool:
    return authorise(principal, action, object_countries).allowed


def country_filter(principal: Principal, action: str) -> frozenset[str] | None:
    """The countries a listing for `action` is limited to; None: not limited."""
    if RULES[action].countries and principal.role == "liaison":
        return principal.countries
    return None


def scopes_of_role(role: str) -> frozenset[str]:
    """The token scopes a user of `role` may be given: those of the actions it may do."""
    found = {rule.scope for rule in RULES.values() if role in rule.roles and rule.scope}
    return frozenset(found)


def matrix() -> list[dict[str, object]]:
    """The matrix as rows (action, scope, countries, one column per role), for docs."""
    return [
        {
            "action": action,
            "scope": rule.scope,
            "country_scoped": rule.countries,
            **{role: role in rule.roles for role in ROLES},
            "description": rule.description,
        }
        for action, rule in RULES.items()
    ]
