"""The review queue and reviewers' judgements (same / different / unsure; undo).

Judgements take effect on the next resolution run (nomina.resolve.review)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from nomina.access import Principal
from nomina.api.security import ApiError, route, store_of, who
from nomina.resolve.review import DEFAULT_BAND, record_judgement, review_queue, undo_last_judgement

router = APIRouter(prefix="/api", tags=["review"])


@route(router, "GET", "/review/queue", "read_review_queue", summary="The next pairs to review")
def queue(
    *,
    request: Request,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    low: Annotated[
        float, Query(ge=0.0, le=1.0, description="Lowest match probability.")
    ] = DEFAULT_BAND[0],
    high: Annotated[
        float, Query(ge=0.0, le=1.0, description="Highest match probability.")
    ] = DEFAULT_BAND[1],  # fmt: skip
    principal: Annotated[Principal, Depends(who)],
) -> dict[str, Any]:
    """Pairs of the latest run worth a verdict, best first: both records side by side,
    the model's match weight and per-comparison contributions (the waterfall). Audited."""
    if low > high:
        raise ApiError(422, "low: must not exceed high", field="low")
    try:
        items = review_queue(store_of(request), limit=limit, band=(low, high), actor=principal.name)
    except ValueError as error:
        raise ApiError(409, str(error)) from None
    return {"total": len(items), "items": [item.to_dict() for item in items]}


class JudgementIn(BaseModel):
    left_record_id: int = Field(ge=1, le=2**62)
    right_record_id: int = Field(ge=1, le=2**62)
    verdict: Literal["same", "different", "unsure"]
    note: str | None = Field(None, max_length=2000)


@route(router, "POST", "/judgements", "write_judgements", summary="Judge two records")
def judge(body: JudgementIn, request: Request, principal: Annotated[Principal, Depends(who)]) -> dict[str, Any]:  # fmt: skip
    try:
        judgement_id = record_judgement(
            store_of(request), body.left_record_id, body.right_record_id, body.verdict,
            actor=principal.name, note=body.note,
        )  # fmt: skip
    except ValueError as error:
        message = str(error)
        status = 404 if message.startswith("no record") else 422
        raise ApiError(status, message, field="right_record_id" if "itself" in message else None) from None  # fmt: skip
    return {
        "judgement_id": judgement_id,
        "left_record_id": min(body.left_record_id, body.right_record_id),
        "right_record_id": max(body.left_record_id, body.right_record_id),
        "verdict": body.verdict,
        "judged_by": principal.name,
    }


@route(router, "POST", "/judgements/undo", "write_judgements", summary="Undo my last judgement")
def undo(request: Request, principal: Annotated[Principal, Depends(who)]) -> dict[str, Any]:
    try:
        done = undo_last_judgement(store_of(request), actor=principal.name)
    except ValueError as error:
        raise ApiError(409, str(error)) from None
    return {
        "undone_judgement_id": done.undone_judgement_id,
        "left_record_id": done.left_record_id,
        "right_record_id": done.right_record_id,
        "undone_verdict": done.undone_verdict,
        "restored_verdict": done.restored_verdict,
        "judgement_id": done.judgement_id,
    }
