"""Restriction of processing (Art. 18, AF-D6) and upheld objections, honoured everywhere.

A restriction names its ground (one of the four of Art. 18(1)) and the person's keyed
hashes. It is marked in the source systems through the data map's ``restriction
{column, value}``, every use check asks ``blocker`` (registered in
``garant.use_blockers``), and the retention sweep skips the person while it lasts. Before
it is lifted the person is told (Art. 18(3)).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from garant.connectors import connector_for
from garant.errors import Conflict, NotFound
from garant.rights import locate, policy_view, service
from garant.rights.models import Restriction, RestrictionRef, RightsRequest
from garant.store.uow import UnitOfWork

OBJECTION = "objection"


def start(
    *,
    uow: UnitOfWork,
    req: RightsRequest,
    ground: str,
    activities: list[str] | None,
) -> Restriction:
    """Open (once per request and ground) a restriction covering every identity given."""
    existing = uow.session.scalar(
        select(Restriction).where(
            Restriction.request_id == req.id,
            Restriction.ground == ground,
            Restriction.status == "active",
        )
    )
    if existing is not None:
        return existing
    row = Restriction(
        request_id=req.id,
        ground=ground,
        activities=activities,
        status="active",
        started_at=uow.now(),
    )
    uow.session.add(row)
    uow.session.flush()
    refs = service.subject_refs(uow, service.personal(uow, req).get("identities", {}))
    uow.session.add_all(RestrictionRef(restriction_id=row.id, subject_ref=r) for r in set(refs))
    uow.audit(
        "restriction.start",
        "restriction",
        row.id,
        subject_ref=req.subject_ref,
        details={"request": req.id, "ground": ground, "activities": activities},
    )
    return row


def mark_sources(uow: UnitOfWork, req: RightsRequest, value: bool) -> dict[str, int]:
    """Set (or clear) the restriction column of the person's rows in every mapped system."""
    ids = service.personal(uow, req).get("identities", {})
    found = locate.locate(uow.garant, ids)
    datamap = locate.datamap_of(uow.garant)
    counts: dict[str, int] = {}
    if datamap is None:
        return counts
    for (system_id, name), rows in found.places():
        coll = datamap.collection(system_id, name)
        if coll.restriction is None or coll.immutable:
            continue
        marked = coll.restriction.value if value else None
        connector = connector_for(uow.garant, system_id)
        keys = [tuple(r[c] for c in coll.key_columns) for r in rows]
        with connector.transaction():
            counts[f"{system_id}.{name}"] = connector.update(
                coll, [(k, {coll.restriction.column: marked}) for k in keys]
            )
    return counts


def active_for(uow: UnitOfWork, refs: list[str]) -> list[Restriction]:
    if not refs:
        return []
    return list(
        uow.session.scalars(
            select(Restriction)
            .where(
                Restriction.status == "active",
                Restriction.id.in_(
                    select(RestrictionRef.restriction_id).where(
                        RestrictionRef.subject_ref.in_(refs)
                    )
                ),
            )
            .order_by(Restriction.id)
        )
    )


def _covers(uow: UnitOfWork, row: Restriction, purpose: str) -> bool:
    if row.activities is None:
        return True
    if purpose in row.activities:
        return True
    views = (policy_view.activity(uow.garant.policy, a) for a in row.activities)
    return any(v is not None and v.consent_purpose == purpose for v in views)


def blocker(uow: UnitOfWork, subject_refs: list[str], purpose: str) -> str | None:
    """The use blocker every check asks (``garant.use_blockers``): a reason, or ``None``."""
    for row in active_for(uow, subject_refs):
        if _covers(uow, row, purpose):
            if row.ground == OBJECTION:
                return f"objection upheld (request {row.request_id}, Art. 21)"
            return f"processing restricted: {row.ground} (request {row.request_id}, Art. 18)"
    return None


def restricted_refs(uow: UnitOfWork) -> set[str]:
    """Every keyed hash under an active restriction: the retention sweep leaves them be."""
    return set(
        uow.session.scalars(
            select(RestrictionRef.subject_ref)
            .join(Restriction, Restriction.id == RestrictionRef.restriction_id)
            .where(Restriction.status == "active", Restriction.ground != OBJECTION)
        )
    )


def notify_lift(*, uow: UnitOfWork, restriction_id: int) -> Restriction:
    """Art. 18(3): the person is told before the restriction is lifted."""
    from garant.rights import reply

    row = _get(uow, restriction_id)
    if row.request_id is not None:
        reply.send_lift_notice(uow=uow, req=service.get(uow, row.request_id), restriction=row)
    row.lift_notice_at = uow.now()
    uow.audit("restriction.lift_notice", "restriction", row.id)
    return row


def lift(*, uow: UnitOfWork, restriction_id: int) -> Restriction:
    row = _get(uow, restriction_id)
    if row.status != "active":
        raise Conflict(f"restriction {row.id} is already {row.status}")
    if row.lift_notice_at is None:
        notify_lift(uow=uow, restriction_id=row.id)
    row.status, row.lifted_at, row.lifted_by = "lifted", uow.now(), uow.actor.label
    if row.request_id is not None and row.ground != OBJECTION:
        mark_sources(uow, service.get(uow, row.request_id), value=False)
    uow.audit("restriction.lift", "restriction", row.id, details={"ground": row.ground})
    return row


def _get(uow: UnitOfWork, restriction_id: int) -> Restriction:
    row = uow.session.get(Restriction, restriction_id)
    if row is None:
        raise NotFound(f"no restriction {restriction_id}")
    return row


def for_request(uow: UnitOfWork, request_id: int) -> list[dict[str, Any]]:
    rows = uow.session.scalars(select(Restriction).where(Restriction.request_id == request_id))
    return [
        {"id": r.id, "ground": r.ground, "status": r.status, "activities": r.activities}
        for r in rows
    ]
