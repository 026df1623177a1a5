"""Security headers on every response (OWASP Secure Headers Project).

The Content-Security-Policy allows this site only ('self'): no CDN, no other host, no
inline script except one carrying the response's nonce (``request.state.csp_nonce``,
``csp_nonce`` in every template). Pages are never framed. The API's documentation pages
(Swagger UI, ReDoc) may also use inline styles, which their libraries inject at run time,
and a worker from a ``blob:`` URL (ReDoc's search).
"""

from __future__ import annotations

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from garant.web import body_limit

DOCS_PREFIXES = ("/api/docs", "/api/redoc")

BASE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (
        b"permissions-policy",
        b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ),
    (b"cross-origin-opener-policy", b"same-origin"),
)


def content_security_policy(nonce: str, *, docs: bool = False) -> str:
    """ReDoc also starts its search worker from a ``blob:`` URL made by its own script."""
    styles = "'self' 'unsafe-inline'" if docs else "'self'"
    workers = "'self' blob:" if docs else "'self'"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"worker-src {workers}",
            f"style-src {styles}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(nonce: str, *, docs: bool = False) -> list[tuple[bytes, bytes]]:
    csp = content_security_policy(nonce, docs=docs).encode()
    return [*BASE_HEADERS, (b"content-security-policy", csp)]


class SecurityHeaders:
    """Pure ASGI middleware: a fresh nonce per request, the headers on every response
    (errors, redirects, static files included) unless the app set one itself; and the
    body's size bounded per path (``garant.web.body_limit``) before anything reads it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        docs = str(scope.get("path", "")).startswith(DOCS_PREFIXES)
        extra = security_headers(nonce, docs=docs)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in extra if name not in present)
                message["headers"] = headers
            await send(message)

        receive, too_large = await body_limit.admit(scope, receive)  # before any reading
        if too_large is not None:
            await too_large(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
