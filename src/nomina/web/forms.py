"""CSRF for HTML forms, and where a page's errors go.

The API's guard checks the `X-CSRF-Token` header on every change made with a session
cookie; a browser form cannot send a header, so it sends the token as its first field,
`csrf_token`, and `FormTokenMiddleware` copies that field into the header before the
guard looks. It reads at most `PEEK_BYTES` of the body to find it (the field comes
first), then hands the request on unchanged, so an upload is still streamed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nomina.api.security import CSRF_HEADER, SESSION_COOKIE

FORM_FIELD = "csrf_token"
PEEK_BYTES = 64 * 1024
NOT_PAGES = ("/api/", "/reconcile", "/docs", "/openapi.json")
_MULTIPART_FIELD = re.compile(
    rb'content-disposition:\s*form-data;\s*name="csrf_token"\r\n\r\n([0-9a-f]{1,128})\r\n',
    re.IGNORECASE,
)


def is_page(path: str) -> bool:
    """A page's path (not the JSON API's, the reconciliation service's or the docs')."""
    return path != "/api" and not path.startswith(NOT_PAGES)


def token_in_body(content_type: str, body: bytes, complete: bool) -> str | None:
    """The form's `csrf_token` field, from the first `PEEK_BYTES` of its body."""
    if content_type.startswith("application/x-www-form-urlencoded"):
        if not complete:
            return None
        values = parse_qs(body.decode("latin-1")).get(FORM_FIELD)
        return values[0] if values else None
    if content_type.startswith("multipart/form-data"):
        found = _MULTIPART_FIELD.search(body)
        return found.group(1).decode() if found else None
    return None


class FormTokenMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not is_page(scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        cookies = headers.get(b"cookie", b"").decode("latin-1")
        if f"{SESSION_COOKIE}=" not in cookies or CSRF_HEADER.lower().encode() in headers:
            await self.app(scope, receive, send)
            return
        content_type = headers.get(b"content-type", b"").decode("latin-1").lower()
        peeked: list[Message] = []
        body, complete = b"", False
        while len(body) < PEEK_BYTES and not complete:
            message = await receive()
            peeked.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            complete = not message.get("more_body", False)
        token = token_in_body(content_type, body, complete)
        if token:
            scope = {**scope, "headers": [*scope["headers"], (CSRF_HEADER.lower().encode(), token.encode())]}  # fmt: skip

        async def replay() -> Message:
            if peeked:
                return peeked.pop(0)
            return await receive()

        await self.app(scope, replay, send)
