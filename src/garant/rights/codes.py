"""One-time codes that prove a person holds an address (EDPB Guidelines 01/2022 § 69).

A code is six digits, kept only as a keyed hash, valid 72 hours. Every try is counted by
the store-backed throttle before it is checked (``garant.throttle``: committed in its own
transaction, so a rollback never erases a failure and two server processes share the
count); after five wrong tries the check is locked and a new code must be asked for, at
most a few an hour per request and per address. Each failure is audited
(``request.identity_failed``, the check's id and the try's number, no personal value).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Literal

from sqlalchemy import select

from garant.rights import reply, service
from garant.rights.models import IdentityCheck, RightsRequest
from garant.store.uow import UnitOfWork
from garant.throttle.rules import Rule

if TYPE_CHECKING:
    from garant.app import Garant

CODE_PURPOSE = "rights.identity_code"
CODE_TTL = timedelta(hours=72)
MAX_ATTEMPTS = 5
MAX_CODE_LENGTH = 32
ATTEMPTS = Rule("rights.code", limit=MAX_ATTEMPTS, window=CODE_TTL)
NEW_CODES_PER_REQUEST = Rule("rights.code.request", limit=3, window=timedelta(hours=1))
NEW_CODES_PER_ADDRESS = Rule("rights.code.address", limit=3, window=timedelta(hours=1))
TRIES_PER_ADDRESS = Rule("rights.code.tries_per_address", limit=20, window=timedelta(days=1))
"""Tries at any code mailed to one address, across all its requests: without it, a new
request per identity spelling (phone, member number...) brings five more guesses each."""


def new_code_rules(garant: Garant) -> tuple[Rule, Rule]:
    """New codes an hour per request and per mailbox (``[intake]`` settings)."""
    intake = garant.settings.intake
    window = NEW_CODES_PER_REQUEST.window
    return (
        Rule(NEW_CODES_PER_REQUEST.scope, limit=intake.new_codes_per_request_hour, window=window),
        Rule(NEW_CODES_PER_ADDRESS.scope, limit=intake.new_codes_per_address_hour, window=window),
    )


def tries_per_address(garant: Garant) -> Rule:
    """Tries a day at the codes of one mailbox (``[intake] code_tries_per_address_day``)."""
    limit = garant.settings.intake.code_tries_per_address_day
    return Rule(TRIES_PER_ADDRESS.scope, limit=limit, window=TRIES_PER_ADDRESS.window)


IDENTITY = "email_code"
REPLY = "reply_code"
"""A code that proves a reply address other than the one the identity was proven with."""
Outcome = Literal["passed", "wrong", "locked", "expired"]


def _hash(uow: UnitOfWork, request_id: int, code: str) -> str:
    return uow.keys.keyed_hash(CODE_PURPOSE, f"{request_id}:{code.strip()}")


def latest(uow: UnitOfWork, req: RightsRequest, methods: tuple[str, ...]) -> IdentityCheck | None:
    """The newest pending or locked check of these methods (a locked one says so)."""
    return uow.session.scalar(
        select(IdentityCheck)
        .where(
            IdentityCheck.request_id == req.id,
            IdentityCheck.method.in_(methods),
            IdentityCheck.status.in_(("pending", "locked")),
        )
        .order_by(IdentityCheck.id.desc())
        .limit(1)
    )


def issue(*, uow: UnitOfWork, req: RightsRequest, method: str, to: str) -> IdentityCheck:
    """A new code to ``to``; the request's older codes of this method stop working."""
    now = uow.now()
    for old in uow.session.scalars(
        select(IdentityCheck).where(
            IdentityCheck.request_id == req.id,
            IdentityCheck.method == method,
            IdentityCheck.status.in_(("pending", "locked")),
        )
    ):
        old.status, old.checked_at = "superseded", now
    check = IdentityCheck(
        request_id=req.id, method=method, status="pending", attempts=0, created_at=now
    )
    uow.session.add(check)
    uow.session.flush()
    code = f"{secrets.randbelow(10**6):06d}"
    check.code_hash, check.expires_at = _hash(uow, req.id, code), now + CODE_TTL
    data = service.personal(uow, req)
    data[f"{method}_to"] = to
    service.set_personal(uow, req, data)
    reply.send_code(uow=uow, req=req, to=to, code=code, check_id=check.id)
    return check


def attempt(*, uow: UnitOfWork, check: IdentityCheck, code: str, allowed: bool) -> Outcome:
    """Judge one try that the throttle has already counted (``allowed``: within five).

    A check that waits for staff has no code: a try is refused and counted like any wrong
    code (the page is the same either way) but never locks what staff will decide."""
    if check.code_hash is None:
        check.attempts += 1
        return _failed(uow, check)
    if check.status == "locked" or not allowed:
        _lock(uow, check)
        return "locked"
    if check.expires_at is not None and uow.now() > check.expires_at:
        check.status, check.checked_at = "expired", uow.now()
        return "expired"
    check.attempts += 1
    code = code.strip()[:MAX_CODE_LENGTH]
    if not code:
        return _failed(uow, check)
    if not uow.keys.verify_hash(CODE_PURPOSE, f"{check.request_id}:{code}", check.code_hash):
        return _failed(uow, check)
    check.status, check.checked_at, check.checked_by = "passed", uow.now(), "subject"
    return "passed"


def _failed(uow: UnitOfWork, check: IdentityCheck) -> Outcome:
    locked = check.attempts >= MAX_ATTEMPTS and check.code_hash is not None
    uow.audit(
        "request.identity_failed",
        "request",
        check.request_id,
        details={
            "method": check.method,
            "check": check.id,
            "attempt": check.attempts,
            "locked": locked,
        },
    )
    if locked:
        _lock(uow, check)
    return "wrong"


def _lock(uow: UnitOfWork, check: IdentityCheck) -> None:
    if check.status != "locked":
        check.status, check.checked_at = "locked", uow.now()


def tries_left(check: IdentityCheck) -> int:
    return max(MAX_ATTEMPTS - check.attempts, 0)
