"""Back-office pages of the accountability feature: processors, DPIAs, disclosures,
organizational records, the live check and the dossier. Forms carry the CSRF token.
The processors register and one DPIA's pages live in ``processor_pages`` and
``dpia_pages``, included in this router."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError

from garant.accounts.roles import Permission
from garant.errors import InvalidInput, first_error
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.web.admin import dpia_pages, processor_pages
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin/accountability", include_in_schema=False)
router.include_router(processor_pages.router)
router.include_router(dpia_pages.router)
P = Permission
CSRF = [Depends(csrf_protect)]
BASE = "admin/accountability/"

NAV = [
    NavItem(_("Processors"), "/admin/accountability/processors", P.PROCESSOR_READ, order=60),
    NavItem(_("DPIAs"), "/admin/accountability/dpias", P.DPIA_READ, order=61),
    NavItem(_("Disclosures"), "/admin/accountability/disclosures", P.DISCLOSURE_READ, order=62),
    NavItem(_("Records"), "/admin/accountability/records", P.REGISTER_READ, order=63),
    NavItem(_("Compliance check"), "/admin/accountability/check", P.CHECK_RUN, order=64),
    NavItem(_("Dossier"), "/admin/accountability/dossier", P.DOSSIER_EXPORT, order=65),
]
DpiaRead = Annotated[Actor, Depends(Requires(P.DPIA_READ))]
DpiaManage = Annotated[Actor, Depends(Requires(P.DPIA_MANAGE))]
DisclosureRead = Annotated[Actor, Depends(Requires(P.DISCLOSURE_READ))]
DisclosureManage = Annotated[Actor, Depends(Requires(P.DISCLOSURE_MANAGE))]
RegisterRead = Annotated[Actor, Depends(Requires(P.REGISTER_READ))]
RecordsManage = Annotated[Actor, Depends(Requires(P.RECORDS_MANAGE))]
CheckRun = Annotated[Actor, Depends(Requires(P.CHECK_RUN))]
DossierExport = Annotated[Actor, Depends(Requires(P.DOSSIER_EXPORT))]


def _validated(model: type[BaseModel], values: dict[str, Any]) -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        where, what = first_error(exc)
        raise InvalidInput(f"{where or _('form')}: {what}") from None


def _back(path: str) -> Response:
    return RedirectResponse(f"/admin/accountability/{path}", status_code=303)


@router.get("/dpias")
def dpias_page(request: Request, garant: GarantDep, actor: DpiaRead) -> Response:
    from garant.dpia.rules import CNIL_LIST, CRITERIA
    from garant.dpia.service import describe, list_dpias

    with garant.unit_of_work(actor, read_only=True) as uow:
        items = [describe(d) for d in list_dpias(uow=uow)]
    context = {"dpias": items, "criteria": CRITERIA, "cnil_list": CNIL_LIST,
               "statuses": dpia_pages.labels()["statuses"]}  # fmt: skip
    return render(request, BASE + "dpias.html", context)


@router.post("/dpias/screen", dependencies=CSRF)
async def dpias_screen(request: Request, garant: GarantDep, actor: DpiaManage) -> Response:
    from garant.dpia.schemas import DpiaCreate
    from garant.dpia.service import screen_processing

    form = await request.form()
    data = _validated(
        DpiaCreate,
        {
            "title": form.get("title", ""),
            "activity": form.get("activity") or None,
            "criteria": [str(c) for c in form.getlist("criteria")],
            "cnil_list": [str(c) for c in form.getlist("cnil_list")],
            "exception_reason": form.get("exception_reason") or None,
        },
    )
    with garant.unit_of_work(actor) as uow:
        screen_processing(uow=uow, data=data)
    return _back("dpias")


@router.post("/dpias/import", dependencies=CSRF)
async def dpias_import(
    garant: GarantDep, actor: DpiaManage, file: UploadFile, activity: Annotated[str, Form()] = ""
) -> Response:
    from garant.dpia.service import import_pia

    text = (await file.read()).decode("utf-8", errors="replace")
    with garant.unit_of_work(actor) as uow:
        import_pia(uow=uow, text=text, source=file.filename or "upload", activity=activity or None)
    return _back("dpias")


@router.get("/disclosures")
def disclosures_page(request: Request, garant: GarantDep, actor: DisclosureRead) -> Response:
    from garant.accountability.records import is_flagged, list_disclosures

    with garant.unit_of_work(actor, read_only=True) as uow:
        items = [(d, is_flagged(d)) for d in list_disclosures(uow=uow)]
    return render(request, BASE + "disclosures.html", {"disclosures": items})


@router.post("/disclosures", dependencies=CSRF)
async def disclosures_add(request: Request, garant: GarantDep, actor: DisclosureManage) -> Response:
    from garant.accountability.records import log_disclosure
    from garant.accountability.schemas import DisclosureCreate

    form = await request.form()
    secret = str(form.get("secrecy_reason") or "").strip()
    data = _validated(
        DisclosureCreate,
        {
            "requester": form.get("requester", ""),
            "legal_basis": form.get("legal_basis", ""),
            "reference": form.get("reference") or None,
            "data_description": form.get("data", ""),
            "identity": form.get("identity") or None,
            "approved_by": form.get("approved_by", ""),
            "tell_subject": not secret,
            "secrecy_reason": secret or None,
        },
    )
    with garant.unit_of_work(actor) as uow:
        log_disclosure(uow=uow, data=data)
    return _back("disclosures")


@router.get("/records")
def records_page(request: Request, garant: GarantDep, actor: RegisterRead) -> Response:
    from garant.accountability.records import list_records, record_state
    from garant.processors.service import today

    with garant.unit_of_work(actor, read_only=True) as uow:
        day = today(uow)
        items = [(r, record_state(r, day)) for r in list_records(uow=uow)]
    return render(request, BASE + "records.html", {"records": items})


@router.post("/records", dependencies=CSRF)
def records_add(
    garant: GarantDep,
    actor: RecordsManage,
    kind: Annotated[str, Form()],
    title: Annotated[str, Form()],
    dated: Annotated[str, Form()],
    valid_until: Annotated[str | None, Form()] = None,
    holder: Annotated[str | None, Form()] = None,
) -> Response:
    from garant.accountability.records import add_record
    from garant.accountability.schemas import RecordCreate

    data = _validated(
        RecordCreate,
        {
            "kind": kind,
            "title": title,
            "dated": dated,
            "valid_until": valid_until or None,
            "holder": holder or None,
        },
    )
    with garant.unit_of_work(actor) as uow:
        add_record(uow=uow, data=data)
    return _back("records")


@router.get("/check")
def check_page(request: Request, garant: GarantDep, actor: CheckRun) -> Response:
    from sqlalchemy import select

    from garant.accountability.check_runner import trend
    from garant.accountability.models import CheckRun as Run

    with garant.unit_of_work(actor, read_only=True) as uow:
        runs = trend(uow=uow)
        last = uow.session.scalar(select(Run).order_by(Run.id.desc()).limit(1))
        findings = list(last.findings) if last else []
    peak = max((r["total"] for r in runs), default=0) or 1
    return render(
        request,
        BASE + "check.html",
        {"runs": runs, "findings": findings, "last": last, "peak": peak},
    )


@router.post("/check", dependencies=CSRF)
def check_run(garant: GarantDep, actor: CheckRun) -> Response:
    from garant.accountability.check_runner import run_and_store

    run_and_store(garant, actor)
    return _back("check")


@router.get("/dossier")
def dossier_page(request: Request, actor: DossierExport) -> Response:
    return render(request, BASE + "dossier.html", {})
