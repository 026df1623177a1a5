"""Back-office side of identity checks: see a document, ask for one, decide.

Included in ``garant.web.admin.rights``'s router (prefix ``/admin/rights``). Only roles
that manage requests (the DPO and the privacy role) open a document; each look is an
audit event (``request.identity_document_viewed``); the file is deleted once decided.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse, Response

from garant.accounts.roles import Permission
from garant.errors import InvalidInput
from garant.rights import documents, identity
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires, csrf_protect

router = APIRouter(include_in_schema=False)
Manager = Annotated[Actor, Depends(Requires(Permission.REQUEST_MANAGE))]
CSRF = [Depends(csrf_protect)]


def _back(request_id: int) -> Response:
    return RedirectResponse(f"/admin/rights/{request_id}#identity", status_code=303)


@router.get("/{request_id}/checks/{check_id}/document")
def document(garant: GarantDep, actor: Manager, request_id: int, check_id: int) -> Response:
    """The uploaded file as it is, shown in the browser, never cached, never run."""
    with garant.unit_of_work(actor) as uow:
        content, kind = documents.view_document(uow=uow, request_id=request_id, check_id=check_id)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(kind, "bin")
    return Response(
        content,
        media_type=kind,
        headers={
            "Content-Disposition": f'inline; filename="request-{request_id}-document.{extension}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; "
            "object-src 'self'; plugin-types application/pdf",
        },
    )


@router.post("/{request_id}/ask-document", dependencies=CSRF)
def ask_document(garant: GarantDep, actor: Manager, request_id: int) -> Response:
    """Doubt remains (Art. 12(6)): the pending code gives way to a document."""
    with garant.unit_of_work(actor) as uow:
        identity.ask_document(uow=uow, request_id=request_id)
    return _back(request_id)


@router.post("/{request_id}/identity", dependencies=CSRF)
def decide_identity(
    garant: GarantDep,
    actor: Manager,
    request_id: int,
    accepted: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
    document_type: Annotated[str, Form(max_length=40)] = "",
    keep: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Accept or refuse; a refusal gives its reason (Art. 12(4)), told to the person."""
    if accepted != "yes" and not note.strip():
        raise InvalidInput("a refusal must give its reason (Art. 12(4)): write it in the note")
    with garant.unit_of_work(actor) as uow:
        identity.staff_check(
            uow=uow,
            request_id=request_id,
            accepted=accepted == "yes",
            note=note.strip() or None,
            document_type=document_type or None,
            keep=keep or None,
        )
    return _back(request_id)
