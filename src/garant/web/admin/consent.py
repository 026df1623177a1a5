"""Back-office page of the consent feature: purposes and their counts, a check, an
objection, and an audience filter from an uploaded file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import Response

from garant.accounts.roles import Permission
from garant.consent import audience, service, suppression
from garant.consent.check import may_use
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin/consent", include_in_schema=False)
NAV = [NavItem(_("Consent"), "/admin/consent", Permission.CONSENT_READ, order=30)]

Reader = Annotated[Actor, Depends(Requires(Permission.CONSENT_READ))]
Manager = Annotated[Actor, Depends(Requires(Permission.CONSENT_MANAGE))]
Filterer = Annotated[Actor, Depends(Requires(Permission.AUDIENCE_FILTER))]
CSRF = [Depends(csrf_protect)]
MAX_UPLOAD = 50 * 1024 * 1024


def _page(request: Request, garant: GarantDep, actor: Actor, **extra: object) -> Response:
    with garant.unit_of_work(actor) as uow:
        purposes = service.purpose_counts(uow)
    context = {
        "purposes": purposes,
        "decision": None,
        "audience": None,
        "message": None,
        "error": None,
    } | extra
    return render(
        request, "admin/consent/index.html", context, status_code=422 if extra.get("error") else 200
    )


@router.get("")
def page(request: Request, garant: GarantDep, actor: Reader) -> Response:
    return _page(request, garant, actor)


@router.post("/check", dependencies=CSRF)
def check(
    request: Request,
    garant: GarantDep,
    actor: Reader,
    identity: Annotated[str, Form()],
    purpose: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "email",
) -> Response:
    try:
        with garant.unit_of_work(actor) as uow:
            decision = may_use(uow=uow, identity=(kind, identity), purpose=purpose)
    except GarantError as exc:
        return _page(request, garant, actor, error=exc.message)
    return _page(request, garant, actor, decision=decision)


@router.post("/suppression", dependencies=CSRF)
def suppress(
    request: Request,
    garant: GarantDep,
    actor: Manager,
    identity: Annotated[str, Form()],
    purpose: Annotated[str, Form()] = "*",
    kind: Annotated[str, Form()] = "email",
) -> Response:
    try:
        with garant.unit_of_work(actor) as uow:
            suppression.add(uow=uow, identity=(kind, identity), purpose=purpose, reason="objection")
    except GarantError as exc:
        return _page(request, garant, actor, error=exc.message)
    return _page(request, garant, actor, message=_("Objection recorded."))


@router.post("/audience", dependencies=CSRF)
async def audience_filter(
    request: Request,
    garant: GarantDep,
    actor: Filterer,
    purpose: Annotated[str, Form()],
    file: UploadFile,
) -> Response:
    """One identity a line (a first line naming the column is counted as invalid)."""
    raw = await file.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        return _page(request, garant, actor, error=_("The file is too large (50 MB at most)."))
    lines = [line for line in raw.decode("utf-8", "replace").splitlines() if line.strip()]
    try:
        with garant.unit_of_work(actor) as uow:
            result = audience.filter_audience(uow=uow, purpose=purpose, identities=lines)
    except GarantError as exc:
        return _page(request, garant, actor, error=exc.message)
    refused = [(v, d) for v, d in result.rows if not d.allowed][:200]
    return _page(request, garant, actor, audience={"summary": result.summary(), "refused": refused})
