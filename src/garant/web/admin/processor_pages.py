"""Back-office pages of the processors register (Art. 28): list, add, edit, end, reopen,
record an audit. A refused form comes back with the input kept and each error beside its
field. Included in the accountability router (prefix ``/admin/accountability``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from garant.accounts.roles import Permission
from garant.errors import Conflict, InvalidInput
from garant.store.uow import Actor
from garant.web.admin.accountability_forms import Errors, domain_error, validate
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.templating import render

router = APIRouter()
CSRF = [Depends(csrf_protect)]
BASE = "admin/accountability/"
ProcessorRead = Annotated[Actor, Depends(Requires(Permission.PROCESSOR_READ))]
ProcessorManage = Annotated[Actor, Depends(Requires(Permission.PROCESSOR_MANAGE))]
MECHANISMS = ("adequacy", "scc", "bcr", "code_of_conduct", "certification", "derogation")


def _back() -> Response:
    return RedirectResponse("/admin/accountability/processors", status_code=303)


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def form_values(form: FormData) -> dict[str, Any]:
    """The add and edit forms' fields as ``ProcessorCreate`` input (blank means none)."""

    def text(key: str) -> str:
        value = form.get(key)
        return value.strip() if isinstance(value, str) else ""

    return {
        "name": text("name"),
        "service": text("service"),
        "activities": _codes(text("activities")),
        "countries": _codes(text("countries")),
        "mechanism": text("mechanism") or None,
        "scc_module": text("scc_module") or None,
        "dpf_certified": form.get("dpf_certified") == "on",
        "derogation": text("derogation") or None,
        "tia_date": text("tia_date") or None,
        "contract_signed": text("contract_signed") or None,
        "contract_expires": text("contract_expires") or None,
        "clauses": {str(c): True for c in form.getlist("clauses")},
        "breach_notice_hours": text("breach_notice_hours") or None,
        "next_audit": text("next_audit") or None,
        "notes": text("notes") or None,
    }


def _form_context(values: dict[str, Any], errors: Errors) -> dict[str, Any]:
    from garant.i18n.labels import label
    from garant.processors.rules import CLAUSES

    shown = dict(values)
    for key in ("activities", "countries"):
        if isinstance(shown.get(key), list):
            shown[key] = ", ".join(shown[key])
    return {"values": shown, "errors": errors, "clauses": CLAUSES,
            "mechanisms": [(m, label(m, "transfer_mechanism")) for m in MECHANISMS]}  # fmt: skip


def _list_page(
    request: Request,
    garant: Any,
    actor: Actor,
    values: dict[str, Any] | None = None,
    errors: Errors | None = None,
) -> Response:
    from garant.processors.rules import adequacy_decisions
    from garant.processors.service import (
        describe,
        list_processors,
        sync_declared,
    )

    sync_declared(garant)
    with garant.unit_of_work(actor, read_only=True) as uow:
        items = [describe(uow=uow, processor=p) for p in list_processors(uow=uow)]
    context = _form_context(values or {}, errors or {}) | {
        "processors": [p for p in items if not p["ended_on"]],
        "ended": [p for p in items if p["ended_on"]],
        "decisions": adequacy_decisions().values(),
    }
    return render(request, BASE + "processors.html", context, 422 if errors else 200)


@router.get("/processors")
def processors_page(request: Request, garant: GarantDep, actor: ProcessorRead) -> Response:
    return _list_page(request, garant, actor)


@router.post("/processors", dependencies=CSRF)
async def processors_add(request: Request, garant: GarantDep, actor: ProcessorManage) -> Response:
    from garant.processors.schemas import ProcessorCreate
    from garant.processors.service import create_processor

    values = form_values(await request.form())
    data, errors = validate(ProcessorCreate, values)
    if not errors:
        try:
            with garant.unit_of_work(actor) as uow:
                create_processor(uow=uow, data=data)
            return _back()
        except (InvalidInput, Conflict) as exc:
            errors = domain_error(exc)
    return _list_page(request, garant, actor, values, errors)


