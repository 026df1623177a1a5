"""Carrying a decided request out, as a job: idempotent and resumable.

The work is a list of named steps; each runs in its own transaction and is recorded
done in ``request_steps`` with its result. A worker killed mid-way leaves its lease to
run out; the next worker skips the steps already done, and the step that was cut short
is safe to run again (its effects are idempotent: see ``erasure``). So nothing is
changed twice.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from garant.errors import Conflict, InvalidInput
from garant.jobs.errors import JobFailed, describe
from garant.jobs.models import Job
from garant.jobs.service import JobContext, enqueue
from garant.rights import (
    archiving,
    attention,
    decisions,
    erasure,
    holds,
    package,
    preflight,
    reply,
    restriction,
    service,
    tasks,
    typed_json,
)
from garant.rights.models import RequestStep, RightsRequest
from garant.rights.rules import Decision, RequestType, Status, transition
from garant.store.uow import SYSTEM, UnitOfWork

JOB = "rights.execute"
StepFn = Callable[[UnitOfWork, RightsRequest, str], dict[str, Any]]


def run(*, uow: UnitOfWork, request_id: int) -> Job:
    """Start carrying the decisions out (a second call returns the same job)."""
    req = service.get(uow, request_id)
    if req.status == Status.DECIDED:
        transition(req, Status.RUNNING)
        req.updated_at = uow.now()
        uow.audit("request.run", "request", req.id)
    elif req.status != Status.RUNNING:
        raise Conflict(f"request {req.id} is {req.status}: only a decided request can run")
    if req.type in (RequestType.ERASURE, RequestType.POST_MORTEM):
        preflight.check(uow)  # refused before anything starts, with file:line
    job = enqueue(uow=uow, kind=JOB, key=f"{JOB}:{req.id}", payload={"request_id": req.id})
    if job.status == "failed" or (job.status == "pending" and job.error):
        # staff fixed the cause (a system down, a map corrected): the same job resumes now,
        # with its attempts back after the last one failed
        if job.status == "failed":
            job.attempts = 0
        job.status, job.run_at, job.finished_at, job.error = "pending", uow.now(), None, None
        uow.audit("request.retry", "request", req.id, details={"job": job.id})
    return job


def further_copy(
    *, uow: UnitOfWork, request_id: int, fee_cents: int = 0, fee_reason: str | None = None
) -> Job:
    """Art. 15(3): a further copy of an access export, for a reasonable fee with its reason."""
    req = service.get(uow, request_id)
    if req.type != RequestType.ACCESS or req.status not in (Status.ANSWERED, Status.CLOSED):
        raise Conflict(f"request {req.id}: further copies are of an answered access request")
    if fee_cents and not (fee_reason or "").strip():
        raise InvalidInput("a fee for a further copy needs its reason (Art. 15(3))")
    copies = package.count(uow, req.id)
    req.fee_cents, req.fee_reason = fee_cents or None, (fee_reason or "").strip() or None
    if fee_cents:
        reply.send_fee(uow=uow, req=req)
    uow.audit("request.copy", "request", req.id, details={"copy": copies + 1, "fee": fee_cents})
    payload = {"request_id": req.id, "copy": copies + 1}
    return enqueue(uow=uow, kind=JOB, key=f"{JOB}:{req.id}:copy{copies + 1}", payload=payload)


def base_steps(req: RightsRequest) -> list[str]:
    kind = RequestType(req.type)
    if kind in (RequestType.ACCESS, RequestType.PORTABILITY):
        steps = ["package"]
        if (req.scope or {}).get("destination"):
            steps.append("transfer")
        return steps
    return {
        RequestType.RECTIFICATION: ["rectify", "art19"],
        RequestType.ERASURE: ["plan", "erase", "payloads", "art19"],
        RequestType.POST_MORTEM: ["plan", "erase", "art19"],
        RequestType.RESTRICTION: ["restrict", "art19"],
        RequestType.OBJECTION: ["objection", "art19"],
        RequestType.WITHDRAWAL: ["withdraw"],
    }[kind]


def _done(uow: UnitOfWork, req_id: int) -> dict[str, dict[str, Any]]:
    rows = uow.session.scalars(
        select(RequestStep).where(RequestStep.request_id == req_id, RequestStep.status == "done")
    )
    return {r.step: typed_json.decode(r.result) for r in rows}


def handler(context: JobContext) -> dict[str, Any]:
    garant = context.garant
    request_id = int(context.payload["request_id"])
    copy = context.payload.get("copy")
    with garant.unit_of_work(SYSTEM) as uow:
        names = [f"package:copy{copy}"] if copy else base_steps(service.get(uow, request_id))
    total = 0
    for name in names:
        for step in _expand(garant, request_id, name):
            try:
                total += _run_step(garant, request_id, step)
            except Exception as exc:
                raise _failed(context, request_id, step, exc) from exc
            context.heartbeat({"step": step})
    _finish(garant, request_id, copy)
    return {"request_id": request_id, "steps_run": total}


def _failed(context: JobContext, request_id: int, step: str, exc: Exception) -> JobFailed:
    """The one line an operator acts on: the step, its system and collection, the cause
    (scrubbed of values); after the last attempt staff are told (``attention``)."""
    kind, _, place = step.partition(":")
    where = f" in {place}" if place else ""
    cause = describe(exc).splitlines()[0][:300]
    summary = f"request {request_id}: step {kind}{where} failed: {cause}"
    if context.last_attempt:
        attention.record(context.garant, request_id, step=step, summary=summary)
    return JobFailed(summary)


def _expand(garant: Any, request_id: int, name: str) -> list[str]:
    """``erase`` becomes the plan's places, children first: ``archive:PLACE`` then
    ``purge:PLACE`` for records moved to the archive (DEF-R3), ``erase:PLACE`` for the rest."""
    if name != "erase":
        return [name]
    with garant.unit_of_work(SYSTEM, read_only=True) as uow:
        planned = _done(uow, request_id).get("plan", {})
    places = planned.get("places", {})
    out: list[str] = []
    for place in planned.get("order") or sorted(places):
        item = places[place]
        if item.get("archive"):
            out += [f"archive:{place}", f"purge:{place}"]
        if item["erase"]:
            out.append(f"erase:{place}")
    return out


def _run_step(garant: Any, request_id: int, step: str) -> int:
    with garant.unit_of_work(SYSTEM) as uow:
        if step in _done(uow, request_id):
            return 0
        req = service.get(uow, request_id)
        kind, _, arg = step.partition(":")
        result = STEPS[kind](uow, req, arg)
        row = uow.session.scalar(
            select(RequestStep).where(RequestStep.request_id == req.id, RequestStep.step == step)
        ) or RequestStep(request_id=req.id, step=step)
        row.status, row.result, row.done_at = "done", typed_json.encode(result), uow.now()
        uow.session.add(row)
        uow.audit("request.step", "request", req.id, details={"step": step})
    return 1


def _finish(garant: Any, request_id: int, copy: int | None = None) -> None:
    with garant.unit_of_work(SYSTEM) as uow:
        req = service.get(uow, request_id)
        if copy:
            reply.send_reply(uow=uow, req=req, suffix=f"copy{copy}")
            return
        if req.status == Status.RUNNING:
            transition(req, Status.DONE)
        if req.status == Status.DONE:
            transition(req, Status.ANSWERED)
            req.outcome, req.replied_at, req.updated_at = "done", uow.now(), uow.now()
            holds.release(uow, req)
            reply.send_reply(uow=uow, req=req)
            uow.audit("request.answered", "request", req.id, subject_ref=req.subject_ref)


# --- the steps --------------------------------------------------------------------------
def _package(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    built = package.build(uow, req)
    return {"package": built.id, "copy": built.copy_number}


def _transfer(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    return tasks.transfer(uow=uow, req=req)


def _plan(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    preflight.check(uow)  # the map may have changed since the run was asked for
    return erasure.plan(uow, req)


def _erase(uow: UnitOfWork, req: RightsRequest, place: str) -> dict[str, Any]:
    done = _done(uow, req.id)
    places = copy.deepcopy(done["plan"]["places"])
    if any(item.get("archive") for item in places.values()):
        # what the archive steps left live protects what it points at (children first)
        archiving.settle(places, done)
        erasure.protect_owners(uow, places)
    result = erasure.apply(uow, req, place, places[place]["erase"])
    planned = done["plan"]["places"][place]["erase"]
    return result | {"protected": len(planned) - len(places[place]["erase"])}


def _archive(uow: UnitOfWork, req: RightsRequest, place: str) -> dict[str, Any]:
    planned = _done(uow, req.id)["plan"]["places"][place]
    result = archiving.move(uow, req, place, planned["archive"])
    erasure.journal_archived(uow, req, place, result)
    return result


def _purge(uow: UnitOfWork, req: RightsRequest, place: str) -> dict[str, Any]:
    return archiving.purge(uow, req, place, _done(uow, req.id)[f"archive:{place}"])


def _payloads(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    """The personal values kept as proof in the audit log are erased too."""
    from garant.audit.chain import erase_payloads

    refs = service.subject_refs(uow, service.personal(uow, req).get("identities", {}))
    count = erase_payloads(uow.session, subject_refs=refs, at=uow.now(), reason=f"request {req.id}")
    package.revoke_all(uow=uow, reason="erased", subject_refs=refs)  # no link to erased data
    return {"payloads": count}


def _art19(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    return {"tasks": tasks.art19(uow=uow, req=req)}


def _rectify(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    from garant.rights import rectify

    return rectify.apply(uow, req)


def _restrict(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    ground = (req.scope or {}).get("restriction_ground")
    if not ground:
        raise InvalidInput(f"request {req.id}: no restriction ground")
    row = restriction.start(uow=uow, req=req, ground=ground, activities=None)
    return {"restriction": row.id, "marked": restriction.mark_sources(uow, req, value=True)}


def _objection(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    from garant.rights import objection

    return objection.apply(uow, req)


def _withdraw(uow: UnitOfWork, req: RightsRequest, _: str) -> dict[str, Any]:
    from garant.consent.service import withdraw_all

    ids = service.personal(uow, req).get("identities", {})
    source = "privacy_center" if req.channel == "web" else "staff"
    count = 0
    for kind, value in sorted(ids.items()):
        count += len(withdraw_all(uow=uow, identity=(kind, value), source=source))
    return {"withdrawn": count}


STEPS: dict[str, StepFn] = {
    "package": _package,
    "transfer": _transfer,
    "plan": _plan,
    "erase": _erase,
    "archive": _archive,
    "purge": _purge,
    "payloads": _payloads,
    "art19": _art19,
    "rectify": _rectify,
    "restrict": _restrict,
    "objection": _objection,
    "withdraw": _withdraw,
}


def stopped(uow: UnitOfWork, req: RightsRequest) -> list[str]:
    return [d.activity for d in decisions.decisions_of(uow, req) if d.decision == Decision.STOP]
