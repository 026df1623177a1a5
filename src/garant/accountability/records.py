"""Disclosures (DEF-S4) and organizational records (AF-A1, DEF-S3): the log and its rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from garant.accountability.models import Disclosure, OrgRecord
from garant.accountability.schemas import COMPELLED, DisclosureCreate, RecordCreate
from garant.clock import local_date
from garant.errors import InvalidInput
from garant.store.uow import UnitOfWork

LAPSE_WARNING = timedelta(days=30)


def log_disclosure(*, uow: UnitOfWork, data: DisclosureCreate) -> Disclosure:
    """Record a disclosure; the person's identity goes to the erasable audit payload only."""
    subject_ref = None
    if data.identity:
        if not data.identity.strip():
            raise InvalidInput("identity is empty")
        subject_ref = uow.subject_ref(data.identity_kind, data.identity)
    disclosure = Disclosure(
        requester=data.requester,
        legal_basis=data.legal_basis,
        reference=data.reference,
        data_description=data.data_description,
        subject_ref=subject_ref,
        disclosed_at=data.disclosed_at or uow.now(),
        approved_by=data.approved_by,
        tell_subject=data.tell_subject,
        secrecy_reason=data.secrecy_reason,
        created_at=uow.now(),
    )
    uow.session.add(disclosure)
    uow.session.flush()
    event = uow.audit(
        "disclosure.log",
        "disclosure",
        disclosure.id,
        subject_ref=subject_ref,
        details={"legal_basis": data.legal_basis, "flagged": is_flagged(disclosure)},
        payload={"identity_kind": data.identity_kind, "identity": data.identity}
        if data.identity
        else None,
    )
    disclosure.audit_seq = event.seq
    return disclosure


def is_flagged(disclosure: Disclosure) -> bool:
    """AF-S1, DEF-S1: a disclosure no law compels goes outside the policy's recipients."""
    return disclosure.legal_basis not in COMPELLED


def list_disclosures(*, uow: UnitOfWork) -> list[Disclosure]:
    return list(uow.session.scalars(select(Disclosure).order_by(Disclosure.disclosed_at)))


def disclosures_for_subject(*, uow: UnitOfWork, subject_refs: list[str]) -> list[dict[str, Any]]:
    """What the person's access export shows (Art. 15(1)(c)), less what the law keeps secret."""
    if not subject_refs:
        return []
    query = (
        select(Disclosure)
        .where(Disclosure.subject_ref.in_(subject_refs), Disclosure.tell_subject.is_(True))
        .order_by(Disclosure.disclosed_at)
    )
    return [
        {
            "recipient": d.requester,
            "legal_basis": d.legal_basis,
            "reference": d.reference,
            "data": d.data_description,
            "disclosed_at": d.disclosed_at.isoformat(),
        }
        for d in uow.session.scalars(query)
    ]


def add_record(*, uow: UnitOfWork, data: RecordCreate) -> OrgRecord:
    record = OrgRecord(**data.model_dump(), created_at=uow.now())
    uow.session.add(record)
    uow.session.flush()
    uow.audit("org_record.add", "org_record", record.id, details={"kind": record.kind})
    return record


def list_records(*, uow: UnitOfWork, kind: str | None = None) -> list[OrgRecord]:
    query = select(OrgRecord).order_by(OrgRecord.kind, OrgRecord.dated)
    if kind:
        query = query.where(OrgRecord.kind == kind)
    return list(uow.session.scalars(query))


def record_state(record: OrgRecord, day: date) -> str:
    """current, lapsing (within 30 days) or lapsed: the reminder's trigger."""
    if record.valid_until is None or record.valid_until - day > LAPSE_WARNING:
        return "current"
    return "lapsed" if record.valid_until < day else "lapsing"


def record_reminders(*, uow: UnitOfWork, day: date | None = None) -> list[dict[str, Any]]:
    on = day or local_date(uow.now(), uow.garant.timezone)
    out = []
    for record in list_records(uow=uow):
        state = record_state(record, on)
        if state != "current":
            out.append(
                {
                    "id": record.id,
                    "kind": record.kind,
                    "title": record.title,
                    "holder": record.holder,
                    "valid_until": record.valid_until,
                    "state": state,
                }
            )
    return out


def disclosure_records(uow: UnitOfWork, subject_refs: list[str]) -> list[dict[str, Any]]:
    """The access export's section on disclosures (Art. 15(1)(c)); secret ones left out."""
    from garant.i18n import gettext as _

    bases = {
        "injunction": _("Injunction"),
        "court_order": _("Court order"),
        "legal_obligation": _("Legal obligation"),
        "authority_request": _("Request from an authority"),
        "consent": _("Your consent"),
        "other": _("Other"),
    }
    rows = [
        {
            _("Date"): d["disclosed_at"][:10],
            _("Recipient"): d["recipient"],
            _("Legal basis"): bases.get(d["legal_basis"], d["legal_basis"]),
            _("Reference"): d["reference"] or "",
            _("Data disclosed"): d["data"],
        }
        for d in disclosures_for_subject(uow=uow, subject_refs=subject_refs)
    ]
    return [{"title": _("Disclosures of your data"), "rows": rows}] if rows else []
