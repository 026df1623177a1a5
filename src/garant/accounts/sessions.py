"""Staff sessions held in the store (OWASP Session Management: server-side state).

The browser keeps a random id; the store keeps its SHA-256 (a 256-bit random value needs
no key: nobody can search for it), the user, the role at login and the session's times.
Every request reads the row with its user, so a session ended here, or whose user was
deactivated or given another role, is refused by every server process at its next
request. Idle and absolute timeouts are computed from the row, with no write needed.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from garant.accounts.models import StaffSession, StaffUser
from garant.errors import PermissionDenied
from garant.settings import Settings
from garant.store.uow import Actor, UnitOfWork

TOUCH_PRECISION = timedelta(minutes=1)
"""A session's last activity is kept to the minute: writing it on every request would make
each page a write transaction. The idle timeout is exact to this precision."""


SECOND_FACTOR_ROLES = frozenset({"dpo", "admin"})
"""The roles ``[web] require_2fa = true`` makes sign in with a second factor."""


@dataclass(frozen=True)
class SessionLimits:
    idle: timedelta
    absolute: timedelta
    second_factor_roles: frozenset[str] = frozenset()
    """A session of these roles is refused while its user has no second factor."""

    @classmethod
    def of(cls, settings: Settings) -> SessionLimits:
        """The workspace's ``[web] session_idle_minutes``, ``session_hours``, ``require_2fa``."""
        web = settings.web
        return cls(
            idle=timedelta(minutes=web.session_idle_minutes),
            absolute=timedelta(hours=web.session_hours),
            second_factor_roles=SECOND_FACTOR_ROLES if web.require_2fa else frozenset(),
        )


@dataclass(frozen=True)
class SessionUse:
    actor: Actor
    session_id: int
    user_id: int
    needs_touch: bool
    valid_until: datetime
    """When the session expires unless touched again (idle) or at the latest (absolute)."""
    expires_at: datetime


def digest(clear: str) -> str:
    return hashlib.sha256(clear.encode()).hexdigest()


def open_session(*, uow: UnitOfWork, user: StaffUser, limits: SessionLimits) -> str:
    """A new session for a user who just proved who they are; its clear id is returned once."""
    clear = secrets.token_urlsafe(32)
    now = uow.now()
    row = StaffSession(
        id_hash=digest(clear),
        user_id=user.id,
        role=user.role,
        created_at=now,
        last_seen_at=now,
        expires_at=now + limits.absolute,
    )
    uow.session.add(row)
    uow.session.flush()
    uow.audit("session.open", "staff_session", row.id, details={"user": user.id})
    return clear


def check_session(*, uow: UnitOfWork, clear: str, limits: SessionLimits) -> SessionUse:
    """Who a session acts for now; reads only. Refused when ended, expired, idle too long,
    or when its user is no longer active or no longer has the role it was opened with."""
    found = uow.session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.id_hash == digest(clear), StaffSession.ended_at.is_(None))
    ).first()
    if found is None:
        raise PermissionDenied("session ended; sign in again")
    row, user = found
    now = uow.now()
    idle_end = row.last_seen_at + limits.idle
    lacks_factor = user.role in limits.second_factor_roles and user.totp_enabled_at is None
    if not user.active or user.role != row.role or lacks_factor:
        raise PermissionDenied("session ended; sign in again")
    if now >= row.expires_at or now >= idle_end:
        raise PermissionDenied("session ended; sign in again")
    return SessionUse(
        actor=Actor("staff", user.email, user.role),
        session_id=row.id,
        user_id=user.id,
        needs_touch=now - row.last_seen_at >= TOUCH_PRECISION,
        valid_until=min(row.expires_at, idle_end),
        expires_at=row.expires_at,
    )


def touch_session(*, uow: UnitOfWork, session_id: int) -> None:
    uow.session.execute(
        update(StaffSession)
        .where(StaffSession.id == session_id, StaffSession.ended_at.is_(None))
        .values(last_seen_at=uow.now())
    )


def end_session(*, uow: UnitOfWork, clear: str, reason: str = "logout") -> bool:
    """End the session whose id the browser holds (sign-out); False when none was open."""
    row = uow.session.scalar(
        select(StaffSession).where(
            StaffSession.id_hash == digest(clear), StaffSession.ended_at.is_(None)
        )
    )
    if row is None:
        return False
    row.ended_at, row.end_reason = uow.now(), reason
    uow.audit("session.end", "staff_session", row.id, details={"reason": reason})
    return True


def end_user_sessions(*, uow: UnitOfWork, user_id: int, reason: str) -> int:
    """End every open session of a user (deactivation, role or password change)."""
    ended = uow.session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=uow.now(), end_reason=reason)
    ).rowcount  # type: ignore[attr-defined]
    if ended:
        uow.audit(
            "session.end_all", "staff_user", user_id, details={"reason": reason, "count": ended}
        )
    return int(ended)
