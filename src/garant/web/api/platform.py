"""Platform API: health, who am I, the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from garant.accounts.roles import Permission
from garant.audit.service import recent_events, share_anchor, verify_chain
from garant.store.uow import Actor
from garant.web.api.params import PageLimit
from garant.web.deps import GarantDep, Requires

router = APIRouter(prefix="/api", tags=["platform"])


@router.get("/health")
def health(garant: GarantDep) -> dict[str, str]:
    return {"status": "ok", "store": garant.store.backend}


@router.get("/me")
def me(actor: Annotated[Actor, Depends(Requires(Permission.DASHBOARD_VIEW))]) -> dict[str, Any]:
    return {"kind": actor.kind, "id": actor.id, "role": actor.role}


@router.get("/audit/events", dependencies=[Depends(Requires(Permission.AUDIT_READ))])
def audit_events(
    garant: GarantDep, limit: PageLimit = 50, action: str | None = None
) -> list[dict[str, Any]]:
    with garant.unit_of_work() as uow:
        return recent_events(uow.session, limit=min(limit, 500), action=action)


@router.get("/audit/verify", dependencies=[Depends(Requires(Permission.AUDIT_VERIFY))])
def audit_verify(garant: GarantDep) -> dict[str, Any]:
    with garant.unit_of_work() as uow:
        result = verify_chain(uow)
    return {
        "ok": result.ok,
        "events": result.events,
        "seals": result.seals,
        "first_broken": result.first_broken,
        "problem": result.problem,
        "missing_seals": result.missing_seals,
    }


@router.get(
    "/audit/anchor",
    responses={404: {"description": "The chain has no seal yet (`garant audit seal`)."}},
)
def audit_anchor(
    garant: GarantDep, actor: Annotated[Actor, Depends(Requires(Permission.AUDIT_VERIFY))]
) -> dict[str, Any]:
    """The latest seal as an anchor to keep outside Garant (`garant audit verify --anchor`
    checks it later); the export is audited."""
    with garant.unit_of_work(actor) as uow:
        return share_anchor(uow, mail=False).to_dict()
