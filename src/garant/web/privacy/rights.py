"""Privacy-center pages of the rights feature: submit, verify, follow, download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from garant.errors import GarantError
from garant.i18n import current_language
from garant.rights import identity, intake, package, service
from garant.rights.rules import Channel, RequestType
from garant.rights.schemas import RequestCreate
from garant.store.uow import Actor
from garant.web.deps import GarantDep, csrf_protect
from garant.web.templating import render

router = APIRouter(prefix="/privacy/requests", include_in_schema=False)
SUBJECT = Actor("subject", "privacy-center")
TYPES = [t.value for t in RequestType if t is not RequestType.POST_MORTEM]


@router.get("")
def form(request: Request) -> Response:
    return render(request, "privacy/rights/form.html", {"types": TYPES, "error": None})


@router.post("", dependencies=[Depends(csrf_protect)])
def submit(
    request: Request,
    garant: GarantDep,
    type: Annotated[str, Form()],
    email: Annotated[str, Form()],
    member_number: Annotated[str, Form()] = "",
    message: Annotated[str, Form()] = "",
) -> Response:
    identities = {"email": email} | ({"member_number": member_number} if member_number else {})
    try:
        data = RequestCreate(
            type=RequestType(type),
            identities=identities,
            channel=Channel.WEB,
            lang=current_language(),
            message=message or None,
        )
        with garant.unit_of_work(SUBJECT) as uow:
            intake.check_self_service(uow=uow)
            _, token = intake.submit(uow=uow, data=data)
    except (ValueError, GarantError) as exc:
        context = {"types": TYPES, "error": str(exc)}
        return render(request, "privacy/rights/form.html", context, status_code=422)
    return RedirectResponse(f"/privacy/requests/status/{token}", status_code=303)


@router.get("/status/{token}")
def status(request: Request, garant: GarantDep, token: str) -> Response:
    with garant.unit_of_work(SUBJECT) as uow:
        req = service.by_follow_token(uow, token)
        out = service.read(uow, req)
        check = identity.pending_check(uow, req)
        latest = package.latest(uow, req.id)
        link = package.link(uow, latest, absolute=False) if latest and latest.content else None
    context = {
        "req": out,
        "token": token,
        "waiting_code": bool(check and check.method == "email_code"),
        "waiting_document": bool(check and check.method == "document" and not check.document),
        "document_types": identity.DOCUMENT_TYPES,
        "download": link,
        "error": request.query_params.get("error"),
    }
    return render(request, "privacy/rights/status.html", context)


@router.post("/status/{token}/verify", dependencies=[Depends(csrf_protect)])
def verify(garant: GarantDep, token: str, code: Annotated[str, Form()]) -> Response:
    try:
        with garant.unit_of_work(SUBJECT) as uow:
            req = service.by_follow_token(uow, token)
            identity.confirm_code(uow=uow, request_id=req.id, code=code)
    except GarantError:
        return RedirectResponse(f"/privacy/requests/status/{token}?error=code", status_code=303)
    return RedirectResponse(f"/privacy/requests/status/{token}", status_code=303)


@router.post("/status/{token}/document", dependencies=[Depends(csrf_protect)])
async def document(request: Request, garant: GarantDep, token: str) -> Response:
    """The identity document the policy asks for (DEF-D2): kept encrypted until checked."""
    form = await request.form()
    upload, kind = form.get("document"), form.get("document_type")
    content = await upload.read() if isinstance(upload, UploadFile) else b""
    await form.close()
    try:
        with garant.unit_of_work(SUBJECT) as uow:
            req = service.by_follow_token(uow, token)
            identity.upload_document(
                uow=uow, request_id=req.id, document_type=str(kind or ""), content=content
            )
    except GarantError:
        return RedirectResponse(f"/privacy/requests/status/{token}?error=document", status_code=303)
    return RedirectResponse(f"/privacy/requests/status/{token}", status_code=303)


@router.get("/download/{package_id}")
def download(garant: GarantDep, package_id: int, e: int, s: str) -> Response:
    """The signed, expiring link of the reply (AF-D1)."""
    with garant.unit_of_work(SUBJECT) as uow:
        blob, found = package.open_link(uow=uow, package_id=package_id, expires=e, signature=s)
        name = f"request-{found.request_id}.zip"
    return Response(
        blob,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
