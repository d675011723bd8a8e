"""Search (one box, any script; filters; pages) and the person page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from nomina.access import Principal
from nomina.api.paging import Paging
from nomina.api.routers import persons, search
from nomina.api.security import ApiError, route, store_of, who
from nomina.concepts import EVENT_KINDS
from nomina.ingest.summary import list_sources
from nomina.reference import get_territory
from nomina.web.app import render

router = APIRouter(tags=["pages"])
PER_PAGE = 20
CERTAINTIES = ("confirmed", "probable", "possible")
RECORD_ROWS = (  # (field of a record, label) in the side-by-side table
    ("source", "Source"), ("reliability", "Reliability"), ("file", "File"), ("row", "Row"),
    ("full_name", "Name as written"), ("family_name", "Family name"), ("given_name", "Given name"),
    ("patronymic", "Patronymic"), ("birth_date", "Born"), ("citizenship", "Citizenship"),
    ("document_number", "Document"), ("service_number", "Service number"),
    ("military_unit", "Unit"), ("events", "Events"),
)  # fmt: skip


def _one_of(field: str, value: str, allowed: tuple[str, ...]) -> str | None:
    if not value.strip():
        return None
    if value.strip() not in allowed:
        raise ApiError(422, f"{field}: {value!r} is not one of {', '.join(allowed)}", field=field)
    return value.strip()


def _source_id(value: str) -> int | None:
    if not value.strip():
        return None
    if not value.strip().isdigit() or not 1 <= int(value) <= 2**31:
        raise ApiError(422, f"source: {value!r} is not a source id", field="source")
    return int(value)


def country_label(code: str | None) -> str:
    if not code:
        return ""
    territory = get_territory(code)
    return f"{territory.name} ({code})" if territory else code


@route(router, "GET", "/search", "search_persons", summary="Page: search persons", response_class=HTMLResponse)  # fmt: skip
def search_page(
    request: Request,
    principal: Annotated[Principal, Depends(who)],
    q: Annotated[str, Query(max_length=200, description="A name, in any script.")] = "",
    country: Annotated[str, Query(max_length=16)] = "",
    status: Annotated[str, Query(max_length=16, description="A status (an event kind).")] = "",
    certainty: Annotated[str, Query(max_length=16)] = "",
    source: Annotated[str, Query(max_length=12, description="A source id.")] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    """Persons by name (the API's search), or all persons (the API's list) when the box
    is empty; only those a liaison officer's countries allow. Audited. A filter left
    empty (as a form sends it) is no filter."""
    paging = Paging(page, PER_PAGE)
    error, answer = None, {"total": 0, "pages": 0, "items": []}
    try:
        chosen = persons.filters(
            country=country.strip() or None,
            status=_one_of("status", status, EVENT_KINDS),
            certainty=_one_of("certainty", certainty, CERTAINTIES),
            source=_source_id(source),
        )
        if q.strip():
            answer = search.search(request=request, q=q, page=paging, chosen=chosen,
                                   principal=principal, min_score=search.DEFAULT_MIN_SCORE)  # fmt: skip
        else:
            answer = persons.list_persons(request=request, page=paging, chosen=chosen,
                                          principal=principal)  # fmt: skip
    except ApiError as problem:
        error = problem.detail
    query = {"q": q, "country": country, "status": status or "", "certainty": certainty or "",
             "source": source or ""}  # fmt: skip
    return render(
        request, "search.html", status_code=422 if error else 200, error=error, answer=answer,
        query=query, page=page, sources=list_sources(store_of(request)),
        statuses=EVENT_KINDS, certainties=CERTAINTIES,
        country_label=country_label,
    )  # fmt: skip


@route(router, "GET", "/persons/{person_id}", "read_persons", summary="Page: one person", response_class=HTMLResponse)  # fmt: skip
def person_page(
    request: Request,
    person_id: Annotated[int, Path(ge=1, le=2**62)],
    principal: Annotated[Principal, Depends(who)],
) -> HTMLResponse:
    """Records side by side with source and reliability, the timeline, the reasons for
    the certainty, the lineage: the API's person (scope-checked, audited)."""
    person: dict[str, Any] = persons.get_person(request=request, person_id=person_id,
                                                principal=principal)  # fmt: skip
    shown_rows = [
        (field, label) for field, label in RECORD_ROWS
        if any(record.get(field) not in (None, "") for record in person["records"])
    ]  # fmt: skip
    return render(request, "person.html", person=person, rows=shown_rows,
                  country_label=country_label)  # fmt: skip
