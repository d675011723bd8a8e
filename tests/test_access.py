"""Access control without HTTP: the matrix function, the liaison rule, token scopes,
users in the store (SQLite and PostgreSQL: Argon2 hashes, disabled not deleted, tokens
stored as hashes), the rate limiter, settings, and the `nomina user|token|serve` CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from nomina.access import (
    ANONYMOUS,
    AccessError,
    LoginLimiter,
    Principal,
    add_user,
    authenticate,
    authorise,
    country_filter,
    create_token,
    disable_user,
    list_users,
    principal_for_token,
    scopes_of_role,
)
from nomina.api import ApiSettings, SettingsError
from nomina.cli import app
from nomina.store.audit import verify_audit_chain
from nomina.store.schema import api_tokens, audit_log, login_failures, users

PASSWORD = "correct horse battery"
runner = CliRunner()


def test_the_liaison_rule():
    sita = Principal("sita", "liaison", frozenset({"NP"}))
    assert authorise(sita, "read_persons", {"NP"})
    assert authorise(sita, "read_persons", {"NP", "IN"})  # any record of an assigned country
    refused = authorise(sita, "read_persons", {"KP"})
    assert not refused and "outside your countries (NP)" in refused.reason
    assert not authorise(sita, "read_persons", frozenset())  # no citizenship known: not hers
    assert country_filter(sita, "search_persons") == {"NP"}
    assert country_filter(Principal("ana", "analyst"), "search_persons") is None
    assert authorise(Principal("ana", "analyst"), "read_persons", {"KP"})


def test_roles_and_scopes():
    assert not authorise(ANONYMOUS, "read_persons") and authorise(ANONYMOUS, "read_public_figures")
    assert not authorise(Principal("rev", "reviewer"), "manage_users")
    assert not authorise(Principal("ana", "analyst"), "write_judgements")
    figures_only = Principal("ana", "analyst", scopes=frozenset({"read:figures"}), via="token")
    assert authorise(figures_only, "read_figures")
    assert "read:persons" in authorise(figures_only, "read_persons").reason
    admin_token = Principal("ada", "admin", scopes=frozenset({"admin"}), via="token")
    assert authorise(admin_token, "write_judgements")  # the admin scope covers all
    assert scopes_of_role("public") == {"read:figures"}
    assert "admin" not in scopes_of_role("analyst")
    with pytest.raises(KeyError, match="no authorisation rule"):
        authorise(ANONYMOUS, "launch_rockets")


def test_users_in_the_store(store):
    add_user(store, "sita", "liaison", PASSWORD, countries=["Непал"], actor="test")
    with store.engine.connect() as connection:
        stored = connection.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    user, why = authenticate(store, "sita", PASSWORD)
    assert why == "ok" and user.countries == {"NP"}
    assert authenticate(store, "sita", "wrong password")[1] == "wrong password"
    assert authenticate(store, "nobody", PASSWORD)[1] == "unknown user"
    token, facts = create_token(store, "sita", ["read:persons"], actor="test")
    with store.engine.connect() as connection:
        kept = connection.execute(select(api_tokens.c.token_hash, api_tokens.c.prefix)).one()
    assert token not in kept.token_hash and kept.prefix == token[:12] == facts["prefix"]
    assert principal_for_token(store, token).countries == {"NP"}
    disable_user(store, "sita", actor="test")
    assert principal_for_token(store, token) is None
    assert authenticate(store, "sita", PASSWORD)[1] == "user disabled"
    assert [u["disabled"] for u in list_users(store)] == [True]  # kept, disabled
    with store.engine.connect() as connection:
        actions = list(connection.execute(select(audit_log.c.action)).scalars())
        assert verify_audit_chain(connection).intact
    assert actions == ["add user", "create token", "disable user"]


@pytest.mark.parametrize(
    ("name", "role", "password", "countries", "field"),
    [
        ("bad name!", "analyst", PASSWORD, [], "name"),
        ("x", "superuser", PASSWORD, [], "role"),
        ("x", "liaison", PASSWORD, [], "countries"),
        ("x", "analyst", PASSWORD, ["NP"], "countries"),
        ("x", "liaison", PASSWORD, ["Atlantis"], "country"),
        ("x", "analyst", "short", [], "password"),
    ],
)
def test_bad_users_are_refused_naming_the_field(sqlite_store, name, role, password, countries, field):  # fmt: skip
    with pytest.raises(AccessError, match=f"^{field}:"):
        add_user(sqlite_store, name, role, password, countries=countries)


def test_tokens_stay_within_the_role_and_expire(sqlite_store):
    add_user(sqlite_store, "rev", "reviewer", PASSWORD)
    with pytest.raises(AccessError, match="a reviewer cannot be given admin"):
        create_token(sqlite_store, "rev", ["admin"])
    with pytest.raises(AccessError, match="unknown"):
        create_token(sqlite_store, "rev", ["write:everything"])
    token, _ = create_token(sqlite_store, "rev", ["write:judgements"], expires_days=1)
    assert principal_for_token(sqlite_store, token).scopes == {"write:judgements"}
    with sqlite_store.engine.begin() as connection:
        connection.execute(
            api_tokens.update().values(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        )
    assert principal_for_token(sqlite_store, token) is None


@pytest.mark.parametrize("kept", ["in memory", "in the store"])
def test_the_rate_limiter_counts_users_and_clients_apart(kept, sqlite_store):
    now = [0.0]
    store = sqlite_store if kept == "in the store" else None
    limiter = LoginLimiter(3, 60, clock=lambda: now[0], store=store)
    for _ in range(3):
        limiter.failed("ana", "10.0.0.1")
    assert limiter.retry_after("ana", "10.0.0.2") == 60  # the user is blocked anywhere
    assert limiter.retry_after("rev", "10.0.0.1") == 60  # the client for any user
    assert limiter.retry_after("rev", "10.0.0.2") == 0
    now[0] = 30
    assert limiter.retry_after("ana", "10.0.0.2") == 30
    now[0] = 45
    limiter.failed("ana", "10.0.0.1")  # four in the window: blocked until the second ages
    assert limiter.retry_after("ana", "10.0.0.2") == 15
    now[0] = 60.5
    assert limiter.retry_after("ana", "10.0.0.1") == 0
    limiter.failed("ana", "10.0.0.1")
    limiter.failed("ana", "10.0.0.1")
    assert limiter.retry_after("ana", "10.0.0.2") > 0
    limiter.succeeded("ana")  # a login that worked clears the user, not the address
    assert limiter.retry_after("ana", "10.0.0.2") == 0
    assert limiter.retry_after("rev", "10.0.0.1") > 0


def test_server_processes_count_the_same_failed_logins(store):
    """Two limiters over one store, as two processes of `nomina serve --workers 2`."""
    now = [1_000.0]
    first, second = (LoginLimiter(2, 60, clock=lambda: now[0], store=store) for _ in range(2))
    first.failed("ana", "10.0.0.1")
    second.failed("ana", "10.0.0.2")
    assert first.retry_after("ana", "10.0.0.3") == 60
    now[0] += 61  # old failures go as new ones come
    second.failed("rev", "10.0.0.9")
    with store.engine.connect() as connection:
        kept = connection.execute(select(login_failures.c.key)).scalars().all()
    assert sorted(kept) == ["client:10.0.0.9", "user:rev"]
    assert first.retry_after("x" * 500, "10.0.0.1") == 0  # any typed name is a short key


def test_settings_need_a_secret_outside_demo(monkeypatch):
    monkeypatch.delenv("NOMINA_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="NOMINA_SECRET_KEY is not set"):
        ApiSettings.from_environment()
    demo = ApiSettings.from_environment(demo=True)
    assert demo.demo and len(demo.secret_key) >= 32
    monkeypatch.setenv("NOMINA_SECRET_KEY", "short")
    with pytest.raises(SettingsError, match="at least 32"):
        ApiSettings.from_environment()
    monkeypatch.setenv("NOMINA_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("NOMINA_LOGIN_FAILURES", "many")
    with pytest.raises(SettingsError, match="NOMINA_LOGIN_FAILURES"):
        ApiSettings.from_environment()


def test_the_cli_manages_users_and_tokens(tmp_path, monkeypatch):
    db = ["--db", f"sqlite:///{tmp_path / 'register.db'}"]
    monkeypatch.setenv("NOMINA_USER_PASSWORD", PASSWORD)
    added = runner.invoke(app, [*db, "user", "add", "sita", "--role", "liaison", "--country", "NP", "--country", "India"])  # fmt: skip
    assert added.exit_code == 0 and "liaison for IN, NP" in added.output
    refused = runner.invoke(app, [*db, "user", "add", "x", "--role", "liaison"])
    assert refused.exit_code == 1 and "countries:" in refused.output
    assert "--password" not in runner.invoke(app, ["user", "add", "--help"]).output
    token = runner.invoke(app, [*db, "token", "create", "sita", "--scope", "read:persons"])
    assert token.exit_code == 0 and token.stdout.strip().startswith("nmn_")
    listed = json.loads(runner.invoke(app, [*db, "user", "list", "--json"]).stdout)
    assert listed[0]["name"] == "sita" and listed[0]["countries"] == "IN NP"
    assert runner.invoke(app, [*db, "user", "disable", "sita"]).exit_code == 0
    assert json.loads(runner.invoke(app, [*db, "user", "list", "--json"]).stdout)[0]["disabled"]
    assert runner.invoke(app, [*db, "user", "disable", "nobody"]).exit_code == 1


def test_the_cli_password_comes_from_a_prompt(tmp_path, monkeypatch):
    monkeypatch.delenv("NOMINA_USER_PASSWORD", raising=False)
    db = ["--db", f"sqlite:///{tmp_path / 'register.db'}"]
    typed = f"{PASSWORD}\n{PASSWORD}\n"
    added = runner.invoke(app, [*db, "user", "add", "ana", "--role", "analyst"], input=typed)
    assert added.exit_code == 0 and PASSWORD not in added.stdout.replace("password", "")


def test_serve_refuses_to_start_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("NOMINA_SECRET_KEY", raising=False)
    result = runner.invoke(app, ["--db", f"sqlite:///{tmp_path / 'r.db'}", "serve"])
    assert result.exit_code == 1 and "NOMINA_SECRET_KEY is not set" in result.output
