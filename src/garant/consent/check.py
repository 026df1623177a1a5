""" "May this person's data be used for this purpose now?" with the reason.

The answer weighs, in order: every use blocker other features register (restriction,
AF-D6), the suppression list (AF-D5, AF-R7), purpose compatibility (AF-P2: data collected
for A is not used for an incompatible B without consent for B), then the legal basis of
the activity or the consent ledger for a consent purpose.

Answers are cached in the process (only on the system clock). The cache is trusted only
while nothing changed in the store: every action on personal data writes an audit event,
so the audit chain's head is a change counter for all features (a withdrawal, an
objection, a restriction). Each process reads it at most every ``POLL_SECONDS`` and drops
its cache when it moved; a write in the process drops it at once. A withdrawal is thus
honoured everywhere well within one second; an answer is never kept beyond
``MAX_AGE_SECONDS`` whatever happens (dates that pass, a policy reloaded).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from garant.audit.models import AuditHead
from garant.clock import SystemClock
from garant.consent import facts, suppression
from garant.consent.purposes import Activity, Catalog, Purpose, catalog
from garant.consent.rules import Decision, State, decide
from garant.consent.service import Identity, clean_identity, current, refs_of
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

POLL_SECONDS = 0.2
MAX_AGE_SECONDS = 30.0
CACHE_MAX = 200_000
_HEAD = select(AuditHead.seq).where(AuditHead.id == 1)

__all__ = ["Decision", "cached_decision", "may_disclose", "may_use", "may_use_reading"]


class DecisionCache:
    """Decisions by (identity, purpose, collected-for), valid while the audit head stands."""

    def __init__(self) -> None:
        self.entries: dict[tuple[object, ...], tuple[float, Decision]] = {}
        """Each decision with the moment it expires."""
        self.lock = threading.Lock()
        self.checked_at = 0.0
        self.head: int | None = None
        self.policy: object = None
        self.generation = 0
        """Bumped by every ``clear``: what other caches checked against this one is stale."""

    def validate(self, conn: Connection, policy: object) -> None:
        """Drop everything if the store changed since the last look (at most every 0.2 s)."""
        now = time.monotonic()
        if now - self.checked_at < POLL_SECONDS:
            return
        head = conn.execute(_HEAD).scalar()
        if head != self.head or policy is not self.policy:
            self.clear()
            self.head, self.policy = head, policy
        self.checked_at = now

    def fresh(self) -> bool:
        """Validated less than ``POLL_SECONDS`` ago: a hit may be answered without the store."""
        return time.monotonic() - self.checked_at < POLL_SECONDS

    def get(self, key: tuple[object, ...]) -> Decision | None:
        hit = self.entries.get(key)
        if hit is None or time.monotonic() > hit[0]:
            return None
        return hit[1]

    def put(self, key: tuple[object, ...], decision: Decision) -> None:
        with self.lock:
            if len(self.entries) >= CACHE_MAX:
                self.entries.clear()
            self.entries[key] = (time.monotonic() + expiry_after(), decision)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.checked_at = 0.0
            self.generation += 1


def expiry_after() -> float:
    """Between half and all of ``MAX_AGE_SECONDS``, at random: answers cached in one burst
    (a campaign warming up) then expire spread out, not all in the same instant, when the
    store would have to answer them all at once (a stall of a second was measured)."""
    return MAX_AGE_SECONDS * (0.5 + random.random() / 2)


def cache_for(garant: Garant) -> DecisionCache | None:
    """Only a live clock caches: under ``--as-of`` or a test clock every check reads the store."""
    if not isinstance(garant.clock, SystemClock):
        return None
    cache = garant.extensions.get("consent.cache")
    if cache is None:
        cache = garant.extensions["consent.cache"] = DecisionCache()
    return cache


def cached_decision(
    garant: Garant, identity: Identity, purpose: str, collected_for: str | None = None
) -> Decision | None:
    """The cached answer ``may_use`` would give, only while the cache needs no look at the
    store (validated within ``POLL_SECONDS``); ``None`` means: ask ``may_use``."""
    cache = cache_for(garant)
    if cache is None or not cache.fresh():
        return None
    return cache.get((tuple(identity), purpose, collected_for))


def may_use(
    *, uow: UnitOfWork, identity: Identity, purpose: str, collected_for: str | None = None
) -> Decision:
    """Decide for one person and one purpose (a consent purpose or an activity id).

    The cache is looked up by the identity as given, before any hashing: a hit costs a
    dictionary lookup. Only answers for known purposes and valid identities are stored.
    """
    decision = _answer(uow.garant, uow.session.connection, uow, identity, purpose, collected_for)
    assert decision is not None  # with a unit of work every blocker can be asked
    return decision


def may_use_reading(
    garant: Garant, conn: Connection, identity: Identity, purpose: str, collected_for: str | None
) -> Decision | None:
    """``may_use`` on a reading connection (``Store.read``), without a unit of work: the
    same answer, or ``None`` when a use blocker may apply (asking it needs a unit of work).
    For the web's lean path, where a unit of work would cost more than the check."""
    return _answer(garant, lambda: conn, None, identity, purpose, collected_for)


