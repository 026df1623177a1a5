"""A lean path for ``GET /api/consent/check``: the use check at a web site's rate.

A campaign tool or a web shop asks the check for every page or send, a thousand times a
second. Through the whole FastAPI stack (session and language middleware, dependencies
run in the thread pool, a unit of work per request) one check costs about a millisecond
of CPU; here it costs a few dozen microseconds. This ASGI middleware answers only the
plain case (a GET with ``purpose``, ``value`` and optionally ``kind`` and
``collected_for``, a staff session or an API token whose role may read consents) with
exactly the status, body and headers the route would give; everything else (no or bad
credentials, a role that may not, an unknown purpose, a bad identity, other parameters)
goes on to the app unchanged, which answers as it always did.

The answer comes from the consent check's in-process cache while it is fresh (validated
against the store within ``check.POLL_SECONDS``), without a thread hop; otherwise the
check is read in one statement on a kept connection (``may_use_reading`` on
``Store.read``; a unit of work only when a use blocker must be asked): in the event loop on
SQLite (a WAL read waits on nobody), in at most two threads of the pool on PostgreSQL. So a
withdrawal, an objection or a restriction is honoured by every process within the same
0.2 s as any other check. An API token or a staff session is verified in the store once
(its hash, its user, its last use noted), then remembered while nothing was written to
the store and at most until its last use must be noted again (once a minute, as the
platform does) or the session would time out; but whether it is still open is asked of
the store on every request (``garant.accounts.liveness``: one read by primary key, in the
same statement's connection as an uncached check), so a sign-out, a revoked token, a
deactivated or re-roled user is refused by every process from the next request on.
"""

from __future__ import annotations

import hashlib
import json
import time
from base64 import b64decode
from dataclasses import dataclass
from functools import partial
from urllib.parse import parse_qsl

import itsdangerous
from anyio import CapacityLimiter, Lock, to_thread
from sqlalchemy import Connection
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from garant.accounts import liveness
from garant.accounts.liveness import AsyncLivenessReader, Liveness, LivenessReader
from garant.accounts.roles import Permission, allows
from garant.accounts.service import TOKEN_USE_PRECISION, check_token, note_token_use
from garant.accounts.sessions import SessionLimits, check_session, touch_session
from garant.app import Garant
from garant.consent.check import (
    DecisionCache,
    cache_for,
    cached_decision,
    may_use,
    may_use_reading,
)
from garant.consent.rules import Decision
from garant.consent.schemas import DecisionRead
from garant.errors import GarantError
from garant.store.uow import Actor, UnitOfWork

PATH = "/api/consent/check"
PARAMS = frozenset({"purpose", "value", "kind", "collected_for"})
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]
TOKENS_MAX = 10_000
STORE_THREADS = 2
"""Checks that read the store in the thread pool use at most this many threads: within
the connection pool's kept connections (five), so that a burst of uncached checks reuses
connections instead of opening and closing one each; more threads only fight for the GIL
(measured: 2 threads gave the most uncached checks a second on PostgreSQL)."""


_UNTRUSTED = object()
SESSION_PREFIX = "session:"


class _NeedsThread(Exception):
    """This check must write (a token's last use): not in the event loop."""


@dataclass(frozen=True)
class Ask:
    """A check request in its plain form."""

    purpose: str
    kind: str
    value: str
    collected_for: str | None

    @property
    def identity(self) -> tuple[str, str]:
        return (self.kind, self.value)


def parse_ask(query: bytes) -> Ask | None:
    """The request's parameters, or ``None`` when the route must judge them itself."""
    try:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    params = dict(pairs)
    if len(params) != len(pairs) or not PARAMS.issuperset(params):
        return None
    if "purpose" not in params or "value" not in params:
        return None
    return Ask(
        params["purpose"], params.get("kind", "email"), params["value"], params.get("collected_for")
    )


