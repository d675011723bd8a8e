"""Figures: internal for analysts and admins; the public variant (disclosure control:
small counts suppressed) for everyone else, and for anyone who asks `?public=true`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from nomina.access import Principal, may
from nomina.api.security import ApiError, route, settings_of, store_of, who
from nomina.stats import all_figures, compute_figures, get_figure
from nomina.stats.figures import FigureResult
from nomina.stats.public import protect_figure
from nomina.timeline import parse_as_of

router = APIRouter(prefix="/api", tags=["figures"])


def _as_of(
    *,
    as_of: Annotated[
        str | None,
        Query(
            max_length=40,
            description="What the register knew then: YYYY-MM-DD (end of day, UTC) or a timestamp.",
        ),
    ] = None,  # fmt: skip
) -> dt.datetime | None:
    if as_of is None:
        return None
    try:
        return parse_as_of(as_of)
    except ValueError as error:
        raise ApiError(422, str(error).replace("--as-of", "as_of"), field="as_of") from None


def _variant(
    request: Request, principal: Principal, public: bool, results: list[FigureResult]
) -> tuple[bool, list[dict[str, Any]]]:
    internal = may(principal, "read_figures") and not public
    if not internal:
        k = settings_of(request).public_min_count
        results = [protect_figure(result, k=k) for result in results]
    return not internal, [result.to_dict() for result in results]


PUBLIC = Query(description="The public variant even when you may see the internal one.")


@route(router, "GET", "/figures", "read_public_figures", summary="Every figure")
def figures(
    *,
    request: Request,
    as_of: Annotated[dt.datetime | None, Depends(_as_of)],
    public: Annotated[bool, PUBLIC] = False,
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    results = compute_figures(store_of(request), as_of=as_of)
    protected, items = _variant(request, principal, public, results)
    return {"public": protected, "items": items}


@route(router, "GET", "/figures/{name}", "read_public_figures", summary="One figure")
def figure(
    *,
    request: Request,
    name: Annotated[str, Path(max_length=64)],
    as_of: Annotated[dt.datetime | None, Depends(_as_of)],
    public: Annotated[bool, PUBLIC] = False,
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    try:
        get_figure(name)
    except KeyError:
        known = ", ".join(f.name for f in all_figures())
        raise ApiError(404, f"no figure {name!r}; known: {known}", field="name") from None
    results = compute_figures(store_of(request), as_of=as_of, names=[name])
    protected, items = _variant(request, principal, public, results)
    return {"public": protected, **items[0]}
