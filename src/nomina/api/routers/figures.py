"""Figures: internal for analysts and admins; the public variant (disclosure control:
small counts suppressed) for everyone else, and for anyone who asks `?public=true`.

Figures now change only when the register does: they are computed (and protected) once
per state of the register (`register_state`) and variant, then served from memory. At a
million records computing every figure takes most of a second and the public variant's
disclosure control seconds, which fifty clients asking at once turned into a queue.
`as_of` figures are derived from events each time, as the CLI does.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from nomina.access import Principal, may
from nomina.api.security import ApiError, route, settings_of, store_of, who
from nomina.stats import all_figures, compute_figures, get_figure, register_state
from nomina.stats.figures import FigureResult
from nomina.stats.public import protect_figure
from nomina.store import Store
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


class FigureCache:
    """Figures now (their dictionaries) by variant, for one state of the register at a
    time; one per app (`app.state.figure_cache`). One request computes; those asking
    meanwhile wait for it rather than compute too."""

    def __init__(self) -> None:
        self._found: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self._computing = threading.Lock()

    def figures(
        self, store: Store, names: Sequence[str] | None, public: bool, k: int
    ) -> list[dict[str, Any]]:
        state = register_state(store)
        key = (tuple(names or ()), public, k, state)
        found = self._found.get(key)
        if found is not None:
            return found
        with self._computing:
            found = self._found.get(key)
            if found is None:
                found = _protected(compute_figures(store, names=names), public, k)
                self._found = {old: v for old, v in self._found.items() if old[3] == state}
                self._found[key] = found
        return found


def _protected(results: list[FigureResult], public: bool, k: int) -> list[dict[str, Any]]:
    if public:
        results = [protect_figure(result, k=k) for result in results]
    return [result.to_dict() for result in results]


def _variant(
    request: Request,
    principal: Principal,
    public: bool,
    as_of: dt.datetime | None,
    names: Sequence[str] | None = None,
) -> tuple[bool, list[dict[str, Any]]]:
    shown_public = public or not may(principal, "read_figures")
    store, k = store_of(request), settings_of(request).public_min_count
    if as_of is not None:
        return shown_public, _protected(compute_figures(store, as_of=as_of, names=names), shown_public, k)  # fmt: skip
    cache: FigureCache = request.app.state.figure_cache
    return shown_public, cache.figures(store, names, shown_public, k)


PUBLIC = Query(description="The public variant even when you may see the internal one.")


@route(router, "GET", "/figures", "read_public_figures", summary="Every figure")
def figures(
    *,
    request: Request,
    as_of: Annotated[dt.datetime | None, Depends(_as_of)],
    public: Annotated[bool, PUBLIC] = False,
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    protected, items = _variant(request, principal, public, as_of)
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
    protected, items = _variant(request, principal, public, as_of, [name])
    return {"public": protected, **items[0]}
