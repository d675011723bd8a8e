"""The web pages (nomina.web) with the in-process client, over a copy of the small
resolved world: every page renders, browsers not logged in go to the login form, forms
need their CSRF token, login is rate-limited and audited, a liaison officer sees only
their countries, the public sees no personal data, and no page refers to another site.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nomina.access import LoginLimiter, add_user
from nomina.api import ApiSettings, create_app
from nomina.store import open_store
from nomina.store.schema import audit_log, judgements, person_records, record_fields

SETTINGS = ApiSettings(secret_key="web-test-secret-" + "y" * 40)
PASSWORD = "correct horse battery"
HTML = {"Accept": "text/html,application/xhtml+xml"}
PAGES = ("/", "/search", "/review", "/sources", "/audit")
USERS = {"ada": ("admin", ()), "ana": ("analyst", ()), "rev": ("reviewer", ()),
         "sita": ("liaison", ("NP",)), "pub": ("public", ())}  # fmt: skip
EXTERNAL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}|@import|url\(\s*['\"]?http")


def copy_world(world, folder: Path):
    """A writable copy of the session's resolved world, with one user per role."""
    source = Path(world.url.removeprefix("sqlite:///"))
    target = folder / "register.db"
    shutil.copy(source, target)
    store = open_store(f"sqlite:///{target}")
    for name, (role, countries) in USERS.items():
        add_user(store, name, role, PASSWORD, countries=countries, actor="test")
    return store


def names_by_person(store) -> dict[int, list[tuple[str | None, str | None]]]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(person_records.c.person_id, record_fields.c.full_name, record_fields.c.citizenship)
            .join(record_fields, record_fields.c.record_id == person_records.c.record_id)
        ).all()  # fmt: skip
    found: dict[int, list] = {}
    for person_id, name, country in rows:
        found.setdefault(person_id, []).append((name, country))
    return found


def written_twice(store) -> tuple[int, str, str]:
    """A person with a record in Cyrillic and one in Latin script: (id, Cyrillic, Latin)."""
    for person_id, names in sorted(names_by_person(store).items()):
        cyrillic = [n for n, _ in names if n and re.fullmatch(r"[\u0400-\u04ff ]+", n)]
        latin = [n for n, _ in names if n and re.fullmatch(r"[A-Za-z' -]+", n)]
        if cyrillic and latin:
            return person_id, cyrillic[0], latin[0]
    raise AssertionError("the world has no person written in both scripts")


def country_persons(store, country: str) -> tuple[set[int], set[int]]:
    """Persons with a record of `country`, and the others."""
    inside, outside = set(), set()
    for person_id, names in names_by_person(store).items():
        (inside if country in {c for _, c in names} else outside).add(person_id)
    return inside, outside


@pytest.fixture(scope="module")
def site(small_resolved_world, tmp_path_factory):
    store = copy_world(small_resolved_world, tmp_path_factory.mktemp("web"))
    yield store
    store.dispose()


def browser(store, **kw) -> TestClient:
    return TestClient(create_app(store, SETTINGS, **kw), headers=HTML)


def form_token(html: str, field: str) -> str:
    found = re.search(rf'name="{field}" value="([^"]*)"', html)
    assert found, f"no {field} field in the page"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD, next_path: str = "/"):
    page = client.get("/login", params={"next": next_path})
    token = form_token(page.text, "login_token")
    return client.post("/login", data={"name": name, "password": password,
                                       "login_token": token, "next": next_path},
                       follow_redirects=False)  # fmt: skip


def logged_in(store, name: str) -> TestClient:
    client = browser(store)
    assert log_in(client, name).status_code == 303
    return client


def audit_count(store, action: str, actor: str | None = None) -> int:
    query = select(func.count()).where(audit_log.c.action == action)
    if actor:
        query = query.where(audit_log.c.actor == actor)
    with store.engine.connect() as connection:
        return connection.execute(query).scalar()


# --- every page ------------------------------------------------------------------------


def test_every_page_renders_for_an_admin_and_refers_to_no_other_site(site):
    client = logged_in(site, "ada")
    person_id, _, _ = written_twice(site)
    expected = {"/": "Dashboard", "/search": "Search persons", "/review": "Review queue",
                "/sources": "Sources", "/audit": "Audit log", f"/persons/{person_id}": "Records side by side",
                "/?public=true": "public figures", "/login": "Log in"}  # fmt: skip
    for path, heading in expected.items():
        page = client.get(path)
        assert page.status_code == 200, (path, page.text[:500])
        assert heading in page.text, path
        assert page.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert EXTERNAL.findall(page.text) == [], path
        assert "<script src" not in page.text and "<link" not in page.text


def test_the_dashboard_has_its_figures_and_charts(site):
    page = logged_in(site, "ana").get("/").text
    assert "internal figures" in page
    for chart in ("contracts_per_month", "top_countries", "world_map", "status_flow"):
        assert f'id="chart-{chart}"' in page and "<svg" in page
    persons = re.search(r'id="figure-persons".*?class="value">([\d,]+)<', page, re.S)
    assert persons and int(persons.group(1).replace(",", "")) == len(names_by_person(site))


