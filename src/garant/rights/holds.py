"""Legal holds, asked of the retention feature (DEF-R4): held data is neither erased nor
archived."""

from __future__ import annotations

from garant.store.uow import UnitOfWork


def held(
    uow: UnitOfWork, refs: list[str], system: str | None = None, collection: str | None = None
) -> bool:
    from garant.retention.holds import is_held

    return is_held(uow=uow, subject_refs=refs, system=system, collection=collection) is not None
