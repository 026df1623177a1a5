"""Back-office pages of the breaches feature: the register with clocks, a breach, the forms."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from garant.accounts.roles import Permission
from garant.app import Garant
from garant.breaches import communication, export, notification, service
from garant.breaches.assessment import explain
from garant.breaches.schemas import BreachCreate, BreachUpdate, Facts
from garant.clock import parse_as_of
from garant.errors import GarantError
from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.policy.taxonomy import CATEGORIES
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin/breaches", include_in_schema=False)
NAV = [NavItem(_("Breaches"), "/admin/breaches", Permission.BREACH_READ, order=60)]

Reader = Annotated[Actor, Depends(Requires(Permission.BREACH_READ))]
Manager = Annotated[Actor, Depends(Requires(Permission.BREACH_MANAGE))]
CSRF = [Depends(csrf_protect)]
FACT_FLAGS = (
    "malicious",
    "insider",
    "vulnerable_subjects",
    "encrypted_key_safe",
    "passwords_strongly_hashed",
    "recipient_trusted",
    "recipient_known",
    "recovered_or_deleted",
    "backup_available",
)


def _problem(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
    return exc.message if isinstance(exc, GarantError) else str(exc)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _moment(garant: Garant, text: str) -> Any:
    return parse_as_of(text, garant.timezone) if text.strip() else None


@router.get("")
def register_page(request: Request, garant: GarantDep, actor: Reader) -> Response:
    """Every breach with the time left to notify, late ones first (AF-B2)."""
    with garant.unit_of_work(actor) as uow:
        rows = export.register_rows(uow)
        for row, breach in zip(rows, reversed(service.list_breaches(uow=uow)), strict=True):
            row["left"] = service.clock_of(uow=uow, breach=breach).left_text()
    rows.sort(key=lambda r: (r["clock"] not in ("overdue", "running"), r["due_at"]))
    return render(request, "admin/breaches/list.html", {"rows": rows})


@router.get("/new")
def new_page(request: Request, actor: Manager) -> Response:
    return _new(request, {}, None)


def _new(request: Request, values: dict[str, Any], error: str | None) -> Response:
    context = {"values": values, "error": error, "categories": CATEGORIES}
    return render(request, "admin/breaches/new.html", context, 422 if error else 200)


@router.post("/new", dependencies=CSRF)
async def record(request: Request, garant: GarantDep, actor: Manager) -> Response:
    form = await request.form()
    values = {k: str(v) for k, v in form.items()}
    try:
        data = BreachCreate(
            title=values.get("title", ""),
            nature=cast(Any, form.getlist("nature")),
            aware_at=_moment(garant, values.get("aware_at", "")) or garant.clock.now(),
            occurred_at=_moment(garant, values.get("occurred_at", "")),
            processor_aware_at=_moment(garant, values.get("processor_aware_at", "")),
            reported_by=values.get("reported_by", ""),
            description=values.get("description", ""),
            systems=_lines(values.get("systems", "")),
            person_categories=_lines(values.get("person_categories", "")),
            persons_approx=int(values["persons"]) if values.get("persons") else None,
            data_categories=[str(v) for v in form.getlist("data_categories")],
            records_approx=int(values["records"]) if values.get("records") else None,
            likely_consequences=values.get("likely_consequences", ""),
            measures_taken=values.get("measures_taken", ""),
        )
        with garant.unit_of_work(actor) as uow:
            reference = service.record_breach(uow=uow, data=data).reference
    except (ValidationError, GarantError, ValueError) as exc:
        return _new(request, values, _problem(exc))
    return RedirectResponse(f"/admin/breaches/{reference}", status_code=303)


@router.get("/{ref}")
def breach_page(request: Request, garant: GarantDep, actor: Reader, ref: str) -> Response:
    return _page(request, garant, actor, ref, None)


def _page(request: Request, garant: Garant, actor: Actor, ref: str, error: str | None) -> Response:
    with garant.unit_of_work(actor) as uow:
        breach = service.get_breach(uow=uow, ref=ref)
        row = export.row_of(uow, breach)
        clock = service.clock_of(uow=uow, breach=breach)
        context = {
            "b": row,
            "breach": breach,
            "error": error,
            "left": clock.left_text(),
            "late": clock.late,
            "due_local": clock.due_at.astimezone(garant.timezone),
            "timeline": service.timeline(uow=uow, breach=breach),
            "assessment": breach.assessment,
            "reasons": _reasons(breach.assessment),
        }
    return render(request, "admin/breaches/page.html", context, 422 if error else 200)


def _reasons(assessment: dict[str, Any] | None) -> list[str]:
    """The assessment's reasons in the page's language (older ones as they were stored)."""
    if not assessment:
        return []
    explained = assessment.get("explained") or []
    if not explained:
        return list(assessment.get("reasons", []))
    return [explain(item, current_language()) for item in explained]


@router.get("/{ref}/assess")
def assess_page(request: Request, garant: GarantDep, actor: Manager, ref: str) -> Response:
    """The guided assessment: one question per fact, in the issue's words."""
    with garant.unit_of_work(actor) as uow:
        breach = service.get_breach(uow=uow, ref=ref)
        facts = breach.facts or {
            "nature": breach.nature,
            "data_categories": breach.data_categories,
            "persons": breach.persons_approx or 0,
            "records": breach.records_approx or 0,
        }
        reference = breach.reference
    context = {"reference": reference, "facts": facts, "categories": CATEGORIES, "error": None}
    return render(request, "admin/breaches/assess.html", context)


