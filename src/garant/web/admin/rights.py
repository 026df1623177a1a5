"""Back-office pages of the rights feature: the request list and a request's page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from garant.accounts.roles import Permission, allows
from garant.audit.service import events_for
from garant.i18n import gettext as _
from garant.rights import (
    decisions,
    execute,
    identity,
    package,
    reply,
    restriction,
    review,
    service,
    staff_view,
    tasks,
)
from garant.rights.schemas import DecideIn
from garant.store.uow import Actor, UnitOfWork
from garant.web.admin import mail as mail_pages
from garant.web.admin import rights_identity
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.nav import NavItem
from garant.web.privacy import rights_forms
from garant.web.templating import render

router = APIRouter(prefix="/admin/rights", include_in_schema=False)
NAV = [NavItem(_("Requests"), "/admin/rights", Permission.REQUEST_READ, order=20)]
Reader = Annotated[Actor, Depends(Requires(Permission.REQUEST_READ))]
Manager = Annotated[Actor, Depends(Requires(Permission.REQUEST_MANAGE))]
CSRF = [Depends(csrf_protect)]


@router.get("")
def list_page(
    request: Request,
    garant: GarantDep,
    actor: Reader,
    status: str | None = None,
    type: str | None = None,
    overdue: bool = False,
) -> Response:
    with garant.unit_of_work(actor) as uow:
        rows = service.list_requests(
            uow=uow, status=status or None, type=type or None, overdue=overdue
        )
    context = {"rows": rows, "status": status or "", "type": type or "", "overdue": overdue}
    return render(request, "admin/rights/list.html", context)


@router.get("/{request_id}")
def detail_page(request: Request, garant: GarantDep, actor: Reader, request_id: int) -> Response:
    with garant.unit_of_work(actor) as uow:
        req = service.get(uow, request_id)
        out = service.read(uow, req)
        timeline = events_for(uow.session, object_type="request", object_id=request_id)
        checks = identity.checks_for(uow, request_id)
        restricted = restriction.for_request(uow, request_id)
        personal = _personal(uow, req, actor)
        packages = package.for_request(uow, request_id)
    context = {"req": out, "timeline": timeline, "checks": checks, "restrictions": restricted}
    context["packages"] = packages
    return render(request, "admin/rights/detail.html", context | personal)


# English msgids, translated in the template
LABELS: dict[str, Any] = {
    "identity_labels": {
        "email": "Email address",
        "member_number": "Member number",
        "customer_number": "Customer number",
        "phone": "Phone number",
    },
    "restriction_grounds": rights_forms.GROUNDS,
    "mail_templates": {
        "rights_received": "Acknowledgement of receipt",
        "rights_code": "Identity code",
        "rights_reply": "Reply",
        "rights_document": "Request for an identity document",
        "rights_extension": "Extension notice",
        "rights_lift": "Notice of lifting a restriction",
        "rights_fee": "Fee notice",
    },
    "mail_statuses": mail_pages.STATUSES,
}


def _personal(uow: UnitOfWork, req: Any, actor: Actor) -> dict[str, Any]:
    """Who asked, what they wrote, their history and the reply held for review: only for
    roles that may read subjects' data (each reading audited)."""
    if not allows(actor.role, Permission.SUBJECT_READ):
        return {"requester": None, "history": None, "held_reply": None}
    return LABELS | {
        "requester": staff_view.requester(uow=uow, req=req),
        "history": staff_view.history(uow=uow, req=req),
        "held_reply": review.held(uow, req.id),
    }


def _back(request_id: int) -> Response:
    return RedirectResponse(f"/admin/rights/{request_id}", status_code=303)


@router.post("/{request_id}/verify", dependencies=CSRF)
def verify(
    garant: GarantDep,
    actor: Manager,
    request_id: int,
    accepted: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
    document_type: Annotated[str, Form()] = "",
) -> Response:
    with garant.unit_of_work(actor) as uow:
        identity.staff_check(
            uow=uow,
            request_id=request_id,
            accepted=accepted == "yes",
            note=note or None,
            document_type=document_type or None,
        )
    return _back(request_id)


@router.post("/{request_id}/decide", dependencies=CSRF)
def decide(
    garant: GarantDep,
    actor: Manager,
    request_id: int,
    refuse_reason: Annotated[str, Form()] = "",
) -> Response:
    data = DecideIn(accept_proposals=not refuse_reason, refuse_reason=refuse_reason or None)
    with garant.unit_of_work(actor) as uow:
        decisions.decide(uow=uow, request_id=request_id, data=data)
    return _back(request_id)


@router.post("/{request_id}/run", dependencies=CSRF)
def run(garant: GarantDep, actor: Manager, request_id: int) -> Response:
    with garant.unit_of_work(actor) as uow:
        execute.run(uow=uow, request_id=request_id)
    return _back(request_id)


@router.post("/{request_id}/extend", dependencies=CSRF)
def extend(
    garant: GarantDep, actor: Manager, request_id: int, reason: Annotated[str, Form()]
) -> Response:
    with garant.unit_of_work(actor) as uow:
        service.extend(uow=uow, request_id=request_id, reason=reason)
    return _back(request_id)


@router.post("/{request_id}/close", dependencies=CSRF)
def close(garant: GarantDep, actor: Manager, request_id: int) -> Response:
    with garant.unit_of_work(actor) as uow:
        service.close(uow=uow, request_id=request_id)
    return _back(request_id)


@router.post("/{request_id}/restrictions/{restriction_id}/lift", dependencies=CSRF)
def lift(garant: GarantDep, actor: Manager, request_id: int, restriction_id: int) -> Response:
    """The person is told before the restriction is lifted (Art. 18(3))."""
    with garant.unit_of_work(actor) as uow:
        restriction.lift(uow=uow, restriction_id=restriction_id)
    return _back(request_id)


@router.post("/{request_id}/tasks/{task_id}/done", dependencies=CSRF)
def task_done(garant: GarantDep, actor: Manager, request_id: int, task_id: int) -> Response:
    with garant.unit_of_work(actor) as uow:
        tasks.complete(uow=uow, task_id=task_id)
    return _back(request_id)


@router.get("/{request_id}/letter", response_class=PlainTextResponse)
def letter(garant: GarantDep, actor: Reader, request_id: int) -> str:
    """The printable letter in the person's language (AF-D9)."""
    with garant.unit_of_work(actor) as uow:
        subject, text = reply.letter(uow, service.get(uow, request_id))
    return f"{subject}\n\n{text}"


router.include_router(rights_identity.router)  # identity checks and documents
