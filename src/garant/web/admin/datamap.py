"""Back-office page of the data map: read-only, for the DPO and the auditors."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from garant.accounts.roles import Permission
from garant.i18n import gettext as _
from garant.web.deps import GarantDep, Requires
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)

NAV = [NavItem(_("Data map"), "/admin/datamap", Permission.DATAMAP_READ, order=20)]


@router.get("/datamap", dependencies=[Depends(Requires(Permission.DATAMAP_READ))])
def datamap_page(request: Request, garant: GarantDep) -> Response:
    return render(request, "admin/datamap/index.html", {"datamap": garant.datamap})