def _answer(
    garant: Garant,
    connection: Callable[[], Connection],
    uow: UnitOfWork | None,
    identity: Identity,
    purpose: str,
    collected_for: str | None,
) -> Decision | None:
    cache = cache_for(garant)
    key = (tuple(identity), purpose, collected_for)
    if cache is not None:
        if not cache.fresh():
            cache.validate(connection(), garant.policy)
        hit = cache.get(key)
        if hit is not None:
            return hit
    cat = catalog(garant)
    target = cat.known(purpose)
    if collected_for is not None:
        cat.known(collected_for)
    refs = refs_of(garant.keys, clean_identity(identity))
    decision = evaluate(garant, connection(), uow, cat, refs, target, collected_for)
    if cache is not None and decision is not None:
        cache.put(key, decision)
    return decision


def evaluate(
    garant: Garant,
    conn: Connection,
    uow: UnitOfWork | None,
    cat: Catalog,
    refs: list[str],
    target: Purpose | Activity,
    collected_for: str | None,
) -> Decision | None:
    """Every use blocker first, then the basis or the ledger, then the suppression list;
    the store read once (``facts``). ``None``: a blocker must be asked and ``uow`` is none."""
    asked = [
        (b, getattr(b, "probe", None)) for b in garant.use_blockers if b is not suppression.blocker
    ]
    probes = [p for _, p in asked if p is not None]
    purpose = _consent_purpose(cat, target)
    suppressible = purpose is not None or _consent_based(target)
    found = facts.read(
        conn,
        probes,
        refs,
        purpose=None if purpose is None else purpose.id,
        names=sorted(suppression.covering(cat, target.id)) if suppressible else None,
        now=garant.clock.now(),
    )
    hits = iter([i in found.probed for i in range(len(probes))])
    for blocker, probe in asked:
        if probe is not None and not next(hits):
            continue
        if uow is None:
            return None
        reason = blocker(uow, refs, target.id)
        if reason:
            return Decision(False, reason, "blocked")
    decision = _from_basis(cat, target, purpose, found.state, collected_for)
    entry = found.entry
    if not suppressible or entry is None:
        return decision
    if decision.code == "consent" and _newer_consent(found.state, entry.added_at):
        return decision
    return Decision(False, suppression.reason_of(entry), "suppressed")


def _consent_purpose(cat: Catalog, target: Purpose | Activity) -> Purpose | None:
    if isinstance(target, Purpose):
        return target
    if target.consent_purpose:
        return cat.purposes.get(target.consent_purpose)
    return None


def _consent_based(target: Purpose | Activity) -> bool:
    return isinstance(target, Purpose) or target.legal_basis == "consent"


def _newer_consent(state: State | None, since: datetime) -> bool:
    """An explicit consent given after a general objection wins for its own purpose."""
    return state is not None and state.given and state.basis == "consent" and state.at > since


def _compatible(cat: Catalog, collected_for: str, target: Purpose | Activity) -> bool:
    """AF-P2: the same activity, or one the policy declares compatible (Art. 6(4) GDPR)."""
    source, goal = cat.activity_of(collected_for), cat.activity_of(target.id)
    if collected_for == target.id or (source is not None and source == goal):
        return True
    goal_activity = cat.activities.get(goal or "")
    source_activity = cat.activities.get(source or "")
    return bool(
        (goal_activity and collected_for in goal_activity.compatible_with)
        or (source_activity and target.id in source_activity.compatible_with)
        or (source_activity and goal and goal in source_activity.compatible_with)
    )


def _from_basis(
    cat: Catalog,
    target: Purpose | Activity,
    purpose: Purpose | None,
    state: State | None,
    collected_for: str | None,
) -> Decision:
    """What the legal basis, or the ledger's ``state`` for the consent purpose, allows."""
    if collected_for is not None and not _compatible(cat, collected_for, target):
        if purpose is None:
            return Decision(
                False,
                f'data collected for "{collected_for}" may not be used for "{target.id}": '
                "the purposes are not compatible and no consent purpose covers it",
                "incompatible_purpose",
            )
        found = decide(purpose, state, formal=True)
        if not found.allowed:
            return Decision(
                False,
                f'data collected for "{collected_for}" needs prior consent for '
                f'"{target.id}" (AF-P2): {found.reason}',
                "incompatible_purpose",
            )
        return found
    if purpose is not None:
        return decide(purpose, state)
    assert isinstance(target, Activity)
    if target.legal_basis == "consent":
        return Decision(
            False,
            f'activity "{target.id}" relies on consent but names no consent purpose',
            "no_consent_purpose",
        )
    return Decision(
        True, f'legal basis: {target.legal_basis} (activity "{target.id}")', "legal_basis"
    )


def may_disclose(*, uow: UnitOfWork, identity: Identity, purpose: str, recipient: str) -> Decision:
    """DEF-S1: passing data to a third party for its own purposes needs formal consent.

    A soft opt-in or a B2B opt-out never suffices; the decision is audited with the recipient.
    """
    cat = catalog(uow.garant)
    target = cat.purpose(purpose)
    refs = refs_of(uow.keys, clean_identity(identity))
    state = current(uow, refs, target.id)
    decision = decide(target, state, formal=True)
    if decision.allowed:
        entry = suppression.matching(uow, refs, target.id)
        if entry is not None and not _newer_consent(state, entry.added_at):
            decision = Decision(False, suppression.reason_of(entry), "suppressed")
    uow.audit(
        "consent.disclosure_check",
        "consent_purpose",
        target.id,
        subject_ref=refs[-1],
        details={"recipient": recipient, "allowed": decision.allowed, "code": decision.code},
    )
    return decision
