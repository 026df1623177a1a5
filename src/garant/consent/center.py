"""The privacy center's side of consent: prove you hold an address, then see and change
your consents (AF-D7: withdraw as easily as you gave)."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select

from garant.consent import service
from garant.consent.models import ConsentEmailCode
from garant.consent.purposes import catalog
from garant.consent.rules import decide
from garant.consent.service import clean_identity, refs_of
from garant.errors import InvalidInput, TooManyRequests
from garant.mail.service import queue_mail
from garant.store.uow import Actor, UnitOfWork
from garant.throttle import service as throttle
from garant.throttle.rules import Rule

if TYPE_CHECKING:
    from garant.app import Garant

CODE_PURPOSE = "consent.email_code"
CODE_MINUTES = 15
MAX_ATTEMPTS = 5
MAX_CODES_PER_HOUR = 5
ATTEMPTS = Rule("consent.code", limit=MAX_ATTEMPTS, window=timedelta(minutes=CODE_MINUTES))
PER_CLIENT = Rule("consent.code.client", limit=10, window=timedelta(hours=1))
"""Codes asked from one client address, whatever the addresses: the form is no mailer."""
PER_CLIENT_DAY = Rule("consent.code.client.day", limit=30, window=timedelta(days=1))
PER_ADDRESS_DAY = Rule("consent.code.address.day", limit=10, window=timedelta(days=1))
"""Daily caps, as the rights codes have: an hourly limit alone still lets a patient client
mail 240 codes a day, or one mailbox receive 120."""


def request_code(garant: Garant, actor: Actor, *, email: str, lang: str, client: str) -> None:
    """The consents page's "send me a code": counted in the store first (every server
    process shares the counts), then mailed.

    Over a limit of the client address (10 an hour, 30 a day): ``TooManyRequests``, which
    tells the client only about its own asking. Over the limit of the address asked for
    (5 an hour, 10 a day): the same answer as a code sent, and no mail; the refusal is
    audited. So the answer never says whether someone else asked codes for that address.
    """
    for rule in (PER_CLIENT, PER_CLIENT_DAY):
        verdict = throttle.hit(garant, rule, client)
        if not verdict.allowed:
            raise TooManyRequests(
                "too many codes asked from here; try again later", retry_after=verdict.retry_after
            )
    _kind, address = clean_identity(("email", email))
    _one_address(address)
    allowed = throttle.hit(garant, PER_ADDRESS_DAY, address).allowed
    with garant.unit_of_work(actor) as uow:
        send_code(uow=uow, email=address, lang=lang, allowed=allowed)


def send_code(*, uow: UnitOfWork, email: str, lang: str, allowed: bool = True) -> bool:
    """Mail a six-digit code; a few per hour at most, so the form cannot flood a mailbox.
    The address must be one address (email-validator): a list, a line break or a second
    ``@`` would mail the code elsewhere or to many at once, past the limit per address.
    ``allowed``: the daily cap's answer (``request_code``). Over a limit nothing is
    mailed and the refusal is audited; False is returned, never an error (no oracle)."""
    kind, address = clean_identity(("email", email))
    _one_address(address)
    ref = refs_of(uow.keys, (kind, address))[-1]
    now = uow.now()
    recent = uow.session.scalar(
        select(func.count()).where(
            ConsentEmailCode.subject_ref == ref,
            ConsentEmailCode.created_at > now - timedelta(hours=1),
        )
    )
    if not allowed or (recent or 0) >= MAX_CODES_PER_HOUR:
        limit = "hour" if allowed else "day"
        uow.audit(
            "consent.code.refused",
            "consent_email_code",
            None,
            subject_ref=ref,
            details={"limit": limit},
        )
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = ConsentEmailCode(
        subject_ref=ref,
        code_hash=uow.keys.keyed_hash(CODE_PURPOSE, f"{ref}|{code}"),
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
        attempts=0,
    )
    uow.session.add(row)
    uow.session.flush()
    uow.audit("consent.code.send", "consent_email_code", row.id, subject_ref=ref)
    queue_mail(
        uow=uow,
        to=address,
        template="consent_verify",
        lang=lang,
        context={
            "code": code,
            "minutes": CODE_MINUTES,
            "organization": uow.garant.policy.controller.name,
        },
        key=f"consent.code:{row.id}",
        recipient_ref=ref,
    )
    return True


def _one_address(address: str) -> None:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput("this is not an email address") from None


def _live_code(uow: UnitOfWork, email: str) -> tuple[str, ConsentEmailCode | None]:
    ref = refs_of(uow.keys, clean_identity(("email", email)))[-1]
    row = uow.session.scalars(
        select(ConsentEmailCode)
        .where(
            ConsentEmailCode.subject_ref == ref,
            ConsentEmailCode.used_at.is_(None),
            ConsentEmailCode.expires_at > uow.now(),
        )
        .order_by(ConsentEmailCode.id.desc())
    ).first()
    return ref, row


def check_code(garant: Garant, actor: Actor, *, email: str, code: str) -> bool:
    """The privacy center's check of a code: the try is counted first in the store-backed
    throttle (its own transaction, shared by every server process), then judged; a wrong
    try is committed before the answer, so five of them burn the code whatever follows."""
    with garant.unit_of_work(actor, read_only=True) as uow:
        _ref, row = _live_code(uow, email)
        row_id = row.id if row is not None else None
    if row_id is None:
        return False
    verdict = throttle.hit(garant, ATTEMPTS, f"consent-code:{row_id}")
    with garant.unit_of_work(actor) as uow:
        return verify_code(uow=uow, email=email, code=code, allowed=verdict.allowed)


def verify_code(*, uow: UnitOfWork, email: str, code: str, allowed: bool = True) -> bool:
    """Whether ``code`` is the address's latest live code; five wrong tries burn it.
    ``allowed``: the throttle's answer for this try (``check_code``)."""
    ref, row = _live_code(uow, email)
    if row is None or row.attempts >= MAX_ATTEMPTS:
        return False
    if not allowed:
        row.attempts = MAX_ATTEMPTS
        uow.audit("consent.code.wrong", "consent_email_code", row.id, subject_ref=ref)
        return False
    row.attempts += 1
    if not uow.keys.verify_hash(CODE_PURPOSE, f"{ref}|{code.strip()}", row.code_hash):
        uow.audit("consent.code.wrong", "consent_email_code", row.id, subject_ref=ref)
        return False
    row.used_at = uow.now()
    uow.audit("consent.code.verified", "consent_email_code", row.id, subject_ref=ref)
    return True


def overview(*, uow: UnitOfWork, email: str, lang: str) -> list[dict[str, Any]]:
    """Each consent purpose of the policy with the person's current answer and why."""
    identity = clean_identity(("email", email))
    refs = refs_of(uow.keys, identity)
    items = []
    for purpose in catalog(uow.garant).purposes.values():
        state = service.current(uow, refs, purpose.id)
        decision = decide(purpose, state)
        items.append(
            {
                "id": purpose.id,
                "label": purpose.label_in(lang),
                "text": purpose.text_in(lang),
                "basis": purpose.basis,
                "given": bool(state and state.given),
                "allowed": decision.allowed,
                "code": decision.code,
                "at": state.at if state else None,
            }
        )
    uow.audit(
        "consent.overview",
        "consent_purpose",
        None,
        subject_ref=refs[-1],
        details={"purposes": len(items)},
    )
    return items
