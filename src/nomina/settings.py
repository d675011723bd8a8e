"""Settings from NOMINA_* environment variables, read when asked (never at import)."""

from __future__ import annotations

import getpass
import os

DEFAULT_DATABASE_URL = "sqlite:///nomina.db"
DATABASE_URL_VARIABLE = "NOMINA_DATABASE_URL"


def database_url() -> str:
    """The store to use: NOMINA_DATABASE_URL, else ./nomina.db (SQLite, no server)."""
    return os.environ.get(DATABASE_URL_VARIABLE) or DEFAULT_DATABASE_URL


def current_actor() -> str:
    """Who is acting, for the audit log: NOMINA_USER, else the operating-system user."""
    explicit = os.environ.get("NOMINA_USER")
    if explicit:
        return explicit
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"
