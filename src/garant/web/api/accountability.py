"""API routes of the accountability feature: processors, DPIAs, disclosures, records,
the live check, the dossier and policy-change notices. Thin: each calls the domain."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import Response

from garant.accountability.schemas import DisclosureCreate, DisclosureRead, RecordCreate, RecordRead
from garant.accounts.roles import Permission
from garant.dpia.schemas import DpiaAssessment, DpiaCreate
from garant.processors.schemas import AuditCreate, ProcessorCreate, ProcessorEnd, ProcessorUpdate
from garant.store.uow import Actor
from garant.web.api.params import IdPath
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.openapi import content

router = APIRouter(prefix="/api/accountability", tags=["accountability"])
P = Permission
CSRF = [Depends(csrf_protect)]


CheckRunActor = Annotated[Actor, Depends(Requires(P.CHECK_RUN))]
DisclosureManageActor = Annotated[Actor, Depends(Requires(P.DISCLOSURE_MANAGE))]
DisclosureReadActor = Annotated[Actor, Depends(Requires(P.DISCLOSURE_READ))]
DossierExportActor = Annotated[Actor, Depends(Requires(P.DOSSIER_EXPORT))]
DpiaManageActor = Annotated[Actor, Depends(Requires(P.DPIA_MANAGE))]
DpiaReadActor = Annotated[Actor, Depends(Requires(P.DPIA_READ))]
PolicyManageActor = Annotated[Actor, Depends(Requires(P.POLICY_MANAGE))]
ProcessorManageActor = Annotated[Actor, Depends(Requires(P.PROCESSOR_MANAGE))]
ProcessorReadActor = Annotated[Actor, Depends(Requires(P.PROCESSOR_READ))]
RecordsManageActor = Annotated[Actor, Depends(Requires(P.RECORDS_MANAGE))]
RegisterReadActor = Annotated[Actor, Depends(Requires(P.REGISTER_READ))]


@router.get("/processors")
def processors(garant: GarantDep, actor: ProcessorReadActor) -> list[dict[str, Any]]:
    from garant.processors.service import (
        describe,
        list_processors,
        sync_declared,
    )

    sync_declared(garant)
    with garant.unit_of_work(actor, read_only=True) as uow:
        return [describe(uow=uow, processor=p) for p in list_processors(uow=uow)]


@router.post("/processors", status_code=201, dependencies=CSRF)
def add_processor(
    data: ProcessorCreate, garant: GarantDep, actor: ProcessorManageActor
) -> dict[str, Any]:
    from garant.processors.service import create_processor, describe

    with garant.unit_of_work(actor) as uow:
        return describe(uow=uow, processor=create_processor(uow=uow, data=data))


@router.get("/processors/alerts")
def processor_alerts(garant: GarantDep, actor: ProcessorReadActor) -> list[dict[str, Any]]:
    from garant.processors.service import all_alerts

    with garant.unit_of_work(actor, read_only=True) as uow:
        return all_alerts(uow=uow)


@router.patch("/processors/{name:path}", dependencies=CSRF)
def edit_processor(
    name: str, data: ProcessorUpdate, garant: GarantDep, actor: ProcessorManageActor
) -> dict[str, Any]:
    """Correct fields of an entry (absent fields stay); the whole entry is checked again."""
    from garant.processors.changes import update_processor
    from garant.processors.service import describe

    with garant.unit_of_work(actor) as uow:
        return describe(uow=uow, processor=update_processor(uow=uow, name=name, data=data))


@router.post("/processors/{name:path}/end", dependencies=CSRF)
def end_processor(
    name: str, data: ProcessorEnd, garant: GarantDep, actor: ProcessorManageActor
) -> dict[str, Any]:
    """End the engagement; the entry stays in the register as evidence (no DELETE).
    409 while the policy still names the processor or one of its sub-processors is engaged."""
    from garant.processors.changes import end_processor as do_end
    from garant.processors.service import describe

    with garant.unit_of_work(actor) as uow:
        return describe(uow=uow, processor=do_end(uow=uow, name=name, data=data))


@router.post("/processors/{name:path}/reopen", dependencies=CSRF)
def reopen_processor(name: str, garant: GarantDep, actor: ProcessorManageActor) -> dict[str, Any]:
    """Undo an end recorded by mistake."""
    from garant.processors.changes import reopen_processor as do_reopen
    from garant.processors.service import describe

    with garant.unit_of_work(actor) as uow:
        return describe(uow=uow, processor=do_reopen(uow=uow, name=name))


@router.post("/processors/{name:path}/audits", status_code=201, dependencies=CSRF)
def add_audit(
    name: str, data: AuditCreate, garant: GarantDep, actor: ProcessorManageActor
) -> dict[str, Any]:
    from garant.processors.service import record_audit

    with garant.unit_of_work(actor) as uow:
        audit = record_audit(uow=uow, name=name, data=data)
        return {"id": audit.id, "audited_on": audit.audited_on, "outcome": audit.outcome}


@router.get("/dpias")
def dpias(garant: GarantDep, actor: DpiaReadActor) -> list[dict[str, Any]]:
    from garant.dpia.service import describe, list_dpias

    with garant.unit_of_work(actor, read_only=True) as uow:
        return [describe(d) for d in list_dpias(uow=uow)]


@router.post("/dpias/screen", status_code=201, dependencies=CSRF)
def screen(data: DpiaCreate, garant: GarantDep, actor: DpiaManageActor) -> dict[str, Any]:
    from garant.dpia.service import describe, screen_processing

    with garant.unit_of_work(actor) as uow:
        return describe(screen_processing(uow=uow, data=data))


@router.put("/dpias/{dpia_id}/assessment", dependencies=CSRF)
def assess_dpia(
    dpia_id: IdPath, data: DpiaAssessment, garant: GarantDep, actor: DpiaManageActor
) -> dict[str, Any]:
    """The CNIL method's sections; the Art. 36 flag follows the residual risks."""
    from garant.dpia.service import assess, describe

    with garant.unit_of_work(actor) as uow:
        return describe(assess(uow=uow, dpia_id=dpia_id, data=data))


