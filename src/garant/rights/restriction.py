"""Restriction of processing (Art. 18, AF-D6) and upheld objections, honoured everywhere.

A restriction names its ground (one of the four of Art. 18(1)) and the person's keyed
hashes. It is marked in the source systems through the data map's ``restriction
{column, value}``, every use check asks ``blocker`` (registered in
``garant.use_blockers``), and the retention sweep skips the person while it lasts. Before
it is lifted the person is told (Art. 18(3)).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select

from garant.connectors import connector_for
from garant.errors import Conflict, NotFound
from garant.rights import locate, policy_view, service
from garant.rights.models import Restriction, RestrictionRef, RightsRequest
from garant.store.uow import UnitOfWork

OBJECTION = "objection"
MANY_BATCH = 2000
MANY_SCAN_ABOVE = 20_000


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


# Built once: every uncached use check asks this, and restrictions are rare, so most
# answers are "none" from one prebuilt statement.
_ANY_ACTIVE = (
    select(RestrictionRef.id)
    .join(Restriction, Restriction.id == RestrictionRef.restriction_id)
    .where(
        Restriction.status == "active",
        RestrictionRef.subject_ref.in_(bindparam("refs", expanding=True)),
    )
    .limit(1)
)


def blocker(uow: UnitOfWork, subject_refs: list[str], purpose: str) -> str | None:
    """The use blocker every check asks (``garant.use_blockers``): a reason, or ``None``."""
    if not subject_refs:
        return None
    found = uow.session.connection().execute(_ANY_ACTIVE, {"refs": subject_refs}).first()
    if found is None:
        return None
    for row in active_for(uow, subject_refs):
        if _covers(uow, row, purpose):
            return _reason(row)
    return None


def _reason(row: Restriction) -> str:
    if row.ground == OBJECTION:
        return f"objection upheld (request {row.request_id}, Art. 21)"
    return f"processing restricted: {row.ground} (request {row.request_id}, Art. 18)"


def many(uow: UnitOfWork, refs: list[str], purpose: str) -> dict[str, str]:
    """``blocker`` for many people at once (the audience filter): ``{ref: reason}`` for each
    hash under an active restriction covering ``purpose``, the same reason ``blocker``
    gives for that hash.

    Set-based: a short list is looked up in batches of hashes; a long one (a campaign)
    reads the active restrictions' hashes in one query and keeps those in the list, since
    restrictions are few and the list may hold a million hashes.
    """
    if not refs:
        return {}
    query = (
        select(RestrictionRef.subject_ref, Restriction)
        .join(Restriction, Restriction.id == RestrictionRef.restriction_id)
        .where(Restriction.status == "active")
        .order_by(Restriction.id)
    )
    wanted = set(refs)
    if len(wanted) > MANY_SCAN_ABOVE:
        queries = [query]
    else:
        unique = sorted(wanted)
        queries = [
            query.where(RestrictionRef.subject_ref.in_(unique[i : i + MANY_BATCH]))
            for i in range(0, len(unique), MANY_BATCH)
        ]
    covers: dict[int, bool] = {}
    found: dict[int, tuple[int, str]] = {}
    blocked: dict[str, tuple[int, str]] = {}
    for statement in queries:
        for ref, row in uow.session.execute(statement):
            if ref not in wanted:
                continue
            if row.id not in covers:
                covers[row.id] = _covers(uow, row, purpose)
                found[row.id] = (row.id, _reason(row))
            if covers[row.id] and (ref not in blocked or row.id < blocked[ref][0]):
                blocked[ref] = found[row.id]
    return {ref: reason for ref, (_, reason) in blocked.items()}


blocker.many = many  # type: ignore[attr-defined]
# The use check reads this with its other facts in one statement and asks ``blocker`` only
# when it finds a row (garant.consent.facts).
blocker.probe = _ANY_ACTIVE  # type: ignore[attr-defined]


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