# --- who may see what --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/search", "/review", "/sources", "/audit", "/persons/1"])
def test_a_browser_not_logged_in_goes_to_the_login_form(site, path):
    answer = browser(site).get(path, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/login?next={path}"
    api_client = TestClient(create_app(site, SETTINGS))  # not a browser: the API's 401
    assert api_client.get(path).status_code == 401


def test_the_public_sees_aggregates_and_no_personal_data(site):
    anonymous = browser(site).get("/")
    assert anonymous.status_code == 200 and "public figures" in anonymous.text
    assert "suppressed" in anonymous.text  # small counts are, in a 300-person world
    names = {n for names in names_by_person(site).values() for n, _ in names if n}
    assert names and not [n for n in names if n in anonymous.text]
    public_user = logged_in(site, "pub")
    assert "public figures" in public_user.get("/").text
    assert public_user.get("/?public=false").text.count("internal figures") == 0
    for path in ("/search?q=a", "/persons/1", "/sources", "/review"):
        assert public_user.get(path).status_code == 403, path
    assert 'href="/search"' not in public_user.get("/").text  # no link to what it may not see


def test_a_liaison_officer_sees_only_persons_of_their_countries(site):
    client = logged_in(site, "sita")
    inside, outside = country_persons(site, "NP")
    listed = client.get("/search").text
    shown = {int(n) for n in re.findall(r'href="/persons/(\d+)"', listed)}
    assert shown and shown <= inside
    assert client.get(f"/persons/{min(inside)}").status_code == 200
    refused = client.get(f"/persons/{min(outside)}")
    assert refused.status_code == 403 and "outside your countries (NP)" in refused.text
    assert audit_count(site, "refused", "sita") >= 1
    assert "public figures" in client.get("/").text  # internal figures are for analysts


def test_only_admins_see_the_audit_log_with_its_chain_check(site):
    assert logged_in(site, "ana").get("/audit").status_code == 403
    page = logged_in(site, "ada").get("/audit", params={"action": "log in"}).text
    assert "intact" in page and re.search(r"<td>log in</td>", page)


# --- login, logout, CSRF ------------------------------------------------------------------


def test_login_is_rate_limited_and_audited_like_the_api(site):
    now = [0.0]
    client = browser(site, limiter=LoginLimiter(5, 60, clock=lambda: now[0]))
    failed_before = audit_count(site, "login failed")
    for _ in range(5):
        wrong = log_in(client, "rev", "not the password")
        assert wrong.status_code == 401 and "name or password wrong" in wrong.text
    assert audit_count(site, "login failed") == failed_before + 5
    blocked = log_in(client, "rev")
    assert blocked.status_code == 429 and "too many failed logins" in blocked.text
    now[0] += 61
    logins = audit_count(site, "log in", "rev")
    answer = log_in(client, "rev", next_path="/review")
    assert answer.status_code == 303 and answer.headers["location"] == "/review"
    assert audit_count(site, "log in", "rev") == logins + 1
    assert log_in(browser(site), "ada", next_path="//elsewhere.example").headers["location"] == "/"


def test_the_login_form_needs_its_own_token(site):
    client = browser(site)
    client.get("/login")
    forged = client.post(
        "/login", data={"name": "ada", "password": PASSWORD, "login_token": "0" * 64}
    )
    assert forged.status_code == 400 and "nomina_session" not in client.cookies


def test_forms_need_the_csrf_token(site):
    client = logged_in(site, "rev")
    page = client.get("/review").text
    left, right = form_token(page, "left_record_id"), form_token(page, "right_record_id")
    body = {"left_record_id": left, "right_record_id": right, "verdict": "unsure"}
    assert client.post("/review/judge", data=body).status_code == 403
    assert client.post("/review/judge", data={**body, "csrf_token": "f" * 64}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    token = form_token(page, "csrf_token")
    accepted = client.post(
        "/review/judge", data={**body, "csrf_token": token}, follow_redirects=False
    )
    assert accepted.status_code == 303
    assert client.post("/review/undo", data={"csrf_token": token}, follow_redirects=False).status_code == 303  # fmt: skip
    out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert (
        out.status_code == 303 and client.get("/review", follow_redirects=False).status_code == 303
    )


# --- search, person, review, sources ------------------------------------------------------


def test_search_across_scripts_with_filters_and_pages(site):
    client = logged_in(site, "ana")
    person_id, cyrillic, latin = written_twice(site)
    for query in (cyrillic, latin):
        page = client.get("/search", params={"q": query}).text
        assert f'href="/persons/{person_id}"' in page, query
        assert cyrillic in page and latin in page  # both spellings matched
    assert audit_count(site, "search", "ana") >= 2
    inside, _ = country_persons(site, "NP")
    nepal = client.get("/search", params={"country": "np"}).text
    assert {int(n) for n in re.findall(r'href="/persons/(\d+)"', nepal)} <= inside
    bad = client.get("/search", params={"country": "Atlantis"})
    assert bad.status_code == 422 and "reference table" in bad.text
    first = set(re.findall(r'href="/persons/(\d+)"', client.get("/search").text))
    second = set(
        re.findall(r'href="/persons/(\d+)"', client.get("/search", params={"page": 2}).text)
    )
    assert first and second and not first & second
    confirmed = client.get("/search", params={"certainty": "confirmed"}).text
    assert "pill possible" not in confirmed and "pill confirmed" in confirmed


def test_a_common_name_says_its_count_is_a_lower_bound(site, monkeypatch):
    from nomina.resolve import search

    client = logged_in(site, "ana")
    _, _, latin = written_twice(site)
    family = latin.split()[-1]
    exact = client.get("/search", params={"q": family}).text
    assert "At least" not in exact
    # One record scored a page: as if the name had more namesakes than a page scores.
    monkeypatch.setattr(search, "SCORED_RECORDS", 1)
    monkeypatch.setattr(search, "SCORED_PER_RESULT", 0)
    monkeypatch.setattr(search, "_recent", type(search._recent)())
    capped = client.get("/search", params={"q": family, "page": 1}).text
    assert "At least" in capped and "A common name" in capped


def test_the_person_page_shows_records_timeline_reasons_lineage_and_is_audited(site):
    client = logged_in(site, "ana")
    person_id, cyrillic, latin = written_twice(site)
    reads = audit_count(site, "read person", "ana")
    page = client.get(f"/persons/{person_id}").text
    assert cyrillic in page and latin in page
    for part in ('id="records"', "Reliability", "Why ", "Timeline", "Lineage", 'id="reasons"'):
        assert part in page, part
    assert audit_count(site, "read person", "ana") == reads + 1
    assert client.get("/persons/999999").status_code == 404


def test_the_review_page_judges_a_pair_and_undoes_it(site):
    client = logged_in(site, "rev")
    page = client.get("/review").text
    left_count = int(re.search(r'id="pairs-left">([\d,]+)<', page).group(1).replace(",", ""))
    assert left_count > 0 and 'id="waterfall"' in page and "<rect" in page
    assert 'data-key="s"' in page and 'data-key="d"' in page and 'data-key="u"' in page
    left, right = form_token(page, "left_record_id"), form_token(page, "right_record_id")
    token = form_token(page, "csrf_token")
    after = client.post("/review/judge", data={"csrf_token": token, "left_record_id": left,
                                                "right_record_id": right, "verdict": "different"}).text  # fmt: skip
    assert f"records {left} and {right}" in after
    assert int(re.search(r'id="pairs-left">([\d,]+)<', after).group(1).replace(",", "")) == left_count - 1  # fmt: skip
    with site.engine.connect() as connection:
        stored = connection.execute(select(judgements.c.verdict, judgements.c.judged_by).order_by(judgements.c.id.desc())).first()  # fmt: skip
    assert tuple(stored) == ("different", "rev")
    undone = client.post("/review/undo", data={"csrf_token": token}).text
    assert "Undone" in undone
    assert int(re.search(r'id="pairs-left">([\d,]+)<', undone).group(1).replace(",", "")) == left_count  # fmt: skip


def test_uploading_a_source_shows_validation_and_quarantine(site, tmp_path):
    client = logged_in(site, "ana")
    token = form_token(client.get("/sources").text, "csrf_token")
    data = "FIO;Born;Citizenship;Contract\r\nMagar Dil;01.01.1990;Nepal;01.05.2024\r\nTamang Hari;not a date;Nepal;01.06.2024\r\n"  # fmt: skip
    config = ("source:\n  title: uploaded in a browser\n  kind: contracts\n  reliability: C\n"
              "  received: 2025-11-25\nfile:\n  delimiter: ';'\ncolumns:\n  FIO: full_name\n"
              "  Born: birth_date\n  Citizenship: citizenship\n  Contract: contracted\n")  # fmt: skip
    files = {"file": ("upload.csv", data.encode()), "config": ("upload.yaml", config.encode())}
    page = client.post("/sources", data={"csrf_token": token}, files=files)
    assert page.status_code == 200, page.text[:500]
    assert "1 records added" in page.text and "1 rows quarantined" in page.text
    assert 'id="upload-quarantine"' in page.text and "not a date" in page.text
    assert "uploaded in a browser" in page.text  # now in the list
    refused = client.post("/sources", files=files)  # no token
    assert refused.status_code == 403
    bad = client.post("/sources", data={"csrf_token": token},
                      files={"file": ("x.csv", b"a;b\n1;2\n"), "config": ("x.yaml", b"source: [")})  # fmt: skip
    assert bad.status_code == 422 and 'id="upload-error"' in bad.text and "config" in bad.text
    reviewer = logged_in(site, "rev")
    assert "Upload a source" not in reviewer.get("/sources").text
    assert "<h2>Quarantine" not in reviewer.get("/sources").text  # verbatim rows: analysts only
