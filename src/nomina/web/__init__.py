"""The web pages (server-rendered HTML): dashboard, login, search, person, review queue,
sources, audit log. They are views over the same router functions as the JSON API
(`nomina.api.routers`), so guards, liaison scope, disclosure control and audit are
the API's own; `install_pages(app)` adds them to the app `create_app` builds.

Pages are declared with `nomina.api.security.route`, each with an action of the
authorisation matrix. Assets (CSS, a few lines of JS) ship in the package and are
inlined into each page: a page makes no request to anywhere (the Content-Security-Policy
says so to the browser too).
"""

from nomina.web.app import install_pages

__all__ = ["install_pages"]
