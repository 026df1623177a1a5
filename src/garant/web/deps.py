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
from garant.accounts.service import check_token, note_token_use
from garant.accounts.sessions import SessionLimits, check_session, touch_session
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
    "/api/redoc",
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


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_limits(garant: Garant) -> SessionLimits:
    return SessionLimits.of(garant.settings)


def _token_actor(garant: Garant, token: str) -> Actor:
    with garant.unit_of_work(read_only=True) as uow:
        use = check_token(uow=uow, clear=token)
    if use.needs_note:
        with garant.unit_of_work() as uow:
            note_token_use(uow=uow, token_id=use.token_id)
    return use.actor


def _session_actor(request: Request, garant: Garant) -> Actor | None:
    """The session's row read with its user on every request: an ended session, or one whose
    user was deactivated or re-roled, is refused here in every server process."""
    clear = request.session.get("sid")
    if not isinstance(clear, str):
        return None
    try:
        with garant.unit_of_work(read_only=True) as uow:
            use = check_session(uow=uow, clear=clear, limits=session_limits(garant))
    except PermissionDenied:
        request.session.pop("sid", None)
        return None
    if use.needs_touch:
        with garant.unit_of_work() as uow:
            touch_session(uow=uow, session_id=use.session_id)
    return use.actor


def current_actor(request: Request, garant: GarantDep) -> Actor | None:
    """The staff member behind the API token or the session cookie, if any."""
    token = _bearer(request)
    actor = _token_actor(garant, token) if token else _session_actor(request, garant)
    request.state.actor = actor
    return actor


OptionalActor = Annotated[Actor | None, Depends(current_actor)]


class Requires:
    """A dependency that admits only roles granted ``permission``."""

    def __init__(self, permission: Permission):
        self.permission = permission

    async def __call__(self, request: Request, actor: OptionalActor) -> Actor:
        if actor is None:
            if request.url.path.startswith("/api/"):
                raise HTTPException(
                    401, "authentication required", headers={"WWW-Authenticate": "Bearer"}
                )
            raise LoginRequired()
        if actor.kind == "staff" and request.method not in SAFE_METHODS:
            await csrf_protect(request)  # every route a browser session may change things on
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
    if request.method in SAFE_METHODS or _bearer(request):
        return
    if request.url.path.startswith("/api/") and "sid" not in request.session:
        return  # no staff session: nothing to forge; Requires(...) answers 401
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