@router.post("/dpias/import", status_code=201, dependencies=CSRF)
def import_pia(
    document: Annotated[dict[str, Any], Body()], garant: GarantDep, actor: DpiaManageActor
) -> dict[str, Any]:
    """Take a CNIL PIA tool export (its JSON) as the request body."""
    from garant.dpia.service import describe
    from garant.dpia.service import import_pia as do_import

    with garant.unit_of_work(actor) as uow:
        return describe(do_import(uow=uow, text=json.dumps(document), source="request body"))


@router.get("/dpias/{dpia_id}/pia")
def export_pia(dpia_id: IdPath, garant: GarantDep, actor: DpiaReadActor) -> dict[str, Any]:
    """The DPIA in the CNIL PIA tool's JSON format."""
    from garant.dpia.pia import export_pia as do_export
    from garant.dpia.service import get_dpia

    with garant.unit_of_work(actor, read_only=True) as uow:
        return do_export(get_dpia(uow=uow, dpia_id=dpia_id))


@router.get("/disclosures")
def disclosures(garant: GarantDep, actor: DisclosureReadActor) -> list[DisclosureRead]:
    from garant.accountability.records import list_disclosures

    with garant.unit_of_work(actor, read_only=True) as uow:
        return [DisclosureRead.model_validate(d) for d in list_disclosures(uow=uow)]


@router.post("/disclosures", status_code=201, dependencies=CSRF)
def log_disclosure(
    data: DisclosureCreate, garant: GarantDep, actor: DisclosureManageActor
) -> dict[str, Any]:
    from garant.accountability.records import is_flagged
    from garant.accountability.records import log_disclosure as do_log

    with garant.unit_of_work(actor) as uow:
        disclosure = do_log(uow=uow, data=data)
        return DisclosureRead.model_validate(disclosure).model_dump() | {
            "flagged": is_flagged(disclosure)
        }


@router.get("/records")
def org_records(garant: GarantDep, actor: RegisterReadActor) -> list[dict[str, Any]]:
    from garant.accountability.records import list_records, record_state
    from garant.processors.service import today

    with garant.unit_of_work(actor, read_only=True) as uow:
        day = today(uow)
        return [
            RecordRead.model_validate(r).model_dump() | {"state": record_state(r, day)}
            for r in list_records(uow=uow)
        ]


@router.post("/records", status_code=201, dependencies=CSRF)
def add_record(data: RecordCreate, garant: GarantDep, actor: RecordsManageActor) -> RecordRead:
    from garant.accountability.records import add_record as do_add

    with garant.unit_of_work(actor) as uow:
        return RecordRead.model_validate(do_add(uow=uow, data=data))


@router.post("/check", dependencies=CSRF)
def run_check(garant: GarantDep, actor: CheckRunActor) -> dict[str, Any]:
    """Run the live compliance check now and keep its counts for the trend."""
    from garant.accountability.check_runner import run_and_store

    return run_and_store(garant, actor).as_dict()


@router.get("/check/trend")
def check_trend(garant: GarantDep, actor: CheckRunActor) -> list[dict[str, Any]]:
    from garant.accountability.check_runner import trend

    with garant.unit_of_work(actor, read_only=True) as uow:
        return trend(uow=uow)


@router.get("/dossier.{kind}", responses=content("application/pdf", "text/html"))
def dossier(kind: str, garant: GarantDep, actor: DossierExportActor) -> Response:
    """The accountability dossier, as ``dossier.pdf`` or ``dossier.html``."""
    from garant.accountability.dossier import build_html
    from garant.errors import NotFound

    if kind not in ("pdf", "html"):
        raise NotFound("the dossier exists as dossier.pdf or dossier.html")
    html = build_html(garant, actor)
    if kind == "html":
        return Response(html, media_type="text/html; charset=utf-8")
    from weasyprint import HTML

    pdf = HTML(string=html).write_pdf()
    headers = {"Content-Disposition": 'attachment; filename="dossier.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


@router.post("/policy-change/{version}/notify", status_code=202, dependencies=CSRF)
def notify(
    version: str, request: Request, garant: GarantDep, actor: PolicyManageActor
) -> dict[str, Any]:
    """Queue the notices for a published version (DEF-V1); the worker sends them."""
    from garant.accountability.policy_change import queue_notices

    with garant.unit_of_work(actor) as uow:
        return {"job": queue_notices(uow=uow, version=version), "version": version}
