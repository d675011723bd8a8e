"""A W3C reconciliation service (Reconciliation API v0.2) over the register's persons,
so OpenRefine can reconcile a spreadsheet column of names.

GET  /reconcile                   the manifest (no personal data; anyone)
GET|POST /reconcile?queries=JSON  a batch of queries → candidates with scores
GET  /reconcile/preview?id=N      a small HTML card of person N (audited)

Candidates come from the name search (`nomina.resolve.search`: stored cross-script
name keys, then `compare_names`); a candidate's score is its name agreement × 100, and
× 0.8 when a `country` property is given and none of the person's records has that
citizenship. `match` is true for the top candidate when it scores 95 or more and the
next one below 85. One type: `person`. Queries and previews are personal data: each is
audited, and a liaison officer sees only persons of their countries. OpenRefine cannot
send headers, so these routes also take `?token=API_TOKEN` in the service URL.
"""

from __future__ import annotations

import html
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from nomina.access import Principal, country_filter
from nomina.access.scope import person_countries
from nomina.access.users import country_codes
from nomina.api.security import ApiError, guard, route, scope_check, store_of
from nomina.resolve.person import describe_person
from nomina.resolve.search import search_persons
from nomina.store.schema import persons

router = APIRouter(tags=["reconciliation"])
PERSON_TYPE = {"id": "person", "name": "Person"}
MAX_QUERIES = 50
MAX_LIMIT = 25
DEFAULT_LIMIT = 5
CANDIDATE_FLOOR = 0.5
PROPERTIES = ("country",)


def manifest(request: Request) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    return {
        "versions": ["0.2"],
        "name": "nomina register of persons",
        "identifierSpace": f"{base}/api/persons/",
        "schemaSpace": f"{base}/reconcile/schema/",
        "documentation": f"{base}/docs",
        "defaultTypes": [PERSON_TYPE],
        "view": {"url": f"{base}/api/persons/{{{{id}}}}"},
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 420, "height": 180},
    }


def _parse_batch(raw: str) -> dict[str, dict[str, Any]]:
    try:
        batch = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ApiError(422, f"queries: not JSON ({error.msg}, character {error.pos})", field="queries") from None  # fmt: skip
    if not isinstance(batch, dict) or not batch:
        raise ApiError(422, 'queries: expected a JSON object {"q0": {"query": "..."}, ...}', field="queries")  # fmt: skip
    if len(batch) > MAX_QUERIES:
        raise ApiError(422, f"queries: at most {MAX_QUERIES} per batch", field="queries")
    for key, query in batch.items():
        if not isinstance(query, dict):
            raise ApiError(422, f"queries.{key}: expected an object", field="queries")
        text = query.get("query")
        if not isinstance(text, str) or not text.strip() or len(text) > 200:
            raise ApiError(422, f"queries.{key}.query: a name of 1 to 200 characters", field="queries")  # fmt: skip
        limit = query.get("limit", DEFAULT_LIMIT)
        if not isinstance(limit, int | float) or isinstance(limit, bool) or limit < 1:
            raise ApiError(422, f"queries.{key}.limit: a number, at least 1", field="queries")
        properties = query.get("properties", [])
        if not isinstance(properties, list) or not all(
            isinstance(p, dict) and isinstance(p.get("pid"), str) and "v" in p for p in properties
        ):
            raise ApiError(422, f"queries.{key}.properties: a list of {{pid, v}}", field="queries")
        for prop in properties:
            if prop["pid"] not in PROPERTIES:
                raise ApiError(422, f"queries.{key}.properties: {prop['pid']!r} unknown; known: {', '.join(PROPERTIES)}", field="queries")  # fmt: skip
    return batch


def _wanted_countries(key: str, query: dict[str, Any]) -> frozenset[str] | None:
    values: list[str] = []
    for prop in query.get("properties", []):
        given = prop["v"] if isinstance(prop["v"], list) else [prop["v"]]
        for value in given:
            value = value.get("id") if isinstance(value, dict) else value
            if not isinstance(value, str):
                raise ApiError(422, f"queries.{key}.properties: country as a code or a name", field="queries")  # fmt: skip
            values.append(value)
    if not values:
        return None
    try:
        return country_codes(values)
    except ValueError as error:
        raise ApiError(422, f"queries.{key}.properties: {error}", field="queries") from None


def _type_wanted(query: dict[str, Any]) -> bool:
    wanted = query.get("type")
    if wanted is None:
        return True
    types = wanted if isinstance(wanted, list) else [wanted]
    return PERSON_TYPE["id"] in types


