"""Staff steps on a request page: releasing a reply held for review (as drafted or
edited, ``garant.rights.review``) and deciding an objection activity by activity."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from garant.accounts.roles import Permission
from garant.rights import decisions, review
from garant.rights.rules import Decision
from garant.rights.schemas import DecideIn, DecisionIn
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


@router.post("/{request_id}/objection", dependencies=[Depends(csrf_protect)])
async def objection(
    request: Request, garant: GarantDep, actor: Manager, request_id: int
) -> Response:
    """Stop or continue each activity objected to (Art. 21(1)): ``decision_<activity>`` and
    ``explanation_<activity>`` for each; the request is then decided."""
    form = await request.form()
    chosen = []
    for key, value in form.items():
        if key.startswith("decision_") and value in (Decision.STOP, Decision.CONTINUE):
            activity = key.removeprefix("decision_")
            why = str(form.get(f"explanation_{activity}") or "").strip() or None
            chosen.append(DecisionIn(activity=activity, decision=Decision(str(value)),
                                     explanation=why))  # fmt: skip
    data = DecideIn(decisions=chosen, accept_proposals=True)
    with garant.unit_of_work(actor) as uow:
        decisions.decide(uow=uow, request_id=request_id, data=data)
    return RedirectResponse(f"/admin/rights/{request_id}", status_code=303)
