"""Proportionate identity checks (EDPB Guidelines 01/2022 §§ 58-79; AF-X1, AF-R6, DEF-D2).

The least intrusive proof that removes reasonable doubt: a code sent to the email address
the organization holds for the person (never to an address only the request gives), or,
for a request staff entered from a letter or an email, a customer or member number
matching another identity in the same record. All the identities given must lead to one
person (``person.resolve``); when they disagree nothing is verified automatically and
staff decide. Once verified, the request keeps only the identities that were proven, so
nothing is found, exported or erased through the others. A copy of an identity document
only when the policy insists (DEF-D2) or doubt remains (``documents``). Only while Garant
waits for an answer to a request made on reasonable doubt (a document asked by staff)
does the deadline stand still (Art. 12(6)); a routine email code does not stop it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from garant.errors import Conflict, ConnectorError, InvalidInput, NotFound
from garant.rights import codes, decisions, locate, person, reply, service
from garant.rights.models import IdentityCheck, RightsRequest
from garant.rights.rules import RequesterKind, Status, transition
from garant.store.uow import Actor, UnitOfWork
from garant.throttle import service as throttle

if TYPE_CHECKING:
    from garant.app import Garant

MAX_ATTEMPTS = codes.MAX_ATTEMPTS
CODE_TTL = codes.CODE_TTL
WAITING = ("email_code", "document", "staff")
"""Checks that stand between a request and its verification (a reply code does not)."""
DISAGREE = "identities disagree"


def pending_check(uow: UnitOfWork, req: RightsRequest) -> IdentityCheck | None:
    return uow.session.scalar(
        select(IdentityCheck)
        .where(
            IdentityCheck.request_id == req.id,
            IdentityCheck.status == "pending",
            IdentityCheck.method.in_(WAITING),
        )
        .order_by(IdentityCheck.id.desc())
        .limit(1)
    )


def is_public(req: RightsRequest) -> bool:
    """Submitted by the person through the privacy center or the public API."""
    return bool((req.scope or {}).get("public"))


def begin(*, uow: UnitOfWork, req: RightsRequest) -> str:
    """Choose and start the check; returns the method (``none``, ``number_match``,
    ``email_code``, ``document``, ``staff``)."""
    ids = service.personal(uow, req).get("identities", {})
    try:
        found = person.resolve(uow.garant, ids)
    except ConnectorError:  # a connected system does not answer now: a person decides
        found = person.Resolution(unmatched=dict(ids), disagree=True)
    if found.disagree and found.proven:
        uow.audit(
            "request.identities_disagree",
            "request",
            req.id,
            details={"kinds": sorted(found.proven)},
        )
        return _await(uow, req, "staff", pause=False, note=found.note())
    if req.requester_kind != RequesterKind.PERSON:
        return _await(uow, req, "staff", pause=False)
    proof = service.identity_proof_for(uow, req)
    if proof == "none":
        _record(uow, req, "none", "passed")
        verified(uow=uow, req=req, method="none", address=found.contact or ids.get("email"))
        return "none"
    if proof == "document":
        return _ask_document(uow, req)
    if found.disagree:
        return _await(uow, req, "staff", pause=False)
    if not is_public(req) and locate.number_matches(uow.garant, ids):
        _record(uow, req, "number_match", "passed")
        verified(uow=uow, req=req, method="number_match")
        return "number_match"
    return send_code(uow=uow, req=req, found=found)


def _record(
    uow: UnitOfWork, req: RightsRequest, method: str, status: str, note: str | None = None
) -> IdentityCheck:
    check = IdentityCheck(
        request_id=req.id,
        method=method,
        status=status,
        attempts=0,
        note=note,
        created_at=uow.now(),
        checked_at=uow.now() if status != "pending" else None,
        checked_by=uow.actor.label if status != "pending" else None,
    )
    uow.session.add(check)
    uow.session.flush()
    return check


def _await(
    uow: UnitOfWork, req: RightsRequest, method: str, *, pause: bool, note: str | None = None
) -> str:
    """Wait for the person or for staff; a check of another kind still pending gives way."""
    if req.status != Status.AWAITING_IDENTITY:
        transition(req, Status.AWAITING_IDENTITY)
    if pause:
        service.pause(uow, req)
    current = pending_check(uow, req)
    if current is not None and (current.method != method or note):
        current.status, current.checked_at = "superseded", uow.now()
        current = None
    if current is None and method != codes.IDENTITY:
        _record(uow, req, method, "pending", note)
    uow.audit("request.identity_asked", "request", req.id, details={"method": method})
    return method


def send_code(
    *, uow: UnitOfWork, req: RightsRequest, found: person.Resolution | None = None
) -> str:
    """Mail a code to the person's address on file; when the data map holds nobody for any
    identity given and the request names only an email, to that email (the code then
    proves who holds it). Another identity found nowhere goes to staff: mailing the
    code to the email given then, and not when the identity is someone's, told the
    sender whether a member number or a phone is on file (an oracle)."""
    ids = service.personal(uow, req).get("identities", {})
    found = found or person.resolve(uow.garant, ids)
    if found.disagree:
        return _await(uow, req, "staff", pause=False, note=found.note())
    only_email = set(ids) == {"email"} or not is_public(req)
    to = found.contact if found.found else (ids.get("email") if only_email else None)
    if not to:
        return _await(uow, req, "staff", pause=False)
    # Art. 12(6) lets the controller ask for more "where [it] has reasonable doubts": a
    # routine code to the address on file is no such doubt, so the deadline runs on.
    _await(uow, req, codes.IDENTITY, pause=False)
    codes.issue(uow=uow, req=req, method=codes.IDENTITY, to=to)
    return codes.IDENTITY


def code_address(uow: UnitOfWork, req: RightsRequest) -> str | None:
    """Where the request's current code went (the person's proven or provable address)."""
    data = service.personal(uow, req)
    method = codes.REPLY if req.verified_at is not None else codes.IDENTITY
    value = data.get(f"{method}_to")
    return str(value) if value else None


def _find(uow: UnitOfWork, token: str | None, request_id: int | None) -> RightsRequest:
    if token is not None:
        return service.by_follow_token(uow, token)
    if request_id is None:
        raise NotFound("no request given")
    return service.get(uow, request_id)


def try_code(
    garant: Garant,
    actor: Actor,
    *,
    code: str,
    token: str | None = None,
    request_id: int | None = None,
) -> int:
    """Check a code the person typed. The try is counted first, in its own transaction, and
    a failure is committed before it is reported: a sixth try finds the check locked."""
    with garant.unit_of_work(actor, read_only=True) as uow:
        req = _find(uow, token, request_id)
        check = codes.latest(uow, req, (codes.IDENTITY, codes.REPLY, "staff"))
        if check is None:
            raise Conflict(f"request {req.id} is not waiting for a code")
        if check.method == codes.REPLY:
            _same_place(uow, req, actor)
        rid, cid, address = req.id, check.id, code_address(uow, req)
    verdict = throttle.hit(garant, codes.ATTEMPTS, f"check:{cid}")
    if verdict.allowed and address:  # and at most 20 a day at the codes of one mailbox
        tries = codes.tries_per_address(garant)
        verdict = throttle.hit(garant, tries, address.strip().casefold())
    with garant.unit_of_work(actor) as uow:
        check = uow.session.get(IdentityCheck, cid)
        assert check is not None
        outcome = codes.attempt(uow=uow, check=check, code=code, allowed=verdict.allowed)
        left = codes.tries_left(check)
        if outcome == "passed":
            _code_passed(uow, service.get(uow, rid), check)
    if outcome in ("locked", "expired"):
        raise Conflict("this code can no longer be used; ask for a new one")
    if outcome == "wrong":
        more = f"{left} tries left" if left else "no tries left: ask for a new code"
        raise InvalidInput(f"the code is not the one we sent; check it and try again ({more})")
    return rid


PROVEN_BY = "identity_proven_by"


def _same_place(uow: UnitOfWork, req: RightsRequest, actor: Actor) -> None:
    """The code of another reply address counts only where the identity was proven by a
    code: whoever holds that address (perhaps the submitter of a request naming someone
    else) must not redirect the answers from another surface."""
    proven_by = service.personal(uow, req).get(PROVEN_BY)
    if proven_by and actor.kind == "subject" and proven_by != actor.label:
        raise Conflict("enter this code where you confirmed your identity")


def _code_passed(uow: UnitOfWork, req: RightsRequest, check: IdentityCheck) -> None:
    data = service.personal(uow, req)
    if check.method == codes.IDENTITY:
        data[PROVEN_BY] = uow.actor.label
        service.set_personal(uow, req, data)
    if check.method == codes.REPLY:
        data["reply_email"] = data.pop("reply_asked", None) or data.get("reply_email")
        service.set_personal(uow, req, data)
        uow.audit("request.reply_address_verified", "request", req.id)
        return
    verified(uow=uow, req=req, method=codes.IDENTITY, address=data.get(f"{codes.IDENTITY}_to"))


def new_code(
    garant: Garant, actor: Actor, *, token: str | None = None, request_id: int | None = None
) -> None:
    """A new code to the same address, at most a few an hour per request and per address;
    a request that waits for staff gets none (and the person is told the same)."""
    from garant.errors import TooManyRequests

    with garant.unit_of_work(actor, read_only=True) as uow:
        req = _find(uow, token, request_id)
        address = code_address(uow, req)
        waiting = req.status == Status.AWAITING_IDENTITY or bool(
            service.personal(uow, req).get("reply_asked")
        )
        rid = req.id
    if not address or not waiting:
        return
    per_request, per_address = codes.new_code_rules(garant)
    verdicts = [
        throttle.hit(garant, per_request, f"request:{rid}"),
        throttle.hit(garant, per_address, address.strip().casefold()),
    ]
    if not all(v.allowed for v in verdicts):
        wait = max(v.retry_after for v in verdicts)
        raise TooManyRequests("too many codes asked for; try again later", retry_after=wait)
    with garant.unit_of_work(actor) as uow:
        req = service.get(uow, rid)
        method = codes.REPLY if req.verified_at is not None else codes.IDENTITY
        codes.issue(uow=uow, req=req, method=method, to=address)


def ask_document(*, uow: UnitOfWork, request_id: int) -> RightsRequest:
    """Staff ask for a document where reasonable doubt remains (Art. 12(6)); a pending
    code gives way to it."""
    req = service.get(uow, request_id)
    if req.status not in (Status.RECEIVED, Status.AWAITING_IDENTITY):
        raise Conflict(f"request {req.id} is {req.status}: its identity is no longer checked")
    for old in uow.session.scalars(
        select(IdentityCheck).where(
            IdentityCheck.request_id == req.id,
            IdentityCheck.method == codes.IDENTITY,
            IdentityCheck.status.in_(("pending", "locked")),
        )
    ):
        old.status, old.checked_at = "superseded", uow.now()
    _ask_document(uow, req)
    return req


def _ask_document(uow: UnitOfWork, req: RightsRequest) -> str:
    method = _await(uow, req, "document", pause=True)
    address = code_address(uow, req) or service.personal(uow, req).get("reply_email")
    reply.send_document_request(uow=uow, req=req, to=address)
    return method


def staff_check(
    *,
    uow: UnitOfWork,
    request_id: int,
    accepted: bool,
    method: str | None = None,
    document_type: str | None = None,
    note: str | None = None,
    keep: list[str] | None = None,
) -> RightsRequest:
    """A staff member's decision on a document, a letter's signature or a representative's
    proof. ``keep``: the identity kinds of the one person concerned, when the identities
    given disagree. The document image is deleted now, whatever the outcome (AF-R6)."""
    req = service.get(uow, request_id)
    check = pending_check(uow, req) or _record(uow, req, method or "staff", "pending")
    check.status = "passed" if accepted else "failed"
    check.checked_by, check.checked_at = uow.actor.label, uow.now()
    check.note = note or check.note
    check.document_type = document_type or check.document_type
    if check.document is not None:
        check.document, check.document_deleted_at = None, uow.now()
    uow.audit(
        "request.identity_checked",
        "request",
        req.id,
        details={"method": check.method, "accepted": accepted, "document": check.document_type},
    )
    if req.status == Status.RECEIVED:
        transition(req, Status.AWAITING_IDENTITY)
    if accepted:
        verified(uow=uow, req=req, method=check.method, keep=keep)
    else:
        service.resume(uow, req)
        service.refuse(
            uow=uow,
            request_id=req.id,
            reason=note or "We could not confirm your identity with the information given.",
        )
    return req


def verified(
    *,
    uow: UnitOfWork,
    req: RightsRequest,
    method: str,
    address: str | None = None,
    keep: list[str] | None = None,
) -> None:
    """Identity confirmed: keep only what was proven; the clock runs again; find the
    person; answer at once if absent."""
    _narrow(uow, req, address=address, keep=keep)
    service.resume(uow, req)
    transition(req, Status.VERIFIED)
    req.verified_at, req.verification_method, req.updated_at = uow.now(), method, uow.now()
    uow.audit("request.verified", "request", req.id, details={"method": method})
    _ask_reply_address(uow, req)
    decisions.after_verification(uow=uow, req=req)


def _narrow(
    uow: UnitOfWork, req: RightsRequest, *, address: str | None, keep: list[str] | None
) -> None:
    """A code proves the address it went to and the identities that lead to the same
    person; staff (or a policy that asks no proof) vouch for the identities they keep."""
    data = service.personal(uow, req)
    given: dict[str, str] = data.get("identities", {})
    chosen = {k: v for k, v in given.items() if keep is None or k in keep}
    found = person.resolve(uow.garant, chosen)
    if not chosen:
        raise InvalidInput(f"request {req.id}: keep at least one of {', '.join(sorted(given))}")
    if found.disagree:
        raise Conflict(
            f"request {req.id}: the identities given lead to different persons "
            f"({DISAGREE}); keep the identity kinds of one person"
        )
    proven = dict(found.proven) if address or found.proven else dict(chosen)
    if address and not any(
        v.strip().casefold() == address.strip().casefold() for v in proven.values()
    ):
        proven.setdefault("email", address)
    data["identities"] = proven
    data["unproven_kinds"] = sorted(set(given) - set(proven))
    if address:
        data["reply_email"] = address
    elif is_public(req) and not data.get("reply_email"):
        data["reply_email"] = proven.get("email")
    service.set_personal(uow, req, data)
    req.subject_ref = uow.subject_ref(*service.primary_identity(proven))


def _ask_reply_address(uow: UnitOfWork, req: RightsRequest) -> None:
    """A reply address other than the proven one gets its own code first (answers go to
    the proven address until then)."""
    data = service.personal(uow, req)
    asked, current = data.get("reply_asked"), data.get("reply_email")
    if not asked:
        return
    if current and str(asked).strip().casefold() == str(current).strip().casefold():
        data.pop("reply_asked")
        service.set_personal(uow, req, data)
        return
    codes.issue(uow=uow, req=req, method=codes.REPLY, to=str(asked))


def checks_for(uow: UnitOfWork, request_id: int) -> list[IdentityCheck]:
    return list(
        uow.session.scalars(
            select(IdentityCheck)
            .where(IdentityCheck.request_id == request_id)
            .order_by(IdentityCheck.id)
        )
    )
