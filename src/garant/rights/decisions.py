"""Decisions activity by activity, proposed from the law and the policy, confirmed by staff.

- erasure (Art. 17): a ground of 17(1) per legal basis (never 17(1)(c), which needs an
  objection the person made); public-task data is proposed for an Art. 17(3)(b)
  assessment; an exception of 17(3) keeps data
  under a legal duty (archived: AF-D3, DEF-D5) or a legal hold (DEF-R4); data still needed
  for a contract in progress is kept (a current course);
- objection (Art. 21): to prospecting absolute, no reason (21(2)-(3), AF-D5); otherwise
  only public-task and legitimate-interest activities, decided by staff (stop, or the
  compelling grounds recorded), the data restricted while pending (18(1)(d));
- portability (Art. 20): consent- or contract-based activities only (AF-D4).
"""

from __future__ import annotations

from sqlalchemy import select

from garant.errors import Conflict, InvalidInput
from garant.rights import locate, policy_view, service
from garant.rights.models import RequestDecision, RightsRequest
from garant.rights.rules import (
    ERASURE_EXCEPTIONS,
    ERASURE_GROUNDS,
    OBJECTABLE_BASES,
    Decision,
    RequestType,
    RestrictionGround,
    Status,
    check_decision,
    transition,
)
from garant.rights.schemas import DecideIn
from garant.store.uow import UnitOfWork

D = Decision
Proposal = tuple[str, Decision, str | None, str]
# GDPR Art. 17(3)(b): erasure does not apply to processing necessary "for the performance
# of a task carried out in the public interest or in the exercise of official authority".
# Staff assess whether the data is still necessary for the task; if not, they erase it
# (Art. 17(1)(a)). Never the objection ground (17(1)(c)) the person did not invoke.
PUBLIC_TASK_ASSESSMENT = (
    "To assess (Art. 17(3)(b)): kept while necessary for our task in the public interest; "
    "if it no longer is, erase it (Art. 17(1)(a))"
)
AUTOMATIC = frozenset({RequestType.WITHDRAWAL})


def after_verification(*, uow: UnitOfWork, req: RightsRequest) -> None:
    """Find the person; with nothing held, answer so at once (Art. 11(2), Art. 15(1))."""
    from garant.rights import holds, reply, restriction

    ids = service.personal(uow, req).get("identities", {})
    found = locate.locate(uow.garant, ids)
    req.found = found.found
    activities = _activities_found(uow, found)
    needs_ledger = req.type in (RequestType.WITHDRAWAL, RequestType.OBJECTION)
    if not found.found and not needs_ledger:
        transition(req, Status.ANSWERED)
        req.outcome, req.replied_at = "no_data", uow.now()
        reply.send_reply(uow=uow, req=req)
        return
    if found.found:
        holds.place(uow, req)
    for activity, decision, ground, why in propose(uow, req, activities):
        _upsert(uow, req, activity, decision, ground, why, proposed=True)
    if req.type == RequestType.OBJECTION and _pending_objection(uow, req):
        restriction.start(
            uow=uow, req=req, ground=RestrictionGround.OBJECTION_PENDING, activities=None
        )
    if req.type in AUTOMATIC or _prospecting_only(uow, req):
        accept(uow=uow, req=req)


def _activities_found(uow: UnitOfWork, found: locate.Located) -> list[str]:
    datamap = locate.datamap_of(uow.garant)
    names: dict[str, None] = {}
    for (system, collection), _rows in found.places():
        if datamap is not None:
            activity = datamap.collection(system, collection).activity
            names.setdefault(activity or f"{system}.{collection}", None)
    return list(names)


