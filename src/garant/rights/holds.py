"""Legal holds, kept by the retention feature (DEF-R4).

A held person's data is neither erased nor archived by an erasure request (Art. 17(3)(e)).
A request in progress places its own hold (``source="request:ID"``) so that the retention
sweep does not delete what the answer must show; it is released once the request is
answered, refused or withdrawn, and never counts against the request itself.
"""

from __future__ import annotations

from sqlalchemy import select

from garant.rights import service
from garant.rights.models import RightsRequest
from garant.store.uow import UnitOfWork


def source_of(req: RightsRequest) -> str:
    return f"request:{req.id}"


def held(
    uow: UnitOfWork,
    refs: list[str],
    system: str | None = None,
    collection: str | None = None,
    *,
    ignore: str | None = None,
) -> bool:
    """An active hold on the person (or on the collection), other than ``ignore``'s own."""
    from garant.retention.holds import is_held

    found = is_held(
        uow=uow, subject_refs=refs, system=system, collection=collection, ignore_source=ignore
    )
    return found is not None


def place(uow: UnitOfWork, req: RightsRequest) -> None:
    """Hold the person's data while the request is being answered."""
    from garant.retention.holds import add_hold

    ids = service.personal(uow, req).get("identities", {})
    if not ids:
        return
    add_hold(
        uow=uow,
        reason=f"rights request {req.id} ({req.type}) in progress",
        identity=service.primary_identity(ids),
        source=source_of(req),
    )


def release(uow: UnitOfWork, req: RightsRequest) -> int:
    from garant.retention.holds import release_hold
    from garant.retention.models import Hold

    rows = uow.session.scalars(
        select(Hold).where(Hold.source == source_of(req), Hold.released_at.is_(None))
    ).all()
    for row in rows:
        release_hold(uow=uow, hold_id=row.id, reason=f"request {req.id} {req.status}")
    return len(rows)
