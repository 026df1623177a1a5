"""Privacy-center pages of the rights feature: submit, verify, follow, download."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from garant.errors import GarantError, InvalidInput, TooManyRequests
from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.policy.notice_sections import offered_request_types
from garant.rights import codes, documents, identity, intake, package, review, service
from garant.rights.rules import Channel, RequestType
from garant.rights.schemas import RequestCreate, describe
from garant.store.uow import Actor
from garant.web.deps import GarantDep, csrf_protect
from garant.web.privacy import rights_forms
from garant.web.templating import render

router = APIRouter(prefix="/privacy/requests", include_in_schema=False)
SUBJECT = Actor("subject", "privacy-center")
TYPES = [t.value for t in RequestType if t is not RequestType.POST_MORTEM]
PROVEN_HERE = "rights_proven"
"""The requests whose code was entered in this browser (the signed session cookie)."""


@router.get("")
def form(request: Request, garant: GarantDep, type: str = "") -> Response:
    """The list of rights; with ``?type=`` the form fitted to that right."""
    right = type if type in TYPES else ""
    return _form_page(request, garant, right, {}, {})


def _form_page(
    request: Request,
    garant: GarantDep,
    right: str,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    context = rights_forms.choices(garant, current_language()) | {
        "types": [t for t in offered_request_types(garant.policy) if t in TYPES],
        "right": right,
        "values": values,
        "errors": errors,
        "error": errors.get("form"),
    }
    return render(request, "privacy/rights/form.html", context, status_code=status_code)


@router.post("", dependencies=[Depends(csrf_protect)])
async def submit(request: Request, garant: GarantDep) -> Response:
    """What was typed comes back with each error beside its field (nothing is lost)."""
    form = await request.form()
    values: dict[str, Any] = {k: form.get(k) for k in form if k != "csrf_token"}
    values["activities"] = form.getlist("activities")
    right = str(values.get("type") or "")
    if right not in TYPES:
        return _form_page(request, garant, "", values, {}, 422)
    lang = current_language()
    parsed = rights_forms.parse(form, right, garant, lang)
    email = str(values.get("email") or "").strip()
    if "@" not in email:
        parsed.errors["email"] = _("Give your email address: we send the answer there.")
    if parsed.errors:
        parsed.errors["form"] = _("Some answers need your attention: see the fields marked below.")
        return _form_page(request, garant, right, values, parsed.errors, 422)
    member = str(values.get("member_number") or "").strip()
    message = str(values.get("message") or "").strip()
    identities = {"email": email} | ({"member_number": member} if member else {})
    try:
        data = RequestCreate(
            type=RequestType(right),
            identities=identities,
            channel=Channel.WEB,
            lang=lang,
            message=message or None,
            **parsed.values,
        )
        client = request.client.host if request.client else None
        token = await run_in_threadpool(_open, garant, data, client)
    except ValidationError as exc:  # what is wrong and where, never the value echoed
        return _form_page(request, garant, right, values, {"form": describe(exc)}, 422)
    except TooManyRequests as exc:
        message = _("Too many requests from here or for this address; try again later.")
        page = _form_page(request, garant, right, values, {"form": message}, 429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except ValueError:
        errors = {"form": _("Some answers need your attention: see the fields marked below.")}
        return _form_page(request, garant, right, values, errors, 422)
    except GarantError as exc:
        return _form_page(request, garant, right, values, {"form": _(exc.message)}, 422)
    return RedirectResponse(f"/privacy/requests/status/{token}", status_code=303)


def _open(garant: GarantDep, data: RequestCreate, client: str | None) -> str:
    intake.admit(garant, client=client, identities=data.identities)
    with garant.unit_of_work(SUBJECT) as uow:
        intake.check_self_service(uow=uow)
        _, token = intake.submit(uow=uow, data=data)
    return token


@router.get("/status/{token}")
def status(request: Request, garant: GarantDep, token: str) -> Response:
    with garant.unit_of_work(SUBJECT) as uow:
        req = service.by_follow_token(uow, token)
        out = service.read(uow, req)
        check = identity.pending_check(uow, req)
        reply_code = codes.latest(uow, req, (codes.REPLY,))
        answer = review.sent_answer(uow, req.id)  # None while staff review the reply
        latest = package.latest(uow, req.id) if answer is not None else None
        link = package.link(uow, latest, absolute=False) if package.live(latest) else None
    if req.id not in request.session.get(PROVEN_HERE, []):  # the token is the submitter's
        link, answer, elsewhere = None, None, bool(link or answer)
    else:
        elsewhere = False
    document = bool(check and check.method == "document")
    context = {
        "req": out,
        "token": token,
        # the same form whether a code went out or staff look (the page is no oracle)
        "waiting_code": out.status == "awaiting_identity" and not document,
        "waiting_reply_code": reply_code is not None,
        "waiting_document": bool(document and check and not check.document),
        "document_sent": bool(document and check and check.document),
        "document_types": documents.DOCUMENT_TYPES,
        "download": link,
        "answer": answer,
        "answer_elsewhere": elsewhere,
        "error": request.query_params.get("error"),
    }
    return render(request, "privacy/rights/status.html", context)


def _back(token: str, error: str | None = None) -> Response:
    query = f"?error={error}" if error else ""
    return RedirectResponse(f"/privacy/requests/status/{token}{query}", status_code=303)


@router.post("/status/{token}/verify", dependencies=[Depends(csrf_protect)])
def verify(
    request: Request, garant: GarantDep, token: str, code: Annotated[str, Form(max_length=64)]
) -> Response:
    """Every try counts, even when the page is reloaded or two tabs are open: five wrong
    ones lock the code, and the page then offers a new one. The browser that entered the
    right code is the one that sees the answer and the download on this page (whoever
    submitted holds the token too: it may be someone naming the person)."""
    if _reply_code_elsewhere(request, garant, token):
        return _back(token, "elsewhere")
    try:
        rid = identity.try_code(garant, SUBJECT, token=token, code=code)
    except InvalidInput:
        return _back(token, "code")
    except GarantError:
        return _back(token, "locked")
    proven = [r for r in request.session.get(PROVEN_HERE, []) if r != rid]
    request.session[PROVEN_HERE] = [*proven[-9:], rid]
    return _back(token)


def _reply_code_elsewhere(request: Request, garant: GarantDep, token: str) -> bool:
    """The code of another reply address, typed in a browser other than the one that
    proved the identity here: refused (else the submitter of a request naming someone
    else, holding the link, redirects the answers to an address of theirs)."""
    with garant.unit_of_work(SUBJECT, read_only=True) as uow:
        req = service.by_follow_token(uow, token)
        proven_here = service.personal(uow, req).get(identity.PROVEN_BY) == SUBJECT.label
        rid, verified = req.id, req.verified_at is not None
    return verified and proven_here and rid not in request.session.get(PROVEN_HERE, [])


@router.post("/status/{token}/code", dependencies=[Depends(csrf_protect)])
def new_code(garant: GarantDep, token: str) -> Response:
    """A new code, a few an hour at most; the answer is the same whether one went out."""
    try:
        identity.new_code(garant, SUBJECT, token=token)
    except TooManyRequests as exc:
        response = _back(token, "many")
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return _back(token, "sent")


@router.post("/status/{token}/document", dependencies=[Depends(csrf_protect)])
async def document(request: Request, garant: GarantDep, token: str) -> Response:
    """The identity document the policy asks for (DEF-D2): kept encrypted until checked."""
    if int(request.headers.get("content-length") or 0) > documents.MAX_DOCUMENT_BYTES + 65536:
        return _back(token, "document")
    form = await request.form(max_files=1, max_fields=5)
    upload, kind = form.get("document"), form.get("document_type")
    limit = documents.MAX_DOCUMENT_BYTES + 1
    content = await upload.read(limit) if isinstance(upload, UploadFile) else b""
    await form.close()
    try:
        await run_in_threadpool(_upload, garant, token, str(kind or ""), content)
    except GarantError:
        return _back(token, "document")
    return _back(token)


def _upload(garant: GarantDep, token: str, kind: str, content: bytes) -> None:
    with garant.unit_of_work(SUBJECT) as uow:
        req = service.by_follow_token(uow, token)
        documents.upload_document(uow=uow, request_id=req.id, document_type=kind, content=content)


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
