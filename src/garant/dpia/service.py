"""Use cases of DPIAs: screening, assessment, validation (Art. 35, 36)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from garant.dpia import rules
from garant.dpia.models import Dpia
from garant.dpia.schemas import DpiaAssessment, DpiaCreate
from garant.errors import InvalidInput, NotFound
from garant.store.uow import UnitOfWork


def get_dpia(*, uow: UnitOfWork, dpia_id: int) -> Dpia:
    found = uow.session.get(Dpia, dpia_id)
    if found is None:
        raise NotFound(f"no DPIA number {dpia_id}")
    return found


def list_dpias(*, uow: UnitOfWork) -> list[Dpia]:
    return list(uow.session.scalars(select(Dpia).order_by(Dpia.id)))


def screen_processing(*, uow: UnitOfWork, data: DpiaCreate) -> Dpia:
    """Record a screening; a presumption set aside needs its reason (WP248 rev.01)."""
    try:
        result = rules.screen(data.criteria, data.cnil_list, data.exception_reason)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    dpia = Dpia(
        title=data.title,
        activity=data.activity,
        criteria=sorted(set(data.criteria)),
        cnil_list=sorted(set(data.cnil_list)),
        exception_reason=data.exception_reason,
        required=result.required,
        status="required" if result.required else "not_required",
        created_at=uow.now(),
        updated_at=uow.now(),
    )
    uow.session.add(dpia)
    uow.session.flush()
    uow.audit(
        "dpia.screen",
        "dpia",
        dpia.id,
        details={"required": result.required, "criteria": len(dpia.criteria)},
    )
    return dpia


def assess(*, uow: UnitOfWork, dpia_id: int, data: DpiaAssessment) -> Dpia:
    """Write the assessment; Art. 36 is flagged when a residual risk stays high."""
    dpia = get_dpia(uow=uow, dpia_id=dpia_id)
    apply_assessment(dpia, data)
    dpia.updated_at = uow.now()
    uow.audit(
        "dpia.assess",
        "dpia",
        dpia.id,
        details={"status": dpia.status, "prior_consultation": dpia.prior_consultation},
    )
    return dpia


def apply_assessment(dpia: Dpia, data: DpiaAssessment) -> None:
    dpia.context = dict(data.context)
    dpia.principles = dict(data.principles)
    dpia.risks = {name: risk.model_dump() for name, risk in data.risks.items()}
    dpia.measures = [m.model_dump() for m in data.measures]
    dpia.validation = data.validation.model_dump()
    computed = rules.needs_prior_consultation(dpia.risks)
    dpia.prior_consultation = (
        computed if data.prior_consultation is None else (data.prior_consultation or computed)
    )
    decision = data.validation.decision
    dpia.status = {"validated": "validated", "rejected": "rejected"}.get(decision, "in_progress")


def describe(dpia: Dpia) -> dict[str, Any]:
    risks = {
        name: (dpia.risks or {}).get(name, {})
        | {"high": rules.is_high((dpia.risks or {}).get(name, {}))}
        for name in rules.RISKS
    }
    return {
        "id": dpia.id,
        "title": dpia.title,
        "activity": dpia.activity,
        "criteria": [
            {"id": c, "label": rules.CRITERIA.get(c) or rules.ART35_3[c]} for c in dpia.criteria
        ],
        "cnil_list": [{"id": c, "label": rules.cnil_label(c)} for c in dpia.cnil_list],
        "exception_reason": dpia.exception_reason,
        "required": dpia.required,
        "status": dpia.status,
        "context": dpia.context,
        "principles": dpia.principles,
        "risks": risks,
        "measures": dpia.measures,
        "validation": dpia.validation,
        "prior_consultation": dpia.prior_consultation,
        "updated_at": dpia.updated_at,
    }


def import_pia(*, uow: UnitOfWork, text: str, source: str, activity: str | None = None) -> Dpia:
    """Take in an assessment made with the CNIL PIA tool (its JSON export)."""
    from garant.dpia.pia import parse_pia

    title, assessment = parse_pia(text, source=source)
    dpia = Dpia(
        title=title,
        activity=activity,
        criteria=[],
        cnil_list=[],
        required=True,
        created_at=uow.now(),
        updated_at=uow.now(),
    )
    apply_assessment(dpia, assessment)
    uow.session.add(dpia)
    uow.session.flush()
    uow.audit("dpia.import", "dpia", dpia.id, details={"status": dpia.status, "source": "pia"})
    return dpia