def _edit_page(
    request: Request, garant: Any, name: str, values: dict[str, Any], errors: Errors
) -> Response:
    from garant.processors.changes import policy_mentions

    with garant.unit_of_work(read_only=True) as uow:
        declared = policy_mentions(uow, name)
    context = _form_context(values, errors) | {"name": name, "declared": declared}
    return render(request, BASE + "processor_edit.html", context, 422 if errors else 200)


@router.get("/processors/{name:path}/edit")
def processors_edit_form(
    request: Request, name: str, garant: GarantDep, actor: ProcessorManage
) -> Response:
    from garant.processors.changes import current_values
    from garant.processors.service import get_processor

    with garant.unit_of_work(actor, read_only=True) as uow:
        values = current_values(uow, get_processor(uow=uow, name=name))
    return _edit_page(request, garant, name, values, {})


@router.post("/processors/{name:path}/edit", dependencies=CSRF)
async def processors_edit(
    request: Request, name: str, garant: GarantDep, actor: ProcessorManage
) -> Response:
    """Correct every field of the add form; the whole entry is checked again."""
    from garant.processors.changes import update_processor
    from garant.processors.schemas import ProcessorCreate, ProcessorUpdate

    values = form_values(await request.form())
    _checked, errors = validate(ProcessorCreate, values)
    if not errors:
        try:
            with garant.unit_of_work(actor) as uow:
                update_processor(uow=uow, name=name, data=ProcessorUpdate.model_validate(values))
            return _back()
        except (InvalidInput, Conflict) as exc:
            errors = domain_error(exc)
    return _edit_page(request, garant, name, values, errors)


def _end_page(
    request: Request, garant: Any, actor: Actor, name: str, values: dict[str, Any], errors: Errors
) -> Response:
    from garant.processors.service import describe, get_processor, today

    with garant.unit_of_work(actor, read_only=True) as uow:
        processor = describe(uow=uow, processor=get_processor(uow=uow, name=name))
        values = {"ended_on": today(uow).isoformat(), "reason": ""} | values
    context = {"processor": processor, "values": values, "errors": errors}
    status = 409 if "form" in errors else 422 if errors else 200
    return render(request, BASE + "processor_end.html", context, status)


@router.get("/processors/{name:path}/end")
def processors_end_form(
    request: Request, name: str, garant: GarantDep, actor: ProcessorManage
) -> Response:
    """The confirmation step: what ending means, on which day, and why."""
    return _end_page(request, garant, actor, name, {}, {})


@router.post("/processors/{name:path}/end", dependencies=CSRF)
def processors_end(
    request: Request,
    name: str,
    garant: GarantDep,
    actor: ProcessorManage,
    ended_on: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    from garant.processors.changes import end_processor
    from garant.processors.schemas import ProcessorEnd

    values = {"ended_on": ended_on.strip(), "reason": reason}
    data, errors = validate(ProcessorEnd, values)
    if not errors:
        try:
            with garant.unit_of_work(actor) as uow:
                end_processor(uow=uow, name=name, data=data)
            return _back()
        except (InvalidInput, Conflict) as exc:
            errors = domain_error(exc)
    return _end_page(request, garant, actor, name, values, errors)


@router.post("/processors/{name:path}/reopen", dependencies=CSRF)
def processors_reopen(name: str, garant: GarantDep, actor: ProcessorManage) -> Response:
    from garant.processors.changes import reopen_processor

    with garant.unit_of_work(actor) as uow:
        reopen_processor(uow=uow, name=name)
    return _back()


@router.post("/processors/{name:path}/audits", dependencies=CSRF)
def processors_audit(
    name: str,
    garant: GarantDep,
    actor: ProcessorManage,
    audited_on: Annotated[str, Form()],
    auditor: Annotated[str, Form()],
    outcome: Annotated[str, Form()],
    next_audit: Annotated[str | None, Form()] = None,
) -> Response:
    from garant.processors.schemas import AuditCreate
    from garant.processors.service import record_audit

    values = {"audited_on": audited_on, "auditor": auditor, "outcome": outcome,
              "next_audit": next_audit or None}  # fmt: skip
    data, errors = validate(AuditCreate, values)
    if errors:
        field, message = next(iter(errors.items()))
        raise InvalidInput(f"{field}: {message}")
    with garant.unit_of_work(actor) as uow:
        record_audit(uow=uow, name=name, data=data)
    return _back()