def propose(uow: UnitOfWork, req: RightsRequest, found: list[str]) -> list[Proposal]:
    """One proposal per activity concerned, each with the article that decides it."""
    policy = uow.garant.policy
    scope = req.scope or {}
    every = [a.id for a in policy_view.activities(policy)]
    wanted = scope.get("activities") or []
    kind = RequestType(req.type)
    if kind in (RequestType.OBJECTION, RequestType.WITHDRAWAL):
        targets = wanted or sorted(set(found) | set(every))
    else:
        targets = found
    return [p for a in targets if (p := _propose_one(uow, req, kind, a)) is not None]


def _propose_one(
    uow: UnitOfWork, req: RightsRequest, kind: RequestType, activity_id: str
) -> Proposal | None:
    view = policy_view.activity(uow.garant.policy, activity_id)
    basis = view.legal_basis if view else ""
    if kind in (RequestType.ERASURE, RequestType.POST_MORTEM):
        return _erasure(uow, req, activity_id, basis, view)
    if kind == RequestType.OBJECTION:
        return _objection(uow, req, activity_id, basis, view)
    if kind == RequestType.WITHDRAWAL:
        if basis != "consent":
            return None
        return (activity_id, D.WITHDRAW, "art7_3", "Consent withdrawn; earlier use stays lawful.")
    if kind == RequestType.PORTABILITY and basis not in ("consent", "contract", ""):
        why = f"Portability covers data processed on consent or contract; this is {basis}."
        return (activity_id, D.NOT_APPLICABLE, "art20_1", why)
    fixed = {
        RequestType.ACCESS: (D.GRANT, "art15"),
        RequestType.PORTABILITY: (D.GRANT, "art20"),
        RequestType.RECTIFICATION: (D.RECTIFY, "art16"),
        RequestType.RESTRICTION: (D.RESTRICT, "art18_1"),
    }[kind]
    return (activity_id, fixed[0], fixed[1], "")


def _erasure(
    uow: UnitOfWork,
    req: RightsRequest,
    activity_id: str,
    basis: str,
    view: policy_view.ActivityView | None,
) -> Proposal:
    from garant.rights import holds

    refs = service.subject_refs(uow, service.personal(uow, req).get("identities", {}))
    if holds.held(uow, refs, ignore=holds.source_of(req)):
        return (activity_id, D.KEEP, "art17_3_e", ERASURE_EXCEPTIONS["art17_3_e"].capitalize())
    archive = policy_view.legal_archive(uow.garant.policy, view.retention if view else None)
    if basis == "legal_obligation" or archive:
        duration, statute, exception = archive or ("", "", "art17_3_b")
        why = ERASURE_EXCEPTIONS[exception].capitalize()
        if statute:
            why += f": {statute}" + (f" ({duration})" if duration else "")
        return (activity_id, D.ARCHIVE if archive else D.KEEP, exception, why)
    if basis == "public_task":
        return (activity_id, D.KEEP, "art17_3_b", PUBLIC_TASK_ASSESSMENT)
    # 17(1)(c) needs an objection the person made (Art. 21(1)); an erasure request is not
    # one: data on legitimate interests is erased because no longer necessary (17(1)(a)).
    ground = "art17_1_b" if basis == "consent" else "art17_1_a"
    return (activity_id, D.ERASE, ground, ERASURE_GROUNDS[ground].capitalize())


def _objection(
    uow: UnitOfWork,
    req: RightsRequest,
    activity_id: str,
    basis: str,
    view: policy_view.ActivityView | None,
) -> Proposal | None:
    prospecting = policy_view.prospecting_activities(uow.garant.policy)
    if (
        activity_id in prospecting
        or (req.scope or {}).get("prospecting")
        and (view is not None and view.consent_purpose)
    ):
        return (activity_id, D.STOP, "art21_3", "Objection to direct marketing: no reason needed.")
    if basis in OBJECTABLE_BASES:
        return (
            activity_id,
            D.RESTRICT,
            "art18_1_d",
            "Restricted while we weigh your grounds against ours (Art. 21(1)).",
        )
    return None


def _pending_objection(uow: UnitOfWork, req: RightsRequest) -> bool:
    return any(d.decision == D.RESTRICT for d in decisions_of(uow, req))


