"""The JSON API (FastAPI): `create_app(store, settings)`; `nomina serve` runs it.

Areas, one router each (`routers/`): session (login, logout, me), persons, records,
search, sources (list, upload, quarantine), figures, review (queue, judgements), users
(admins), audit (admins), reconcile (W3C Reconciliation API v0.2). Authentication and
the per-endpoint authorisation guard: `security`; settings: `settings`.
"""

from nomina.api.app import create_app
from nomina.api.settings import ApiSettings, SettingsError

__all__ = ["ApiSettings", "SettingsError", "create_app"]
