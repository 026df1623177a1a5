"""How many bytes a request body may hold, checked before anything reads it.

Starlette's form parser spools file parts to disk without a limit and ``request.body()``
reads everything into memory; the checks the routes make come after. Without this, a
chunked upload (no Content-Length) of gigabytes to any public form, the cookie banner's
endpoint or the public API filled the disk or the memory. Public paths take little (the
identity document: 10 MB); staff pages keep room for their uploads (50 MB audiences).
"""

from __future__ import annotations

import re

from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Message, Receive, Scope

from garant.rights.documents import MAX_DOCUMENT_BYTES

PUBLIC_PREFIXES = ("/privacy", "/api/public", "/cookies", "/unsubscribe", "/login", "/logout")
PUBLIC_BYTES = 256 * 1024
DOCUMENT_BYTES = MAX_DOCUMENT_BYTES + 256 * 1024
STAFF_BYTES = 64 * 1024 * 1024
DOCUMENT = re.compile(r"/privacy/requests/status/[^/]+/document")


def limit_for(path: str) -> int:
    if DOCUMENT.fullmatch(path):
        return DOCUMENT_BYTES
    if path.startswith(PUBLIC_PREFIXES):
        return PUBLIC_BYTES
    return STAFF_BYTES


def _declared(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _streamed(scope: Scope) -> bool:
    return any(name == b"transfer-encoding" for name, _ in scope.get("headers", []))


def _too_large(scope: Scope, limit: int) -> Response:
    text = f"the request is larger than {limit // 1024} KB"
    if str(scope.get("path", "")).startswith("/api/"):
        return JSONResponse({"detail": text}, status_code=413)
    return PlainTextResponse(text, status_code=413)


async def _read_upto(receive: Receive, limit: int) -> bytes | None:
    parts: list[bytes] = []
    seen, more = 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        seen += len(parts[-1])
        if seen > limit:
            return None
        more = bool(message.get("more_body", False))
    return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


SIMPLE_TYPES = (b"text/plain", b"application/x-www-form-urlencoded", b"multipart/form-data")
"""What another site's page may send without a CORS preflight: the public API takes JSON
only, so a page visited by many cannot make each visitor's browser submit requests."""


def _cross_site_form(scope: Scope) -> Response | None:
    if scope.get("method") != "POST" or not str(scope.get("path", "")).startswith("/api/public/"):
        return None
    kind = next((v for n, v in scope.get("headers", []) if n == b"content-type"), b"")
    if not kind.lower().startswith(SIMPLE_TYPES):
        return None
    return JSONResponse({"detail": "the body must be application/json"}, status_code=415)


async def admit(scope: Scope, receive: Receive) -> tuple[Receive, Response | None]:
    """The receive channel the app may read, or the 413 to answer instead: at once when
    the declared length is over the path's limit; a body sent without a length (chunked)
    is read here up to the limit, then handed on whole. A form or plain text posted to
    the public API is a 415 (``SIMPLE_TYPES``)."""
    refused = _cross_site_form(scope)
    if refused is not None:
        return receive, refused
    limit = limit_for(str(scope.get("path", "")))
    declared = _declared(scope)
    if declared is not None and declared > limit:
        return receive, _too_large(scope, limit)
    if not _streamed(scope):
        return receive, None
    body = await _read_upto(receive, limit)
    if body is None:
        return receive, _too_large(scope, limit)
    return _replay(body, receive), None