def _candidates(request: Request, principal: Principal, key: str, query: dict[str, Any]) -> list[dict[str, Any]]:  # fmt: skip
    if not _type_wanted(query):
        return []
    limit = min(int(query.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
    wanted = _wanted_countries(key, query)
    store = store_of(request)
    try:
        found = search_persons(
            store, query["query"], countries=country_filter(principal, "reconcile"),
            min_score=CANDIDATE_FLOOR, limit=limit, actor=principal.name,
        )  # fmt: skip
    except ValueError:
        return []  # nothing name-like in the cell: no candidates
    results = []
    with store.engine.connect() as connection:
        for person in found.persons:
            score = person["score"]
            features = [{"id": "name", "value": round(score, 4)}]
            if wanted is not None:
                agrees = bool(person_countries(connection, person["person_id"]) & wanted)
                features.append({"id": "country", "value": agrees})
                score = score if agrees else score * 0.8
            facts = [person.get("country"), person["certainty"], person.get("status")]
            results.append({
                "id": str(person["person_id"]),
                "name": person["name"] or "",
                "description": " · ".join(str(f) for f in facts if f),
                "score": round(100 * score, 2),
                "features": features,
                "match": False,
                "type": [PERSON_TYPE],
            })  # fmt: skip
    results.sort(key=lambda r: -r["score"])
    if results and results[0]["score"] >= 95 and (len(results) == 1 or results[1]["score"] < 85):
        results[0]["match"] = True
    return results


def _answer(request: Request, raw: str | None) -> dict[str, Any]:
    if raw is None:  # no queries: the manifest, for anyone
        guard("read_reconcile_manifest", allow_query_token=True)(request)
        return manifest(request)
    principal = guard("reconcile", allow_query_token=True)(request)
    batch = _parse_batch(raw)
    return {key: {"result": _candidates(request, principal, key, q)} for key, q in batch.items()}


QUERIES = Query(max_length=100_000, description="A JSON batch of queries; none: the manifest.")  # fmt: skip


@route(router, "GET", "/reconcile", "read_reconcile_manifest", allow_query_token=True,
       summary="Manifest, or queries by GET")  # fmt: skip
def reconcile_get(
    *, request: Request, queries: Annotated[str | None, QUERIES] = None
) -> dict[str, Any]:
    return _answer(request, queries)


@route(router, "POST", "/reconcile", "read_reconcile_manifest", allow_query_token=True,
       summary="Queries by POST (form field `queries`)")  # fmt: skip
async def reconcile_post(request: Request) -> dict[str, Any]:
    form = await request.form()
    raw = form.get("queries")
    if raw is not None and not isinstance(raw, str):
        raise ApiError(422, "queries: a form field, not a file", field="queries")
    return await run_in_threadpool(_answer, request, raw)


@route(router, "GET", "/reconcile/preview", "reconcile", allow_query_token=True,
       summary="HTML preview of a person", response_class=HTMLResponse)  # fmt: skip
def preview(
    *,
    request: Request,
    id: Annotated[str, Query(max_length=20, description="A person's id.")],
) -> HTMLResponse:
    principal: Principal = request.state.principal
    if not id.isdigit() or not 0 < int(id) < 2**62:
        raise ApiError(422, "id: a person's id (digits)", field="id")
    person_id = int(id)
    store = store_of(request)
    with store.engine.connect() as connection:
        exists = connection.execute(select(persons.c.id).where(persons.c.id == person_id)).first()
        countries = person_countries(connection, person_id) if exists else frozenset()
    if not exists:
        raise ApiError(404, f"no person {person_id}", field="id")
    scope_check(request, principal, "reconcile", countries, object_type="person", object_id=id)
    person = describe_person(store, person_id, actor=principal.name)  # audited
    assert person is not None
    names = sorted({r["full_name"] or " ".join(filter(None, (r["family_name"], r["given_name"]))) for r in person["records"]} - {""})  # fmt: skip
    births = sorted({r["birth_date"] for r in person["records"] if r["birth_date"]})
    lines = [
        f"<strong>{html.escape(' / '.join(names) or f'person {person_id}')}</strong>",
        f"born {html.escape(', '.join(births) or 'unknown')}",
        f"citizenship {html.escape(', '.join(sorted(countries)) or 'unknown')}",
        f"{html.escape(person['certainty'])}; {len(person['records'])} records",
    ]
    body = "<br>".join(lines)
    return HTMLResponse(
        f'<!doctype html><html><head><meta charset="utf-8"></head>'
        f'<body style="font-family:sans-serif;font-size:13px">{body}</body></html>'
    )
