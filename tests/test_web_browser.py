"""The web pages in a real browser: Playwright drives Debian's Chromium (`make chromium`;
Playwright downloads no browser of its own) against uvicorn serving a copy of the small
resolved world on a free port.

The scenario: log in, search in Cyrillic, open the person, decide a review pair with the
keyboard (and see the queue's count of pairs left drop by one, and come back on undo),
upload a source. With NOMINA_SCREENSHOTS=<folder> each page is saved there as a PNG.

Without Chromium the tests are skipped, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest

from nomina.api import create_app
from tests.conftest import free_port
from tests.test_web import PASSWORD, SETTINGS, copy_world, names_by_person, written_twice

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
CHROMIUM = os.environ.get("NOMINA_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    reason = f"Chromium not found at {CHROMIUM} (install it: `make chromium`)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI=true needs the browser tests")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(small_resolved_world, tmp_path_factory):
    """uvicorn in a background thread over a copy of the world: (base URL, store)."""
    import uvicorn

    store = copy_world(small_resolved_world, tmp_path_factory.mktemp("browser"))
    port = free_port()
    config = uvicorn.Config(create_app(store, SETTINGS), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="off")  # fmt: skip
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", store
    running.should_exit = True
    thread.join(10)
    store.dispose()


@pytest.fixture(scope="module")
def chromium():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=["--no-sandbox"])  # fmt: skip
        yield browser
        browser.close()


def shoot(page, name: str) -> None:
    folder = os.environ.get("NOMINA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def pairs_left(page) -> int:
    return int(page.locator("#pairs-left").inner_text().replace(",", ""))


def test_log_in_search_in_cyrillic_open_a_person_and_decide_a_pair(chromium, server):
    base, store = server
    person_id, cyrillic, latin = written_twice(store)
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []
    context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: (outside.append(route.request.url), route.abort()))  # fmt: skip
    page = context.new_page()

    page.goto(f"{base}/search")  # not logged in: to the login form, and back after it
    assert "/login" in page.url
    shoot(page, "login")
    page.fill("input[name=name]", "ada")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/search")

    page.fill("input[name=q]", cyrillic)
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#results")
    assert latin in page.locator("#results").inner_text()  # the other script's spelling
    shoot(page, "search")

    page.click(f"#results a[href='/persons/{person_id}'] >> nth=0")
    page.wait_for_url(f"{base}/persons/{person_id}")
    records = page.locator("#records").inner_text()
    assert cyrillic in records and latin in records
    assert page.locator("#reasons li").count() >= 1
    shoot(page, "person")

    page.goto(f"{base}/review")
    before = pairs_left(page)
    assert before > 0 and page.locator("#waterfall rect").count() >= 2
    shoot(page, "review")
    page.keyboard.press("d")  # Different
    page.wait_for_selector("#done")
    assert "Judged different" in page.locator("#done").inner_text()
    assert pairs_left(page) == before - 1
    assert page.locator("#judged-mine").inner_text() == "1"
    page.keyboard.press("z")  # undo: the pair is back in the queue
    page.wait_for_selector("#done:has-text('Undone')")
    assert pairs_left(page) == before

    page.goto(f"{base}/")
    page.wait_for_selector("#chart-world_map svg")
    shoot(page, "dashboard")
    page.goto(f"{base}/sources")
    shoot(page, "sources")
    page.goto(f"{base}/audit")
    assert "intact" in page.locator("#chain").inner_text()
    shoot(page, "audit")
    assert outside == []  # no page asked anything of another server
    context.close()


def test_upload_a_source_in_the_browser(chromium, server, tmp_path):
    base, _ = server
    data = tmp_path / "browser_upload.csv"
    data.write_text("FIO;Born;Citizenship;Contract\nMagar Dil;01.01.1990;Nepal;01.05.2024\n"
                    "Tamang Hari;31.02.1990;Nepal;01.06.2024\n", encoding="utf-8")  # fmt: skip
    config = tmp_path / "browser_upload.yaml"
    config.write_text("source:\n  title: uploaded from Chromium\n  kind: contracts\n"
                      "  reliability: C\n  received: 2025-11-25\nfile:\n  delimiter: ';'\n"
                      "columns:\n  FIO: full_name\n  Born: birth_date\n  Citizenship: citizenship\n"
                      "  Contract: contracted\n", encoding="utf-8")  # fmt: skip
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/login?next=/sources")
    page.fill("input[name=name]", "ana")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/sources")
    page.set_input_files("input[name=file]", str(data))
    page.set_input_files("input[name=config]", str(config))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector("#upload-result")
    assert "1 records added" in page.locator("#upload-result").inner_text()
    assert "31.02.1990" in page.locator("#upload-quarantine").inner_text()
    assert "uploaded from Chromium" in page.locator("#sources").inner_text()
    shoot(page, "sources-upload")
    context.close()


def test_the_public_dashboard_in_the_browser_shows_no_names(chromium, server):
    base, store = server
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/")
    text = page.locator("main").inner_text()
    assert "public figures" in text
    names = {n for names in names_by_person(store).values() for n, _ in names if n}
    assert not [n for n in names if n in text]
    shoot(page, "dashboard-public")
    context.close()
