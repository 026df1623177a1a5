"""Use cases of the processors register (Art. 28, Art. 30(1)(d)-(e), Chapter V)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from garant.clock import local_date
from garant.errors import GarantError, InvalidInput, NotFound
from garant.i18n import gettext as _
from garant.processors import rules
from garant.processors.models import Processor, ProcessorAudit
from garant.processors.schemas import AuditCreate, FieldInvalid, NameTaken, ProcessorCreate
from garant.store.uow import UnitOfWork


def today(uow: UnitOfWork) -> date:
    return local_date(uow.now(), uow.garant.timezone)


def get_processor(*, uow: UnitOfWork, name: str) -> Processor:
    found = uow.session.scalar(select(Processor).where(Processor.name == name))
    if found is None:
        raise NotFound(f'no processor named "{name}" in the register')
    return found


def list_processors(*, uow: UnitOfWork) -> list[Processor]:
    return list(uow.session.scalars(select(Processor).order_by(Processor.name)))


def check_activities(uow: UnitOfWork, activities: list[str]) -> None:
    """DEF-O2: a processor serves activities of the register, not invented ones."""
    try:
        known = {a.id for a in uow.garant.policy.activities}
    except (GarantError, AttributeError):
        return
    unknown = sorted(set(activities) - known)
    if known and unknown:
        names = ", ".join(sorted(known))
        raise FieldInvalid(
            "activities",
            _("activities not in the policy: {unknown} (known: {known})").format(
                unknown=", ".join(unknown), known=names
            ),
        )


def create_processor(*, uow: UnitOfWork, data: ProcessorCreate) -> Processor:
    check_activities(uow, data.activities)
    if uow.session.scalar(select(Processor.id).where(Processor.name == data.name)):
        raise NameTaken(_('a processor named "{name}" is already in the register').format(
            name=data.name))  # fmt: skip
    parent_id = get_processor(uow=uow, name=data.parent).id if data.parent else None
    values = data.model_dump(exclude={"parent"})
    processor = Processor(**values, parent_id=parent_id, created_at=uow.now(), updated_at=uow.now())
    uow.session.add(processor)
    uow.session.flush()
    uow.audit(
        "processor.create",
        "processor",
        processor.id,
        details={"countries": processor.countries, "mechanism": processor.mechanism},
    )
    return processor


def record_audit(*, uow: UnitOfWork, name: str, data: AuditCreate) -> ProcessorAudit:
    """Art. 28(3)(h): the audit done, and when the next one is due."""
    processor = get_processor(uow=uow, name=name)
    audit = ProcessorAudit(
        processor_id=processor.id,
        audited_on=data.audited_on,
        auditor=data.auditor,
        outcome=data.outcome,
        notes=data.notes,
        created_at=uow.now(),
    )
    uow.session.add(audit)
    if data.next_audit is not None:
        processor.next_audit = data.next_audit
    processor.updated_at = uow.now()
    uow.session.flush()
    uow.audit(
        "processor.audit",
        "processor",
        processor.id,
        details={"audit_id": audit.id, "outcome": data.outcome},
    )
    return audit


def audits_of(*, uow: UnitOfWork, processor_id: int) -> list[ProcessorAudit]:
    query = (
        select(ProcessorAudit)
        .where(ProcessorAudit.processor_id == processor_id)
        .order_by(ProcessorAudit.audited_on)
    )
    return list(uow.session.scalars(query))


def sub_processors(*, uow: UnitOfWork, processor_id: int) -> list[Processor]:
    query = select(Processor).where(Processor.parent_id == processor_id).order_by(Processor.name)
    return list(uow.session.scalars(query))


def all_alerts(*, uow: UnitOfWork, day: date | None = None) -> list[dict[str, Any]]:
    """Every processor's alerts on ``day`` (the clock's local date by default)."""
    on = day or today(uow)
    out: list[dict[str, Any]] = []
    for processor in list_processors(uow=uow):
        for alert in rules.alerts(processor, on):
            out.append(
                {"processor": processor.name, "processor_id": processor.id} | alert.as_dict()
            )
    return out


def describe(*, uow: UnitOfWork, processor: Processor) -> dict[str, Any]:
    """One processor as the register and the dossier show it."""
    saved = processor.id is not None
    parent = uow.session.get(Processor, processor.parent_id) if processor.parent_id else None
    subs = sub_processors(uow=uow, processor_id=processor.id) if saved else []
    audits = audits_of(uow=uow, processor_id=processor.id) if saved else []
    return {
        "id": processor.id,
        "name": processor.name,
        "service": processor.service,
        "activities": processor.activities,
        "countries": processor.countries,
        "mechanism": processor.mechanism,
        "scc_module": processor.scc_module,
        "derogation": processor.derogation,
        "tia_date": processor.tia_date,
        "contract_signed": processor.contract_signed,
        "contract_expires": processor.contract_expires,
        "clauses": {key: bool((processor.clauses or {}).get(key)) for key in rules.CLAUSES},
        "dpf_certified": bool(processor.dpf_certified),
        "breach_notice_hours": processor.breach_notice_hours,
        "next_audit": processor.next_audit,
        "parent": parent.name if parent else getattr(processor, "declared_parent", None),
        "sub_processors": [s.name for s in subs],
        "audits": [
            {"on": a.audited_on, "auditor": a.auditor, "outcome": a.outcome, "notes": a.notes}
            for a in audits
        ],
        "registered": saved,
        "ended_on": getattr(processor, "ended_on", None),
        "end_reason": getattr(processor, "end_reason", None),
        "alerts": [a.as_dict() for a in rules.alerts(processor, today(uow))],
    }


def import_processors(*, uow: UnitOfWork, path: Path) -> list[Processor]:
    """Add every processor of a YAML list; one bad entry stops all, naming file and line."""
    from pydantic import ValidationError
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    if not path.is_file():
        raise InvalidInput(f"{path}: no such file")
    try:
        entries = YAML().load(path.read_text(encoding="utf-8"))
    except YAMLError as exc:
        raise InvalidInput(f"{path}: not YAML: {exc}") from None
    if not isinstance(entries, list):
        raise InvalidInput(f"{path}:1: expected a list of processors")
    added = []
    for index, entry in enumerate(entries):
        line = entry.lc.line + 1 if hasattr(entry, "lc") else index + 1
        try:
            data = ProcessorCreate.model_validate(dict(entry))
        except (ValidationError, TypeError, ValueError) as exc:
            detail = exc.errors()[0] if isinstance(exc, ValidationError) else {"msg": str(exc)}
            where = ".".join(str(p) for p in detail.get("loc", ()))
            raise InvalidInput(
                f"{path}:{line}: processors[{index}] {where}: {detail['msg']}"
            ) from None
        added.append(create_processor(uow=uow, data=data))
    return added


def _from_policy(declared: Any, lang: str) -> dict[str, Any]:
    contract = declared.contract
    return {
        "service": declared.service.get(lang) if hasattr(declared.service, "get") else str(
            declared.service),
        "activities": list(declared.activities),
        "countries": list(declared.countries),
        "mechanism": None if declared.transfer == "none" else declared.transfer,
        "scc_module": str(declared.scc_module) if declared.scc_module else None,
        "tia_date": declared.tia_date,
        "contract_signed": contract.signed,
        "contract_expires": contract.expires,
        "clauses": {c: True for c in contract.clauses},
        "breach_notice_hours": declared.breach_notice_hours,
        "next_audit": declared.next_audit,
    }  # fmt: skip


def _upsert(uow: UnitOfWork, name: str, values: dict[str, Any], parent_id: int | None) -> Processor:
    existing = uow.session.scalar(select(Processor).where(Processor.name == name))
    if existing is None:
        existing = Processor(name=name, parent_id=parent_id, created_at=uow.now(), **values)
        uow.session.add(existing)
    else:
        for key, value in values.items():
            setattr(existing, key, value)
        existing.parent_id = parent_id
        existing.ended_on = existing.end_reason = None  # declared by the policy: engaged
    existing.updated_at = uow.now()
    uow.session.flush()
    return existing


def policy_processors(uow: UnitOfWork) -> list[Processor]:
    """The policy's processors and sub-processors as unsaved register entries."""
    try:
        policy = uow.garant.policy
    except GarantError:
        return []
    lang = policy.languages[0] if policy.languages else "fr"
    out = []
    for declared in getattr(policy, "processors", []) or []:
        out.append(Processor(name=declared.name, parent_id=None, **_from_policy(declared, lang)))
        for sub in declared.sub_processors:
            out.append(
                Processor(
                    name=sub.name,
                    parent_id=-1,
                    service=sub.service,
                    countries=[sub.country],
                    dpf_certified=False,
                    clauses={},
                )
            )
    return out


