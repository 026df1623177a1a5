"""An identity document, when the policy insists (DEF-D2) or doubt remains (Art. 12(6)).

Only a PDF, JPEG or PNG, recognized by its first bytes (never by the name or the type the
browser claims: a file that only says it is an image is refused), of at most 10 MB. It is
kept encrypted until a staff member with the right to manage requests (the DPO and the
privacy role) has looked at it, each look audited, and decided; then it is deleted
(AF-R6): the record of the check (type, who, when) is what stays, one year.
"""

from __future__ import annotations

from garant.errors import Conflict, InvalidInput, NotFound
from garant.rights import service
from garant.rights.models import IdentityCheck
from garant.store.uow import UnitOfWork

DOCUMENT_PURPOSE = "rights.identity_document"
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = ("identity_card", "passport", "residence_permit", "driving_licence", "other")
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def media_type(content: bytes) -> str | None:
    """The file's kind from its magic bytes, or ``None`` for anything else."""
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


def _aad(check: IdentityCheck) -> bytes:
    return f"check:{check.id}".encode()


def upload_document(
    *, uow: UnitOfWork, request_id: int, document_type: str, content: bytes
) -> IdentityCheck:
    """Keep the file encrypted until a staff member checks it; the clock runs again."""
    if document_type not in DOCUMENT_TYPES:
        raise InvalidInput(f"document type: one of {', '.join(DOCUMENT_TYPES)}")
    if not content or len(content) > MAX_DOCUMENT_BYTES:
        raise InvalidInput("the document must be a file of at most 10 MB")
    kind = media_type(content)
    if kind is None:
        raise InvalidInput("the document must be a PDF, JPEG or PNG file")
    from garant.rights.identity import pending_check

    req = service.get(uow, request_id)
    check = pending_check(uow, req)
    if check is None or check.method != "document":
        raise Conflict(f"request {req.id} is not waiting for a document")
    check.document_type = document_type
    check.document = uow.keys.encrypt(DOCUMENT_PURPOSE, content, _aad(check))
    service.resume(uow, req)
    uow.audit(
        "request.identity_document",
        "request",
        req.id,
        details={"type": document_type, "format": kind, "bytes": len(content)},
    )
    return check


def view_document(*, uow: UnitOfWork, request_id: int, check_id: int) -> tuple[bytes, str]:
    """The file and its kind, for a staff member deciding; each look is audited."""
    check = uow.session.get(IdentityCheck, check_id)
    if check is None or check.request_id != request_id or check.document is None:
        raise NotFound(f"request {request_id} has no document to see in check {check_id}")
    content = uow.keys.decrypt(DOCUMENT_PURPOSE, check.document, _aad(check))
    kind = media_type(content) or "application/octet-stream"
    uow.audit(
        "request.identity_document_viewed",
        "request",
        request_id,
        details={"check": check.id, "type": check.document_type},
    )
    return content, kind