@router.post("/{ref}/assess", dependencies=CSRF)
async def assess(request: Request, garant: GarantDep, actor: Manager, ref: str) -> Response:
    form = await request.form()
    raw: dict[str, Any] = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    raw |= {flag: flag in form for flag in FACT_FLAGS}
    raw["nature"] = form.getlist("nature")
    raw["data_categories"] = form.getlist("data_categories")
    raw["restore_hours"] = raw.get("restore_hours") or None
    try:
        facts = Facts.model_validate(raw)
        with garant.unit_of_work(actor) as uow:
            service.assess_breach(uow=uow, ref=ref, facts=facts)
    except (ValidationError, GarantError) as exc:
        context = {"reference": ref, "facts": raw, "categories": CATEGORIES, "error": _problem(exc)}
        return render(request, "admin/breaches/assess.html", context, 422)
    return RedirectResponse(f"/admin/breaches/{ref}", status_code=303)


async def _act(request: Request, garant: Garant, actor: Actor, ref: str, action: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    if action == "communicate" and form.get("confirmed") != "yes":  # preview first
        return _page(request, garant, actor, ref, _("Preview the message and confirm first."))
    try:
        with garant.unit_of_work(actor) as uow:
            _ACTIONS[action](uow, ref, form)
    except (ValidationError, GarantError, ValueError) as exc:
        return _page(request, garant, actor, ref, _problem(exc))
    return RedirectResponse(f"/admin/breaches/{ref}", status_code=303)


def _update(form: dict[str, str]) -> BreachUpdate:
    """The register's text fields from the page's form; numbers left empty stay unknown."""
    number = {k: int(form[k]) for k in ("persons_approx", "records_approx") if form.get(k)}
    texts = (
        "description",
        "likely_consequences",
        "measures_taken",
        "no_notification_reason",
        "no_communication_reason",
    )
    lists = {k: _lines(form[k]) for k in ("person_categories",) if k in form}
    return BreachUpdate.model_validate({k: form[k] for k in texts if k in form} | number | lists)


def _flag(form: dict[str, str], name: str) -> bool | None:
    value = form.get(name, "")
    return None if value == "" else value == "yes"


_ACTIONS: dict[str, Any] = {
    "override": lambda uow, ref, f: service.override(
        uow=uow,
        ref=ref,
        risk=f.get("risk", ""),
        reason=f.get("reason", ""),
        notify_authority=_flag(f, "notify_authority"),
        inform_persons=_flag(f, "inform_persons"),
    ),
    "notify": lambda uow, ref, f: notification.record_notification(
        uow=uow,
        ref=ref,
        phase=f.get("phase", "initial"),
        lang=f.get("lang", "fr"),
        delay_reasons=f.get("delay_reasons", ""),
        authority_reference=f.get("authority_reference", ""),
    ),
    "communicate": lambda uow, ref, f: communication.communicate(
        uow=uow,
        ref=ref,
        identities=_lines(f["identities"]) if f.get("identities") else None,
        lang=f.get("lang") or None,
    ),
    "exempt": lambda uow, ref, f: communication.exempt(
        uow=uow,
        ref=ref,
        exemption=f.get("exemption", ""),
        reason=f.get("reason", ""),
        public_communication=f.get("public_communication", ""),
    ),
    "note": lambda uow, ref, f: service.add_note(uow=uow, ref=ref, text=f.get("text", "")),
    "update": lambda uow, ref, f: service.update_breach(uow=uow, ref=ref, data=_update(f)),
}


@router.post("/{ref}/{action}", dependencies=CSRF)
async def act(
    request: Request, garant: GarantDep, actor: Manager, ref: str, action: str
) -> Response:
    """The buttons of a breach's page: override, notify, communicate, exempt, note."""
    if action not in _ACTIONS:
        return _page(request, garant, actor, ref, _("Unknown action."))
    return await _act(request, garant, actor, ref, action)
