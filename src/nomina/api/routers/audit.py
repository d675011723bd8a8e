"""The audit log (admins): entries a page at a time, newest first; the chain check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select

from nomina.api.paging import Paging, paging
from nomina.api.security import route, store_of
from nomina.store.audit import verify_audit_chain
from nomina.store.schema import audit_log

router = APIRouter(prefix="/api", tags=["audit"])
AUDIT_COLUMNS = ("id", "at", "actor", "action", "object_type", "object_id", "detail", "hash")


@route(router, "GET", "/audit", "read_audit", summary="Audit entries, newest first")
def entries(
    *,
    request: Request,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[Paging, Depends(paging)],
) -> dict[str, Any]:
    query = select(*(audit_log.c[name] for name in AUDIT_COLUMNS))
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    with store_of(request).engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(query.subquery())).scalar()
        rows = connection.execute(
            query.order_by(audit_log.c.id.desc()).limit(page.per_page).offset(page.offset)
        ).mappings()
        items = [dict(row) for row in rows]
    return page.wrap(total or 0, items)


@route(router, "GET", "/audit/verify", "read_audit", summary="Check the hash chain")
def verify(request: Request) -> dict[str, Any]:
    with store_of(request).engine.connect() as connection:
        check = verify_audit_chain(connection)
    return {"entries": check.entries, "intact": check.intact, "first_broken_id": check.first_broken_id}  # fmt: skip
