"""Login rate limiting: too many failed logins for one user name, or from one client
address, within a window → refuse further attempts until the window has passed.

The failures are kept in the register's store (`login_failures`) when the limiter is
given one, so that every server process (`nomina serve --workers N`) counts the same
failures; without a store, in this process's memory (tests, a single process).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Protocol

from sqlalchemy import delete, insert, select

from nomina.store import Store
from nomina.store.schema import login_failures

# A user name typed at the login form can be anything: keys are cut to what is stored.
KEY_LENGTH: int = login_failures.c.key.type.length


class _Failures(Protocol):
    def since(self, key: str, moment: float) -> list[float]: ...
    def add(self, keys: Iterable[str], moment: float) -> None: ...
    def clear(self, key: str) -> None: ...


class _InMemory:
    def __init__(self) -> None:
        self._times: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def since(self, key: str, moment: float) -> list[float]:
        with self._lock:
            found = self._times.get(key, deque())
            while found and found[0] <= moment:
                found.popleft()
            return list(found)

    def add(self, keys: Iterable[str], moment: float) -> None:
        with self._lock:
            for key in keys:
                self._times.setdefault(key, deque()).append(moment)

    def clear(self, key: str) -> None:
        with self._lock:
            self._times.pop(key, None)


class _InStore:
    def __init__(self, store: Store, window: float) -> None:
        self.store, self.window = store, window

    def since(self, key: str, moment: float) -> list[float]:
        query = (
            select(login_failures.c.failed_at)
            .where(login_failures.c.key == key, login_failures.c.failed_at > moment)
            .order_by(login_failures.c.failed_at)
        )
        with self.store.engine.connect() as connection:
            return list(connection.execute(query).scalars())

    def add(self, keys: Iterable[str], moment: float) -> None:
        rows = [{"key": key, "failed_at": moment} for key in keys]
        with self.store.engine.begin() as connection:
            # Failures older than a window count for nothing: they go as new ones come.
            gone = login_failures.c.failed_at <= moment - self.window
            connection.execute(delete(login_failures).where(gone))
            connection.execute(insert(login_failures), rows)

    def clear(self, key: str) -> None:
        with self.store.engine.begin() as connection:
            connection.execute(delete(login_failures).where(login_failures.c.key == key))


class LoginLimiter:
    def __init__(
        self,
        max_failures: int = 5,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.time,
        *,
        store: Store | None = None,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.clock = clock
        self._failures: _Failures = _InMemory() if store is None else _InStore(store, self.window)

    def retry_after(self, user: str, client: str) -> float:
        """Seconds until another attempt is allowed for this user and client; 0: now."""
        now = self.clock()
        wait = 0.0
        for key in _keys(user, client):
            recent = self._failures.since(key, now - self.window)
            if len(recent) >= self.max_failures:
                wait = max(wait, recent[-self.max_failures] + self.window - now)
        return wait

    def failed(self, user: str, client: str) -> None:
        self._failures.add(_keys(user, client), self.clock())

    def succeeded(self, user: str) -> None:
        self._failures.clear(_keys(user, "")[0])


def _keys(user: str, client: str) -> tuple[str, str]:
    return f"user:{user}"[:KEY_LENGTH], f"client:{client}"[:KEY_LENGTH]
