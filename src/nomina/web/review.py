"""The review queue page: the next pair side by side, the match-weight waterfall, the
Same / Different / Unsure buttons (keys s, d, u), progress and undo."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select

from nomina.access import Principal
from nomina.api.routers import review
from nomina.api.security import ApiError, route, store_of, who
from nomina.resolve.review import DEFAULT_BAND, _candidates, _latest_run, weight_of_probability
from nomina.store.schema import judgements
from nomina.web.app import render, security_headers
from nomina.web.register import RECORD_ROWS

router = APIRouter(tags=["pages"])
WATERFALL_WIDTH, WATERFALL_ROW = 640, 22


def progress(request: Request, principal: Principal) -> dict[str, int]:
    """Pairs still to decide in the default band, and the judgements made (by anyone, by you)."""
    with store_of(request).engine.connect() as connection:
        try:
            _run, threshold = _latest_run(connection)
            left = sum(1 for _ in _candidates(connection, DEFAULT_BAND, weight_of_probability(threshold)))  # fmt: skip
        except ValueError:
            left = 0
        made = connection.execute(select(func.count()).select_from(judgements)).scalar() or 0
        mine = connection.execute(
            select(func.count()).where(judgements.c.judged_by == principal.name)
        ).scalar() or 0  # fmt: skip
    return {"left": left, "judged": made, "mine": mine}


def waterfall(item: dict[str, Any]) -> dict[str, Any]:
    """Bars of the match weight: the prior, then each comparison's contribution, running
    from left to right, and the run's threshold as a line (all in bits)."""
    steps = [("prior (no comparison)", item["prior_weight"])]
    steps += [(name.replace("_", " "), part["weight"]) for name, part in item["contributions"].items()]  # fmt: skip
    running, bars = 0.0, []
    for label, weight in steps:
        bars.append({"label": label, "weight": weight, "start": running, "end": running + weight})
        running += weight
    ends = [0.0, item["threshold_weight"], *(b["start"] for b in bars), *(b["end"] for b in bars)]
    low, high = min(ends) - 1, max(ends) + 1
    label_width, plot = 170, WATERFALL_WIDTH - 170 - 60

    def x(value: float) -> float:
        return round(label_width + (value - low) / (high - low) * plot, 1)

    for bar in bars:
        bar["x"] = x(min(bar["start"], bar["end"]))
        bar["width"] = max(1.0, round(abs(x(bar["end"]) - x(bar["start"])), 1))
    height = WATERFALL_ROW * (len(bars) + 1) + 10
    return {"bars": bars, "total": running, "zero": x(0.0), "threshold": x(item["threshold_weight"]),
            "total_x": x(running), "width": WATERFALL_WIDTH, "height": height, "row": WATERFALL_ROW}  # fmt: skip


@route(router, "GET", "/review", "read_review_queue", summary="Page: the review queue", response_class=HTMLResponse)  # fmt: skip
def review_page(
    request: Request,
    principal: Annotated[Principal, Depends(who)],
    done: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """The pair most worth a verdict (the API's queue, audited), and what is left."""
    error, item = None, None
    try:
        items = review.queue(request=request, limit=1, low=DEFAULT_BAND[0], high=DEFAULT_BAND[1],
                             principal=principal)["items"]  # fmt: skip
        item = items[0] if items else None
    except ApiError as problem:
        error = problem.detail
    rows = RECORD_ROWS
    if item is not None:
        shown = (item["left_fields"], item["right_fields"])
        rows = tuple((f, label) for f, label in RECORD_ROWS
                     if any(side.get(f) not in (None, "") for side in shown))  # fmt: skip
    return render(request, "review.html", item=item, rows=rows, error=error, done=done,
                  progress=progress(request, principal),
                  chart=waterfall(item) if item else None)  # fmt: skip


@route(router, "POST", "/review/judge", "write_judgements", summary="Page: judge a pair (form)", response_class=HTMLResponse)  # fmt: skip
def judge_submit(
    request: Request,
    principal: Annotated[Principal, Depends(who)],
    left_record_id: Annotated[int, Form(ge=1, le=2**62)],
    right_record_id: Annotated[int, Form(ge=1, le=2**62)],
    verdict: Annotated[Literal["same", "different", "unsure"], Form()],
) -> RedirectResponse:
    """The API's judgement (audited); back to the queue for the next pair."""
    body = review.JudgementIn(left_record_id=left_record_id, right_record_id=right_record_id,
                              verdict=verdict)  # fmt: skip
    answer = review.judge(body, request, principal)
    done = f"{answer['verdict']}:{answer['left_record_id']}:{answer['right_record_id']}"
    return RedirectResponse(f"/review?done={done}", status_code=303, headers=security_headers())


@route(router, "POST", "/review/undo", "write_judgements", summary="Page: undo my last judgement (form)", response_class=HTMLResponse)  # fmt: skip
def undo_submit(request: Request, principal: Annotated[Principal, Depends(who)]) -> RedirectResponse:  # fmt: skip
    answer = review.undo(request, principal)
    done = f"undone:{answer['left_record_id']}:{answer['right_record_id']}"
    return RedirectResponse(f"/review?done={done}", status_code=303, headers=security_headers())
