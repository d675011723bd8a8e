"""Persons: a paginated list, and one person with its records side by side, certainty
reasons, lineage and timeline. Personal data: every read is audited."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from nomina.access import Principal, country_filter
from nomina.access.scope import person_countries
from nomina.api.paging import Paging, paging
from nomina.api.security import ApiError, route, scope_check, store_of, who
from nomina.concepts import EVENT_KINDS
from nomina.reference import get_territory
from nomina.resolve.person import describe_person
from nomina.resolve.search import search_persons
from nomina.store.schema import persons
from nomina.timeline.person import person_timeline, timeline_rows

router = APIRouter(prefix="/api", tags=["persons"])

Status = Literal[EVENT_KINDS]  # type: ignore[valid-type]
Certainty = Literal["confirmed", "probable", "possible"]
PERSON_ID = Path(ge=1, le=2**62, description="A person's id (stable across runs).")


def checked_country(country: str | None) -> str | None:
    if country is None:
        return None
    territory = get_territory(country.strip().upper())
    if territory is None:
        raise ApiError(422, f"country: {country!r} is not a code of the reference table", field="country")  # fmt: skip
    return territory.code


def filters(
    *,
    country: Annotated[
        str | None,
        Query(
            max_length=16,
            description="Country code (NP, KP, ...): the citizenship most of the person's records give.",
        ),
    ] = None,  # fmt: skip
    status: Annotated[Status | None, Query(description="Current status (the timeline's).")] = None,
    certainty: Annotated[Certainty | None, Query()] = None,
    source: Annotated[
        int | None, Query(ge=1, le=2**31, description="A source id: persons with a record from it.")
    ] = None,  # fmt: skip
) -> dict[str, Any]:
    return {"country": checked_country(country), "status": status, "certainty": certainty,
            "source_id": source}  # fmt: skip


@route(router, "GET", "/persons", "read_persons", summary="Persons, filtered, a page at a time")
def list_persons(
    *,
    request: Request,
    page: Annotated[Paging, Depends(paging)],
    chosen: Annotated[dict[str, Any], Depends(filters)],
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    found = search_persons(
        store_of(request), None, **chosen, countries=country_filter(principal, "read_persons"),
        limit=page.per_page, offset=page.offset, actor=principal.name,
    )  # fmt: skip
    return page.wrap(found.total, found.persons)


@route(router, "GET", "/persons/{person_id}", "read_persons", summary="One person")
def get_person(
    *,
    request: Request,
    person_id: Annotated[int, PERSON_ID],
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    """Its records side by side (source, reliability, file, row, fields, events),
    certainty and the reasons for it, lineage (merges and splits), and the timeline:
    events ordered, status, contradictions."""
    store = store_of(request)
    with store.engine.connect() as connection:
        exists = connection.execute(persons.select().where(persons.c.id == person_id)).first()
        countries = person_countries(connection, person_id) if exists else frozenset()
    if not exists:
        raise ApiError(404, f"no person {person_id}", field="person_id")
    scope_check(request, principal, "read_persons", countries, object_type="person",
                object_id=str(person_id))  # fmt: skip
    person = describe_person(store, person_id, actor=principal.name)  # audited
    if person is None:  # gone between the two reads
        raise ApiError(404, f"no person {person_id}", field="person_id")
    with store.engine.connect() as connection:
        timeline = person_timeline(connection, person_id)
        rows = timeline_rows(connection, timeline)
    status = timeline.status_event
    person["countries"] = sorted(countries)
    person["timeline"] = {
        "status": timeline.status,
        "status_date": status.date if status else None,
        "contested": timeline.contested,
        "events": rows,
        "flags": [
            {"kind": flag.kind, "record_id": flag.event.record_id,
             "other_record_id": flag.other.record_id if flag.other else None,
             "detail": flag.detail}
            for flag in timeline.flags
        ],
    }  # fmt: skip
    return person
