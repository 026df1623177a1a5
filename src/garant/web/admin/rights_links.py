"""The request page's "revoke the download link" button (staff who manage requests)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import RedirectResponse, Response

from garant.accounts.roles import Permission
from garant.rights import package
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires, csrf_protect

router = APIRouter(prefix="/admin/rights", include_in_schema=False)
Manager = Annotated[Actor, Depends(Requires(Permission.REQUEST_MANAGE))]


@router.post("/{request_id}/packages/{package_id}/revoke", dependencies=[Depends(csrf_protect)])
def revoke(garant: GarantDep, actor: Manager, request_id: int, package_id: int) -> Response:
    with garant.unit_of_work(actor) as uow:
        found = package.revoke(uow=uow, package_id=package_id)
        request_id = found.request_id
    return RedirectResponse(f"/admin/rights/{request_id}#packages", status_code=303)