def missing_declared(uow: UnitOfWork) -> list[str]:
    """Processors the policy declares (DEF-O2) that the register does not hold yet."""
    try:
        declared = [p.name for p in uow.garant.policy.processors]
    except GarantError:
        return []
    held = set(uow.session.scalars(select(Processor.name).where(Processor.name.in_(declared))))
    return [name for name in declared if name not in held]


def add_declared(*, uow: UnitOfWork) -> list[Processor]:
    """Bring into the register the declared processors it lacks, as ``sync_from_policy``
    would, without touching entries already there (staff may have edited them): the
    register shows what the policy declares without anyone running a sync."""
    missing = set(missing_declared(uow))
    if not missing:
        return []
    policy = uow.garant.policy
    lang = policy.languages[0] if policy.languages else "fr"
    added = []
    for declared in policy.processors:
        if declared.name not in missing:
            continue
        processor = _upsert(uow, declared.name, _from_policy(declared, lang), None)
        for sub in declared.sub_processors:
            values = {"service": sub.service, "countries": [sub.country]}
            added.append(_upsert(uow, sub.name, values, processor.id))
        for audit in declared.audits:
            uow.session.add(ProcessorAudit(
                processor_id=processor.id, audited_on=audit.date, auditor=audit.by,
                outcome=audit.result, created_at=uow.now()))  # fmt: skip
        added.append(processor)
    uow.audit("processor.sync", "processor", None, details={"processors": len(added)})
    return added


