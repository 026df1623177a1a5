"""FastAPI dependencies as typed aliases: the app, the actor, permissions, CSRF.

Every route outside the public allowlist declares ``Requires(Permission.X)``; the test
suite walks every route with every role against that declaration.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from garant.accounts.roles import Permission, allows
from garant.app import Garant
from garant.errors import PermissionDenied
from garant.store.uow import Actor

PUBLIC_PREFIXES = (
    "/privacy",
    "/login",
    "/logout",
    "/api/public",
    "/static",
    "/api/openapi.json",
    "/api/docs",
    "/api/health",
    "/cookies",
    "/unsubscribe",
)


class LoginRequired(Exception):
    """No staff session on a back-office page: the page sends the browser to the login."""


def get_garant(request: Request) -> Garant:
    garant: Garant = request.app.state.garant
    return garant


GarantDep = Annotated[Garant, Depends(get_garant)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def current_actor(request: Request, garant: GarantDep) -> Actor | None:
    """The staff member behind the session cookie or the API token, if any."""
    token = _bearer(request)
    if token:
        from garant.accounts.service import check_token, note_token_use

        with garant.unit_of_work(read_only=True) as uow:
            use = check_token(uow=uow, clear=token)
        if use.needs_note:
            with garant.unit_of_work() as uow:
                note_token_use(uow=uow, token_id=use.token_id)
        return use.actor
    staff = request.session.get("staff")
    if staff:
        return Actor("staff", staff["email"], staff["role"])
    return None


OptionalActor = Annotated[Actor | None, Depends(current_actor)]


class Requires:
    """A dependency that admits only roles granted ``permission``."""

    def __init__(self, permission: Permission):
        self.permission = permission

    def __call__(self, request: Request, actor: OptionalActor) -> Actor:
        if actor is None:
            if request.url.path.startswith("/api/"):
                raise HTTPException(
                    401, "authentication required", headers={"WWW-Authenticate": "Bearer"}
                )
            raise LoginRequired()
        if not allows(actor.role, self.permission):
            raise PermissionDenied(f"your role ({actor.role}) may not do this ({self.permission})")
        return actor


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def csrf_protect(request: Request) -> None:
    """Unsafe methods from a browser session must carry the session's CSRF token.

    Machines with a bearer token are exempt: a browser never sends that header by itself.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or _bearer(request):
        return
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if "form" in content_type:
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise HTTPException(403, "CSRF token missing or wrong; reload the page and try again")
