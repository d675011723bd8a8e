"""`nomina serve`: the web application and API on uvicorn, over the register's store."""

from __future__ import annotations

import os
import secrets

import typer

from nomina.cli import app, store_from, user_errors
from nomina.cli.output import fail, stdout

DEMO_ADMIN = "demo-admin"
WORKER_HEALTHCHECK_SECONDS = 60


@app.command("serve")
@user_errors
def serve_command(
    context: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Demo only: a random secret key and a demo admin with a random password.",
    ),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Server processes (one per core serves searches in parallel)."
    ),
) -> None:
    """Serve the web pages and the JSON API (docs at /docs). Needs NOMINA_SECRET_KEY, except with --demo."""
    import uvicorn

    from nomina.access import AccessError, add_user, get_user
    from nomina.api import ApiSettings, SettingsError, create_app
    from nomina.api.settings import DEMO_VARIABLE, SECRET_VARIABLE
    from nomina.settings import DATABASE_URL_VARIABLE

    try:
        settings = ApiSettings.from_environment(demo=demo)
    except SettingsError as error:
        fail(str(error))
        raise typer.Exit(1) from None
    store = store_from(context)
    if demo:
        password = secrets.token_urlsafe(12)
        with store.engine.connect() as connection:
            existing = get_user(connection, DEMO_ADMIN)
        name = DEMO_ADMIN if existing is None else f"{DEMO_ADMIN}-{secrets.token_hex(3)}"
        try:
            add_user(store, name, "admin", password)
        except AccessError as error:
            fail(str(error))
            raise typer.Exit(1) from None
        stdout.print(
            "[bold red]DEMO ONLY[/] — never use this on a register with real data:\n"
            f"  log in as [bold]{name}[/] with password [bold]{password}[/]",
            highlight=False,
        )
    stdout.print(
        f"nomina on http://{host}:{port}/ — dashboard: http://{host}:{port}/ · "
        f"log in: http://{host}:{port}/login · API docs: http://{host}:{port}/docs",
        highlight=False,
    )
    if workers == 1:
        uvicorn.run(create_app(store, settings), host=host, port=port, log_level="info")
        return
    # Each process builds its own app from the environment: the same store, and the same
    # secret (a demo's random one too), so that a session or CSRF token made by one
    # process holds in the others. Sessions and failed logins are kept in the store.
    os.environ[DATABASE_URL_VARIABLE] = store.url
    os.environ[SECRET_VARIABLE] = settings.secret_key
    os.environ[DEMO_VARIABLE] = "1" if demo else "0"
    store.dispose()
    uvicorn.run(
        "nomina.api.app:app_from_environment",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        # uvicorn kills a process that does not answer its ping within this many
        # seconds. Loading the name tables at start holds the interpreter for seconds
        # (more on a loaded machine): at uvicorn's 5 s, processes were killed and
        # restarted in a loop and the server never came up.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
