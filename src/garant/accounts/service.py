"""Staff accounts: argon2 password hashes, login, roles and API tokens."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update

from garant.accounts.models import ApiToken, StaffUser
from garant.accounts.roles import Role
from garant.accounts.sessions import end_user_sessions
from garant.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from garant.store.uow import Actor, UnitOfWork

_hasher = PasswordHasher()
TOKEN_PURPOSE = "api.token"
# A token's last use is kept to the minute: writing it on every call would make each API
# request a write transaction (on SQLite, one at a time).
TOKEN_USE_PRECISION = timedelta(minutes=1)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024


def _clean_email(email: str) -> str:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f'"{email}" is not an email address: {exc}') from None


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        allowed = "|".join(r.value for r in Role)
        raise InvalidInput(f'role "{role}" is not one of {allowed}') from None


def add_user(*, uow: UnitOfWork, email: str, role: str, password: str) -> StaffUser:
    address, chosen = _clean_email(email), _role(role)
    _check_password(password)
    if uow.session.scalar(select(StaffUser).where(StaffUser.email == address)):
        raise Conflict(f"a user {address} already exists")
    user = StaffUser(
        email=address,
        role=chosen.value,
        password_hash=_hasher.hash(password),
        active=True,
        created_at=uow.now(),
    )
    uow.session.add(user)
    uow.session.flush()
    uow.audit("user.add", "staff_user", user.id, details={"role": chosen.value})
    return user


def set_role(*, uow: UnitOfWork, email: str, role: str) -> StaffUser:
    """A new role ends the user's sessions: the next request signs in under the new one."""
    user = get_user(uow=uow, email=email)
    chosen = _role(role).value
    if chosen == user.role:
        raise Conflict(f"{user.email} already has the role {chosen}")
    before, user.role = user.role, chosen
    end_user_sessions(uow=uow, user_id=user.id, reason="role")
    uow.audit("user.role", "staff_user", user.id, details={"from": before, "role": chosen})
    return user


def deactivate(*, uow: UnitOfWork, email: str) -> StaffUser:
    """The account can no longer sign in; its sessions end and its API tokens are refused
    (kept, not revoked, so that reactivating restores the machines it runs)."""
    user = get_user(uow=uow, email=email)
    if not user.active:
        raise Conflict(f"{user.email} is already deactivated")
    user.active = False
    end_user_sessions(uow=uow, user_id=user.id, reason="deactivated")
    uow.audit("user.deactivate", "staff_user", user.id)
    return user


def activate(*, uow: UnitOfWork, email: str) -> StaffUser:
    user = get_user(uow=uow, email=email)
    if user.active:
        raise Conflict(f"{user.email} is already active")
    user.active = True
    uow.audit("user.activate", "staff_user", user.id)
    return user


def set_password(*, uow: UnitOfWork, email: str, password: str) -> StaffUser:
    """A new password ends every session opened with the old one."""
    user = get_user(uow=uow, email=email)
    _check_password(password)
    user.password_hash = _hasher.hash(password)
    user.password_changed_at = uow.now()
    end_user_sessions(uow=uow, user_id=user.id, reason="password")
    uow.audit("user.password", "staff_user", user.id)
    return user


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"a password has at most {MAX_PASSWORD} characters")


def get_user(*, uow: UnitOfWork, email: str) -> StaffUser:
    user = uow.session.scalar(select(StaffUser).where(StaffUser.email == _clean_email(email)))
    if user is None:
        raise NotFound(f"no user {email}")
    return user


def list_users(*, uow: UnitOfWork) -> list[StaffUser]:
    return list(uow.session.scalars(select(StaffUser).order_by(StaffUser.email)))


class LoginRefused(PermissionDenied):
    """The same message for an unknown address, a deactivated account and a wrong password;
    ``user_id`` (None when no account matched) is for the audit log only."""

    def __init__(self, user_id: int | None):
        super().__init__("wrong email or password")
        self.user_id = user_id


