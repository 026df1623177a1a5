"""Use cases of the breach register (AF-B1), its assessment and its clock (AF-B2).

Every step writes an audit event on the breach and, when a person states it, a row of
the breach's own timeline. Services never commit: the caller's unit of work does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from garant.audit.service import events_for
from garant.breaches import rules
from garant.breaches.adjustments import assess
from garant.breaches.models import Breach, BreachCommunication, BreachEvent, BreachNotification
from garant.breaches.schemas import Assessment, BreachCreate, BreachUpdate, Facts, Risk
from garant.errors import InvalidInput, NotFound, PermissionDenied
from garant.store.uow import UnitOfWork

OBJECT = "breach"


def _event(uow: UnitOfWork, breach: Breach, kind: str, text: str) -> BreachEvent:
    row = BreachEvent(
        breach_id=breach.id, at=uow.now(), actor=uow.actor.label, kind=kind, text=text
    )
    uow.session.add(row)
    return row


def deadline_hours(uow: UnitOfWork) -> int:
    """72, or what the policy's ``breaches.authority.hours`` says."""
    breaches = getattr(uow.garant.policy, "breaches", None)
    authority = getattr(breaches, "authority", None)
    return int(getattr(authority, "hours", 72) or 72)


def _check_systems(uow: UnitOfWork, systems: list[str]) -> None:
    """Systems named as ``system`` or ``system.collection`` must be in the data map, if any."""
    if not systems or not uow.garant.datamap_path.exists():
        return
    for entry in systems:
        system_id, _, collection = entry.partition(".")
        try:
            found = uow.garant.datamap.system(system_id)
            if collection:
                found.collection(collection)
        except NotFound as exc:
            raise InvalidInput(f"systems: {entry}: {exc.message}") from None


def record_breach(*, uow: UnitOfWork, data: BreachCreate) -> Breach:
    """Enter a breach in the register, from the moment the controller became aware."""
    if data.occurred_at and data.occurred_at > data.aware_at:
        raise InvalidInput("occurred_at: the breach cannot happen after the controller knew of it")
    if data.processor_aware_at and data.processor_aware_at > data.aware_at:
        raise InvalidInput(
            "processor_aware_at: the processor must tell the controller, so it cannot learn "
            "of the breach after the controller (Art. 33(2))"
        )
    _check_systems(uow, data.systems)
    year = data.aware_at.year
    count = uow.session.scalar(select(func.count(Breach.id))) or 0
    breach = Breach(
        **data.model_dump(),
        reference=f"B-{year}-{count + 1:04d}",
        created_at=uow.now(),
        created_by=uow.actor.label,
        status="open",
    )
    uow.session.add(breach)
    uow.session.flush()
    _event(uow, breach, "recorded", data.description or data.title)
    uow.audit(
        "breach.record",
        OBJECT,
        breach.id,
        details={"reference": breach.reference, "nature": data.nature},
    )
    return breach


def get_breach(*, uow: UnitOfWork, ref: str | int) -> Breach:
    text = str(ref).strip()
    query = select(Breach).where(
        Breach.id == int(text)
        if text.isascii() and text.isdigit() and len(text) < 19
        else Breach.reference == text
    )
    breach = uow.session.scalar(query)
    if breach is None:
        raise NotFound(f'no breach "{ref}" in the register')
    return breach


def list_breaches(*, uow: UnitOfWork) -> list[Breach]:
    return list(uow.session.scalars(select(Breach).order_by(Breach.aware_at.desc())))


def update_breach(*, uow: UnitOfWork, ref: str | int, data: BreachUpdate) -> Breach:
    """Complete the register's fields as the investigation learns more."""
    breach = get_breach(uow=uow, ref=ref)
    changes = data.model_dump(exclude_none=True)
    _check_systems(uow, changes.get("systems", []))
    for name, value in changes.items():
        setattr(breach, name, value)
    _event(uow, breach, "updated", ", ".join(sorted(changes)))
    uow.audit("breach.update", OBJECT, breach.id, details={"fields": sorted(changes)})
    return breach


