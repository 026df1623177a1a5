"""The consent ledger: record a choice with its proof, withdraw, read the history.

Every event is appended, never rewritten (AF-L2: a withdrawal does not undo what was
lawfully done before it); the current state is the newest event per person and purpose,
kept in ``consent_current`` in the same transaction so that checks read one row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite

from garant.consent import rules
from garant.consent.models import ConsentCurrent, ConsentEvent
from garant.consent.purposes import catalog
from garant.errors import InvalidInput
from garant.i18n import current_language
from garant.store.uow import SUBJECT_PURPOSE, UnitOfWork, normalize_identity

if TYPE_CHECKING:
    from garant.keys.keyring import KeyRing

Identity = tuple[str, str]


def clean_identity(identity: Identity) -> Identity:
    try:
        kind, value = identity
    except (TypeError, ValueError):
        raise InvalidInput("an identity is a pair (kind, value), e.g. (email, a@b.fr)") from None
    kind, value = str(kind).strip().lower(), str(value).strip()
    if not kind or not value:
        raise InvalidInput("an identity needs a kind and a value")
    if kind == "email" and ("@" not in value or " " in value):
        raise InvalidInput(f'"{value}" is not an email address')
    return kind, value


def refs_of(keys: KeyRing, identity: Identity) -> list[str]:
    """The person's keyed hashes under every live key version (same as ``uow.subject_refs``).

    The keyring's precomputed HMAC states keep this cheap on every check.
    """
    message = normalize_identity(*identity).encode()
    return [keys.hasher(SUBJECT_PURPOSE, v)(message) for v in sorted(keys.masters)]


def current_ref(keys: KeyRing, identity: Identity) -> str:
    return refs_of(keys, identity)[-1]


def record(
    *,
    uow: UnitOfWork,
    identity: Identity,
    purpose: str,
    given: bool,
    source: str,
    notice_version: str | None = None,
    text_hash: str | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
    basis: str | None = None,
    lang: str = "fr",
) -> ConsentEvent:
    """Append a consent or a withdrawal with its proof; the caller's transaction keeps it."""
    identity = clean_identity(identity)
    refs = refs_of(uow.keys, identity)
    return append(
        uow=uow,
        ref=refs[-1],
        refs=refs,
        purpose=purpose,
        given=given,
        source=source,
        notice_version=notice_version,
        text_hash=text_hash,
        proof={"ip": ip, "user_agent": user_agent},
        basis=basis,
        lang=lang,
    )


def append(
    *,
    uow: UnitOfWork,
    ref: str,
    refs: list[str],
    purpose: str,
    given: bool,
    source: str,
    notice_version: str | None = None,
    text_hash: str | None = None,
    proof: dict[str, str | None] | None = None,
    basis: str | None = None,
    lang: str = "fr",
) -> ConsentEvent:
    """Append an event for a person known only by hash (an unsubscribe link carries no address)."""
    target = catalog(uow.garant).purpose(purpose)
    chosen = rules.check_basis(target, basis or target.basis)
    rules.check_source(source)
    payload = {k: v for k, v in (proof or {}).items() if v}
    event = ConsentEvent(
        subject_ref=ref,
        purpose=target.id,
        given=given,
        basis=chosen,
        source=source,
        purpose_version=target.version,
        notice_version=notice_version,
        text_hash=text_hash or target.text_hash(lang),
        at=uow.now(),
    )
    uow.session.add(event)
    uow.session.flush()
    audit = uow.audit(
        "consent.give" if given else "consent.withdraw",
        "consent_event",
        event.id,
        subject_ref=ref,
        details={"purpose": target.id, "basis": chosen, "source": source},
        payload=payload or None,
    )
    event.audit_seq = audit.seq
    _project(uow, event)
    from garant.consent import suppression

    if given and chosen == "consent":
        suppression.lift(uow=uow, refs=refs, purpose=target.id)
    elif not given:
        suppression.add_ref(
            uow=uow, ref=ref, purpose=target.id, reason="withdrawal", other_refs=refs
        )
    forget_cached(uow)
    return event


