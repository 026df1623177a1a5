"""A second factor for staff: time-based one-time passwords (RFC 6238, ``pyotp``).

The shared secret is shown once at enrolment (an ``otpauth://`` URI and its base32 text,
no QR image) and stored encrypted with the key ring; a code is accepted once, within one
step (30 s) either side of the clock. ``[web] require_2fa`` makes it mandatory for the dpo
and admin roles.
"""

from __future__ import annotations

import hmac

import pyotp

from garant.accounts.models import StaffUser
from garant.accounts.sessions import SECOND_FACTOR_ROLES, end_user_sessions
from garant.errors import Conflict, InvalidInput
from garant.settings import Settings
from garant.store.uow import UnitOfWork

PURPOSE = "staff.totp"
STEP = 30


def required(settings: Settings, role: str) -> bool:
    return settings.web.require_2fa and role in SECOND_FACTOR_ROLES


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def _matching_step(secret: str, code: str, at: float) -> int | None:
    """The step (within one either side) whose code is ``code``, compared in constant time."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(at // STEP)
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _secret_of(uow: UnitOfWork, user: StaffUser) -> str:
    assert user.totp_secret is not None
    return uow.keys.decrypt(PURPOSE, user.totp_secret, str(user.id).encode()).decode()


def enrol(*, uow: UnitOfWork, user: StaffUser, secret: str, code: str) -> None:
    """Keep the secret once the person proved their authenticator holds it."""
    if user.totp_enabled_at is not None:
        raise Conflict(f"{user.email} already has a second factor; reset it first")
    step = _matching_step(secret, code, uow.now().timestamp())
    if step is None:
        raise InvalidInput("that code does not match; check the authenticator's clock")
    user.totp_secret = uow.keys.encrypt(PURPOSE, secret.encode(), str(user.id).encode())
    user.totp_enabled_at, user.totp_last_step = uow.now(), step
    uow.audit("user.totp_enrol", "staff_user", user.id)


def verify(*, uow: UnitOfWork, user: StaffUser, code: str) -> bool:
    """The code is right and was not used before (a step already spent is refused)."""
    if user.totp_secret is None:
        return False
    step = _matching_step(_secret_of(uow, user), code, uow.now().timestamp())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def reset(*, uow: UnitOfWork, user: StaffUser) -> None:
    """A lost authenticator: the factor is removed and the account's sessions end."""
    if user.totp_enabled_at is None:
        raise Conflict(f"{user.email} has no second factor")
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    end_user_sessions(uow=uow, user_id=user.id, reason="totp_reset")
    uow.audit("user.totp_reset", "staff_user", user.id)
