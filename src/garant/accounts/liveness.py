"""Whether a credential trusted a moment ago is still good: one indexed read, every request.

A lean surface (the consent check's fast path) keeps what it learnt when it verified a
staff session or an API token (who, which role, until when) so that it need not hash, join
and write on every call. What it must never keep is that the credential is *still open*:
a sign-out, a revoked token, a deactivated user or a changed role must be refused by every
server process from the very next request (issue 16), not when a cache next looks at the
store. So each use asks the store this one question, by primary key, on a kept connection:
is the row still open, its user active, with the same role (and, where the role requires
it, a second factor)? The statements are built once; only their parameters change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, bindparam, select

from garant.accounts.models import ApiToken, StaffSession, StaffUser

_SESSION = (
    select(StaffSession.id)
    .join(StaffUser, StaffUser.id == StaffSession.user_id)
    .where(
        StaffSession.id == bindparam("row"),
        StaffSession.ended_at.is_(None),
        StaffUser.active.is_(True),
        StaffUser.role == StaffSession.role,
        StaffUser.role == bindparam("role"),
    )
)
_SESSION_WITH_FACTOR = _SESSION.where(StaffUser.totp_enabled_at.is_not(None))
_TOKEN = (
    select(ApiToken.id)
    .join(StaffUser, StaffUser.id == ApiToken.user_id)
    .where(
        ApiToken.id == bindparam("row"),
        ApiToken.revoked_at.is_(None),
        StaffUser.active.is_(True),
        StaffUser.role == bindparam("role"),
    )
)


@dataclass(frozen=True)
class Liveness:
    """The question to ask the store before trusting a remembered credential again."""

    statement: Select[Any]
    row: int
    role: str

    def alive(self, conn: Connection) -> bool:
        found = conn.execute(self.statement, {"row": self.row, "role": self.role}).first()
        return found is not None


def of_session(session_id: int, role: str, *, needs_factor: bool) -> Liveness:
    """A staff session: not ended, its user active with the role it was opened with (and a
    second factor when ``[web] require_2fa`` asks one of that role)."""
    return Liveness(_SESSION_WITH_FACTOR if needs_factor else _SESSION, session_id, role)


def of_token(token_id: int, role: str) -> Liveness:
    """An API token: not revoked, its user active with the role the token acted with."""
    return Liveness(_TOKEN, token_id, role)
