"""The back office's home: what is due, what is late, what is at risk; and staff accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from garant.accounts.roles import Permission
from garant.audit.service import recent_events
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.web.admin import account, users
from garant.web.deps import GarantDep, Requires
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)

NAV = [
    NavItem(_("Dashboard"), "/admin", Permission.DASHBOARD_VIEW, order=0),
    NavItem(_("Audit log"), "/admin/audit", Permission.AUDIT_READ, order=90),
    NavItem(_("Staff"), "/admin/users", Permission.USERS_MANAGE, order=95),
    NavItem(_("My account"), "/admin/account", Permission.DASHBOARD_VIEW, order=99),
]


@router.get("")
def dashboard(
    request: Request,
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.DASHBOARD_VIEW))],
) -> Response:
    sections = []
    with garant.unit_of_work(actor, read_only=True) as uow:
        for provider in garant.dashboard_providers:
            sections.extend(provider(garant, uow))
    order = {"late": 0, "risk": 1, "due": 2, "info": 3}
    sections.sort(key=lambda s: order.get(s.get("level", "info"), 9))
    return render(request, "admin/dashboard.html", {"sections": sections})


@router.get("/audit", dependencies=[Depends(Requires(Permission.AUDIT_READ))])
def audit_page(request: Request, garant: GarantDep) -> Response:
    with garant.unit_of_work() as uow:
        events = recent_events(uow.session, limit=200)
    return render(request, "admin/audit.html", {"events": events})


router.include_router(users.router)
router.include_router(account.router)