def _prospecting_only(uow: UnitOfWork, req: RightsRequest) -> bool:
    found = decisions_of(uow, req)
    return (
        req.type == RequestType.OBJECTION
        and bool(found)
        and all(d.decision == D.STOP and d.ground == "art21_3" for d in found)
    )


def decisions_of(uow: UnitOfWork, req: RightsRequest) -> list[RequestDecision]:
    return list(
        uow.session.scalars(
            select(RequestDecision)
            .where(RequestDecision.request_id == req.id)
            .order_by(RequestDecision.id)
        )
    )


def _upsert(
    uow: UnitOfWork,
    req: RightsRequest,
    activity: str,
    decision: Decision,
    ground: str | None,
    why: str,
    *,
    proposed: bool,
) -> RequestDecision:
    row = uow.session.scalar(
        select(RequestDecision).where(
            RequestDecision.request_id == req.id, RequestDecision.activity == activity
        )
    )
    if row is None:
        row = RequestDecision(request_id=req.id, activity=activity)
        uow.session.add(row)
    row.decision, row.ground, row.explanation = decision.value, ground, why
    row.proposed, row.decided_by, row.decided_at = proposed, uow.actor.label, uow.now()
    uow.session.flush()
    return row


def accept(*, uow: UnitOfWork, req: RightsRequest) -> None:
    """Every proposal becomes the decision; the request is ready to run."""
    for row in decisions_of(uow, req):
        if row.decision == D.RESTRICT and req.type == RequestType.OBJECTION:
            raise Conflict(
                f"request {req.id}: an objection to {row.activity} needs a decision "
                "(stop, or continue with the compelling grounds recorded)"
            )
        row.proposed, row.decided_by, row.decided_at = False, uow.actor.label, uow.now()
    transition(req, Status.DECIDED)
    uow.audit("request.decided", "request", req.id, details=_summary(uow, req))


def _summary(uow: UnitOfWork, req: RightsRequest) -> dict[str, object]:
    return {"decisions": {d.activity: d.decision for d in decisions_of(uow, req)}}


def decide(*, uow: UnitOfWork, request_id: int, data: DecideIn) -> RightsRequest:
    """Staff decisions; a refusal or a fee for manifestly unfounded or excessive requests
    (Art. 12(5)) or for further copies (Art. 15(3)) always states its reasons."""
    req = service.get(uow, request_id)
    if data.refuse_reason:
        return service.refuse(uow=uow, request_id=req.id, reason=data.refuse_reason)
    if data.fee_paid:
        transition(req, Status.VERIFIED)
        uow.audit("request.fee_paid", "request", req.id, details={"fee_cents": req.fee_cents})
        return req
    if data.fee_cents is not None:
        return _ask_fee(uow, req, data.fee_cents, data.fee_reason)
    if req.status not in (Status.VERIFIED, Status.DECIDED):
        raise Conflict(f"request {req.id} is {req.status}: decisions come after verification")
    for item in data.decisions:
        check_decision(item.decision, item.explanation)
        _upsert(
            uow,
            req,
            item.activity,
            item.decision,
            item.ground,
            item.explanation or "",
            proposed=False,
        )
    if data.accept_proposals or all(not d.proposed for d in decisions_of(uow, req)):
        accept(uow=uow, req=req)
    return req


def _ask_fee(uow: UnitOfWork, req: RightsRequest, cents: int, reason: str | None) -> RightsRequest:
    from garant.rights import reply

    if not (reason or "").strip():
        raise InvalidInput("a fee needs its reason (Art. 12(5) or Art. 15(3)), told to the person")
    transition(req, Status.AWAITING_FEE)
    req.fee_cents, req.fee_reason = cents, (reason or "").strip()
    reply.send_fee(uow=uow, req=req)
    uow.audit("request.fee", "request", req.id, details={"fee_cents": cents})
    return req
