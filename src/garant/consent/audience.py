"""The audience filter: from a campaign's list of identities, who may be contacted and why
the others may not.

Set-based: the purpose's current states and suppression entries are read in a few queries
(batched by identity for a small list, one scan of the purpose for a large one), then each
identity is hashed and decided in memory; a million addresses take seconds, not hours.
Use blockers other features register are asked in bulk when they offer ``many`` (a
callable ``(uow, refs, purpose) -> {ref: reason}``), else one identity at a time.
"""

from __future__ import annotations

import hmac
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, select, type_coerce

from garant.consent import rules, suppression
from garant.consent.check import _consent_based, _consent_purpose
from garant.consent.models import ConsentCurrent, SuppressionEntry
from garant.consent.purposes import Activity, Purpose, catalog
from garant.consent.rules import Decision, State
from garant.store.uow import SUBJECT_PURPOSE, UnitOfWork, normalize_identity

BATCH = 2000
GROUP = 8000
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
        return [p + hmac.digest(k, message, "sha256").hex() for p, k in self.keys]

    def all(
        self, kind: str, values: list[str], progress: Callable[[int], None] | None = None
    ) -> list[list[str] | None]:
        """Every value's hashes (``None`` when not a valid identity), in a tight loop."""
        digest, keys = hmac.digest, self.keys
        single = len(keys) == 1
        prefix, key = keys[-1]
        out: list[list[str] | None] = []
        append = out.append
        for n, value in enumerate(values, 1):
            if not _valid(kind, value):
                append(None)
            elif kind == "email" and single:  # normalize_identity's spelling, inlined
                append([prefix + digest(key, ("email:" + value.lower()).encode(), "sha256").hex()])
            elif kind == "email":
                message = ("email:" + value.lower()).encode()
                append([p + digest(k, message, "sha256").hex() for p, k in keys])
            else:
                append(self.refs(kind, value))
            if progress is not None and n % 100_000 == 0:
                progress(n)
        return out


def _valid(kind: str, value: str) -> bool:
    return bool(value) and (kind != "email" or ("@" in value and " " not in value))


Raw = tuple[bool, str, "str | None", Any]


def _moment(raw: Any) -> datetime:
    """A stored moment read raw (a string on SQLite, a datetime on PostgreSQL), as aware UTC."""
    if isinstance(raw, datetime):
        return raw.astimezone(UTC) if raw.tzinfo else raw.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(raw)).replace(tzinfo=UTC)


def _states(uow: UnitOfWork, purpose: str, refs: list[str]) -> dict[str, Raw]:
    """The purpose's current states, the moment left raw: parsing a million dates is what
    would cost, and only the day (and, for a suppressed person, the moment) is needed."""
    columns = (
        ConsentCurrent.subject_ref,
        ConsentCurrent.given,
        ConsentCurrent.basis,
        ConsentCurrent.purpose_version,
        type_coerce(ConsentCurrent.at, String()),
    )
    query = select(*columns).where(ConsentCurrent.purpose == purpose)
    if len(refs) > SCAN_ABOVE:
        chunks: list[Any] = [query]
    else:
        chunks = [
            query.where(ConsentCurrent.subject_ref.in_(refs[i : i + BATCH]))
            for i in range(0, len(refs), BATCH)
        ]
    found: dict[str, Raw] = {}
    for chunk in chunks:
        for ref, given, basis, version, at in _fetch(uow, chunk):
            found[ref] = (given, basis, version, at)
    return found