def add_note(*, uow: UnitOfWork, ref: str | int, text: str) -> BreachEvent:
    if not text.strip():
        raise InvalidInput("note: say what happened")
    breach = get_breach(uow=uow, ref=ref)
    uow.audit("breach.note", OBJECT, breach.id)
    return _event(uow, breach, "note", text.strip())


def assess_breach(*, uow: UnitOfWork, ref: str | int, facts: Facts) -> Assessment:
    """Run the assessment on the facts and keep both; fill register fields left empty."""
    breach = get_breach(uow=uow, ref=ref)
    result = assess(facts)
    breach.facts = facts.model_dump()
    breach.assessment = result.model_dump()
    breach.risk, breach.notify_authority = result.risk, result.notify_authority
    breach.inform_persons = result.inform_persons
    breach.override_reason = breach.override_by = None
    breach.nature = breach.nature or list(facts.nature)
    breach.data_categories = breach.data_categories or list(facts.data_categories)
    breach.persons_approx = (
        breach.persons_approx if breach.persons_approx is not None else facts.persons
    )
    breach.records_approx = (
        breach.records_approx if breach.records_approx is not None else facts.records
    )
    _event(uow, breach, "assessed", f"risk: {result.risk}")
    uow.audit(
        "breach.assess",
        OBJECT,
        breach.id,
        details={"risk": result.risk, "severity": result.severity},
    )
    return result


def override(
    *,
    uow: UnitOfWork,
    ref: str | int,
    risk: Risk,
    reason: str,
    notify_authority: bool | None = None,
    inform_persons: bool | None = None,
) -> Breach:
    """The DPO's decision replaces the method's, with the reason kept in the register."""
    if uow.actor.role != "dpo":
        raise PermissionDenied("only the DPO may override the assessment of a breach")
    if risk not in ("none", "risk", "high"):
        raise InvalidInput(f'risk: "{risk}" is not one of none, risk, high')
    if not reason.strip():
        raise InvalidInput("reason: an override of the assessment must say why")
    breach = get_breach(uow=uow, ref=ref)
    before = breach.risk
    breach.risk = risk
    breach.notify_authority = risk != "none" if notify_authority is None else notify_authority
    breach.inform_persons = risk == "high" if inform_persons is None else inform_persons
    breach.override_reason, breach.override_by = reason.strip(), uow.actor.label
    _event(uow, breach, "override", f"{before} -> {risk}: {reason.strip()}")
    uow.audit("breach.override", OBJECT, breach.id, details={"from": before, "to": risk})
    return breach


def clock_of(*, uow: UnitOfWork, breach: Breach) -> rules.ClockState:
    first = uow.session.scalar(
        select(func.min(BreachNotification.notified_at)).where(
            BreachNotification.breach_id == breach.id
        )
    )
    return rules.clock(breach.aware_at, uow.now(), first, deadline_hours(uow))


def notifications(*, uow: UnitOfWork, breach: Breach) -> list[BreachNotification]:
    query = select(BreachNotification).where(BreachNotification.breach_id == breach.id)
    return list(uow.session.scalars(query.order_by(BreachNotification.notified_at)))


def communications(*, uow: UnitOfWork, breach: Breach) -> list[BreachCommunication]:
    query = select(BreachCommunication).where(BreachCommunication.breach_id == breach.id)
    return list(uow.session.scalars(query.order_by(BreachCommunication.id)))


def timeline(*, uow: UnitOfWork, breach: Breach) -> list[dict[str, Any]]:
    """Every step, oldest first: the audit log's events and the people's own words."""
    own = [
        {"at": e.at.isoformat(), "actor": e.actor, "kind": e.kind, "text": e.text}
        for e in uow.session.scalars(
            select(BreachEvent).where(BreachEvent.breach_id == breach.id).order_by(BreachEvent.id)
        )
    ]
    logged = [
        {"at": e["at"], "actor": e["actor"], "kind": e["action"], "text": "", "audit": e["seq"]}
        for e in events_for(uow.session, object_type=OBJECT, object_id=breach.id)
    ]
    return sorted(own + logged, key=lambda row: (row["at"], "audit" in row))
