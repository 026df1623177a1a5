"""API routes of the consent feature: the check, the ledger, the audience filter, suppression."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from garant.accounts.roles import Permission
from garant.consent import audience, service, suppression
from garant.consent.check import may_use
from garant.consent.purposes import catalog
from garant.consent.schemas import (
    AudienceIn,
    AudienceRead,
    AudienceRow,
    ConsentCreate,
    ConsentRead,
    DecisionRead,
    IdentityIn,
    SuppressionCreate,
)
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires

router = APIRouter(prefix="/api/consent", tags=["consent"])

Reader = Annotated[Actor, Depends(Requires(Permission.CONSENT_READ))]
Manager = Annotated[Actor, Depends(Requires(Permission.CONSENT_MANAGE))]
Filterer = Annotated[Actor, Depends(Requires(Permission.AUDIENCE_FILTER))]


@router.get("/check")
def check(
    garant: GarantDep,
    actor: Reader,
    purpose: Annotated[str, Query(description="A consent purpose or an activity id.")],
    value: Annotated[str, Query(description="The identity, e.g. an email address.")],
    kind: str = "email",
    collected_for: Annotated[
        str | None, Query(description="The purpose the data was collected for (AF-P2).")
    ] = None,
) -> DecisionRead:
    """May this person's data be used for this purpose now? With the reason.

    The plain case is usually answered before it reaches here (``garant.web.fastcheck``),
    from the same check and its cache, with the same answer."""
    with garant.unit_of_work(actor, read_only=True) as uow:
        decision = may_use(
            uow=uow, identity=(kind, value), purpose=purpose, collected_for=collected_for
        )
    return DecisionRead(
        allowed=decision.allowed, reason=decision.reason, code=decision.code, purpose=purpose
    )


@router.get("/purposes")
def purposes(garant: GarantDep, actor: Reader) -> list[dict[str, str | None]]:
    return [
        {"id": p.id, "activity": p.activity, "version": p.version, "basis": p.basis}
        for p in catalog(garant).purposes.values()
    ]


def _read(event: object) -> ConsentRead:
    return ConsentRead.model_validate(event, from_attributes=True)


@router.post("/events", status_code=201)
def record(garant: GarantDep, actor: Manager, body: ConsentCreate) -> ConsentRead:
    """Record a consent or a withdrawal given through another channel (form, staff)."""
    with garant.unit_of_work(actor) as uow:
        event = service.record(
            uow=uow,
            identity=(body.identity.kind, body.identity.value),
            purpose=body.purpose,
            given=body.given,
            source=body.source,
            basis=body.basis,
            notice_version=body.notice_version,
            text_hash=body.text_hash,
            lang=body.lang,
        )
        return _read(event)


@router.post("/history")
def history(garant: GarantDep, actor: Reader, body: IdentityIn) -> list[ConsentRead]:
    """The person's ledger, oldest first (POST keeps the address out of URLs and logs)."""
    with garant.unit_of_work(actor) as uow:
        return [_read(e) for e in service.history(uow=uow, identity=(body.kind, body.value))]


@router.post("/withdraw-all")
def withdraw_all(garant: GarantDep, actor: Manager, body: IdentityIn) -> list[ConsentRead]:
    """AF-D7: withdraw every consent of the person at once."""
    with garant.unit_of_work(actor) as uow:
        events = service.withdraw_all(uow=uow, identity=(body.kind, body.value), source="api")
        return [_read(e) for e in events]


@router.post("/suppression", status_code=201)
def suppress(garant: GarantDep, actor: Manager, body: SuppressionCreate) -> dict[str, str]:
    """AF-D5: an objection to prospecting, no reason asked."""
    with garant.unit_of_work(actor) as uow:
        entry = suppression.add(
            uow=uow,
            identity=(body.identity.kind, body.identity.value),
            purpose=body.purpose,
            reason=body.reason,
        )
        return {"purpose": entry.purpose, "expires_at": entry.expires_at.isoformat()}


@router.post("/audience")
def audience_filter(garant: GarantDep, actor: Filterer, body: AudienceIn) -> AudienceRead:
    """Who of these may be contacted for the purpose, and why not the others."""
    with garant.unit_of_work(actor) as uow:
        result = audience.filter_audience(
            uow=uow, purpose=body.purpose, identities=body.identities, kind=body.kind
        )
    summary = result.summary()
    return AudienceRead(
        purpose=result.purpose,
        allowed=summary["allowed"],
        refused=summary["refused"],
        by_reason=summary["by_reason"],
        rows=[
            AudienceRow(identity=v, allowed=d.allowed, reason=d.reason, code=d.code)
            for v, d in result.rows
        ],
    )
