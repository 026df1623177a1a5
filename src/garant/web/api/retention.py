"""API of the retention feature: forecast, runs, holds, archives."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from garant.accounts.roles import Permission
from garant.retention import archive, holds, service, sweep
from garant.retention.rules import parse_duration
from garant.retention.schemas import (
    ArchiveRead,
    HoldCreate,
    HoldRead,
    RestoreCreate,
    RunCreate,
    RunRead,
)
from garant.retention.wiring import run_as_job
from garant.store.uow import Actor
from garant.web.api.params import IdPath
from garant.web.deps import GarantDep, Requires, csrf_protect

router = APIRouter(
    prefix="/api/retention", tags=["retention"], dependencies=[Depends(csrf_protect)]
)

Reader = Annotated[Actor, Depends(Requires(Permission.RETENTION_READ))]


@router.get("/plan")
def plan(garant: GarantDep, actor: Reader, horizon: str = "90d") -> dict[str, Any]:
    """Per rule and collection: due now, due within the horizon, held and why."""
    return {
        "rows": sweep.plan(garant, horizon=parse_duration(horizon)),
        "warnings": service.rule_warnings(garant),
    }


@router.get("/runs")
def runs(garant: GarantDep, actor: Reader) -> list[RunRead]:
    with garant.unit_of_work(actor) as uow:
        return service.recent_runs(uow=uow)


@router.post("/runs")
def run(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.RETENTION_RUN))],
    body: RunCreate,
) -> RunRead:
    """Run the sweep now (the worker runs it daily)."""
    return RunRead.model_validate(run_as_job(garant, actor=actor, dry_run=body.dry_run))


@router.post("/approve")
def approve(
    garant: GarantDep, actor: Annotated[Actor, Depends(Requires(Permission.RETENTION_RUN))]
) -> dict[str, Any]:
    """The DPO approves today's forecast: sweeps may then remove up to what it shows."""
    from garant.retention.approval import approve as record

    with garant.unit_of_work(actor) as uow:
        done = record(garant, uow=uow)
        return {"id": done.id, "day": done.day, "forecast": done.forecast}


@router.get("/holds")
def hold_list(garant: GarantDep, actor: Reader) -> list[HoldRead]:
    with garant.unit_of_work(actor) as uow:
        return service.hold_rows(uow=uow)


@router.post("/holds", status_code=201)
def hold_add(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.HOLD_MANAGE))],
    body: HoldCreate,
) -> HoldRead:
    with garant.unit_of_work(actor) as uow:
        return service.place_hold(uow=uow, data=body)


@router.post("/holds/{hold_id}/release")
def hold_release(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.HOLD_MANAGE))],
    hold_id: IdPath,
) -> HoldRead:
    with garant.unit_of_work(actor) as uow:
        return HoldRead.model_validate(holds.release_hold(uow=uow, hold_id=hold_id))


@router.get("/archives")
def archive_list(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.ARCHIVE_READ))],
    include_destroyed: bool = False,
) -> list[ArchiveRead]:
    with garant.unit_of_work(actor) as uow:
        return service.archive_rows(uow=uow, include_destroyed=include_destroyed)


@router.get("/archives/verify")
def archive_verify(
    garant: GarantDep, actor: Annotated[Actor, Depends(Requires(Permission.ARCHIVE_READ))]
) -> dict[str, Any]:
    with garant.unit_of_work(actor) as uow:
        return service.verify_all(garant, uow=uow)


@router.post("/archives/{bundle_id}/restore")
def archive_restore(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.ARCHIVE_RESTORE))],
    bundle_id: str,
    body: RestoreCreate,
) -> list[dict[str, Any]]:
    """The archived rows, for an archivist, with a reason; audited (DEF-R5)."""
    with garant.unit_of_work(actor) as uow:
        return archive.restore_bundle(uow=uow, bundle_id=bundle_id, reason=body.reason)


@router.post("/archives/{bundle_id}/destroy")
def archive_destroy(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.ARCHIVE_DESTROY))],
    bundle_id: str,
) -> ArchiveRead:
    """Destroy an archive whose period has ended, keeping a proof (DEF-R6)."""
    with garant.unit_of_work(actor) as uow:
        return ArchiveRead.model_validate(archive.destroy_bundle(uow=uow, bundle_id=bundle_id))
