"""Server-rendered pages: one Jinja2 environment, translated, with the shared layout."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from garant.accounts.roles import Permission, allows
from garant.i18n import current_language, gettext, ngettext

TEMPLATES = Path(__file__).parent / "templates"


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    return Jinja2Templates(env=env)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    from garant.web.deps import csrf_token

    actor = getattr(request.state, "actor", None)  # set by the route's Requires(...)
    staff = {"email": actor.id, "role": actor.role} if actor is not None else None
    role = actor.role if actor is not None else None
    nav = [item for item in request.app.state.nav if allows(role, item.permission)] if staff else []
    base = {
        "lang": current_language(),
        "staff": staff,
        "nav": nav,
        "csrf_token": csrf_token(request),
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
        "can": lambda perm: allows(role, Permission(perm)),
        "organization": request.app.state.garant.policy.controller.name,
    }
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, template, base | (context or {}), status_code=status_code
    )
