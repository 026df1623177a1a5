"""Server-rendered pages: one Jinja2 environment, translated, with the shared layout."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from garant.accounts.roles import Permission, allows
from garant.i18n import current_language, gettext, ngettext
from garant.i18n.dates import days_left, format_date, format_datetime
from garant.i18n.labels import codes, event, label, named, yes_no

TEMPLATES = Path(__file__).parent / "templates"


def install_filters(env: Environment, timezone: tzinfo | str | None) -> None:
    """The words and dates every page, letter and PDF shows: ``{{ code|label }}``,
    ``{{ code|label("legal_basis") }}``, ``{{ moment|datetime }}``, ``{{ day|date }}``,
    ``{{ n|days_left }}``, ``{{ flag|yesno }}`` (``garant.i18n.labels`` and ``.dates``)."""
    env.filters["label"] = label
    env.filters["date"] = lambda value, fmt="long": format_date(value, timezone, fmt)
    env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, timezone, fmt)
    env.filters["days_left"] = days_left
    env.filters["yesno"] = yes_no
    env.globals["label"] = label
    env.globals["label_choices"] = codes
    env.filters["event"] = event
    env.globals["colon"] = colon


def colon() -> str:
    """The colon after a label: French sets it off with a narrow no-break space
    ("Objet" then U+202F then ":"), English does not ("Subject:")."""
    return "\u202f:" if current_language() == "fr" else ":"


def make_templates(timezone: tzinfo | str | None = None) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    install_filters(env, timezone)
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
        "named": lambda code: named(request.app.state.garant.policy, code),
    }
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, template, base | (context or {}), status_code=status_code
    )