class ConsentCheckFastPath:
    """ASGI middleware in front of the app; see the module's docstring."""

    def __init__(
        self,
        app: ASGIApp,
        garant: Garant,
        secret_key: str,
        session_cookie: str,
        max_age: int | None,
    ) -> None:
        self.app = app
        self.garant = garant
        self.signer = itsdangerous.TimestampSigner(secret_key)
        self.session_cookie = session_cookie
        self.max_age = max_age
        self.tokens: dict[bytes, tuple[int, float, Actor, Liveness]] = {}
        self.bodies: dict[tuple[Decision, str], bytes] = {}
        self.limiter: CapacityLimiter | None = None  # made in the event loop, on first use
        self.refreshing: Lock | None = None
        self.liveness = (
            LivenessReader(garant.store.engine)
            if garant.store.backend == "sqlite"
            else AsyncLivenessReader(garant.store.engine)
        )
        self.inline = garant.store.backend == "sqlite"
        """On SQLite (WAL) a read never waits on a writer and costs tens of microseconds:
        an uncached check reads in the event loop itself, which doubled the uncached rate
        measured (threads fight for the GIL at every statement). On PostgreSQL the reads
        cross the network: they go to the thread pool."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PATH and scope["method"] == "GET":
            body = await self._answer(scope)
            if body is not None:
                await _respond(send, body)
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope) -> bytes | None:
        ask = parse_ask(scope["query_string"])
        cache = cache_for(self.garant)
        if ask is None or cache is None:
            return None
        headers = _headers(scope)
        bearer = _bearer(headers.get(b"authorization", b""))
        if bearer is None:
            bearer = self._session_credential(headers)
        if bearer is None:
            return None
        await self._refresh(cache)
        trusted = self._trusted(bearer, cache)  # under the fresh head only
        actor = trusted[0] if trusted is not None else None
        if actor is not None and not allows(actor.role, Permission.CONSENT_READ):
            return None
        decision = None
        if trusted is not None:
            decision = cached_decision(self.garant, ask.identity, ask.purpose, ask.collected_for)
            if decision is not None and not (
                self.liveness.alive(trusted[1]) if self.inline else await self._alive(trusted[1])
            ):
                self.tokens.pop(_digest(bearer), None)
                return None  # ended or revoked: the app refuses it as it always does
        if decision is None:
            found = await self._store_check(ask, actor, bearer, cache)
            if found is None:
                return None
            actor, decision = found
        return self._body(decision, ask.purpose)

    async def _refresh(self, cache: DecisionCache) -> None:
        """Validate the cache against the store when its 0.2 s have passed: one request
        does it while the others wait for it, then all answer from memory (without this,
        every request arriving meanwhile took its own unit of work, and on PostgreSQL a
        backlog outlived the next 0.2 s: stalls of a second)."""
        if cache.fresh():
            return
        if self.refreshing is None:
            self.refreshing = Lock()
        async with self.refreshing:
            if cache.fresh():
                return
            if self.inline:
                self._validate(cache)
            else:
                await to_thread.run_sync(self._validate, cache, limiter=self._limiter())

    def _validate(self, cache: DecisionCache) -> None:
        self.garant.store.read(lambda conn: cache.validate(conn, self.garant.policy))

    async def _alive(self, check: Liveness) -> bool:
        """Whether the remembered credential is still open, asked of the store now: on
        SQLite in the event loop (a read waits on nobody), on PostgreSQL awaited on an
        asyncio connection (a thread hop cost more than the read)."""
        if isinstance(self.liveness, AsyncLivenessReader):
            return await self.liveness.alive_async(check)
        return await to_thread.run_sync(self.liveness.alive, check, limiter=self._limiter())

    def _limiter(self) -> CapacityLimiter:
        if self.limiter is None:
            self.limiter = CapacityLimiter(STORE_THREADS)
        return self.limiter

    async def _store_check(
        self, ask: Ask, actor: Actor | None, bearer: str | None, cache: DecisionCache
    ) -> tuple[Actor, Decision] | None:
        try:
            if not self.inline or actor is None:
                raise _NeedsThread
            return self._check(ask, actor, bearer, cache, inline=True)
        except _NeedsThread:
            return await to_thread.run_sync(
                self._check, ask, actor, bearer, cache, False, limiter=self._limiter()
            )

    def _session_credential(self, headers: dict[bytes, bytes]) -> str | None:
        """``session:<id>`` for the staff session in the cookie, read as the session
        middleware reads it; verified in the store like a token."""
        raw = headers.get(b"cookie")
        if raw is None:
            return None
        value = cookie_parser(raw.decode("latin-1")).get(self.session_cookie)
        if value is None:
            return None
        try:
            data = json.loads(b64decode(self.signer.unsign(value, max_age=self.max_age)))
            sid = data.get("sid")
            return SESSION_PREFIX + sid if isinstance(sid, str) and sid else None
        except (itsdangerous.BadSignature, ValueError, TypeError, AttributeError):
            return None

    def _trusted(self, token: str, cache: DecisionCache) -> tuple[Actor, Liveness] | None:
        """Who a remembered credential acts for and how to ask whether it is still open."""
        entry = self.tokens.get(_digest(token))
        if entry is None or entry[0] != cache.generation or time.monotonic() >= entry[1]:
            return None
        return entry[2], entry[3]

    def _check(
        self,
        ask: Ask,
        actor: Actor | None,
        bearer: str | None,
        cache: DecisionCache,
        inline: bool = False,
    ) -> tuple[Actor, Decision] | None:
        """The token verified again if the store changed since it was trusted, then the
        check, read in one statement on a kept connection (``Store.read``); a unit of work
        only when a use blocker must be asked. ``inline`` (in the event loop): only reads;
        a token to verify (which may write its last use) raises ``_NeedsThread``."""
        try:
            if actor is not None:
                read = self.garant.store.read(partial(self._read, ask, actor, bearer, cache))
                if isinstance(read, Decision):
                    return actor, read
                if read is _UNTRUSTED:
                    actor = None
            if actor is None:
                if inline:
                    raise _NeedsThread
                assert bearer is not None
                actor = self._verify(bearer, cache)
            with self.garant.unit_of_work(read_only=True) as uow:
                return self._decide(uow, ask, actor)
        except GarantError:
            return None  # the app gives the error its usual answer

    def _read(
        self, ask: Ask, actor: Actor, bearer: str | None, cache: DecisionCache, conn: Connection
    ) -> Decision | object | None:
        """The decision; ``_UNTRUSTED`` when the token must be verified again; ``None`` when
        a unit of work must decide (a use blocker to ask)."""
        if bearer is not None:
            cache.validate(conn, self.garant.policy)
            trusted = self._trusted(bearer, cache)
            if trusted is None or not trusted[1].alive(conn):
                return _UNTRUSTED
        if not allows(actor.role, Permission.CONSENT_READ):
            return None
        return may_use_reading(self.garant, conn, ask.identity, ask.purpose, ask.collected_for)

    @staticmethod
    def _decide(uow: UnitOfWork, ask: Ask, actor: Actor) -> tuple[Actor, Decision] | None:
        if not allows(actor.role, Permission.CONSENT_READ):
            return None
        decision = may_use(
            uow=uow, identity=ask.identity, purpose=ask.purpose, collected_for=ask.collected_for
        )
        return actor, decision

    def _verify(self, token: str, cache: DecisionCache) -> Actor:
        """Check the token in the store and note its use as the platform does (at most once a
        minute), then trust it until the next note is due or the store changes."""
        if token.startswith(SESSION_PREFIX):
            return self._verify_session(token, cache)
        with self.garant.unit_of_work(read_only=True) as uow:
            # first: a change after this read bumps the generation
            cache.validate(uow.session.connection(), self.garant.policy)
            generation = cache.generation
            use = check_token(uow=uow, clear=token)
            now = uow.now()
        if use.needs_note or use.last_used_at is None:
            with self.garant.unit_of_work() as uow:
                note_token_use(uow=uow, token_id=use.token_id)
            left = TOKEN_USE_PRECISION.total_seconds()
        else:
            left = (TOKEN_USE_PRECISION - (now - use.last_used_at)).total_seconds()
        return self._trust(
            token,
            generation,
            left,
            use.actor,
            liveness.of_token(use.token_id, use.actor.role or ""),
        )

    def _verify_session(self, credential: str, cache: DecisionCache) -> Actor:
        """As a token: the session's row read with its user, its activity noted at most once a
        minute, trusted until then, until it would time out, or until the store changes."""
        limits = SessionLimits.of(self.garant.settings)
        with self.garant.unit_of_work(read_only=True) as uow:
            cache.validate(uow.session.connection(), self.garant.policy)
            generation = cache.generation
            clear = credential.removeprefix(SESSION_PREFIX)
            use = check_session(uow=uow, clear=clear, limits=limits)
            now = uow.now()
        until = use.valid_until
        if use.needs_touch:
            with self.garant.unit_of_work() as uow:
                touch_session(uow=uow, session_id=use.session_id)
            until = min(use.expires_at, now + limits.idle)
        left = min(TOKEN_USE_PRECISION, until - now).total_seconds()
        needs_factor = use.actor.role in limits.second_factor_roles
        check = liveness.of_session(use.session_id, use.actor.role or "", needs_factor=needs_factor)
        return self._trust(credential, generation, left, use.actor, check)

    def _trust(
        self, token: str, generation: int, left: float, actor: Actor, check: Liveness
    ) -> Actor:
        if len(self.tokens) >= TOKENS_MAX:
            self.tokens.clear()
        self.tokens[_digest(token)] = (generation, time.monotonic() + left, actor, check)
        return actor

    def _body(self, decision: Decision, purpose: str) -> bytes:
        key = (decision, purpose)
        body = self.bodies.get(key)
        if body is None:
            read = DecisionRead(
                allowed=decision.allowed,
                reason=decision.reason,
                code=decision.code,
                purpose=purpose,
            )
            body = read.model_dump_json().encode()
            if len(self.bodies) >= TOKENS_MAX:
                self.bodies.clear()
            self.bodies[key] = body
        return body


def _headers(scope: Scope) -> dict[bytes, bytes]:
    found: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        found.setdefault(name.lower(), value)
    return found


def _bearer(header: bytes) -> str | None:
    """As ``garant.web.deps``: ``Bearer <token>``, case-insensitive scheme."""
    text = header.decode("latin-1")
    if text.lower().startswith("bearer "):
        return text[7:].strip() or None
    return None


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


async def _respond(send: Send, body: bytes) -> None:
    headers = [
        (b"content-length", str(len(body)).encode()),
        (b"content-type", b"application/json"),
        *SECURITY_HEADERS,
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
