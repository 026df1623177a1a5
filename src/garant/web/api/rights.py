"""API routes of the rights feature: staff (`/api/rights`) and the person (`/api/public/rights`)."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from garant.accounts.roles import Permission
from garant.audit.service import events_for
from garant.errors import TooManyRequests
from garant.i18n import gettext as _
from garant.rights import (
    decisions,
    directives,
    erasure,
    execute,
    identity,
    intake,
    reply,
    restriction,
    service,
    tasks,
)
from garant.rights.rules import Channel
from garant.rights.schemas import (
    DecideIn,
    ErasureOutcome,
    OpenedRequest,
    RequestCreate,
    RequestRead,
    bad_text,
    describe,
)
from garant.store.uow import Actor
from garant.web.api.params import IdPath, IdQuery
from garant.web.deps import GarantDep, Requires, csrf_protect

router = APIRouter(tags=["rights"])

Reader = Annotated[Actor, Depends(Requires(Permission.REQUEST_READ))]
Manager = Annotated[Actor, Depends(Requires(Permission.REQUEST_MANAGE))]
CSRF = [Depends(csrf_protect)]
STAFF = "/api/rights"
PUBLIC = "/api/public/rights"


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str | None = None
    accepted: bool | None = None
    method: str = "staff"
    document_type: str | None = None
    note: str | None = None
    ask_document: bool = False
    keep: list[str] | None = None
    """With identities that disagree: the identity kinds of the one person concerned."""


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str


class CopyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    fee_cents: int = 0
    fee_reason: str | None = None


class DirectiveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    identities: dict[str, str]
    text: str
    executor: str | None = None  # none named: the heirs carry them out (art. 85 I)
    executor_email: str | None = None
    actions: list[str]
    consent: bool = False


class DirectiveChange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = None
    executor: str | None = None
    actions: list[str] | None = None


class DeathIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    identities: dict[str, str]
    proof: str


class PublicVerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(max_length=100)
    code: str = Field(max_length=32)


class PublicTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(max_length=100)


class DetailRead(RequestRead):
    timeline: list[dict[str, Any]]
    restrictions: list[dict[str, Any]]


def _detail(garant: Any, actor: Actor, request_id: IdPath) -> DetailRead:
    with garant.unit_of_work(actor) as uow:
        out = service.read(uow, service.get(uow, request_id))
        timeline = events_for(uow.session, object_type="request", object_id=request_id)
        restricted = restriction.for_request(uow, request_id)
    return DetailRead(**out.model_dump(), timeline=timeline, restrictions=restricted)


@router.post(f"{STAFF}/requests", status_code=201, dependencies=CSRF)
def open_request(garant: GarantDep, actor: Manager, data: RequestCreate) -> OpenedRequest:
    """Record a request from any channel (a letter or email entered by staff, AF-X1)."""
    with garant.unit_of_work(actor) as uow:
        req, token = intake.submit(uow=uow, data=data)
        return service.opened(req, token)


@router.get(f"{STAFF}/requests")
def list_requests(
    garant: GarantDep,
    actor: Reader,
    overdue: bool = False,
    status: str | None = None,
    type: str | None = None,
) -> list[RequestRead]:
    with garant.unit_of_work(actor) as uow:
        return service.list_requests(uow=uow, overdue=overdue, status=status, type=type)


@router.get(f"{STAFF}/requests/{{request_id}}")
def show_request(garant: GarantDep, actor: Reader, request_id: IdPath) -> DetailRead:
    return _detail(garant, actor, request_id)


@router.get(f"{STAFF}/requests/{{request_id}}/erasure-plan")
def erasure_plan(garant: GarantDep, actor: Reader, request_id: IdPath) -> list[ErasureOutcome]:
    """What the erasure would do now, per collection (DEF-R3: moved to the archive until
    when); nothing is changed, the look is audited."""
    from garant.rights import archiving

    with garant.unit_of_work(actor) as uow:
        req = service.get(uow, request_id)
        return [ErasureOutcome.model_validate(o) for o in archiving.preview(uow, req)]


@router.post(f"{STAFF}/requests/{{request_id}}/verify", dependencies=CSRF)
def verify(garant: GarantDep, actor: Manager, request_id: IdPath, data: VerifyIn) -> DetailRead:
    if data.code is not None:
        identity.try_code(garant, actor, request_id=request_id, code=data.code)
        return _detail(garant, actor, request_id)
    with garant.unit_of_work(actor) as uow:
        if data.ask_document:
            identity.ask_document(uow=uow, request_id=request_id)
        else:
            identity.staff_check(
                uow=uow,
                request_id=request_id,
                accepted=bool(data.accepted),
                method=data.method,
                document_type=data.document_type,
                note=data.note,
                keep=data.keep,
            )
    return _detail(garant, actor, request_id)


@router.post(f"{STAFF}/requests/{{request_id}}/decide", dependencies=CSRF)
def decide(garant: GarantDep, actor: Manager, request_id: IdPath, data: DecideIn) -> DetailRead:
    with garant.unit_of_work(actor) as uow:
        decisions.decide(uow=uow, request_id=request_id, data=data)
    return _detail(garant, actor, request_id)


@router.post(f"{STAFF}/requests/{{request_id}}/run", dependencies=CSRF, status_code=202)
def run(garant: GarantDep, actor: Manager, request_id: IdPath) -> dict[str, Any]:
    """Queue the execution; ``garant worker`` carries it out."""
    with garant.unit_of_work(actor) as uow:
        job = execute.run(uow=uow, request_id=request_id)
        return {"job": job.id, "status": job.status}


@router.post(f"{STAFF}/requests/{{request_id}}/extend", dependencies=CSRF)
def extend(garant: GarantDep, actor: Manager, request_id: IdPath, data: ReasonIn) -> DetailRead:
    with garant.unit_of_work(actor) as uow:
        service.extend(uow=uow, request_id=request_id, reason=data.reason)
    return _detail(garant, actor, request_id)


@router.post(f"{STAFF}/requests/{{request_id}}/close", dependencies=CSRF)
def close(garant: GarantDep, actor: Manager, request_id: IdPath) -> DetailRead:
    with garant.unit_of_work(actor) as uow:
        service.close(uow=uow, request_id=request_id)
    return _detail(garant, actor, request_id)


@router.post(f"{STAFF}/requests/{{request_id}}/copy", dependencies=CSRF, status_code=202)
def further_copy(
    garant: GarantDep, actor: Manager, request_id: IdPath, data: CopyIn
) -> dict[str, Any]:
    """Art. 15(3): a further copy of an access export, for a reasonable fee with reasons."""
    with garant.unit_of_work(actor) as uow:
        job = execute.further_copy(
            uow=uow, request_id=request_id, fee_cents=data.fee_cents, fee_reason=data.fee_reason
        )
        return {"job": job.id, "status": job.status}


@router.get(f"{STAFF}/requests/{{request_id}}/letter", response_class=PlainTextResponse)
def letter(garant: GarantDep, actor: Reader, request_id: IdPath) -> str:
    with garant.unit_of_work(actor) as uow:
        subject, text = reply.letter(uow, service.get(uow, request_id))
    return f"{subject}\n\n{text}"


@router.post(f"{STAFF}/tasks/{{task_id}}/done", dependencies=CSRF)
def task_done(garant: GarantDep, actor: Manager, task_id: IdPath) -> dict[str, Any]:
    """Art. 19: a processor or recipient confirmed it did the same."""
    with garant.unit_of_work(actor) as uow:
        task = tasks.complete(uow=uow, task_id=task_id)
        return {"id": task.id, "status": task.status}


@router.post(f"{STAFF}/restrictions/{{restriction_id}}/lift", dependencies=CSRF)
def lift(garant: GarantDep, actor: Manager, restriction_id: IdPath) -> dict[str, Any]:
    """Lift a restriction; the person is told first (Art. 18(3))."""
    with garant.unit_of_work(actor) as uow:
        row = restriction.lift(uow=uow, restriction_id=restriction_id)
        return {"id": row.id, "status": row.status}


@router.post(f"{STAFF}/erasure/replay", dependencies=CSRF)
def replay(garant: GarantDep, actor: Manager, request_id: IdQuery = None) -> dict[str, int]:
    with garant.unit_of_work(actor) as uow:
        return erasure.replay(uow=uow, request_id=request_id)


@router.post(f"{STAFF}/directives", status_code=201, dependencies=CSRF)
def define_directive(garant: GarantDep, actor: Manager, data: DirectiveIn) -> dict[str, Any]:
    with garant.unit_of_work(actor) as uow:
        row = directives.define(uow=uow, **data.model_dump())
        return {"id": row.id, "version": row.version, "status": row.status}


@router.patch(f"{STAFF}/directives/{{directive_id}}", dependencies=CSRF)
def modify_directive(
    garant: GarantDep, actor: Manager, directive_id: IdPath, data: DirectiveChange
) -> dict[str, Any]:
    with garant.unit_of_work(actor) as uow:
        row = directives.modify(uow=uow, directive_id=directive_id, **data.model_dump())
        return {"id": row.id, "version": row.version, "status": row.status}


@router.post(f"{STAFF}/directives/{{directive_id}}/revoke", dependencies=CSRF)
def revoke_directive(garant: GarantDep, actor: Manager, directive_id: IdPath) -> dict[str, Any]:
    with garant.unit_of_work(actor) as uow:
        row = directives.revoke(uow=uow, directive_id=directive_id)
        return {"id": row.id, "version": row.version, "status": row.status}


@router.post(f"{STAFF}/deaths", dependencies=CSRF)
def record_death(garant: GarantDep, actor: Manager, data: DeathIn) -> dict[str, Any]:
    """Record a death: active directives become requests from the designated person."""
    with garant.unit_of_work(actor) as uow:
        opened = directives.record_death(uow=uow, identities=data.identities, proof=data.proof)
        return {"requests": [r.id for r in opened]}


# --- the person ----------------------------------------------------------------------
MAX_BODY = 64 * 1024


class PublicOpened(BaseModel):
    """The same answer whether or not anything matched (no oracle): only the token differs."""

    follow_token: str
    due_day: date
    status: str
    message: str


def _too_many(exc: TooManyRequests) -> JSONResponse:
    return JSONResponse(
        {"detail": exc.message},
        status_code=429,
        headers={"Retry-After": str(exc.retry_after)},
    )


async def _public_request(request: Request) -> RequestCreate:
    """Read the body ourselves: a NUL, an unpaired surrogate or bytes that are not UTF-8
    get a 422 that says where, never a 500 (nor an echo of the value)."""
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise HTTPException(413, detail=f"the request is larger than {MAX_BODY // 1024} KB")
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise HTTPException(422, detail="the body must be a JSON object in UTF-8") from None
    where = bad_text(value)
    if where:
        raise HTTPException(422, detail=f"{where}: contains a NUL or an invalid character")
    garant = request.app.state.garant
    try:
        data = RequestCreate.model_validate(value, context={"region": garant.policy.country})
    except ValidationError as exc:
        raise HTTPException(422, detail=describe(exc)) from None
    return data.model_copy(
        update={"channel": Channel.API, "received_at": None, "received_on": None}
    )


PUBLIC_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RequestCreate"}}},
    }
}


@router.post(
    f"{PUBLIC}/requests",
    status_code=201,
    openapi_extra=PUBLIC_BODY,
    responses={429: {"description": "Too many requests; see Retry-After"}},
)
def submit(
    request: Request,
    garant: GarantDep,
    data: Annotated[RequestCreate, Depends(_public_request)],
) -> Any:
    """A person exercises a right. The answer is the same whether or not we hold data
    about them; a code goes to the address we have on file for them."""
    try:
        intake.admit(
            garant,
            client=request.client.host if request.client else None,
            identities=data.identities,
        )
    except TooManyRequests as exc:
        return _too_many(exc)
    with garant.unit_of_work(Actor("subject", "api")) as uow:
        intake.check_self_service(uow=uow, entity=data.entity)
        req, token = intake.submit(uow=uow, data=data, public=True)
        due = req.original_due_day
    return PublicOpened(
        follow_token=token, due_day=due, status="received", message=_(intake.PUBLIC_ANSWER)
    )


@router.post(f"{PUBLIC}/requests/verify")
def public_verify(garant: GarantDep, data: PublicVerifyIn) -> dict[str, Any]:
    """The code mailed to the person; five wrong tries lock it (a new one may be asked)."""
    rid = identity.try_code(garant, Actor("subject", "api"), token=data.token, code=data.code)
    with garant.unit_of_work(Actor("subject", "api"), read_only=True) as uow:
        req = service.get(uow, rid)
        return {"id": req.id, "status": req.status}


@router.post(f"{PUBLIC}/requests/code", responses={429: {"description": "See Retry-After"}})
def public_new_code(garant: GarantDep, data: PublicTokenIn) -> Any:
    """A new code to the same address (a few an hour per request and per address)."""
    try:
        identity.new_code(garant, Actor("subject", "api"), token=data.token)
    except TooManyRequests as exc:
        return _too_many(exc)
    return {"message": _("If your request waits for a code, a new one is on its way.")}


@router.get(f"{PUBLIC}/requests/status")
def public_status(garant: GarantDep, token: str) -> dict[str, Any]:
    """What the person may see: status and dates, never anyone else's data."""
    with garant.unit_of_work(Actor("subject", "api")) as uow:
        req = service.by_follow_token(uow, token)
        out = service.read(uow, req)
        return {
            "id": out.id,
            "type": out.type,
            "status": out.status,
            "received": out.received_day,
            "due": out.due_day,
            "outcome": out.outcome,
        }