def _fetch(uow: UnitOfWork, query: Any) -> list[Any]:
    """The rows straight from the driver's cursor, in the unit of work's transaction.

    The statement is still built and bound by SQLAlchemy (parameters, quoting); only the
    per-row result machinery is skipped, which is most of the time on 800,000 rows.
    """
    connection = uow.session.connection()
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    driver = connection.connection.driver_connection
    params = tuple(compiled.params[name] for name in compiled.positiontup or ())
    if connection.dialect.name == "sqlite":
        cursor = driver.cursor()  # type: ignore[union-attr]
    elif connection.dialect.driver == "psycopg" and compiled.positiontup:
        import psycopg  # SQLAlchemy binds psycopg statements as $1, $2: its raw cursor

        cursor = psycopg.RawCursor(driver)  # type: ignore[arg-type]
    else:
        return list(connection.execute(query))
    try:
        cursor.execute(compiled.string, params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


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
    values = [raw.strip() for raw in identities]
    hashed = _Hasher(uow).all(kind, values, progress)
    people = list(zip(values, hashed, strict=True))
    every_ref = [r for refs in hashed if refs for r in refs]
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
    """Decide from consent and suppression first, then ask the use blockers only about the
    people still allowed: a refused person stays refused whatever a blocker says."""
    decider = _Decider(uow, target, purpose, every_ref)
    result = AudienceResult(target.id)
    rows = result.rows
    for value, refs in people:
        rows.append((value, INVALID if refs is None else decider.one(refs)))
    candidates = [
        r for (_, d), (_, refs) in zip(rows, people, strict=True) if d.allowed for r in refs or ()
    ]
    blocked = _bulk_blocks(uow, candidates, target.id)
    if blocked:
        for n, (value, refs) in enumerate(people):
            reason = next((blocked[r] for r in refs or () if r in blocked), None)
            if reason is not None:
                rows[n] = (value, Decision(False, reason, "blocked"))
    return result


class _Decider:
    """Everything read once for the purpose; each person is then decided in memory.

    The purpose's states are turned into decisions while they are read (a few distinct
    answers, shared), so deciding a person is a handful of dictionary lookups.
    """

    def __init__(
        self,
        uow: UnitOfWork,
        target: Purpose | Activity,
        purpose: Purpose | None,
        every_ref: list[str],
    ):
        from garant.consent.check import _from_basis

        self.purpose = purpose
        self.memo: dict[tuple[Any, ...], Decision] = {}
        self.decided: dict[str, tuple[Decision, Any]] = {}
        if purpose is not None:
            decided, memo = self.decided, self.memo
            for ref, raw in _states(uow, purpose.id, every_ref).items():
                at = raw[3]
                key = (raw[0], raw[1], raw[2], at[:10] if isinstance(at, str) else at.date())
                found = memo.get(key)
                decided[ref] = (found or self._decide(raw), at)
            self.default = self._decide(None)
        else:
            self.default = _from_basis(uow, catalog(uow.garant), [], target, None, None)
        consent_based = purpose is not None or _consent_based(target)
        self.suppressed = _suppressed(uow, target.id) if consent_based else {}
        self.since_memo: dict[datetime, Decision] = {}

    def _decide(self, raw: Raw | None) -> Decision:
        at = None if raw is None else raw[3]
        day = at[:10] if isinstance(at, str) else None if at is None else at.date()
        key = (None,) if raw is None else (raw[0], raw[1], raw[2], day)
        found = self.memo.get(key)
        if found is None:
            assert self.purpose is not None
            state = None if raw is None else State(raw[0], raw[1], raw[2], _moment(raw[3]))
            found = self.memo[key] = rules.decide(self.purpose, state)
        return found

    def one(self, refs: list[str]) -> Decision:
        decided = self.decided
        if len(refs) == 1:
            ref = refs[0]
            hit = decided.get(ref)
            since = self.suppressed.get(ref)
        else:
            found = [decided[r] for r in refs if r in decided]
            hit = max(found, key=lambda x: str(x[1])) if found else None
            since = max((self.suppressed[r] for r in refs if r in self.suppressed), default=None)
        decision = self.default if hit is None else hit[0]
        if since is None or (
            decision.code == "consent" and hit is not None and _moment(hit[1]) > since
        ):
            return decision
        refused = self.since_memo.get(since)
        if refused is None:
            day = since.date().isoformat()
            refused = Decision(False, f"on the suppression list since {day}", "suppressed")
            self.since_memo[since] = refused
        return refused
