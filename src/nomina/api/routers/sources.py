"""Sources: the list; upload a file with its YAML (validation, quarantine); the quarantine."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from nomina.access import Principal
from nomina.api.security import ApiError, route, settings_of, store_of, who
from nomina.ingest import (
    FORMATS,
    IngestError,
    SourceConfigError,
    ingest_file,
    list_quarantine,
    load_source_config,
)
from nomina.ingest.summary import list_sources

router = APIRouter(prefix="/api", tags=["sources"])
SHOWN_PROBLEMS = 200
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@route(router, "GET", "/sources", "read_sources", summary="Sources with their counts")
def sources_list(request: Request) -> dict[str, Any]:
    items = list_sources(store_of(request))
    return {"total": len(items), "items": items}


def _save(upload: UploadFile, folder: Path, name: str, limit: int, field: str) -> Path:
    path = folder / name
    written = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise ApiError(413, f"{field}: larger than {limit // (1024 * 1024)} MB", field=field)  # fmt: skip
            out.write(chunk)
    if written == 0:
        raise ApiError(422, f"{field}: the upload is empty", field=field)
    return path


@route(router, "POST", "/sources", "upload_sources", summary="Upload a source file with its YAML")
def upload_source(
    *,
    request: Request,
    file: Annotated[UploadFile, File(description="The data: .csv, .xlsx or .jsonl")],
    config: Annotated[UploadFile, File(description="Its source YAML (docs/source-config.md)")],
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    """Ingest the file as one batch (all or nothing): rows that do not parse go to the
    quarantine, listed in the answer with row, field and reason. A file already stored
    (same SHA-256) adds nothing. Resolution is a separate step (`nomina resolve`)."""
    original = Path(file.filename or "").name
    stem, suffix = Path(original).stem, Path(original).suffix.lower()
    if suffix not in FORMATS:
        raise ApiError(422, f"file: {original or '(no name)'!r} is not one of {', '.join(sorted(FORMATS))}", field="file")  # fmt: skip
    safe = (_SAFE_NAME.sub("_", stem).strip("._") or "source")[:100] + suffix
    limit = settings_of(request).max_upload_bytes
    store = store_of(request)
    with tempfile.TemporaryDirectory(prefix="nomina-upload-") as folder:
        data_path = _save(file, Path(folder), safe, limit, "file")
        config_path = _save(config, Path(folder), Path(safe).stem + ".yaml", 1 << 20, "config")
        try:
            source_config = load_source_config(config_path)
        except SourceConfigError as error:
            raise ApiError(422, f"config: {error.message}", field="config") from None
        try:
            result = ingest_file(store, data_path, source_config, actor=principal.name)
        except SourceConfigError as error:
            raise ApiError(422, f"config: {error.message}", field="config") from None
        except IngestError as error:
            raise ApiError(422, f"file: {error.message}", field="file") from None
    answer: dict[str, Any] = {
        "file": safe,
        "sha256": result.file_sha256,
        "duplicate_of_batch": result.duplicate_of,
        "batch_id": result.batch_id,
        "source_id": result.source_id,
        "format": result.file_format,
        "encoding": result.encoding,
        "rows_read": result.rows_read,
        "records_added": result.records_added,
        "rows_quarantined": result.rows_quarantined,
        "values_set_aside": result.values_set_aside,
        "blank_rows": result.blank_rows,
        "quarantine": [],
        "set_aside": [],
    }
    if result.batch_id is not None:
        answer["quarantine"] = list_quarantine(
            store, batch_id=result.batch_id, limit=SHOWN_PROBLEMS
        )
        answer["set_aside"] = list_quarantine(
            store, batch_id=result.batch_id, limit=SHOWN_PROBLEMS, set_aside=True
        )
    return answer


@route(router, "GET", "/quarantine", "read_quarantine", summary="Rows quarantined, with reasons")
def quarantine(
    *,
    request: Request,
    batch: Annotated[int | None, Query(ge=1, le=2**31)] = None,
    set_aside: Annotated[
        bool, Query(description="Values set aside from rows kept, instead.")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> dict[str, Any]:
    items = list_quarantine(store_of(request), batch_id=batch, limit=limit, set_aside=set_aside)
    return {"total": len(items), "items": items}
