"""Back-office page of the retention feature: forecast, runs, holds and archives."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from garant.accounts.roles import Permission, allows
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.retention import holds, service, sweep
from garant.retention.schemas import HoldCreate
from garant.retention.wiring import attention
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin/retention", include_in_schema=False)
NAV = [NavItem(_("Retention"), "/admin/retention", Permission.RETENTION_READ, order=40)]

Reader = Annotated[Actor, Depends(Requires(Permission.RETENTION_READ))]
Manager = Annotated[Actor, Depends(Requires(Permission.HOLD_MANAGE))]
CSRF = [Depends(csrf_protect)]


@router.get("")
def page(request: Request, garant: GarantDep, actor: Reader) -> Response:
    return _page(request, garant, actor, None)


def _page(request: Request, garant: GarantDep, actor: Actor, error: str | None) -> Response:
    try:
        forecast = sweep.plan(garant)
        problem = None
    except GarantError as exc:
        forecast, problem = [], exc.message
    with garant.unit_of_work(actor) as uow:
        context = {
            "forecast": forecast,
            "problem": problem,
            "warnings": service.rule_warnings(garant),
            "runs": service.recent_runs(uow=uow, limit=10),
            "holds": service.hold_rows(uow=uow),
            "archives": service.archive_rows(uow=uow)
            if allows(actor.role, Permission.ARCHIVE_READ)
            else None,
            "can_hold": allows(actor.role, Permission.HOLD_MANAGE),
            "can_approve": allows(actor.role, Permission.RETENTION_RUN),
            "attention": attention(garant, uow),
            "error": error,
        }
    return render(request, "admin/retention/index.html", context, 422 if error else 200)


@router.post("/holds", dependencies=CSRF)
async def add_hold(request: Request, garant: GarantDep, actor: Manager) -> Response:
    form = await request.form()
    target = str(form.get("target", "")).strip()
    data = HoldCreate(
        reason=str(form.get("reason", "")).strip() or " ",
        identity=target if "=" in target else None,
        collection=target if target and "=" not in target else None,
    )
    try:
        with garant.unit_of_work(actor) as uow:
            service.place_hold(uow=uow, data=data)
    except GarantError as exc:
        return _page(request, garant, actor, exc.message)
    return RedirectResponse("/admin/retention", status_code=303)


@router.post("/approve", dependencies=CSRF)
def approve(
    garant: GarantDep, actor: Annotated[Actor, Depends(Requires(Permission.RETENTION_RUN))]
) -> Response:
    """The DPO read the forecast on this page and lets the sweeps go ahead."""
    from garant.retention.approval import approve as record

    with garant.unit_of_work(actor) as uow:
        record(garant, uow=uow)
    return RedirectResponse("/admin/retention", status_code=303)


@router.post("/holds/{hold_id}/release", dependencies=CSRF)
def release_hold(garant: GarantDep, actor: Manager, hold_id: int) -> Response:
    with garant.unit_of_work(actor) as uow:
        holds.release_hold(uow=uow, hold_id=hold_id)
    return RedirectResponse("/admin/retention", status_code=303)
