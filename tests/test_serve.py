"""`nomina serve --workers 2`: a real server of two processes over one store. A login
made by one process holds in the other, and failed logins are counted across both."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from nomina.access import add_user
from nomina.store import open_store
from tests.conftest import free_port

PASSWORD = "a long enough password 1"


@pytest.fixture(scope="module")
def two_process_server(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'register.db'}"
    store = open_store(url)
    add_user(store, "ana", "analyst", PASSWORD)
    add_user(store, "rev", "reviewer", PASSWORD)
    store.dispose()
    port = free_port()
    env = {**os.environ, "NOMINA_SECRET_KEY": "s" * 40, "NOMINA_LOGIN_FAILURES": "3"}
    command = [sys.executable, "-c", "from nomina.cli import main; main()", "--db", url,
               "serve", "--workers", "2", "--port", str(port)]  # fmt: skip
    server = subprocess.Popen(command, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/openapi.json", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            # The whole group: a worker left alive would hold stderr open, and reading
            # it would wait forever instead of failing.
            os.killpg(server.pid, signal.SIGKILL)
            pytest.fail(f"the server did not start: {server.stderr.read().decode()[-2000:]}")
        yield base, server
    finally:
        with contextlib.suppress(ProcessLookupError):  # gone already if it never started
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)


def _fresh_client(base: str) -> httpx.Client:
    # A new connection each time: the two processes share the listening socket, and
    # whichever accepts a connection serves it.
    return httpx.Client(base_url=base, headers={"Connection": "close"}, timeout=10)


def test_a_session_holds_in_every_process(two_process_server):
    base, server = two_process_server
    workers = psutil.Process(server.pid).children(recursive=True)
    assert len([w for w in workers if "python" in w.name().lower()]) >= 2
    with _fresh_client(base) as client:
        login = client.post("/api/login", json={"name": "ana", "password": PASSWORD})
        assert login.status_code == 200
        cookies = dict(client.cookies)
    for _ in range(12):
        with _fresh_client(base) as client:
            client.cookies.update(cookies)
            me = client.get("/api/me")
            assert me.status_code == 200 and me.json()["name"] == "ana"


def test_failed_logins_are_counted_across_processes(two_process_server):
    base, _server = two_process_server
    statuses = []
    for _ in range(5):
        with _fresh_client(base) as client:
            wrong = client.post("/api/login", json={"name": "rev", "password": "wrong one"})
            statuses.append(wrong.status_code)
    # NOMINA_LOGIN_FAILURES=3: the fourth try is refused, whichever process takes it.
    assert statuses == [401, 401, 401, 429, 429]
