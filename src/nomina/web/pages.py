"""Dashboard, login and logout."""

from __future__ import annotations

import hmac
import secrets
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError

from nomina.access import Principal, may
from nomina.api.routers import session
from nomina.api.security import ApiError, csrf_token_for, route, settings_of, store_of, who
from nomina.report.build import build_report
from nomina.report.charts import chart_svg
from nomina.report.data import EmptyRegister
from nomina.stats import register_state
from nomina.web.app import render, safe_next, security_headers

router = APIRouter(tags=["pages"])
LOGIN_NONCE_COOKIE = "nomina_login_nonce"
DASHBOARD_CHARTS = ("contracts_per_month", "world_map", "top_countries", "status_flow", "named_vs_estimate")  # fmt: skip
CARDS = {  # figure → what its card says
    "known_with_certainty": "known by name with certainty",
    "countries": "countries and territories",
    "killed": "killed",
    "missing": "missing",
    "prisoners_held": "held as prisoners of war",
    "prisoner_countries": "countries of prisoners",
    "exchanged_repatriated": "exchanged or repatriated",
    "persons": "persons in the register (any certainty)",
}
ESTIMATE_ITERATIONS = 5_000
_dashboards: dict[tuple[Any, ...], dict[str, Any]] = {}
_dashboards_lock = threading.Lock()


def dashboard_data(request: Request, public: bool) -> dict[str, Any]:
    """The report's figures and charts (disclosure-controlled when `public`), drawn once
    per state of the register."""
    store, settings = store_of(request), settings_of(request)
    key = (id(store), public, settings.public_min_count, register_state(store))
    with _dashboards_lock:
        if key in _dashboards:
            return _dashboards[key]
        try:
            report = build_report(store, public=public, k=settings.public_min_count,
                                  iterations=ESTIMATE_ITERATIONS)  # fmt: skip
        except EmptyRegister as error:
            return {"empty": str(error)}
        by_name = {figure.name: figure for figure in report.figures}
        cards = [
            {"name": name, "label": label, "value": by_name[name].value,
             "definition": by_name[name].definition}
            for name, label in CARDS.items() if name in by_name
        ]  # fmt: skip
        charts = [
            {"name": chart.name, "title": chart.title, "definition": chart.definition,
             "notes": chart.notes, "svg": chart_svg(chart)}
            for chart in sorted(report.charts, key=lambda c: DASHBOARD_CHARTS.index(c.name)
                                if c.name in DASHBOARD_CHARTS else 0)
            if chart.name in DASHBOARD_CHARTS
        ]  # fmt: skip
        data = {
            "empty": None,
            "variant": report.variant,
            "as_of": report.as_of.replace(microsecond=0) if report.as_of else None,
            "headline": report.headline,
            "cards": cards,
            "charts": charts,
            "estimate": report.estimate,
            "notes": report.notes,
        }
        for old in [k for k in _dashboards if k[3] != key[3] or k[0] != key[0]]:
            del _dashboards[old]  # one state of the register at a time
        _dashboards[key] = data
        return data


@route(router, "GET", "/", "read_public_figures", summary="Page: the dashboard", response_class=HTMLResponse)  # fmt: skip
def dashboard(
    request: Request,
    principal: Annotated[Principal, Depends(who)],
    public: Annotated[bool, Query(description="The public variant even for analysts.")] = False,
) -> HTMLResponse:
    """Headline figures and charts: internal for analysts and admins, disclosure-controlled
    (small counts suppressed) for everyone else."""
    shown_public = public or not may(principal, "read_figures")
    return render(request, "dashboard.html", **dashboard_data(request, shown_public),
                  public=shown_public)  # fmt: skip


def _login_form(request: Request, *, error: str | None = None, status_code: int = 200,
                name: str = "", next_path: str = "/") -> HTMLResponse:  # fmt: skip
    nonce = secrets.token_urlsafe(24)
    response = render(
        request, "login.html", status_code=status_code, error=error, name=name,
        next_path=safe_next(next_path),
        login_token=csrf_token_for(settings_of(request), "login:" + nonce),
    )  # fmt: skip
    response.set_cookie(LOGIN_NONCE_COOKIE, nonce, max_age=3600, httponly=True, samesite="strict",
                        secure=settings_of(request).secure_cookies)  # fmt: skip
    return response


@route(router, "GET", "/login", "session", summary="Page: the login form", response_class=HTMLResponse)  # fmt: skip
def login_page(request: Request, next: Annotated[str, Query(max_length=2000)] = "/") -> HTMLResponse:  # noqa: A002  # fmt: skip
    return _login_form(request, next_path=next)


@route(router, "POST", "/login", "session", summary="Page: log in (form)", response_class=HTMLResponse)  # fmt: skip
def login_submit(
    request: Request,
    name: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    login_token: Annotated[str, Form(max_length=128)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
) -> HTMLResponse:
    """The API's login (same rate limit, same audit), from a form with its CSRF token."""
    nonce = request.cookies.get(LOGIN_NONCE_COOKIE, "")
    expected = csrf_token_for(settings_of(request), "login:" + nonce)
    if not nonce or not hmac.compare_digest(login_token, expected):
        return _login_form(request, error="The form expired: please try again.", status_code=400,
                           name=name, next_path=next)  # fmt: skip
    target = RedirectResponse(safe_next(next), status_code=303, headers=security_headers())
    try:
        session.login(session.Login(name=name, password=password), request, target)
    except ValidationError:
        return _login_form(request, error="Give a name and a password.", status_code=422,
                           name=name, next_path=next)  # fmt: skip
    except ApiError as error:
        return _login_form(request, error=error.detail, status_code=error.status_code,
                           name=name, next_path=next)  # fmt: skip
    target.delete_cookie(LOGIN_NONCE_COOKIE)
    return target


@route(router, "POST", "/logout", "session", summary="Page: log out (form)", response_class=HTMLResponse)  # fmt: skip
def logout_submit(request: Request) -> RedirectResponse:
    """The API's logout: the form's CSRF token (copied into the header) is checked."""
    target = RedirectResponse("/login", status_code=303, headers=security_headers())
    session.logout(request, target)
    return target
