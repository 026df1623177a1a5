"""Use cases the surfaces share: what the back office and the API show and do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from garant.retention import archive, holds
from garant.retention.models import RetentionRun
from garant.retention.rules import policy_rules, warnings
from garant.retention.schemas import ArchiveRead, HoldCreate, HoldRead, RunRead
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant


def recent_runs(*, uow: UnitOfWork, limit: int = 20) -> list[RunRead]:
    query = select(RetentionRun).order_by(RetentionRun.id.desc()).limit(limit)
    return [RunRead.model_validate(r) for r in uow.session.scalars(query)]


def place_hold(*, uow: UnitOfWork, data: HoldCreate) -> HoldRead:
    hold = holds.add_hold(
        uow=uow,
        reason=data.reason,
        identity=holds.parse_identity(data.identity) if data.identity else None,
        collection=holds.parse_collection(data.collection) if data.collection else None,
    )
    return HoldRead.model_validate(hold)


def hold_rows(*, uow: UnitOfWork) -> list[HoldRead]:
    return [HoldRead.model_validate(h) for h in holds.list_holds(uow=uow)]


def archive_rows(*, uow: UnitOfWork, include_destroyed: bool = False) -> list[ArchiveRead]:
    bundles = archive.list_bundles(uow=uow, include_destroyed=include_destroyed)
    return [ArchiveRead.model_validate(b) for b in bundles]


def verify_all(garant: Garant, *, uow: UnitOfWork) -> dict[str, Any]:
    bundles = archive.list_bundles(uow=uow)
    problems = [p for b in bundles for p in archive.verify_bundle(garant, b)]
    return {"bundles": len(bundles), "problems": problems, "ok": not problems}


def rule_warnings(garant: Garant) -> list[str]:
    """Where the law and the policy's words disagree (DEF-R5, AF-R0)."""
    return warnings(policy_rules(garant.policy).values())
