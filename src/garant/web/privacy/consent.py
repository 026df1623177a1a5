"""Public pages of the consent feature: the privacy center's consents, one-click
unsubscribe (RFC 8058) and the cookie banner's endpoints.

None of these needs a staff login. The unsubscribe POST and the cookie endpoints are
called by mail clients and by other sites' pages, which carry no session: the signed
token (unsubscribe) and the visitor's own anonymous choice (cookies) are their authority.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse, Response

from garant.consent import center, cookies, service, unsubscribe
from garant.errors import GarantError, InvalidInput, PermissionDenied, TooManyRequests
from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.throttle import service as throttle
from garant.web.deps import GarantDep, csrf_protect
from garant.web.templating import render

router = APIRouter(include_in_schema=False)
BANNER_JS = Path(__file__).resolve().parents[1] / "static" / "consent" / "banner.js"
SUBJECT = Actor("subject", "privacy-center")
CORS = {"Access-Control-Allow-Origin": "*", "Vary": "Sec-GPC"}


def _proof(request: Request) -> dict[str, str | None]:
    return {
        "ip": request.client.host if request.client else None,
        "user_agent": request.headers.get("user-agent"),
    }


# --- privacy center: my consents -----------------------------------------------------
@router.get("/privacy/consents")
def consents_page(request: Request, garant: GarantDep) -> Response:
    email = request.session.get("consent_email")
    if not email:
        return render(request, "privacy/consent/verify.html", {"step": "email", "error": None})
    with garant.unit_of_work(SUBJECT) as uow:
        items = center.overview(uow=uow, email=email, lang=current_language())
    return render(request, "privacy/consent/consents.html", {"email": email, "items": items})


@router.post("/privacy/consents/code", dependencies=[Depends(csrf_protect)])
def send_code(
    request: Request, garant: GarantDep, email: Annotated[str, Form(max_length=320)]
) -> Response:
    client = request.client.host if request.client else "unknown"
    try:
        center.request_code(garant, SUBJECT, email=email, lang=current_language(), client=client)
    except TooManyRequests as exc:
        context = {"step": "email", "error": _("Too many codes asked from here; try again later.")}
        page = render(request, "privacy/consent/verify.html", context, status_code=429)
        page.headers["Retry-After"] = str(exc.retry_after)
        return page
    except GarantError as exc:
        context = {"step": "email", "error": exc.message}
        return render(request, "privacy/consent/verify.html", context, status_code=422)
    request.session["consent_pending"] = email.strip()
    return render(request, "privacy/consent/verify.html", {"step": "code", "error": None})


@router.post("/privacy/consents/verify", dependencies=[Depends(csrf_protect)])
def verify(request: Request, garant: GarantDep, code: Annotated[str, Form()]) -> Response:
    email = request.session.get("consent_pending")
    ok = False
    if email:
        ok = center.check_code(garant, SUBJECT, email=email, code=code[:32])
    if not ok:
        context = {"step": "code", "error": _("This code is wrong or expired.")}
        return render(request, "privacy/consent/verify.html", context, status_code=422)
    request.session.pop("consent_pending", None)
    request.session["consent_email"] = email
    return RedirectResponse("/privacy/consents", status_code=303)


def _verified(request: Request) -> str:
    email = request.session.get("consent_email")
    if not email:
        raise PermissionDenied(_("Verify your email address first."))
    return str(email)


@router.post("/privacy/consents", dependencies=[Depends(csrf_protect)])
def change(
    request: Request,
    garant: GarantDep,
    purpose: Annotated[str, Form()],
    given: Annotated[str, Form()],
) -> Response:
    email = _verified(request)
    proof = _proof(request)
    with garant.unit_of_work(SUBJECT) as uow:
        service.record(
            uow=uow,
            identity=("email", email),
            purpose=purpose,
            given=given == "1",
            source="privacy_center",
            ip=proof["ip"],
            user_agent=proof["user_agent"],
            lang=current_language(),
        )
    return RedirectResponse("/privacy/consents", status_code=303)


@router.post("/privacy/consents/withdraw-all", dependencies=[Depends(csrf_protect)])
def withdraw_everything(request: Request, garant: GarantDep) -> Response:
    email = _verified(request)
    with garant.unit_of_work(SUBJECT) as uow:
        service.withdraw_all(uow=uow, identity=("email", email), source="privacy_center")
    return RedirectResponse("/privacy/consents", status_code=303)


@router.post("/privacy/consents/forget", dependencies=[Depends(csrf_protect)])
def forget(request: Request) -> Response:
    request.session.pop("consent_email", None)
    return RedirectResponse("/privacy/consents", status_code=303)


# --- one-click unsubscribe ------------------------------------------------------------
def _invalid(request: Request) -> Response:
    context = {"message": _("This unsubscribe link is not valid."), "status": 400}
    return render(request, "error.html", context, status_code=400)


@router.get("/unsubscribe/{token}")
def unsubscribe_page(request: Request, garant: GarantDep, token: str) -> Response:
    """A GET changes nothing: link scanners in mail systems follow every link."""
    try:
        with garant.unit_of_work(SUBJECT) as uow:
            link = unsubscribe.read_token(uow, token)
    except (PermissionDenied, InvalidInput):
        return _invalid(request)
    label = link.purpose.label_in(current_language())
    return render(request, "privacy/consent/unsubscribe.html", {"label": label, "done": None})


@router.post("/unsubscribe/{token}")
def unsubscribe_now(request: Request, garant: GarantDep, token: str) -> Response:
    """RFC 8058 one-click: the mail client's POST (or the page's button) withdraws at once."""
    proof = _proof(request)
    try:
        with garant.unit_of_work(SUBJECT) as uow:
            link, changed = unsubscribe.unsubscribe(uow=uow, token=token, **proof)
    except (PermissionDenied, InvalidInput):
        return _invalid(request)
    label = link.purpose.label_in(current_language())
    return render(request, "privacy/consent/unsubscribe.html", {"label": label, "done": changed})


# --- cookie banner ---------------------------------------------------------------------
def _gpc(request: Request, asked: str | None = None) -> bool:
    return request.headers.get("sec-gpc") == "1" or asked == "1"


@router.get("/cookies/banner.js")
def banner_script() -> Response:
    return FileResponse(BANNER_JS, media_type="text/javascript", headers=CORS)


@router.get("/cookies/status")
def cookie_status(
    request: Request,
    garant: GarantDep,
    token: str | None = None,
    gpc: str | None = None,
) -> Response:
    lang = current_language()
    with garant.unit_of_work(SUBJECT) as uow:
        answer = cookies.status(uow, token, gpc=_gpc(request, gpc))
        answer["config"] = cookies.banner_config(uow, lang=lang)
    return JSONResponse(answer, headers=CORS)


@router.post("/cookies/choice")
async def cookie_choice(request: Request, garant: GarantDep) -> Response:
    """The banner posts ``{"accepted": [...], "gpc": bool}`` as text/plain (no CORS preflight)."""
    try:
        body: Any = json.loads(await request.body() or b"{}")
        accepted = [str(c) for c in body.get("accepted", [])]
        gpc = _gpc(request) or bool(body.get("gpc"))
    except (ValueError, AttributeError, TypeError, RecursionError):  # [[[[... too deep
        return JSONResponse({"detail": "expected JSON {accepted: [...]}"}, 422, headers=CORS)
    proof = _proof(request)
    verdict = throttle.hit(garant, cookies.CHOICES_PER_CLIENT, proof["ip"] or "unknown")
    if not verdict.allowed:  # each choice is a row and an audit event: no flood
        headers = CORS | {"Retry-After": str(verdict.retry_after)}
        return JSONResponse({"detail": "too many choices; try again later"}, 429, headers=headers)
    try:
        with garant.unit_of_work(SUBJECT) as uow:
            choice = cookies.record_choice(
                uow=uow, accepted=accepted, gpc=gpc, ip=proof["ip"], user_agent=proof["user_agent"]
            )
            answer = {
                "token": choice.id,
                "accepted": cookies.required_ids(uow) + list(choice.accepted),
                "refused": list(choice.refused),
                "expires_at": choice.expires_at.isoformat(),
                "gpc": choice.gpc,
            }
    except InvalidInput as exc:
        return JSONResponse({"detail": exc.message}, 422, headers=CORS)
    return JSONResponse(answer, headers=CORS)


@router.get("/cookies/demo")
def cookie_demo(request: Request) -> Response:
    return render(request, "privacy/consent/cookie_demo.html")
