"""Changes to the register after an entry is made: corrections, the end of an engagement.

The register of processors is evidence (Art. 5(2), 28, 30(1)(d)): a processor that stops
working for the controller is marked ended on a day, with its reason, and keeps its
contract, clauses, audits and sub-processors. Nothing is deleted; the audit chain keeps
each change.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from garant.errors import Conflict, GarantError, first_error
from garant.i18n import gettext as _
from garant.i18n.labels import named
from garant.processors.models import Processor
from garant.processors.schemas import (
    FieldInvalid,
    NameTaken,
    ProcessorCreate,
    ProcessorEnd,
    ProcessorUpdate,
)
from garant.processors.service import check_activities, get_processor, today
from garant.store.uow import UnitOfWork

EDITABLE = tuple(name for name in ProcessorUpdate.model_fields)


def current_values(uow: UnitOfWork, processor: Processor) -> dict[str, Any]:
    """The entry as the fields of ``ProcessorCreate`` (what the edit form starts from)."""
    values = {name: getattr(processor, name) for name in EDITABLE}
    values["clauses"] = {k: True for k, v in (processor.clauses or {}).items() if v}
    parent = uow.session.get(Processor, processor.parent_id) if processor.parent_id else None
    values["parent"] = parent.name if parent else None
    return values


def first_problem(exc: ValidationError) -> FieldInvalid:
    field, what = first_error(exc)
    return FieldInvalid(field, f"{field}: {what}")


def update_processor(*, uow: UnitOfWork, name: str, data: ProcessorUpdate) -> Processor:
    """Correct an entry; the whole entry is checked again as when it was added."""
    processor = get_processor(uow=uow, name=name)
    before = current_values(uow, processor)
    try:
        checked = ProcessorCreate.model_validate(before | data.model_dump(exclude_unset=True))
    except ValidationError as exc:
        raise first_problem(exc) from None
    check_activities(uow, checked.activities)
    after = checked.model_dump(exclude={"parent"})
    if after["name"] != processor.name and uow.session.scalar(
        select(Processor.id).where(Processor.name == after["name"])
    ):
        raise NameTaken(
            _('a processor named "{name}" is already in the register').format(name=after["name"])
        )
    changed = sorted(key for key, value in after.items() if before.get(key) != value)
    for key in changed:
        setattr(processor, key, after[key])
    processor.updated_at = uow.now()
    uow.session.flush()
    uow.audit("processor.update", "processor", processor.id, details={"fields": changed})
    return processor


def policy_mentions(uow: UnitOfWork, name: str) -> list[str]:
    """Where the policy still names this processor: as a processor, a sub-processor, or the
    recipient of an activity's transfer (Chapter V)."""
    try:
        policy = uow.garant.policy
    except GarantError:
        return []
    found = []
    for declared in policy.processors:
        if declared.name == name:
            found.append(_("a processor the policy declares"))
        found += [
            _("sub-processor of {name}").format(name=declared.name)
            for sub in declared.sub_processors
            if sub.name == name
        ]
    for activity in policy.activities:
        if any(t.recipient == name for t in activity.transfers):
            words = named(policy, activity.id)
            found.append(_('a transfer of the activity "{name}"').format(name=words))
    return found


def end_processor(*, uow: UnitOfWork, name: str, data: ProcessorEnd) -> Processor:
    """Mark the engagement ended (Art. 28(3)(g): data deleted or returned at its end).

    Refused while the policy still declares the processor or a transfer to it: the
    register would contradict the policy the persons were told. Refused while one of its
    sub-processors is still engaged: end those first.
    """
    processor = get_processor(uow=uow, name=name)
    if processor.ended_on is not None:
        raise Conflict(_("{name} already ended on {day}").format(name=name, day=processor.ended_on))
    if data.ended_on > today(uow):
        raise FieldInvalid("ended_on", _("the end date cannot be in the future"))
    if processor.contract_signed and data.ended_on < processor.contract_signed:
        raise FieldInvalid("ended_on", _("the end date is before the contract was signed"))
    mentions = policy_mentions(uow, name)
    if mentions:
        raise Conflict(
            _(
                "{name} is still named by the policy ({where}): take it out of policy.yaml "
                "and publish the new version first"
            ).format(name=name, where="; ".join(mentions))
        )
    engaged = uow.session.scalars(
        select(Processor.name)
        .where(Processor.parent_id == processor.id, Processor.ended_on.is_(None))
        .order_by(Processor.name)
    ).all()
    if engaged:
        raise Conflict(
            _("{name} still has sub-processors engaged: {subs}; end them first").format(
                name=name, subs=", ".join(engaged)
            )
        )
    processor.ended_on = data.ended_on
    processor.end_reason = data.reason.strip() or None
    processor.updated_at = uow.now()
    uow.audit("processor.end", "processor", processor.id, details={"ended_on": str(data.ended_on)})
    return processor


def reopen_processor(*, uow: UnitOfWork, name: str) -> Processor:
    """Undo an end recorded by mistake; the audit chain keeps both steps."""
    processor = get_processor(uow=uow, name=name)
    if processor.ended_on is None:
        raise Conflict(_("{name} has not ended").format(name=name))
    ended = processor.ended_on
    processor.ended_on = None
    processor.end_reason = None
    processor.updated_at = uow.now()
    uow.audit("processor.reopen", "processor", processor.id, details={"was_ended_on": str(ended)})
    return processor
