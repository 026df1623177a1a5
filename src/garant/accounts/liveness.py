"""Whether a credential trusted a moment ago is still good: one indexed read, every request.

A lean surface (the consent check's fast path) keeps what it learnt when it verified a
staff session or an API token (who, which role, until when) so that it need not hash, join
and write on every call. What it must never keep is that the credential is *still open*:
a sign-out, a revoked token, a deactivated user or a changed role must be refused by every
server process from the very next request (issue 16), not when a cache next looks at the
store. So each use asks the store this one question, by primary key, on a kept connection:
is the row still open, its user active, with the same role (and, where the role requires
it, a second factor)? The statements are built once with SQLAlchemy Core and compiled once
for the store's dialect; ``LivenessReader`` runs them on a DBAPI connection of its own
(autocommit: each read sees the newest commit), which costs a few microseconds of CPU
where a SQLAlchemy execution inside a transaction cost about 150 (measured on the lean
path: 20 -> 180 us per answered check). Any error drops the connection and answers "not
alive": the request then goes to the app, which checks it in full.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Select, bindparam, select

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


class LivenessReader:
    """The liveness questions on one kept DBAPI connection (per server process)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.conn: Any = None
        self.driver: Any = None
        self.compiled: dict[int, tuple[str, tuple[str, ...] | None]] = {}

    def alive(self, check: Liveness) -> bool:
        with self.lock:
            try:
                sql, order = self._compiled(check.statement)
                params = {"row": check.row, "role": check.role}
                args = [params[n] for n in order] if order is not None else params
                cursor = self._connection().execute(sql, args)
                try:
                    return cursor.fetchone() is not None
                finally:
                    cursor.close()
            except Exception:  # any failure: not trusted, the app decides
                self.close()
                return False

    def _compiled(self, statement: Select[Any]) -> tuple[str, tuple[str, ...] | None]:
        found = self.compiled.get(id(statement))
        if found is None:
            compiled = statement.compile(dialect=self.engine.dialect)
            order = compiled.positiontup
            found = self.compiled[id(statement)] = (
                str(compiled),
                tuple(order) if order else None,
            )
        return found

    def _connection(self) -> Any:
        """The driver's own connection (sqlite3, psycopg), without the pool's wrapper."""
        if self.conn is None:
            self.conn = self.engine.raw_connection()
            self.driver = self.conn.driver_connection
            if self.engine.dialect.name == "postgresql":
                self.driver.autocommit = True
        return self.driver

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.invalidate()
            except Exception:  # already broken
                pass
            self.conn = None


class AsyncLivenessReader(LivenessReader):
    """On PostgreSQL: the same question on an asyncio psycopg connection, awaited in the
    event loop (no thread hop, which cost about 350 us of CPU a check; the loop serves
    other requests during the round trip). A connection serves the loop that opened it;
    another loop (a test client's) opens its own."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.aconn: Any = None
        self.alock: asyncio.Lock | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def alive_async(self, check: Liveness) -> bool:
        import psycopg

        loop = asyncio.get_running_loop()
        if self.alock is None or self.loop is not loop:  # a connection serves one loop
            if self.aconn is not None:
                self.aconn.pgconn.finish()  # closed at once, without the other loop
            self.alock, self.loop, self.aconn = asyncio.Lock(), loop, None
        async with self.alock:
            try:
                sql, _ = self._compiled(check.statement)
                if self.aconn is None or self.aconn.closed:
                    url = self.engine.url.set(drivername="postgresql")
                    self.aconn = await psycopg.AsyncConnection.connect(
                        url.render_as_string(hide_password=False), autocommit=True
                    )
                cursor = await self.aconn.execute(sql, {"row": check.row, "role": check.role})
                return await cursor.fetchone() is not None
            except Exception:  # any failure: not trusted, the app decides
                await self.aclose()
                return False

    async def aclose(self) -> None:
        if self.aconn is not None:
            try:
                await self.aconn.close()
            except Exception:  # already broken
                pass
            self.aconn = None
