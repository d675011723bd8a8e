"""Login rate limiting: too many failed logins for one user name, or from one client
address, within a window → refuse further attempts until the window has passed.

Kept in the server process's memory (one uvicorn worker: one limiter); a deployment
with several workers behind a proxy limits at the proxy too.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class LoginLimiter:
    def __init__(
        self,
        max_failures: int = 5,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        found = self._failures.setdefault(key, deque())
        while found and found[0] <= now - self.window:
            found.popleft()
        return found

    def retry_after(self, user: str, client: str) -> float:
        """Seconds until another attempt is allowed for this user and client; 0: now."""
        now = self.clock()
        wait = 0.0
        with self._lock:
            for key in (f"user:{user}", f"client:{client}"):
                recent = self._recent(key, now)
                if len(recent) >= self.max_failures:
                    wait = max(wait, recent[0] + self.window - now)
        return wait

    def failed(self, user: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            for key in (f"user:{user}", f"client:{client}"):
                self._recent(key, now).append(now)

    def succeeded(self, user: str) -> None:
        with self._lock:
            self._failures.pop(f"user:{user}", None)
