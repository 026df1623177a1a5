"""API routes of the breaches feature: the register, the assessment, the clock, the letters."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from garant.accounts.roles import Permission
from garant.breaches import communication, export, notification, service
from garant.breaches.adjustments import assess
from garant.breaches.assessment import localized
from garant.breaches.schemas import (
    Assessment,
    BreachCreate,
    BreachRead,
    BreachUpdate,
    CommunicationIn,
    ExemptionIn,
    Facts,
    NoteIn,
    NotificationIn,
    OverrideIn,
    Phase,
)
from garant.i18n import current_language
from garant.store.uow import Actor, UnitOfWork
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.openapi import content

router = APIRouter(prefix="/api/breaches", tags=["breaches"])

Reader = Annotated[Actor, Depends(Requires(Permission.BREACH_READ))]
Manager = Annotated[Actor, Depends(Requires(Permission.BREACH_MANAGE))]
CSRF = [Depends(csrf_protect)]
ReasonsLang = Annotated[
    Literal["fr", "en"] | None,
    Query(
        description="Language of the assessment's `reasons` (else Accept-Language, else the "
        "policy's first language); `reason_codes` are the same in every language."
    ),
]


def _read(uow: UnitOfWork, ref: str | int, *, full: bool = False) -> BreachRead:
    breach = service.get_breach(uow=uow, ref=ref)
    row = export.row_of(uow, breach)
    row["left"] = service.clock_of(uow=uow, breach=breach).left_text()
    if full:
        row["timeline"] = service.timeline(uow=uow, breach=breach)
    return BreachRead.model_validate(row)


@router.get("")
def list_breaches(garant: GarantDep, actor: Reader) -> list[BreachRead]:
    """The register, the breach whose deadline comes first (or passed) first."""
    with garant.unit_of_work(actor) as uow:
        rows = [BreachRead.model_validate(r) for r in export.register_rows(uow)]
    return sorted(rows, key=lambda r: r.due_at)


@router.post("", dependencies=CSRF, status_code=201)
def record(garant: GarantDep, actor: Manager, data: BreachCreate) -> BreachRead:
    with garant.unit_of_work(actor) as uow:
        breach = service.record_breach(uow=uow, data=data)
        return _read(uow, breach.id)


@router.post("/assess", dependencies=CSRF)
def assess_facts(actor: Reader, facts: Facts, lang: ReasonsLang = None) -> Assessment:
    """The method alone, on facts (nothing is stored); reasons in the request's language."""
    return localized(assess(facts), lang or current_language())


@router.get("/export", responses=content("application/json", "text/csv", "application/pdf"))
def export_register(
    garant: GarantDep, actor: Reader, format: Literal["csv", "json", "pdf"] = "json"
) -> Response:
    with garant.unit_of_work(actor) as uow:
        rows = export.register_rows(uow)
        uow.audit("breach.export", "breach", None, details={"format": format, "count": len(rows)})
    if format == "csv":
        return Response(export.to_csv(rows), media_type="text/csv; charset=utf-8")
    if format == "pdf":
        pdf = export.to_pdf(rows, garant.policy.controller.name, garant.timezone)
        return Response(pdf, media_type="application/pdf")
    return Response(export.to_json(rows), media_type="application/json")


@router.get("/{ref}")
def show(garant: GarantDep, actor: Reader, ref: str) -> BreachRead:
    with garant.unit_of_work(actor) as uow:
        return _read(uow, ref, full=True)


@router.patch("/{ref}", dependencies=CSRF)
def update(garant: GarantDep, actor: Manager, ref: str, data: BreachUpdate) -> BreachRead:
    with garant.unit_of_work(actor) as uow:
        service.update_breach(uow=uow, ref=ref, data=data)
        return _read(uow, ref)


@router.post("/{ref}/assessment", dependencies=CSRF)
def assess_breach(
    garant: GarantDep, actor: Manager, ref: str, facts: Facts, lang: ReasonsLang = None
) -> Assessment:
    """Assess and keep the result on the breach (stored in English, with its codes);
    the answer's reasons are in the request's language."""
    with garant.unit_of_work(actor) as uow:
        result = service.assess_breach(uow=uow, ref=ref, facts=facts)
    return localized(result, lang or current_language())


@router.post("/{ref}/override", dependencies=CSRF)
def override(garant: GarantDep, actor: Manager, ref: str, data: OverrideIn) -> BreachRead:
    with garant.unit_of_work(actor) as uow:
        service.override(uow=uow, ref=ref, **data.model_dump())
        return _read(uow, ref)


@router.get("/{ref}/notification")
def notification_draft(
    garant: GarantDep,
    actor: Reader,
    ref: str,
    phase: Phase = "initial",
    lang: Literal["fr", "en"] = "fr",
    format: Annotated[Literal["text", "pdf", "json"], Query()] = "text",
) -> Response:
    """The draft to the authority: Art. 33(3) and the CNIL form's items."""
    with garant.unit_of_work(actor) as uow:
        content = notification.draft(uow=uow, ref=ref, phase=phase, lang=lang)
    if format == "pdf":
        return Response(notification.as_pdf(content), media_type="application/pdf")
    if format == "json":
        import json

        return Response(json.dumps(content, ensure_ascii=False), media_type="application/json")
    return Response(notification.as_text(content), media_type="text/plain; charset=utf-8")


@router.post("/{ref}/notifications", dependencies=CSRF, status_code=201)
def notify(garant: GarantDep, actor: Manager, ref: str, data: NotificationIn) -> BreachRead:
    with garant.unit_of_work(actor) as uow:
        notification.record_notification(uow=uow, ref=ref, **data.model_dump())
        return _read(uow, ref)


@router.post("/{ref}/communications", dependencies=CSRF, status_code=201)
def communicate(garant: GarantDep, actor: Manager, ref: str, data: CommunicationIn) -> BreachRead:
    with garant.unit_of_work(actor) as uow:
        communication.communicate(uow=uow, ref=ref, identities=data.identities, lang=data.lang)
        return _read(uow, ref)


@router.post("/{ref}/exemptions", dependencies=CSRF, status_code=201)
def exempt(garant: GarantDep, actor: Manager, ref: str, data: ExemptionIn) -> BreachRead:
    with garant.unit_of_work(actor) as uow:
        communication.exempt(uow=uow, ref=ref, **data.model_dump())
        return _read(uow, ref)


@router.post("/{ref}/notes", dependencies=CSRF, status_code=201)
def note(garant: GarantDep, actor: Manager, ref: str, data: NoteIn) -> BreachRead:
    with garant.unit_of_work(actor) as uow:
        service.add_note(uow=uow, ref=ref, text=data.text)
        return _read(uow, ref, full=True)
