"""Proportionate identity checks (EDPB Guidelines 01/2022 §§ 58-79; AF-X1, AF-R6, DEF-D2).

The least intrusive proof that removes reasonable doubt: a code sent to the email address
the organization holds, or a customer or member number matching another identity in the
same record. A copy of an identity document only when the policy insists (DEF-D2) or doubt
remains; it is stored encrypted, never exported, and deleted as soon as it is checked:
the record of the check (method, document type, who, when) is what is kept, one year
(AF-R6). While Garant waits for the person's answer the deadline stands still (Art. 12(6)).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from garant.errors import Conflict, InvalidInput
from garant.rights import decisions, locate, reply, service
from garant.rights.models import IdentityCheck, RightsRequest
from garant.rights.rules import RequesterKind, Status, transition
from garant.store.uow import UnitOfWork

CODE_PURPOSE = "rights.identity_code"
DOCUMENT_PURPOSE = "rights.identity_document"
CODE_TTL = timedelta(hours=72)
MAX_ATTEMPTS = 5
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = ("identity_card", "passport", "residence_permit", "driving_licence", "other")


def _code_hash(uow: UnitOfWork, req: RightsRequest, code: str) -> str:
    return uow.keys.keyed_hash(CODE_PURPOSE, f"{req.id}:{code.strip()}")


def pending_check(uow: UnitOfWork, req: RightsRequest) -> IdentityCheck | None:
    return uow.session.scalar(
        select(IdentityCheck)
        .where(IdentityCheck.request_id == req.id, IdentityCheck.status == "pending")
        .order_by(IdentityCheck.id.desc())
    )


def begin(*, uow: UnitOfWork, req: RightsRequest) -> str:
    """Choose and start the check; returns the method (``none``, ``number_match``,
    ``email_code``, ``document``, ``staff``)."""
    ids = service.personal(uow, req).get("identities", {})
    proof = service.identity_proof_for(uow, req)
    if req.requester_kind != RequesterKind.PERSON:
        return _await(uow, req, "staff", pause=False)
    if proof == "none":
        _record(uow, req, "none", "passed")
        verified(uow=uow, req=req, method="none")
        return "none"
    if proof == "document":
        return _ask_document(uow, req)
    if locate.number_matches(uow.garant, ids):
        _record(uow, req, "number_match", "passed")
        verified(uow=uow, req=req, method="number_match")
        return "number_match"
    return send_code(uow=uow, req=req)


def _record(uow: UnitOfWork, req: RightsRequest, method: str, status: str) -> IdentityCheck:
    check = IdentityCheck(
        request_id=req.id,
        method=method,
        status=status,
        attempts=0,
        created_at=uow.now(),
        checked_at=uow.now() if status != "pending" else None,
        checked_by=uow.actor.label if status != "pending" else None,
    )
    uow.session.add(check)
    uow.session.flush()
    return check


def _await(uow: UnitOfWork, req: RightsRequest, method: str, *, pause: bool) -> str:
    if req.status != Status.AWAITING_IDENTITY:
        transition(req, Status.AWAITING_IDENTITY)
    if pause:
        service.pause(uow, req)
    if pending_check(uow, req) is None or method == "email_code":
        _record(uow, req, method, "pending")
    uow.audit("request.identity_asked", "request", req.id, details={"method": method})
    return method


def send_code(*, uow: UnitOfWork, req: RightsRequest) -> str:
    """Mail a one-time code to the address on file (or the one given, whose owner it proves)."""
    ids = service.personal(uow, req).get("identities", {})
    to = locate.contact_on_file(uow.garant, locate.locate(uow.garant, ids)) or ids.get("email")
    if not to:
        return _await(uow, req, "staff", pause=False)
    for old in uow.session.scalars(
        select(IdentityCheck).where(
            IdentityCheck.request_id == req.id,
            IdentityCheck.method == "email_code",
            IdentityCheck.status == "pending",
        )
    ):
        old.status, old.checked_at = "superseded", uow.now()
    _await(uow, req, "email_code", pause=True)
    check = pending_check(uow, req)
    assert check is not None
    code = f"{secrets.randbelow(10**6):06d}"
    check.code_hash, check.expires_at = _code_hash(uow, req, code), uow.now() + CODE_TTL
    reply.send_code(uow=uow, req=req, to=to, code=code, check_id=check.id)
    return "email_code"


def confirm_code(*, uow: UnitOfWork, request_id: int, code: str) -> RightsRequest:
    req = service.get(uow, request_id)
    check = pending_check(uow, req)
    if check is None or check.method != "email_code":
        raise Conflict(f"request {req.id} is not waiting for a code")
    if check.attempts >= MAX_ATTEMPTS or (check.expires_at and uow.now() > check.expires_at):
        raise Conflict("this code can no longer be used; ask for a new one")
    check.attempts += 1
    if not code.strip() or not uow.keys.verify_hash(
        CODE_PURPOSE, f"{req.id}:{code.strip()}", check.code_hash or ""
    ):
        uow.audit("request.identity_failed", "request", req.id, details={"method": "email_code"})
        raise InvalidInput("the code is not the one we sent; check it and try again")
    check.status, check.checked_at, check.checked_by = "passed", uow.now(), "subject"
    verified(uow=uow, req=req, method="email_code")
    return req


def ask_document(*, uow: UnitOfWork, request_id: int) -> RightsRequest:
    """Staff ask for a document where reasonable doubt remains (Art. 12(6))."""
    req = service.get(uow, request_id)
    _ask_document(uow, req)
    return req


def _ask_document(uow: UnitOfWork, req: RightsRequest) -> str:
    method = _await(uow, req, "document", pause=True)
    reply.send_document_request(uow=uow, req=req)
    return method


def upload_document(
    *, uow: UnitOfWork, request_id: int, document_type: str, content: bytes
) -> IdentityCheck:
    """Keep the image encrypted until a staff member checks it; the clock runs again."""
    if document_type not in DOCUMENT_TYPES:
        raise InvalidInput(f"document type: one of {', '.join(DOCUMENT_TYPES)}")
    if not content or len(content) > MAX_DOCUMENT_BYTES:
        raise InvalidInput("the document must be a file of at most 10 MB")
    req = service.get(uow, request_id)
    check = pending_check(uow, req)
    if check is None or check.method != "document":
        raise Conflict(f"request {req.id} is not waiting for a document")
    check.document_type = document_type
    check.document = uow.keys.encrypt(DOCUMENT_PURPOSE, content, f"check:{check.id}".encode())
    service.resume(uow, req)
    uow.audit("request.identity_document", "request", req.id, details={"type": document_type})
    return check


def staff_check(
    *,
    uow: UnitOfWork,
    request_id: int,
    accepted: bool,
    method: str | None = None,
    document_type: str | None = None,
    note: str | None = None,
) -> RightsRequest:
    """A staff member's decision on a document, a letter's signature or a representative's
    proof. The document image is deleted now, whatever the outcome (AF-R6)."""
    req = service.get(uow, request_id)
    check = pending_check(uow, req) or _record(uow, req, method or "staff", "pending")
    check.status = "passed" if accepted else "failed"
    check.checked_by, check.checked_at, check.note = uow.actor.label, uow.now(), note
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
        verified(uow=uow, req=req, method=check.method)
    else:
        service.resume(uow, req)
        service.refuse(
            uow=uow,
            request_id=req.id,
            reason=note or "We could not confirm your identity with the information given.",
        )
    return req


def verified(*, uow: UnitOfWork, req: RightsRequest, method: str) -> None:
    """Identity confirmed: the clock runs again; find the person; answer at once if absent."""
    service.resume(uow, req)
    transition(req, Status.VERIFIED)
    req.verified_at, req.verification_method, req.updated_at = uow.now(), method, uow.now()
    uow.audit("request.verified", "request", req.id, details={"method": method})
    decisions.after_verification(uow=uow, req=req)


def checks_for(uow: UnitOfWork, request_id: int) -> list[IdentityCheck]:
    return list(
        uow.session.scalars(
            select(IdentityCheck)
            .where(IdentityCheck.request_id == request_id)
            .order_by(IdentityCheck.id)
        )
    )
