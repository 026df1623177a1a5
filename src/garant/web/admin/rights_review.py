"""Releasing a reply held for review (``garant.rights.review``), as drafted or edited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from garant.accounts.roles import Permission
from garant.rights import review
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires, csrf_protect

router = APIRouter(prefix="/admin/rights", include_in_schema=False)
Manager = Annotated[Actor, Depends(Requires(Permission.REQUEST_MANAGE))]


@router.post("/{request_id}/reply/release", dependencies=[Depends(csrf_protect)])
def release(
    garant: GarantDep,
    actor: Manager,
    request_id: int,
    text: Annotated[str, Form()] = "",
    edited: Annotated[str, Form()] = "",
) -> Response:
    """``edited=yes`` sends ``text`` instead of the draft; otherwise the draft goes as is."""
    with garant.unit_of_work(actor) as uow:
        review.release(uow=uow, request_id=request_id, text=text if edited == "yes" else None)
    return RedirectResponse(f"/admin/rights/{request_id}#reply", status_code=303)
