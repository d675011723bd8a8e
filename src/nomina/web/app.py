"""Rendering pages, and adding them to the app: `install_pages(app)`."""

from __future__ import annotations

from importlib.resources import files
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException

from nomina.access import Principal, may
from nomina.api.security import (
    SESSION_COOKIE,
    ApiError,
    csrf_token_for,
    resolve_principal,
    settings_of,
)
from nomina.web.forms import FORM_FIELD, FormTokenMiddleware, is_page

# No request leaves the page: styles and scripts are inline, images are data or inline SVG.
CONTENT_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
NAVIGATION = (  # (path, label, the action a user needs to see the link)
    ("/", "Dashboard", "read_public_figures"),
    ("/search", "Search", "search_persons"),
    ("/review", "Review", "read_review_queue"),
    ("/sources", "Sources", "read_sources"),
    ("/audit", "Audit log", "read_audit"),
)


def _asset(name: str) -> str:
    return (files("nomina.web") / "static" / name).read_text(encoding="utf-8")


templates = Environment(
    loader=PackageLoader("nomina.web", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.globals.update(style=_asset("nomina.css"), script=_asset("nomina.js"))
templates.filters["number"] = lambda n: "suppressed" if n is None else f"{n:,}"


def principal_of(request: Request) -> Principal:
    found = getattr(request.state, "principal", None)
    if found is not None:
        return found
    try:
        return resolve_principal(request)
    except ApiError:
        from nomina.access import ANONYMOUS

        return ANONYMOUS


def page_csrf(request: Request) -> str:
    """The token forms of this session send (empty when there is no session)."""
    session = request.cookies.get(SESSION_COOKIE)
    return csrf_token_for(settings_of(request), session) if session else ""


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:  # fmt: skip
    principal = principal_of(request)
    html = templates.get_template(template).render(
        request=request,
        path=request.url.path,
        principal=principal,
        may=lambda action: may(principal, action),
        navigation=[(path, label) for path, label, action in NAVIGATION if may(principal, action)],
        csrf_field=FORM_FIELD,
        csrf_token=page_csrf(request),
        demo=settings_of(request).demo,
        **context,
    )
    return HTMLResponse(html, status_code=status_code, headers=security_headers())


def security_headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CONTENT_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cache-Control": "no-store",
    }


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this server, else the dashboard."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def wants_html(request: Request) -> bool:
    return is_page(request.url.path) and "text/html" in request.headers.get("accept", "")


def install_pages(app: FastAPI) -> None:
    """Add the pages' routers, the form-CSRF middleware, and HTML errors for browsers
    (a page asked for by a browser that is not logged in goes to the login form; other
    clients keep the API's JSON errors)."""
    from nomina.web import admin, pages, register, review

    for module in (pages, register, review, admin):
        app.include_router(module.router)
    app.add_middleware(FormTokenMiddleware)
    for kind in (ApiError, StarletteHTTPException, RequestValidationError):
        _html_errors(app, kind)


def _html_errors(app: FastAPI, kind: type[Exception]) -> None:
    json_handler = app.exception_handlers[kind]

    async def handler(request: Request, error: Exception) -> Response:
        if not wants_html(request):
            return await json_handler(request, error)
        status = getattr(error, "status_code", 422)
        if status == 401:
            target = quote(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""))  # fmt: skip
            return RedirectResponse(f"/login?next={target}", status_code=303)
        if isinstance(error, RequestValidationError):
            problems = error.errors()
            detail = "; ".join(
                f"{'.'.join(str(p) for p in item.get('loc', ())[1:])}: {item.get('msg')}"
                for item in problems
            )  # fmt: skip
        else:
            detail = str(getattr(error, "detail", "error"))
        return render(request, "error.html", status_code=status, status=status, detail=detail)

    app.exception_handlers[kind] = handler
