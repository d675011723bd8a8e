"""Settings of the web application, from NOMINA_* environment variables.

| variable | default | meaning |
| --- | --- | --- |
| NOMINA_SECRET_KEY | (none: the server refuses to start, except `--demo`) | signs CSRF tokens; at least 32 characters |
| NOMINA_SESSION_HOURS | 12 | how long a login lasts |
| NOMINA_SECURE_COOKIES | 0 | 1: cookies only over HTTPS (set it behind TLS) |
| NOMINA_ANONYMOUS_PUBLIC | 1 | 0: visitors who have not logged in see nothing, not even public figures |
| NOMINA_LOGIN_FAILURES | 5 | failed logins per user name, and per client address, ... |
| NOMINA_LOGIN_WINDOW | 60 | ... within this many seconds, before further tries get 429 |
| NOMINA_MAX_UPLOAD_MB | 200 | largest source file accepted by upload |
| NOMINA_PUBLIC_MIN_COUNT | 10 | public figures: counts below this are suppressed (disclosure control k) |
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

MIN_SECRET_LENGTH = 32
SECRET_VARIABLE = "NOMINA_SECRET_KEY"
# Set by `nomina serve --demo --workers N` for its processes only: not a user setting.
DEMO_VARIABLE = "NOMINA_DEMO"


class SettingsError(ValueError):
    """A setting is missing or wrong; the message names the variable."""


def _number(name: str, default: float, *, minimum: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r}: expected a number") from None
    if value < minimum:
        raise SettingsError(f"{name}={raw!r}: at least {minimum:g}")
    return value


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if raw.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name}={raw!r}: expected 1 or 0")


@dataclass(frozen=True)
class ApiSettings:
    secret_key: str
    demo: bool = False
    session_hours: float = 12.0
    secure_cookies: bool = False
    anonymous_public: bool = True
    login_failures: int = 5
    login_window_seconds: float = 60.0
    max_upload_bytes: int = 200 * 1024 * 1024
    public_min_count: int = 10

    def __post_init__(self) -> None:
        if len(self.secret_key) < MIN_SECRET_LENGTH:
            raise SettingsError(
                f"NOMINA_SECRET_KEY: at least {MIN_SECRET_LENGTH} characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)"
            )

    @classmethod
    def from_environment(cls, *, demo: bool = False) -> ApiSettings:
        """Settings from the environment. Without NOMINA_SECRET_KEY only a demo starts,
        with a random key (its sessions end with the process)."""
        secret = os.environ.get(SECRET_VARIABLE, "")
        if not secret:
            if not demo:
                raise SettingsError(
                    "NOMINA_SECRET_KEY is not set: the server needs a secret of at least "
                    f"{MIN_SECRET_LENGTH} characters (or `nomina serve --demo` for a demo)"
                )
            secret = secrets.token_urlsafe(48)
        return cls(
            secret_key=secret,
            demo=demo,
            session_hours=_number("NOMINA_SESSION_HOURS", 12.0, minimum=0.1),
            secure_cookies=_flag("NOMINA_SECURE_COOKIES", False),
            anonymous_public=_flag("NOMINA_ANONYMOUS_PUBLIC", True),
            login_failures=int(_number("NOMINA_LOGIN_FAILURES", 5, minimum=1)),
            login_window_seconds=_number("NOMINA_LOGIN_WINDOW", 60.0, minimum=1),
            max_upload_bytes=int(_number("NOMINA_MAX_UPLOAD_MB", 200, minimum=1) * 1024 * 1024),
            public_min_count=int(_number("NOMINA_PUBLIC_MIN_COUNT", 10, minimum=1)),
        )
