"""The suppression list: who must not be contacted again for a purpose, without knowing who.

An objection to prospecting needs no reason (AF-D5); it and every withdrawal leave a
minimal entry (keyed hash, purpose, dates) kept three years (AF-R7), so that a person
whose data was erased, then re-imported from a trade-show list, is still not contacted.
Matching uses the person's hash under every live key version, so a key rotation keeps
old entries effective; a version is not retired while an entry still uses it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, select, update

from garant.consent import rules
from garant.consent.models import SuppressionEntry
from garant.consent.purposes import ALL_PURPOSES, Catalog, catalog
from garant.consent.service import Identity, clean_identity, current_ref, forget_cached, refs_of
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

REASONS = ("objection", "withdrawal", "staff", "bounce", "complaint")


def _purpose_id(uow: UnitOfWork, purpose: str) -> str:
    if purpose == ALL_PURPOSES:
        return purpose
    known = catalog(uow.garant).known(purpose)
    return known.id


def add(*, uow: UnitOfWork, identity: Identity, purpose: str, reason: str) -> SuppressionEntry:
    """Put a person on the list for a purpose (``*``: every prospecting purpose)."""
    from garant.errors import InvalidInput

    if reason not in REASONS:
        raise InvalidInput(f'reason "{reason}" is not one of {"|".join(REASONS)}')
    identity = clean_identity(identity)
    return add_ref(
        uow=uow,
        ref=current_ref(uow.keys, identity),
        purpose=_purpose_id(uow, purpose),
        reason=reason,
        other_refs=refs_of(uow.keys, identity),
    )


def add_ref(
    *,
    uow: UnitOfWork,
    ref: str,
    purpose: str,
    reason: str,
    other_refs: list[str] | None = None,
) -> SuppressionEntry:
    """Add or renew an entry; a repeated objection restarts its three years, no duplicate."""
    now = uow.now()
    refs = other_refs or [ref]
    existing = uow.session.scalars(
        select(SuppressionEntry).where(
            SuppressionEntry.subject_ref.in_(refs),
            SuppressionEntry.purpose == purpose,
            SuppressionEntry.lifted_at.is_(None),
        )
    ).first()
    if existing is not None:
        # Renewing under the current key version lets an old version be retired sooner.
        existing.subject_ref, existing.reason = ref, reason
        existing.added_at, existing.expires_at = now, rules.suppression_expiry(now)
        entry = existing
    else:
        entry = SuppressionEntry(
            subject_ref=ref,
            purpose=purpose,
            reason=reason,
            added_at=now,
            expires_at=rules.suppression_expiry(now),
        )
        uow.session.add(entry)
    uow.session.flush()
    uow.audit(
        "suppression.add",
        "suppression_entry",
        entry.id,
        subject_ref=ref,
        details={"purpose": purpose, "reason": reason},
    )
    forget_cached(uow)
    return entry


def lift(*, uow: UnitOfWork, refs: list[str], purpose: str) -> int:
    """A fresh, explicit consent for this very purpose ends an earlier withdrawal's entry."""
    result = uow.session.execute(
        update(SuppressionEntry)
        .where(
            SuppressionEntry.subject_ref.in_(refs),
            SuppressionEntry.purpose == purpose,
            SuppressionEntry.lifted_at.is_(None),
        )
        .values(lifted_at=uow.now())
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        uow.audit(
            "suppression.lift",
            "suppression_entry",
            None,
            subject_ref=refs[-1],
            details={"purpose": purpose, "entries": count},
        )
    return count


def covering(cat: Catalog, purpose: str) -> set[str]:
    """The entries' purposes that stop a use for ``purpose``.

    ``*`` (an objection to all prospecting) covers every consent purpose and every activity
    that relies on one, never a contract or a legal obligation.
    """
    names = {purpose}
    activity = cat.activities.get(purpose)
    if activity is not None and activity.consent_purpose:
        names.add(activity.consent_purpose)
    consent_based = purpose in cat.purposes or (activity is not None and activity.consent_purpose)
    if consent_based:
        names.add(ALL_PURPOSES)
    return names


MATCHING = (
    select(SuppressionEntry.purpose, SuppressionEntry.reason, SuppressionEntry.added_at)
    .where(
        SuppressionEntry.subject_ref.in_(bindparam("refs", expanding=True)),
        SuppressionEntry.purpose.in_(bindparam("names", expanding=True)),
        SuppressionEntry.lifted_at.is_(None),
        SuppressionEntry.expires_at > bindparam("now"),
    )
    .order_by(SuppressionEntry.added_at.desc())
    .limit(1)
)


def matching(uow: UnitOfWork, refs: list[str], purpose: str) -> Any:
    """The newest live entry that stops ``purpose`` for these hashes (purpose, reason, date)."""
    names = sorted(covering(catalog(uow.garant), purpose))
    params = {"refs": refs, "names": names, "now": uow.now()}
    return uow.session.connection().execute(MATCHING, params).first()


def is_suppressed(*, uow: UnitOfWork, identity: Identity, purpose: str) -> bool:
    """Whether the person is on the list for the purpose, under any live key version."""
    _purpose_id(uow, purpose)
    return matching(uow, refs_of(uow.keys, clean_identity(identity)), purpose) is not None


def blocker(uow: UnitOfWork, subject_refs: list[str], purpose: str) -> str | None:
    """A use blocker (``garant.use_blockers``): the suppression list's reason, if any."""
    entry = matching(uow, subject_refs, purpose)
    return None if entry is None else reason_of(entry)


def reason_of(entry: Any) -> str:
    """Why an entry (purpose, reason, date added) stops a use."""
    return (
        f'on the suppression list for "{entry.purpose}" since '
        f"{entry.added_at.date().isoformat()} ({entry.reason})"
    )


def suppressed_refs(uow: UnitOfWork, purpose: str) -> set[str]:
    """Every live entry's hash for the purpose, in one query (for the audience filter)."""
    cat = catalog(uow.garant)
    rows = uow.session.scalars(
        select(SuppressionEntry.subject_ref).where(
            SuppressionEntry.purpose.in_(covering(cat, purpose)),
            SuppressionEntry.lifted_at.is_(None),
            SuppressionEntry.expires_at > uow.now(),
        )
    )
    return set(rows)


def purge_expired(uow: UnitOfWork) -> int:
    """Delete entries past their three years (AF-R7) or lifted by a new consent."""
    now = uow.now()
    result = uow.session.execute(
        delete(SuppressionEntry).where(
            (SuppressionEntry.expires_at <= now) | SuppressionEntry.lifted_at.is_not(None)
        )
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        uow.audit("suppression.purge", "suppression_entry", None, details={"deleted": count})
    return count


def key_usage(garant: Garant, version: int) -> dict[str, int]:
    """Rows still hashed with ``version``: the keyring refuses to retire it while any live."""
    prefix = f"v{version}:"
    from garant.consent.models import ConsentCurrent, ConsentEvent

    counts = {}
    with garant.unit_of_work() as uow:
        for name, column in (
            ("suppression entries", SuppressionEntry.subject_ref),
            ("consent events", ConsentEvent.subject_ref),
            ("consent states", ConsentCurrent.subject_ref),
        ):
            counts[name] = int(
                uow.session.scalar(select(func.count()).where(column.startswith(prefix))) or 0
            )
    return counts
