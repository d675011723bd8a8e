"""Records: one record with its provenance, parsed fields, events and person; the
records of a source, a page at a time. Personal data: every read is audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy import func, select

from nomina.access import Principal, country_filter
from nomina.access.scope import record_countries, record_in_countries
from nomina.api.paging import Paging, paging
from nomina.api.security import ApiError, route, scope_check, store_of, who
from nomina.resolve.person import record_details
from nomina.store.audit import append_audit
from nomina.store.dialect import take_write_lock
from nomina.store.schema import person_records, records, sources

router = APIRouter(prefix="/api", tags=["records"])


@route(router, "GET", "/records/{record_id}", "read_records", summary="One record")
def get_record(
    *,
    request: Request,
    record_id: Annotated[int, Path(ge=1, le=2**62)],
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    store = store_of(request)
    with store.engine.connect() as connection:
        found = connection.execute(
            select(records.c.id, records.c.raw, person_records.c.person_id)
            .outerjoin(person_records, person_records.c.record_id == records.c.id)
            .where(records.c.id == record_id)
        ).first()
        countries = record_countries(connection, record_id) if found else frozenset()
    if found is None:
        raise ApiError(404, f"no record {record_id}", field="record_id")
    scope_check(request, principal, "read_records", countries, object_type="record",
                object_id=str(record_id))  # fmt: skip
    with store.engine.begin() as connection:
        take_write_lock(connection)  # before the reads: see take_write_lock
        details = record_details(connection, [record_id])
        append_audit(connection, actor=principal.name, action="read record",
                     object_type="record", object_id=str(record_id))  # fmt: skip
    return {**details[0], "person_id": found.person_id, "raw": found.raw}


@route(router, "GET", "/records", "read_records", summary="Records, by source, a page at a time")
def list_records(
    *,
    request: Request,
    source: Annotated[
        int | None, Query(ge=1, le=2**31, description="Only this source's records.")
    ] = None,
    page: Annotated[Paging, Depends(paging)],
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    store = store_of(request)
    query = select(records.c.id)
    if source is not None:
        query = query.where(records.c.source_id == source)
    scope = country_filter(principal, "read_records")
    if scope is not None:
        query = query.where(record_in_countries(records.c.id, scope))
    with store.engine.begin() as connection:
        take_write_lock(connection)  # before the reads: see take_write_lock
        if (
            source is not None
            and connection.execute(select(sources.c.id).where(sources.c.id == source)).first()
            is None
        ):
            raise ApiError(404, f"no source {source}", field="source")
        total = connection.execute(select(func.count()).select_from(query.subquery())).scalar()
        ids = list(connection.execute(
            query.order_by(records.c.id).limit(page.per_page).offset(page.offset)
        ).scalars())  # fmt: skip
        items = record_details(connection, ids)
        append_audit(connection, actor=principal.name, action="list records",
                     object_type="source" if source else "records",
                     object_id=str(source) if source else None,
                     detail={"records": ids})  # fmt: skip
    return page.wrap(total or 0, items)
