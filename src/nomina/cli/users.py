"""`nomina user add|list|disable` and `nomina token create`: the people who use the
interfaces, and their API tokens (nomina.access). Passwords come from a prompt or
NOMINA_USER_PASSWORD, never from an argument (arguments end up in shell histories)."""

from __future__ import annotations

import os

import typer

from nomina.access import ROLES, SCOPES, AccessError, add_user, create_token, disable_user
from nomina.access import list_users as list_all_users
from nomina.access.users import USER_COLUMNS
from nomina.cli import app, store_from, user_errors
from nomina.cli.output import emit, fail, stderr, stdout

user_app = typer.Typer(help="Users of the web application and API.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (scoped; shown once).", no_args_is_help=True)
app.add_typer(user_app, name="user")
SCOPE_HELP = "Repeat: " + ", ".join(SCOPES) + "."
app.add_typer(token_app, name="token")


def _password() -> str:
    given = os.environ.get("NOMINA_USER_PASSWORD")
    if given:
        return given
    return typer.prompt("password", hide_input=True, confirmation_prompt=True)


def _refuse(error: AccessError) -> None:
    fail(str(error))
    raise typer.Exit(1)


@user_app.command("add")
@user_errors
def user_add(
    context: typer.Context,
    name: str = typer.Argument(..., help="Login name."),
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    country: list[str] = typer.Option(
        [], "--country", help="A liaison officer's country (code or name); repeat for more."
    ),
) -> None:
    """Add a user; the password from a prompt or NOMINA_USER_PASSWORD."""
    store = store_from(context)
    try:
        user = add_user(store, name, role, _password(), countries=country)
    except AccessError as error:
        return _refuse(error)
    where = f" for {', '.join(sorted(user.countries))}" if user.countries else ""
    stdout.print(f"added {user.name} ({user.role}{where})", highlight=False)


@user_app.command("list")
@user_errors
def user_list(
    context: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV."),
) -> None:
    """Every user, disabled ones too (users are never deleted)."""
    rows = list_all_users(store_from(context))
    emit(rows, USER_COLUMNS, as_json=as_json, as_csv=as_csv, title="Users")


@user_app.command("disable")
@user_errors
def user_disable(context: typer.Context, name: str = typer.Argument(...)) -> None:
    """Disable a user: their logins, sessions and API tokens stop working."""
    try:
        disable_user(store_from(context), name)
    except AccessError as error:
        return _refuse(error)
    stdout.print(f"disabled {name}", highlight=False)


@token_app.command("create")
@user_errors
def token_create(
    context: typer.Context,
    name: str = typer.Argument(..., help="The user the token acts for."),
    scope: list[str] = typer.Option(..., "--scope", help=SCOPE_HELP),
    expires_days: int = typer.Option(None, "--expires-days", min=1, help="Days it is valid."),
) -> None:
    """Create an API token for NAME; it is printed once (only its hash is stored)."""
    try:
        token, facts = create_token(store_from(context), name, scope, expires_days=expires_days)
    except AccessError as error:
        return _refuse(error)
    stderr.print(
        f"token for {name}, scopes {' '.join(facts['scopes'])}: shown once, keep it secret",
        highlight=False,
    )
    print(token)
