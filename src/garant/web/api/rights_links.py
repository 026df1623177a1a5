"""Revoking a request package's signed download link before it expires (staff, audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict

from garant.accounts.roles import Permission
from garant.rights import package
from garant.store.uow import Actor
from garant.web.api.params import IdPath
from garant.web.deps import GarantDep, Requires, csrf_protect

router = APIRouter(prefix="/api/rights", tags=["rights"])
Manager = Annotated[Actor, Depends(Requires(Permission.REQUEST_MANAGE))]
Reader = Annotated[Actor, Depends(Requires(Permission.REQUEST_READ))]


class PackageRead(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: int
    created_at: datetime
    expires_at: datetime
    downloaded_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None
    live: bool


@router.get("/requests/{request_id}/packages")
def list_packages(garant: GarantDep, actor: Reader, request_id: IdPath) -> list[PackageRead]:
    """A request's packages and whether each one's download link still works."""
    with garant.unit_of_work(actor, read_only=True) as uow:
        return [PackageRead(**p) for p in package.for_request(uow, request_id)]


@router.post("/packages/{package_id}/revoke", dependencies=[Depends(csrf_protect)])
def revoke(garant: GarantDep, actor: Manager, package_id: IdPath) -> PackageRead:
    """Stop the package's download link now; it then answers as an expired link."""
    with garant.unit_of_work(actor) as uow:
        found = package.revoke(uow=uow, package_id=package_id)
        rows = package.for_request(uow, found.request_id)
    return PackageRead(**next(p for p in rows if p["id"] == package_id))
