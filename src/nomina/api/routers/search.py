"""Search persons by name across scripts ("Ким Чен Ын" finds "Kim Jong Un" and back)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from nomina.access import Principal, country_filter
from nomina.api.paging import Paging, paging
from nomina.api.routers.persons import filters
from nomina.api.security import ApiError, route, store_of, who
from nomina.resolve.search import DEFAULT_MIN_SCORE, search_persons

router = APIRouter(prefix="/api", tags=["search"])


@route(router, "GET", "/search", "search_persons", summary="Persons by name, any script")
def search(
    *,
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200, description="A name, in any script.")],
    min_score: Annotated[
        float,
        Query(
            ge=0.0,
            le=1.0,
            description="Smallest name agreement shown (nomina's name comparison, 0–1).",
        ),
    ] = DEFAULT_MIN_SCORE,  # fmt: skip
    page: Annotated[Paging, Depends(paging)],
    chosen: Annotated[dict[str, Any], Depends(filters)],
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    """Persons whose records' names agree with `q` (stored cross-script name keys, then
    nomina's name comparison), best first, each with the records that matched.
    Filters: country, status, certainty, source. Audited.

    `total_exact` false: a name so common that more records share its keys
    (`candidates`) than one search scores; the items are the best matches among the
    best-ranked candidates and `total` counts the persons found there (a lower bound):
    add a given name or a filter to see them all."""
    try:
        found = search_persons(
            store_of(request), q, **chosen, countries=country_filter(principal, "search_persons"),
            min_score=min_score, limit=page.per_page, offset=page.offset, actor=principal.name,
        )  # fmt: skip
    except ValueError as error:
        raise ApiError(422, str(error), field="q") from None
    return {"query": q, **page.wrap(found.total, found.persons), "total_exact": found.exact,
            "candidates": found.candidates}  # fmt: skip