def _project(uow: UnitOfWork, event: ConsentEvent) -> None:
    """Upsert the person's current state for the purpose from the new event."""
    values: dict[str, Any] = {
        "subject_ref": event.subject_ref,
        "purpose": event.purpose,
        "given": event.given,
        "basis": event.basis,
        "purpose_version": event.purpose_version,
        "at": event.at,
        "event_id": event.id,
    }
    dialect = uow.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(ConsentCurrent).values(**values)
    keep = {k: stmt.excluded[k] for k in ("given", "basis", "purpose_version", "at", "event_id")}
    uow.session.execute(
        stmt.on_conflict_do_update(index_elements=["subject_ref", "purpose"], set_=keep)
    )


def forget_cached(uow: UnitOfWork) -> None:
    """A write in this process is seen by its next check at once; others within a second."""
    cache = uow.garant.extensions.get("consent.cache")
    if cache is not None:
        cache.clear()


def states(uow: UnitOfWork, refs: list[str], purpose: str | None = None) -> list[ConsentCurrent]:
    query = select(ConsentCurrent).where(ConsentCurrent.subject_ref.in_(refs))
    if purpose is not None:
        query = query.where(ConsentCurrent.purpose == purpose)
    return list(uow.session.scalars(query))


# Built once: a check runs this for every person, and building a statement costs more
# than running it.
_CURRENT = select(
    ConsentCurrent.given, ConsentCurrent.basis, ConsentCurrent.purpose_version, ConsentCurrent.at
).where(
    ConsentCurrent.subject_ref.in_(bindparam("refs", expanding=True)),
    ConsentCurrent.purpose == bindparam("purpose"),
)


def current(uow: UnitOfWork, refs: list[str], purpose: str) -> rules.State | None:
    rows = uow.session.connection().execute(_CURRENT, {"refs": refs, "purpose": purpose})
    return rules.latest([rules.State(*row) for row in rows])


def history(
    *, uow: UnitOfWork, identity: Identity, purpose: str | None = None
) -> list[ConsentEvent]:
    """Every event of the person, oldest first: the proof, never rewritten (AF-L2)."""
    refs = refs_of(uow.keys, clean_identity(identity))
    query = select(ConsentEvent).where(ConsentEvent.subject_ref.in_(refs))
    if purpose is not None:
        catalog(uow.garant).purpose(purpose)
        query = query.where(ConsentEvent.purpose == purpose)
    events = list(uow.session.scalars(query.order_by(ConsentEvent.at, ConsentEvent.id)))
    uow.audit(
        "consent.history.read",
        "consent_event",
        None,
        subject_ref=refs[-1],
        details={"purpose": purpose, "events": len(events)},
    )
    return events


def withdraw_all(*, uow: UnitOfWork, identity: Identity, source: str) -> list[ConsentEvent]:
    """Withdraw every consent the person has given (a rights request, a privacy-center click)."""
    identity = clean_identity(identity)
    known = catalog(uow.garant).purposes
    given = sorted({r.purpose for r in states(uow, refs_of(uow.keys, identity)) if r.given})
    return [
        record(uow=uow, identity=identity, purpose=p, given=False, source=source)
        for p in given
        if p in known and _still_given(uow, identity, p)
    ]


def _still_given(uow: UnitOfWork, identity: Identity, purpose: str) -> bool:
    state = current(uow, refs_of(uow.keys, identity), purpose)
    return state is not None and state.given


def purpose_counts(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Per consent purpose: how many people gave, withdrew, or gave for an older version;
    the purpose's label in the reader's language."""
    rows = uow.session.execute(
        select(
            ConsentCurrent.purpose,
            ConsentCurrent.given,
            ConsentCurrent.purpose_version,
            func.count(),
        ).group_by(ConsentCurrent.purpose, ConsentCurrent.given, ConsentCurrent.purpose_version)
    )
    found: dict[tuple[str, bool, str | None], int] = {(p, g, v): int(n) for p, g, v, n in rows}
    items = []
    for purpose in catalog(uow.garant).purposes.values():
        mine = {k: n for k, n in found.items() if k[0] == purpose.id}
        items.append(
            {
                "id": purpose.id,
                "label": purpose.label_in(current_language()),
                "basis": purpose.basis,
                "version": purpose.version,
                "given": sum(n for (_, g, v), n in mine.items() if g and v == purpose.version),
                "stale": sum(n for (_, g, v), n in mine.items() if g and v != purpose.version),
                "withdrawn": sum(n for (_, g, _v), n in mine.items() if not g),
            }
        )
    return items
