"""The audience filter: from a campaign's list of identities, who may be contacted and why
the others may not.

Set-based and vectorised: the purpose's current states and suppression entries are read
in a few queries (``audience_read``: batched by hash for a small list, one scan of the
purpose for a large one, read while the list is hashed), then every person is decided by
dictionary look-ups over whole lists: the states are turned into a few shared decisions
(one per given/basis/version/day), so a million addresses take seconds, not hours. Use
blockers other features register are asked in bulk, only about the people still allowed,
through their ``many`` (a callable ``(uow, refs, purpose) -> {ref: reason}``) when they
offer it, else about groups of hashes.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from garant.consent import rules, suppression
from garant.consent.audience_read import (
    Hashed,
    Reader,
    States,
    hash_identities,
    moment,
    moments,
    parse_key,
)
from garant.consent.check import _consent_based, _consent_purpose, _from_basis
from garant.consent.purposes import Activity, Purpose, catalog
from garant.consent.rules import Decision, State
from garant.store.uow import UnitOfWork

GROUP = 8000
INVALID = Decision(False, "not a valid identity", "invalid")


@dataclass
class AudienceResult:
    purpose: str
    rows: list[tuple[str, Decision]] = field(default_factory=list)
    _counted: tuple[int, list[tuple[Decision, int]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _by_decision(self) -> list[tuple[Decision, int]]:
        """How many rows share each decision object (counted by identity: decisions are
        shared, and hashing a dataclass a million times costs a second). Counted once
        for as many rows as were counted."""
        counted = self._counted
        if counted is not None and counted[0] == len(self.rows):
            return counted[1]
        decisions = list(map(itemgetter(1), self.rows))
        shared = dict(zip(map(id, decisions), decisions, strict=True))
        found = [(shared[k], n) for k, n in Counter(map(id, decisions)).items()]
        self._counted = (len(self.rows), found)
        return found

    @property
    def counts(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for decision, n in self._by_decision():
            found[decision.code] += n
        return found

    @property
    def allowed(self) -> int:
        return sum(n for d, n in self._by_decision() if d.allowed)

    @property
    def refused(self) -> int:
        return len(self.rows) - self.allowed

    def summary(self) -> dict[str, Any]:
        allowed = self.allowed
        return {
            "purpose": self.purpose,
            "total": len(self.rows),
            "allowed": allowed,
            "refused": len(self.rows) - allowed,
            "by_reason": dict(sorted(self.counts.items())),
        }


def filter_audience(
    *,
    uow: UnitOfWork,
    purpose: str,
    identities: Iterable[str],
    kind: str = "email",
    progress: Callable[[int], None] | None = None,
) -> AudienceResult:
    """Decide every identity for ``purpose``; the order and the input spelling are kept."""
    cat = catalog(uow.garant)
    target = cat.known(purpose)
    with _bulk():
        result = _filter(uow, target, _consent_purpose(cat, target), identities, kind, progress)
    uow.audit(
        "consent.audience",
        "consent_purpose",
        target.id,
        details={k: v for k, v in result.summary().items() if k != "purpose"},
    )
    return result


@contextmanager
def _bulk() -> Iterator[None]:
    """The cyclic garbage collector paused while millions of rows and strings are made
    (none of them forms a cycle): its passes over them took half the time on a million."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _filter(
    uow: UnitOfWork,
    target: Purpose | Activity,
    consent_purpose: Purpose | None,
    identities: Iterable[str],
    kind: str,
    progress: Callable[[int], None] | None,
) -> AudienceResult:
    consent_based = consent_purpose is not None or _consent_based(target)
    values = [raw.strip() for raw in identities]
    reader = Reader(
        uow,
        None if consent_purpose is None else consent_purpose.id,
        target.id if consent_based else None,
        len(values),
    )
    hashed = hash_identities(uow, kind, values, progress)
    states, suppressed = reader.result(hashed)
    decider = _Decider(uow, target, consent_purpose, states, suppressed)
    decisions = decider.all(hashed)
    _apply_blocks(uow, target.id, hashed, decisions)
    return AudienceResult(target.id, list(zip(values, decisions, strict=True)))


class _Decisions(dict[str | None, Decision]):
    """Shared decisions by state key (``given|basis|day|version``), made on first use: a
    decision depends on nothing else (the moment shows only as its day)."""

    def __init__(self, purpose: Purpose | None, default: Decision):
        super().__init__({None: default})
        self.purpose = purpose

    def __missing__(self, key: str | None) -> Decision:
        assert self.purpose is not None and key is not None
        given, basis, day, version = parse_key(key)
        state = State(given, basis, version, moment(day))
        found = self[key] = rules.decide(self.purpose, state)
        return found


def _day(raw: Any) -> str:
    return raw[:10] if isinstance(raw, str) else moment(raw).date().isoformat()


