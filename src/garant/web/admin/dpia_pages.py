"""Back-office pages of one DPIA: the record as a page, and the assessment written on the
web (the CNIL method's sections, as ``garant dpia assess`` takes them). Inputs carry the
dotted names of ``DpiaAssessment`` (``risks.disappearance.severity``), so a validation
error lands beside its own field. Included in the accountability router."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from garant.accounts.roles import Permission
from garant.dpia.rules import LEVELS, RISKS
from garant.dpia.schemas import CONTEXT_KEYS, PRINCIPLE_KEYS
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.web.admin.accountability_forms import Errors, validate
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.templating import render

router = APIRouter()
CSRF = [Depends(csrf_protect)]
BASE = "admin/accountability/"
DpiaRead = Annotated[Actor, Depends(Requires(Permission.DPIA_READ))]
DpiaManage = Annotated[Actor, Depends(Requires(Permission.DPIA_MANAGE))]
RISK_LISTS = ("impacts", "threats", "sources", "measures")
VALIDATION_TEXT = ("author", "evaluator", "validator", "dpo_names", "dpo_opinion",
                   "people_names", "people_opinion", "decision")  # fmt: skip
BLANK_MEASURES = 3


def labels() -> dict[str, Any]:
    """The CNIL method's headings, in the reader's language."""
    return {
        "context": {
            "overview": _("Overview of the processing"),
            "responsibilities": _("Responsibilities"),
            "standards": _("Applicable standards"),
            "data": _("Data processed"),
            "lifecycle": _("Life cycle of the data"),
            "supports": _("Data supports"),
        },
        "principles": {
            "purposes": _("Purposes"),
            "legal_basis": _("Legal basis"),
            "minimisation": _("Data minimisation"),
            "accuracy": _("Accuracy of the data"),
            "retention": _("Storage duration"),
            "information": _("Information of the persons"),
            "consent": _("Consent of the persons"),
            "access_portability": _("Rights of access and to portability"),
            "rectification_erasure": _("Rights to rectification and erasure"),
            "restriction_objection": _("Rights to restriction and to object"),
            "processors": _("Processors"),
            "transfers": _("Transfers"),
        },
        "risks": {
            "illegitimate_access": _("Illegitimate access to data"),
            "unwanted_change": _("Unwanted change of data"),
            "disappearance": _("Disappearance of data"),
        },
        "lists": {
            "impacts": _("Potential impacts on the persons"),
            "threats": _("Threats"),
            "sources": _("Risk sources"),
            "measures": _("Measures that address the risk"),
        },
        "levels": {
            1: _("1 - negligible"),
            2: _("2 - limited"),
            3: _("3 - significant"),
            4: _("4 - maximum"),
        },
        "statuses": {
            "screened": _("screened"),
            "required": _("required"),
            "not_required": _("not required"),
            "in_progress": _("in progress"),
            "validated": _("validated"),
            "rejected": _("rejected"),
        },
        "decisions": {
            "": _("not decided"),
            "validated": _("validated"),
            "to_correct": _("to correct"),
            "rejected": _("rejected"),
        },
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def assessment_values(form: FormData) -> dict[str, Any]:
    """The posted form as ``DpiaAssessment`` input; measure rows keep their numbers so
    that an error on ``measures.4.title`` stays on row 4."""

    def text(key: str) -> str:
        value = form.get(key)
        return value.strip() if isinstance(value, str) else ""

    risks: dict[str, Any] = {}
    for risk in RISKS:
        one: dict[str, Any] = {k: _lines(text(f"risks.{risk}.{k}")) for k in RISK_LISTS}
        for gauge in ("severity", "likelihood"):
            one[gauge] = text(f"risks.{risk}.{gauge}") or None
            one[f"{gauge}_note"] = text(f"risks.{risk}.{gauge}_note")
        if any(one.values()):
            risks[risk] = one
    rows = sorted({int(k.split(".")[1]) for k in form if k.startswith("measures.")
                   and k.split(".")[1].isdigit()})  # fmt: skip
    validation: dict[str, Any] = {k: text(f"validation.{k}") for k in VALIDATION_TEXT}
    validation["people_searched"] = form.get("validation.people_searched") == "on"
    for key in ("dpo_status", "people_status"):
        validation[key] = text(f"validation.{key}") or None
    return {
        "context": {k: text(f"context.{k}") for k in CONTEXT_KEYS if text(f"context.{k}")},
        "principles": {
            k: text(f"principles.{k}") for k in PRINCIPLE_KEYS if text(f"principles.{k}")
        },  # fmt: skip
        "risks": risks,
        "measures": [
            {"title": text(f"measures.{i}.title"), "content": text(f"measures.{i}.content")}
            for i in rows
        ],  # fmt: skip
        "validation": validation,
        "prior_consultation": True if form.get("prior_consultation") == "yes" else None,
    }


def flat_values(dpia: dict[str, Any]) -> dict[str, Any]:
    """A stored DPIA as the form's inputs (lists one item per line)."""
    out: dict[str, Any] = {}
    for section in ("context", "principles"):
        out |= {f"{section}.{k}": v for k, v in (dpia[section] or {}).items()}
    for risk, values in (dpia["risks"] or {}).items():
        for key, value in values.items():
            out[f"risks.{risk}.{key}"] = "\n".join(value) if isinstance(value, list) else value
    for i, measure in enumerate(dpia["measures"] or []):
        out |= {f"measures.{i}.title": measure.get("title"),
                f"measures.{i}.content": measure.get("content")}  # fmt: skip
    out |= {f"validation.{k}": v for k, v in (dpia["validation"] or {}).items()}
    return out


