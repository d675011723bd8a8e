"""The W3C reconciliation service (API v0.2): answers validated against the spec's JSON
schemas (tests/data/reconcile), cross-script candidates scored by nomina's name
comparison, the country property, liaison scope, previews, tokens in the URL, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from nomina.api import create_app
from tests.test_api import SETTINGS, bearer, model, person_named, world  # noqa: F401

SCHEMAS = Path(__file__).parent / "data" / "reconcile"


def validator(name: str) -> Draft7Validator:
    registry = Registry().with_resources(
        (path.name, Resource.from_contents(json.loads(path.read_text())))
        for path in SCHEMAS.glob("*.json")
    )
    schema = json.loads((SCHEMAS / name).read_text())
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, registry=registry)


def valid(name: str, document) -> None:
    errors = sorted(validator(name).iter_errors(document), key=str)
    assert not errors, [error.message for error in errors]


@pytest.fixture
def client(world):  # noqa: F811
    return TestClient(create_app(world[0], SETTINGS))


def test_the_manifest_follows_the_schema_and_needs_no_login(client):
    manifest = client.get("/reconcile").json()
    valid("manifest.json", manifest)
    assert manifest["versions"] == ["0.2"] and manifest["defaultTypes"][0]["id"] == "person"


def test_schemas_reject_what_they_should():
    assert list(validator("manifest.json").iter_errors({"versions": ["0.1"], "name": "x"}))
    assert list(validator("reconciliation-result-batch.json").iter_errors({"q0": {"result": [{"id": 1}]}}))  # fmt: skip


@pytest.mark.parametrize(("query", "other"), [("Ким Чен Ын", "Kim Jong Un"), ("Kim Jong Un", "Ким Чен Ын")])  # fmt: skip
def test_queries_by_post_find_both_spellings(client, world, query, other):  # noqa: F811
    batch = {"q0": {"query": query, "type": "person", "limit": 5}, "q1": {"query": "Thapa Ram"}}
    valid("reconciliation-query-batch.json", batch)
    answer = client.post("/reconcile", data={"queries": json.dumps(batch)}, headers=bearer(world, "ana"))  # fmt: skip
    assert answer.status_code == 200, answer.text
    result = answer.json()
    valid("reconciliation-result-batch.json", result)
    assert set(result) == {"q0", "q1"}
    top = result["q0"]["result"]
    assert top and top[0]["score"] >= 90 and top[0]["type"] == [{"id": "person", "name": "Person"}]
    store = world[0]
    candidates = {c["id"] for c in top}
    assert {str(person_named(store, query)), str(person_named(store, other))} <= candidates
    assert str(person_named(store, "Kim Chol")) not in candidates
    thapa = result["q1"]["result"][0]
    assert thapa["id"] == str(person_named(store, "Thapa Ram")) and thapa["match"] is True


def test_queries_by_get_with_the_token_in_the_url(client, world):  # noqa: F811
    token = world[1]["ana"]
    queries = json.dumps({"q0": {"query": "Gurung Bishal"}})
    answer = client.get("/reconcile", params={"queries": queries, "token": token})
    assert answer.status_code == 200
    valid("reconciliation-result-batch.json", answer.json())
    assert answer.json()["q0"]["result"][0]["name"] == "Gurung Bishal"
    assert client.get("/reconcile", params={"queries": queries}).status_code == 401
    assert (
        client.get("/reconcile", params={"queries": queries, "token": "nmn_x"}).status_code == 401
    )


def test_the_country_property_lowers_other_countries(client, world):  # noqa: F811
    def score(country: str) -> float:
        batch = {"q": {"query": "Thapa Ram", "properties": [{"pid": "country", "v": country}]}}
        answer = client.post("/reconcile", data={"queries": json.dumps(batch)}, headers=bearer(world, "ana"))  # fmt: skip
        valid("reconciliation-result-batch.json", answer.json())
        candidate = answer.json()["q"]["result"][0]
        return candidate["score"], candidate["features"]

    (nepal, features), (india, _) = score("Nepal"), score("IN")
    assert {"id": "country", "value": True} in features
    assert india == pytest.approx(nepal * 0.8, rel=0.01)


def test_a_liaison_reconciles_only_against_their_countries(client, world):  # noqa: F811
    batch = json.dumps({"q0": {"query": "Kim Jong Un"}, "q1": {"query": "Thapa Ram"}})
    answer = client.post(
        "/reconcile", data={"queries": batch}, headers=bearer(world, "sita")
    ).json()
    assert answer["q0"]["result"] == [] and answer["q1"]["result"]


def test_preview_is_html_audited_and_scoped(client, world):  # noqa: F811
    store = world[0]
    kim = person_named(store, "Kim Chol")
    page = client.get("/reconcile/preview", params={"id": kim}, headers=bearer(world, "pak"))
    assert page.status_code == 200 and "Kim Chol" in page.text and "KP" in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert client.get("/reconcile/preview", params={"id": kim}, headers=bearer(world, "sita")).status_code == 403  # fmt: skip
    assert client.get("/reconcile/preview", params={"id": "abc"}, headers=bearer(world, "pak")).status_code == 422  # fmt: skip


@pytest.mark.parametrize(
    "queries",
    [
        "not json",
        "[]",
        "{}",
        '{"q0": "Kim"}',
        '{"q0": {"query": ""}}',
        '{"q0": {"query": "Kim", "limit": 0}}',  # fmt: skip
        '{"q0": {"query": "Kim", "properties": [{"pid": "height", "v": 3}]}}',
    ],
)
def test_bad_queries_are_422_naming_queries(client, world, queries):  # noqa: F811
    answer = client.post("/reconcile", data={"queries": queries}, headers=bearer(world, "ana"))
    assert answer.status_code == 422 and answer.json()["field"] == "queries", answer.text


def test_another_type_gets_no_candidates(client, world):  # noqa: F811
    batch = json.dumps({"q0": {"query": "Thapa Ram", "type": "organisation"}})
    answer = client.post("/reconcile", data={"queries": batch}, headers=bearer(world, "ana")).json()
    assert answer == {"q0": {"result": []}}