class _Decider:
    """Everything read once for the purpose; people are then decided by look-ups.

    Raw moments of one store compare as moments (fixed-width UTC text on SQLite, aware
    datetimes on PostgreSQL), so none is parsed to compare.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        target: Purpose | Activity,
        purpose: Purpose | None,
        states: States,
        suppressed: dict[str, Any],
    ):
        self.uow = uow
        self.purpose = purpose
        self.states = states
        self.suppressed = suppressed
        self.refused_on: dict[str, Decision] = {}
        if purpose is None:
            default = _from_basis(catalog(uow.garant), target, None, None, None)
        else:
            default = rules.decide(purpose, None)
        self.decisions = _Decisions(purpose, default)

    def all(self, hashed: Hashed) -> list[Decision]:
        refs = hashed.current
        keys = map(self.states.key_of.get, refs)  # type: ignore[arg-type]
        decisions = list(map(self.decisions.__getitem__, keys))
        for i in hashed.invalid:
            decisions[i] = INVALID
        if self.suppressed:
            self._suppressions(refs, decisions)
        if hashed.older:
            self._older_versions(hashed, decisions)
        return decisions

    def _older_versions(self, hashed: Hashed, decisions: list[Decision]) -> None:
        """After a rotation: people with a state or an entry under an older hash are decided
        from all their hashes (the newest state wins, as in the one-person check)."""
        key_of, supp = self.states.key_of, self.suppressed
        touched = sorted(
            {i for older in hashed.older for i, r in enumerate(older) if r in key_of or r in supp}
        )
        people = [
            [r for r in (*(o[i] for o in hashed.older), hashed.current[i]) if r] for i in touched
        ]
        with_state = [r for refs in people for r in refs if r in key_of]
        at_of = (
            moments(self.uow, self.purpose.id, with_state) if self.purpose and with_state else {}
        )
        for i, refs in zip(touched, people, strict=True):
            found = [r for r in refs if r in at_of]
            newest = max(found, key=at_of.__getitem__) if found else None
            decision = self.decisions[None if newest is None else key_of[newest]]
            if any(r in supp for r in refs):
                decision = self._suppression(decision, refs, at_of)
            decisions[i] = decision

    def _suppressions(self, refs: list[str | None], decisions: list[Decision]) -> None:
        """``_suppression`` for every listed hash under the current key, inlined (a tenth
        of a million-address list may be on the list)."""
        supp, at_of, refused = self.suppressed, self.states.at_of, self._refused
        for i, ref in [(i, r) for i, r in enumerate(refs) if r is not None and r in supp]:
            since = supp[ref]
            if decisions[i].code == "consent":
                at = at_of.get(ref)
                if at is not None and at > since:
                    continue
            decisions[i] = refused(since)

    def _refused(self, since: Any) -> Decision:
        """The refusal for an entry added at ``since`` (shared by every entry of a day)."""
        day = _day(since)
        refused = self.refused_on.get(day)
        if refused is None:
            refused = Decision(False, f"on the suppression list since {day}", "suppressed")
            self.refused_on[day] = refused
        return refused

    def _suppression(self, decision: Decision, refs: list[str], at_of: dict[str, Any]) -> Decision:
        """A newer explicit consent wins over an entry; otherwise the entry refuses."""
        since = max(self.suppressed[r] for r in refs if r in self.suppressed)
        if decision.code == "consent":
            given = [at_of[r] for r in refs if r in at_of]
            if given and max(given) > since:
                return decision
        return self._refused(since)


def _apply_blocks(uow: UnitOfWork, purpose: str, hashed: Hashed, decisions: list[Decision]) -> None:
    """Ask the use blockers only about the people still allowed: a refused person stays
    refused whatever a blocker says."""
    lists = [hashed.current, *hashed.older]
    allowed = [i for i, d in enumerate(decisions) if d.allowed]
    candidates = [r for refs in lists for i in allowed if (r := refs[i]) is not None]
    blocked = _bulk_blocks(uow, candidates, purpose)
    if not blocked:
        return
    for i in allowed:
        reason = next((blocked[r] for refs in lists if (r := refs[i]) in blocked), None)
        if reason is not None:
            decisions[i] = Decision(False, reason, "blocked")


def _bulk_blocks(uow: UnitOfWork, refs: list[str], purpose: str) -> dict[str, str]:
    """Blocked hashes with their reason, without one query per person.

    A blocker's ``many`` answers for all at once; a plain blocker answers "any of these
    hashes?", so it is asked about groups of hashes and only a group it blocks is split
    (restrictions are rare: a million hashes cost a few thousand queries, not a million).
    """
    blocked: dict[str, str] = {}
    for blocker in uow.garant.use_blockers:
        if blocker is suppression.blocker:
            continue
        many = getattr(blocker, "many", None)
        found = (
            many(uow, refs, purpose) if many is not None else _groups(uow, blocker, refs, purpose)
        )
        for ref, reason in found.items():
            blocked.setdefault(ref, reason)
    return blocked


def _groups(uow: UnitOfWork, blocker: Any, refs: list[str], purpose: str) -> dict[str, str]:
    found: dict[str, str] = {}
    pending = [refs[i : i + GROUP] for i in range(0, len(refs), GROUP)]
    while pending:
        group = pending.pop()
        reason = blocker(uow, group, purpose)
        if not reason:
            continue
        if len(group) == 1:
            found[group[0]] = reason
        else:
            half = len(group) // 2
            pending.extend((group[:half], group[half:]))
    return found
