"""The audience filter: from a campaign's list of identities, who may be contacted and why
the others may not.

Set-based: the purpose's current states and suppression entries are read in a few queries
(batched by identity for a small list, one scan of the purpose for a large one), then each
identity is hashed and decided in memory; a million addresses take seconds, not hours.
Use blockers other features register are asked in bulk when they offer ``many`` (a
callable ``(uow, refs, purpose) -> {ref: reason}``), else one identity at a time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from garant.consent import rules, suppression
from garant.consent.check import _consent_based, _consent_purpose
from garant.consent.models import ConsentCurrent, SuppressionEntry
from garant.consent.purposes import Activity, Purpose, catalog
from garant.consent.rules import Decision, State
from garant.store.uow import SUBJECT_PURPOSE, UnitOfWork, normalize_identity

BATCH = 2000
SCAN_ABOVE = 20_000
INVALID = Decision(False, "not a valid identity", "invalid")


@dataclass
class AudienceResult:
    purpose: str
    rows: list[tuple[str, Decision]] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(d.code for _, d in self.rows)

    @property
    def allowed(self) -> int:
        return sum(1 for _, d in self.rows if d.allowed)

    @property
    def refused(self) -> int:
        return len(self.rows) - self.allowed

    def summary(self) -> dict[str, Any]:
        return {
            "purpose": self.purpose,
            "total": len(self.rows),
            "allowed": self.allowed,
            "refused": self.refused,
            "by_reason": dict(sorted(self.counts.items())),
        }


class _Hasher:
    """The person's keyed hashes under every live key version, as ``uow.subject_refs``."""

    def __init__(self, uow: UnitOfWork):
        self.keys = [
            (f"v{v}:", uow.keys.derive(SUBJECT_PURPOSE, v)) for v in sorted(uow.keys.masters)
        ]

    def refs(self, kind: str, value: str) -> list[str]:
        message = normalize_identity(kind, value).encode()
        return [p + hmac.digest(k, message, hashlib.sha256).hex() for p, k in self.keys]


def _valid(kind: str, value: str) -> bool:
    return bool(value) and (kind != "email" or ("@" in value and " " not in value.strip()))


def _states(uow: UnitOfWork, purpose: str, refs: list[str]) -> dict[str, State]:
    columns = (
        ConsentCurrent.subject_ref,
        ConsentCurrent.given,
        ConsentCurrent.basis,
        ConsentCurrent.purpose_version,
        ConsentCurrent.at,
    )
    query = select(*columns).where(ConsentCurrent.purpose == purpose)
    if len(refs) > SCAN_ABOVE:
        chunks: list[Any] = [query]
    else:
        chunks = [
            query.where(ConsentCurrent.subject_ref.in_(refs[i : i + BATCH]))
            for i in range(0, len(refs), BATCH)
        ]
    found: dict[str, State] = {}
    for chunk in chunks:
        for ref, given, basis, version, at in uow.session.execute(chunk):
            found[ref] = State(given, basis, version, at)
    return found


def _suppressed(uow: UnitOfWork, purpose: str) -> dict[str, datetime]:
    names = suppression.covering(catalog(uow.garant), purpose)
    rows = uow.session.execute(
        select(SuppressionEntry.subject_ref, SuppressionEntry.added_at).where(
            SuppressionEntry.purpose.in_(names),
            SuppressionEntry.lifted_at.is_(None),
            SuppressionEntry.expires_at > uow.now(),
        )
    )
    found: dict[str, datetime] = {}
    for ref, added in rows:
        found[ref] = max(added, found.get(ref, added))
    return found


def _bulk_blocks(uow: UnitOfWork, refs: list[str], purpose: str) -> dict[str, str]:
    blocked: dict[str, str] = {}
    for blocker in uow.garant.use_blockers:
        many = getattr(blocker, "many", None)
        if blocker is suppression.blocker or many is None:
            continue
        for ref, reason in many(uow, refs, purpose).items():
            blocked.setdefault(ref, reason)
    return blocked


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
    hasher = _Hasher(uow)
    people: list[tuple[str, list[str] | None]] = []
    for n, raw in enumerate(identities, 1):
        value = raw.strip()
        people.append((value, hasher.refs(kind, value) if _valid(kind, value) else None))
        if progress is not None and n % 100_000 == 0:
            progress(n)
    every_ref = [r for _, refs in people if refs for r in refs]
    result = decide_all(uow, target, _consent_purpose(cat, target), people, every_ref)
    uow.audit(
        "consent.audience",
        "consent_purpose",
        target.id,
        details={k: v for k, v in result.summary().items() if k != "purpose"},
    )
    return result


def decide_all(
    uow: UnitOfWork,
    target: Purpose | Activity,
    purpose: Purpose | None,
    people: list[tuple[str, list[str] | None]],
    every_ref: list[str],
) -> AudienceResult:
    states = _states(uow, purpose.id, every_ref) if purpose is not None else {}
    suppressed = _suppressed(uow, target.id) if (purpose or _consent_based(target)) else {}
    blocked = _bulk_blocks(uow, every_ref, target.id)
    singles = [
        b
        for b in uow.garant.use_blockers
        if b is not suppression.blocker and getattr(b, "many", None) is None
    ]
    from garant.consent.check import _from_basis

    basis_only = (
        None
        if purpose is not None
        else _from_basis(uow, catalog(uow.garant), [], target, None, None)
    )
    memo: dict[tuple[Any, ...], Decision] = {}
    result = AudienceResult(target.id)
    for value, refs in people:
        if refs is None:
            result.rows.append((value, INVALID))
            continue
        result.rows.append(
            (
                value,
                _one(
                    uow,
                    target,
                    purpose,
                    refs,
                    states,
                    suppressed,
                    blocked,
                    singles,
                    basis_only,
                    memo,
                ),
            )
        )
    return result


def _one(
    uow: UnitOfWork,
    target: Purpose | Activity,
    purpose: Purpose | None,
    refs: list[str],
    states: dict[str, State],
    suppressed: dict[str, datetime],
    blocked: dict[str, str],
    singles: list[Any],
    basis_only: Decision | None,
    memo: dict[tuple[Any, ...], Decision],
) -> Decision:
    for ref in refs:
        if ref in blocked:
            return Decision(False, blocked[ref], "blocked")
    for single in singles:
        reason = single(uow, refs, target.id)
        if reason:
            return Decision(False, reason, "blocked")
    if purpose is None:
        assert basis_only is not None
        decision = basis_only
        state = None
    else:
        state = rules.latest([states[r] for r in refs if r in states])
        key = (
            (None,)
            if state is None
            else (state.given, state.basis, state.purpose_version, state.at.date())
        )
        decision = memo.get(key) or memo.setdefault(key, rules.decide(purpose, state))
    since = max((suppressed[r] for r in refs if r in suppressed), default=None)
    if since is not None and not (
        decision.code == "consent" and state is not None and state.at > since
    ):
        return Decision(
            False, f"on the suppression list since {since.date().isoformat()}", "suppressed"
        )
    return decision
