"""Sources (list; upload a file with its YAML, see validation and quarantine) and the
audit log (admins, with the hash chain's check)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse

from nomina.access import Principal, may
from nomina.api.paging import Paging
from nomina.api.routers import audit, sources
from nomina.api.security import ApiError, route, store_of, who
from nomina.ingest import list_quarantine
from nomina.web.app import render

router = APIRouter(tags=["pages"])
QUARANTINE_SHOWN = 50
AUDIT_PER_PAGE = 50


def _sources_page(request: Request, principal: Principal, *, result: dict[str, Any] | None = None,
                  error: str | None = None, status_code: int = 200) -> HTMLResponse:  # fmt: skip
    quarantine = None
    if may(principal, "read_quarantine"):
        quarantine = list_quarantine(store_of(request), limit=QUARANTINE_SHOWN)
    return render(request, "sources.html", status_code=status_code,
                  sources=sources.sources_list(request)["items"], quarantine=quarantine,
                  result=result, error=error)  # fmt: skip


@route(router, "GET", "/sources", "read_sources", summary="Page: sources", response_class=HTMLResponse)  # fmt: skip
def sources_page(request: Request, principal: Annotated[Principal, Depends(who)]) -> HTMLResponse:
    return _sources_page(request, principal)


@route(router, "POST", "/sources", "upload_sources", summary="Page: upload a source (form)", response_class=HTMLResponse)  # fmt: skip
def upload_submit(
    request: Request,
    principal: Annotated[Principal, Depends(who)],
    file: Annotated[UploadFile, File(description="The data: .csv, .xlsx or .jsonl")],
    config: Annotated[UploadFile, File(description="Its source YAML")],
) -> HTMLResponse:
    """The API's upload (one batch, all or nothing; audited): the page shows what was
    added, and each row quarantined with its row, field and reason."""
    try:
        result = sources.upload_source(request=request, file=file, config=config, principal=principal)  # fmt: skip
    except ApiError as problem:
        return _sources_page(request, principal, error=problem.detail, status_code=problem.status_code)  # fmt: skip
    return _sources_page(request, principal, result=result)


@route(router, "GET", "/audit", "read_audit", summary="Page: the audit log", response_class=HTMLResponse)  # fmt: skip
def audit_page(
    request: Request,
    actor: Annotated[str, Query(max_length=64)] = "",
    action: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> HTMLResponse:
    """Entries newest first, filtered by actor or action, and the chain's check."""
    entries = audit.entries(request=request, actor=actor or None, action=action or None,
                            page=Paging(page, AUDIT_PER_PAGE))  # fmt: skip
    return render(request, "audit.html", entries=entries, check=audit.verify(request),
                  query={"actor": actor, "action": action}, page=page)  # fmt: skip
