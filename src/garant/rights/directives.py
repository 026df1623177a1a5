"""Post-mortem directives (French Loi 78-17 art. 85, AF-D8).

A person may leave specific directives on the retention, erasure and communication of
their data after death, with their specific consent (art. 85 I). Naming who carries them
out is optional: "à défaut de désignation ... les héritiers ... ont qualité pour prendre
connaissance des directives ... et demander leur mise en œuvre" (art. 85 I, al. 5). They
are defined, modified (a new version) and revoked at any time. Recording the death
applies them: each action becomes a request from the designated person (else from the
heirs), verified by the record itself; ``communicate`` asks for the data to be
communicated (an access request). Without directives, heirs may access and update the
data for the succession's needs, close the accounts and object (art. 85 II):
``RequesterKind.HEIR``.
"""

from __future__ import annotations

from sqlalchemy import select

from garant.errors import Conflict, InvalidInput, NotFound
from garant.rights import identity, intake, service
from garant.rights.models import Directive, RightsRequest
from garant.rights.rules import RequesterKind, RequestType
from garant.rights.schemas import RequestCreate
from garant.store.uow import UnitOfWork

ACTIONS = {
    "erase": RequestType.POST_MORTEM,
    "object": RequestType.OBJECTION,
    "communicate": RequestType.ACCESS,
}
HEIRS = "heirs"
KEEP = "keep"


def _aad(row: Directive) -> str:
    return f"directive:{row.id}"


def _check(actions: list[str], consent: bool) -> None:
    unknown = [a for a in actions if a not in (*ACTIONS, KEEP)]
    if unknown or not actions:
        raise InvalidInput(
            f"directive actions: one or more of erase, object, communicate, keep (got {unknown})"
        )
    if not consent:
        raise InvalidInput("specific directives need the person's specific consent (art. 85 I)")


def define(
    *,
    uow: UnitOfWork,
    identities: dict[str, str],
    text: str,
    executor: str | None,
    executor_email: str | None,
    actions: list[str],
    consent: bool,
) -> Directive:
    """Record directives; without ``executor`` the heirs carry them out (art. 85 I)."""
    _check(actions, consent)
    kind, value = service.primary_identity(identities)
    now = uow.now()
    row = Directive(
        subject_ref=uow.subject_ref(kind, value),
        actions=actions,
        status="active",
        consent_at=now,
        version=1,
        created_at=now,
        modified_at=now,
    )
    uow.session.add(row)
    uow.session.flush()
    row.sealed = service.seal(
        uow,
        {
            "identities": identities,
            "text": text,
            "executor": executor,
            "executor_email": executor_email,
        },
        aad=_aad(row),
    )
    uow.audit(
        "directive.define",
        "directive",
        row.id,
        subject_ref=row.subject_ref,
        details={"actions": actions},
    )
    return row


def get(uow: UnitOfWork, directive_id: int) -> Directive:
    row = uow.session.get(Directive, directive_id)
    if row is None:
        raise NotFound(f"no directive {directive_id}")
    return row


def content(uow: UnitOfWork, row: Directive) -> dict[str, object]:
    return service.unseal(uow, row.sealed, aad=_aad(row))


def modify(
    *,
    uow: UnitOfWork,
    directive_id: int,
    text: str | None = None,
    executor: str | None = None,
    actions: list[str] | None = None,
) -> Directive:
    row = get(uow, directive_id)
    if row.status != "active":
        raise Conflict(f"directive {row.id} is {row.status}")
    data = content(uow, row)
    data["text"] = text if text is not None else data.get("text")
    data["executor"] = executor if executor is not None else data.get("executor")
    row.actions = actions if actions is not None else row.actions
    _check(list(row.actions), True)
    row.sealed = service.seal(uow, data, aad=_aad(row))
    row.version, row.modified_at = row.version + 1, uow.now()
    uow.audit(
        "directive.modify",
        "directive",
        row.id,
        subject_ref=row.subject_ref,
        details={"version": row.version},
    )
    return row


def revoke(*, uow: UnitOfWork, directive_id: int) -> Directive:
    row = get(uow, directive_id)
    if row.status != "active":
        raise Conflict(f"directive {row.id} is already {row.status}")
    row.status, row.revoked_at = "revoked", uow.now()
    uow.audit("directive.revoke", "directive", row.id, subject_ref=row.subject_ref)
    return row


def record_death(*, uow: UnitOfWork, identities: dict[str, str], proof: str) -> list[RightsRequest]:
    """Apply the person's active directives: one request per action, from the designated person."""
    if not proof.strip():
        raise InvalidInput("record the death with its proof (death certificate reference)")
    refs = service.subject_refs(uow, identities)
    rows = uow.session.scalars(
        select(Directive).where(Directive.subject_ref.in_(refs), Directive.status == "active")
    ).all()
    opened: list[RightsRequest] = []
    for row in rows:
        data = content(uow, row)
        row.death_recorded_at = uow.now()
        for action in row.actions:
            if action == KEEP:
                continue
            req, _ = intake_for(uow, row, data, ACTIONS[action], proof)
            opened.append(req)
        row.status, row.applied_at = "applied", uow.now()
        uow.audit(
            "directive.apply",
            "directive",
            row.id,
            subject_ref=row.subject_ref,
            details={"requests": [r.id for r in opened]},
        )
    return opened


def intake_for(
    uow: UnitOfWork, row: Directive, data: dict[str, object], kind: RequestType, proof: str
) -> tuple[RightsRequest, str]:
    ids = data.get("identities")
    assert isinstance(ids, dict)
    executor = str(data.get("executor") or "").strip()
    req, token = intake.submit(
        uow=uow,
        data=RequestCreate(
            type=kind,
            identities={str(k): str(v) for k, v in ids.items()},
            channel="api",
            requester_kind=RequesterKind.DESIGNATED if executor else RequesterKind.HEIR,
            requester_name=executor or HEIRS,
            requester_proof=f"directive {row.id} v{row.version}; death: {proof}",
            reply_email=str(data.get("executor_email") or "") or None,
        ),
    )
    identity.staff_check(
        uow=uow,
        request_id=req.id,
        accepted=True,
        method="directive",
        note=f"{'designated' if executor else 'heirs'} in directive {row.id}",
    )
    return req, token


def list_for(uow: UnitOfWork, identities: dict[str, str]) -> list[Directive]:
    refs = service.subject_refs(uow, identities)
    return list(uow.session.scalars(select(Directive).where(Directive.subject_ref.in_(refs))))
