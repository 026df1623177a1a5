"""Count attempts where every server process sees them: in the store, committed at once.

A throttle must hold when the caller's transaction rolls back (a wrong code raises) and
across server processes, so each counted hit is written and committed in its own short
transaction on the store's engine, never in the caller's unit of work. On SQLite that
transaction takes the write lock: call these functions before opening a writing unit of
work or after it ends, never inside one (it would wait on the caller's lock).

Keys are keyed hashes (``garant.keys``, purpose ``throttle.key``) of the value given, so
the table holds no address, IP or identity in clear. Normalize the value before calling
(lower-case an email): the hash is of the text as given.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Table, delete, insert, select

from garant.throttle.models import ThrottleHit
from garant.throttle.rules import Rule, Verdict, verdict

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.keys.keyring import KeyRing

KEY_PURPOSE = "throttle.key"
HITS: Table = ThrottleHit.__table__  # type: ignore[assignment]


def key_of(keys: KeyRing, scope: str, value: str) -> str:
    """The keyed hash that stands for ``value`` in ``scope`` (never the value itself)."""
    return keys.keyed_hash(KEY_PURPOSE, f"{scope}|{value}")


def _times(garant: Garant, rule: Rule, key: str, now: datetime) -> list[datetime]:
    query = select(HITS.c.at).where(
        HITS.c.scope == rule.scope, HITS.c.key_hash == key, HITS.c.at > now - rule.window
    )

    def read(conn: Connection) -> list[datetime]:
        return [row[0] for row in conn.execute(query)]

    return garant.store.read(read)


def peek(garant: Garant, rule: Rule, value: str) -> Verdict:
    """Whether a hit would be allowed now, without counting one."""
    now = garant.clock.now()
    times = _times(garant, rule, key_of(garant.keys, rule.scope, value), now)
    return verdict(times, now=now, rule=rule, counted=False)


def hit(garant: Garant, rule: Rule, value: str) -> Verdict:
    """Count one attempt (committed before this returns) and say whether it is allowed.

    A hit over the limit is answered without being stored, so a flood does not grow the
    table. Two processes racing at the limit both count theirs, then each re-reads the
    committed hits: at most ``limit`` of them are ever allowed in a window.
    """
    now = garant.clock.now()
    key = key_of(garant.keys, rule.scope, value)
    before = verdict(_times(garant, rule, key, now), now=now, rule=rule, counted=False)
    if not before.allowed:
        return before
    with garant.store.engine.begin() as conn:
        conn.execute(delete(HITS).where(HITS.c.scope == rule.scope, HITS.c.at <= now - rule.window))
        conn.execute(insert(HITS).values(scope=rule.scope, key_hash=key, at=now))
    return verdict(_times(garant, rule, key, now), now=now, rule=rule, counted=True)


def reset(garant: Garant, rule: Rule, value: str) -> None:
    """Forget a key's hits (a proof that succeeded may start afresh)."""
    key = key_of(garant.keys, rule.scope, value)
    with garant.store.engine.begin() as conn:
        conn.execute(delete(HITS).where(HITS.c.scope == rule.scope, HITS.c.key_hash == key))


__all__ = ["Rule", "Verdict", "hit", "key_of", "peek", "reset"]