def authenticate(*, uow: UnitOfWork, email: str, password: str) -> StaffUser:
    """The same refusal for an unknown address and a wrong password: no account probing.

    A refusal writes nothing: the caller records it in a transaction of its own
    (``note_login_failure``), which the refusal does not roll back."""
    try:
        address = _clean_email(email)
    except InvalidInput:
        raise LoginRefused(None) from None
    user = uow.session.scalar(select(StaffUser).where(StaffUser.email == address))
    if user is None or not user.active or len(password) > MAX_PASSWORD:
        _hasher.hash(password[:MAX_PASSWORD])  # same work either way, so timing does not tell
        raise LoginRefused(user.id if user else None)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise LoginRefused(user.id) from None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def note_login(*, uow: UnitOfWork, user: StaffUser) -> None:
    user.last_login_at = uow.now()
    uow.audit("user.login", "staff_user", user.id)


def note_login_failure(*, uow: UnitOfWork, refused: LoginRefused, reason: str = "password") -> None:
    """Every refused sign-in is in the audit log (OWASP ASVS 7.1.3), in its own transaction."""
    uow.audit(
        "user.login_failed",
        "staff_user",
        refused.user_id,
        details={"known": refused.user_id is not None, "reason": reason},
    )


def issue_token(*, uow: UnitOfWork, email: str, name: str) -> str:
    """Create a token; its clear value is shown once and never stored."""
    user = get_user(uow=uow, email=email)
    clear = "gt_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=uow.keys.keyed_hash(TOKEN_PURPOSE, clear),
        created_at=uow.now(),
    )
    uow.session.add(token)
    uow.session.flush()
    uow.audit("token.issue", "api_token", token.id, details={"user": user.id, "name": name})
    return clear


@dataclass(frozen=True)
class TokenUse:
    actor: Actor
    token_id: int
    needs_note: bool
    last_used_at: datetime | None = None


def check_token(*, uow: UnitOfWork, clear: str) -> TokenUse:
    """Who a token acts for; reads only, so that every API call need not write."""
    hashes = uow.keys.keyed_hashes(TOKEN_PURPOSE, clear)
    row = uow.session.execute(
        select(ApiToken, StaffUser)
        .join(StaffUser, StaffUser.id == ApiToken.user_id)
        .where(ApiToken.token_hash.in_(hashes), ApiToken.revoked_at.is_(None))
    ).first()
    if row is None or not row[1].active:
        raise PermissionDenied("invalid or revoked API token")
    token, user = row
    stale = token.last_used_at is None or uow.now() - token.last_used_at >= TOKEN_USE_PRECISION
    return TokenUse(Actor("api", user.email, user.role), token.id, stale, token.last_used_at)


def note_token_use(*, uow: UnitOfWork, token_id: int) -> None:
    uow.session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=uow.now())
    )


def actor_for_token(*, uow: UnitOfWork, clear: str) -> Actor:
    use = check_token(uow=uow, clear=clear)
    if use.needs_note:
        note_token_use(uow=uow, token_id=use.token_id)
    return use.actor


def revoke_token(*, uow: UnitOfWork, token_id: int) -> ApiToken:
    """Refused from the next request on: every call reads the token's row."""
    token = uow.session.get(ApiToken, token_id) if 0 < token_id < 2**63 else None
    if token is None:
        raise NotFound(f"no token {token_id}; `garant user tokens EMAIL` lists them")
    if token.revoked_at is not None:
        raise Conflict(f"token {token_id} was already revoked")
    token.revoked_at = uow.now()
    uow.audit("token.revoke", "api_token", token.id, details={"user": token.user_id})
    return token


def list_tokens(*, uow: UnitOfWork, email: str) -> list[ApiToken]:
    user = get_user(uow=uow, email=email)
    return list(
        uow.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
    )


def tokens_by_user(*, uow: UnitOfWork) -> dict[str, list[ApiToken]]:
    """Every account's tokens, read in one statement (the Staff page lists them all)."""
    found: dict[str, list[ApiToken]] = {}
    rows = uow.session.execute(
        select(StaffUser.email, ApiToken)
        .join(ApiToken, ApiToken.user_id == StaffUser.id)
        .order_by(ApiToken.id)
    )
    for email, token in rows:
        found.setdefault(email, []).append(token)
    return found