@router.get("/dpias/{dpia_id}")
def dpia_page(request: Request, dpia_id: int, garant: GarantDep, actor: DpiaRead) -> Response:
    from garant.dpia.service import describe, get_dpia

    with garant.unit_of_work(actor, read_only=True) as uow:
        dpia = describe(get_dpia(uow=uow, dpia_id=dpia_id))
    context = {"dpia": dpia, "labels": labels(), "level_names": LEVELS}
    return render(request, BASE + "dpia.html", context)


def _form_page(
    request: Request, dpia: dict[str, Any], values: dict[str, Any], errors: Errors
) -> Response:
    count = max([int(k.split(".")[1]) + 1 for k in values if k.startswith("measures.")] + [0])
    context = {"dpia": dpia, "values": values, "errors": errors, "labels": labels(),
               "measure_rows": range(count + BLANK_MEASURES), "risk_lists": RISK_LISTS,
               "context_keys": CONTEXT_KEYS, "principle_keys": PRINCIPLE_KEYS}  # fmt: skip
    return render(request, BASE + "dpia_assess.html", context, 422 if errors else 200)


@router.get("/dpias/{dpia_id}/assessment")
def dpia_assess_form(
    request: Request, dpia_id: int, garant: GarantDep, actor: DpiaManage
) -> Response:
    from garant.dpia.service import describe, get_dpia

    with garant.unit_of_work(actor, read_only=True) as uow:
        dpia = describe(get_dpia(uow=uow, dpia_id=dpia_id))
    return _form_page(request, dpia, flat_values(dpia), {})


@router.post("/dpias/{dpia_id}/assessment", dependencies=CSRF)
async def dpia_assess(
    request: Request, dpia_id: int, garant: GarantDep, actor: DpiaManage
) -> Response:
    """Write the assessment (audited ``dpia.assess``); the Art. 36 flag follows the risks."""
    from garant.dpia.schemas import DpiaAssessment
    from garant.dpia.service import assess, describe, get_dpia

    form = await request.form()
    values = assessment_values(form)
    data, errors = validate(DpiaAssessment, values)
    for i, row in enumerate(values["measures"]):
        if row["content"] and not row["title"]:
            errors.setdefault(f"measures.{i}.title", _("A measure needs a title."))
    if not errors:
        data.measures = [m for m in data.measures if m.title]
        with garant.unit_of_work(actor) as uow:
            assess(uow=uow, dpia_id=dpia_id, data=data)
        return RedirectResponse(f"/admin/accountability/dpias/{dpia_id}", status_code=303)
    with garant.unit_of_work(actor, read_only=True) as uow:
        dpia = describe(get_dpia(uow=uow, dpia_id=dpia_id))
    raw: dict[str, Any] = {k: v for k, v in form.items() if k != "csrf_token"}
    raw["validation.people_searched"] = form.get("validation.people_searched") == "on"
    return _form_page(request, dpia, raw, errors)
