"""The signed-in staff member's own account: an optional second factor (TOTP), shown as
an ``otpauth://`` link and its text once, kept after a code proves the app holds it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from garant.accounts import totp
from garant.accounts.roles import Permission
from garant.accounts.service import get_user
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires
from garant.web.templating import render

router = APIRouter(prefix="/account", include_in_schema=False)

Me = Annotated[Actor, Depends(Requires(Permission.DASHBOARD_VIEW))]


def _page(
    request: Request, garant: GarantDep, actor: Actor, error: str | None = None, status: int = 200
) -> Response:
    with garant.unit_of_work(actor, read_only=True) as uow:
        enrolled = get_user(uow=uow, email=actor.id).totp_enabled_at is not None
    secret = request.session.get("totp_secret") if not enrolled else None
    context: dict[str, object] = {"enrolled": enrolled, "secret": secret, "error": error}
    if isinstance(secret, str):
        name = garant.policy.controller.name or "Garant"
        context["uri"] = totp.provisioning_uri(secret, actor.id, name)
    return render(request, "admin/account.html", context, status_code=status)


@router.get("")
def account_page(request: Request, garant: GarantDep, actor: Me) -> Response:
    return _page(request, garant, actor)


@router.post("/totp")
def start_enrolment(request: Request, garant: GarantDep, actor: Me) -> Response:
    """A new secret, kept in the signed session cookie until a code confirms it."""
    request.session["totp_secret"] = totp.new_secret()
    return _page(request, garant, actor)


@router.post("/totp/confirm")
def confirm_enrolment(
    request: Request, garant: GarantDep, actor: Me, code: Annotated[str, Form(max_length=20)]
) -> Response:
    secret = request.session.get("totp_secret")
    if not isinstance(secret, str):
        return RedirectResponse("/admin/account", status_code=303)
    try:
        with garant.unit_of_work(actor) as uow:
            user = get_user(uow=uow, email=actor.id)
            totp.enrol(uow=uow, user=user, secret=secret, code=code)
    except GarantError:
        return _page(request, garant, actor, _("Wrong code."), status=422)
    request.session.pop("totp_secret", None)
    return RedirectResponse("/admin/account", status_code=303)