def sync_from_policy(*, uow: UnitOfWork) -> list[Processor]:
    """Bring the policy's declared processors (DEF-O2) into the register: contracts,
    clauses, sub-processors and audit history; entries only in the register stay."""
    policy = uow.garant.policy
    lang = policy.languages[0] if policy.languages else "fr"
    synced = []
    for declared in policy.processors:
        processor = _upsert(uow, declared.name, _from_policy(declared, lang), None)
        for sub in declared.sub_processors:
            synced.append(
                _upsert(
                    uow,
                    sub.name,
                    {"service": sub.service, "countries": [sub.country]},
                    processor.id,
                )
            )
        known = {(a.audited_on, a.auditor) for a in audits_of(uow=uow, processor_id=processor.id)}
        for audit in declared.audits:
            if (audit.date, audit.by) not in known:
                uow.session.add(ProcessorAudit(
                    processor_id=processor.id, audited_on=audit.date, auditor=audit.by,
                    outcome=audit.result, created_at=uow.now()))  # fmt: skip
        synced.append(processor)
    uow.audit("processor.sync", "processor", None, details={"processors": len(synced)})
    return synced


def sync_declared(garant: Any) -> None:
    """Add the processors the policy declares and the store lacks, so every surface shows
    them without a CLI sync; the write happens only when one is missing (pages stay reads)."""
    with garant.unit_of_work(read_only=True) as uow:
        missing = missing_declared(uow)
    if missing:
        with garant.unit_of_work() as uow:
            add_declared(uow=uow)
