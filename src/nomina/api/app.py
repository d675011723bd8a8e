"""The web application: `create_app(store, settings)` builds it; routers, one per area,
call the same stage functions as the CLI.

Errors are JSON: {"detail": message, "field": the request field at fault or null}; a
request that does not validate gets 422 naming the field. Unexpected errors are 500
with no internals shown (and logged).
"""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nomina.access import LoginLimiter
from nomina.api.routers import (
    audit,
    figures,
    persons,
    reconcile,
    records,
    review,
    search,
    session,
    sources,
    users,
)
from nomina.api.security import ApiError
from nomina.api.settings import DEMO_VARIABLE, ApiSettings
from nomina.store import Store, open_store

log = logging.getLogger("nomina.api")
# A server's collector runs about seventy times less often than Python's default (700, 10,
# 10): the caches of names and searches fill with long-lived objects, and each full
# collection walked them all again.
GC_THRESHOLDS = (50_000, 20, 50)
# A thread holding the interpreter hands it over after 1 ms instead of 5: a request that
# waits on the database a few times (a token, the register's state) no longer waits up
# to 5 ms each time behind a search scoring names (figures' p99 under load 130 → 80 ms).
SWITCH_INTERVAL = 0.001
ROUTERS = (session, persons, records, search, sources, figures, review, users, audit, reconcile)


def create_app(store: Store, settings: ApiSettings, *, limiter: LoginLimiter | None = None) -> FastAPI:  # fmt: skip
    """The app over `store`. `limiter` replaces the login rate limiter (tests: a clock)."""
    app = FastAPI(
        title="nomina",
        summary="A register of distinct persons from many overlapping sources.",
        description=(
            "JSON API of the register. Log in with `POST /api/login` (session cookie; send "
            "`X-CSRF-Token` with changes) or send `Authorization: Bearer <API token>`. "
            "Each endpoint's `x-nomina-action` names its rule in the authorisation matrix "
            "(nomina.access.rules). Reads of personal data are audited."
        ),
        version="0.1.0",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.store = store
    app.state.settings = settings
    app.state.limiter = limiter or LoginLimiter(
        settings.login_failures, settings.login_window_seconds, store=store
    )
    app.state.figure_cache = figures.FigureCache()
    for module in ROUTERS:
        app.include_router(module.router)
    _error_handlers(app)
    from nomina.web import install_pages  # the HTML pages: views over these routers

    install_pages(app)
    return app


def app_from_environment() -> FastAPI:
    """The app over the store at NOMINA_DATABASE_URL with the settings of the environment:
    uvicorn's factory for each process of `nomina serve --workers N`."""
    demo = os.environ.get(DEMO_VARIABLE) == "1"
    return create_app(open_store(), ApiSettings.from_environment(demo=demo))


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    settle()
    yield


def settle() -> None:
    """Before a server's first request: load the name tables (the first search waited
    seconds for them), then move everything loaded so far out of the garbage collector's
    reach (gc.freeze), and make it collect less often (GC_THRESHOLDS): its full
    collections otherwise walked those hundreds of thousands of long-lived objects again
    and again, pausing every request for a tenth of a second or more under load. Last,
    SWITCH_INTERVAL. Process-wide settings: a server process only (the app's lifespan)."""
    from nomina.names import compare_names

    compare_names("Warm Up", "Ким Чен Ын")
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        return JSONResponse(
            {"detail": error.detail, "field": error.field},
            status_code=error.status_code,
            headers=error.headers,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(
            {"detail": error.detail, "field": None},
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_problem(item) for item in error.errors()]
        first = problems[0] if problems else {"field": None, "message": "invalid request"}
        return JSONResponse(
            {
                "detail": f"{first['field']}: {first['message']}"
                if first["field"]
                else first["message"],  # fmt: skip
                "field": first["field"],
                "errors": problems,
            },
            status_code=422,
        )

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=error)
        return JSONResponse({"detail": "internal error (logged)", "field": None}, status_code=500)


def _problem(item: dict[str, Any]) -> dict[str, Any]:
    location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "header", "cookie")]  # fmt: skip
    return {"field": ".".join(location) or None, "message": item.get("msg", "invalid")}
