"""Legal holds (DEF-R4): nothing under a hold is archived, anonymized or deleted.

A hold names a person (an identity such as ``email=...``) or a whole collection. The
person is stored as a keyed hash (for :func:`is_held`) and sealed with AES-GCM so that the
sweep can match the identity in the connected databases; the seal is erased on release.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select

from garant.errors import InvalidInput, NotFound
from garant.retention.models import Hold
from garant.store.uow import UnitOfWork, normalize_identity

SEAL_PURPOSE = "retention.hold"


def parse_identity(text: str) -> tuple[str, str]:
    """``email=a@b.fr`` → ``("email", "a@b.fr")``."""
    kind, sep, value = text.partition("=")
    if not sep or not kind.strip() or not value.strip():
        raise InvalidInput(f'--identity "{text}": expected KIND=VALUE, e.g. email=ana@example.org')
    return kind.strip().lower(), value.strip()


def parse_collection(text: str) -> tuple[str, str]:
    system, sep, collection = text.partition(".")
    if not sep or not system or not collection:
        raise InvalidInput(f'--collection "{text}": expected SYSTEM.COLLECTION, e.g. shop.invoices')
    return system, collection


def add_hold(
    *,
    uow: UnitOfWork,
    reason: str,
    identity: tuple[str, str] | None = None,
    collection: tuple[str, str] | None = None,
    source: str | None = None,
) -> Hold:
    """Place a hold; ``source`` names what placed it (``request:42`` for a pending request)."""
    if (identity is None) == (collection is None):
        raise InvalidInput("a hold is on one identity or on one collection (give exactly one)")
    if not reason.strip():
        raise InvalidInput("a hold needs a reason (litigation, investigation, ...)")
    hold = Hold(
        reason=reason.strip(),
        source=source,
        created_at=uow.now(),
        created_by=uow.actor.label,
        scope="identity" if identity else "collection",
    )
    if identity is not None:
        kind, value = identity
        hold.identity_kind = kind
        hold.subject_ref = uow.subject_ref(kind, value)
        plain = normalize_identity(kind, value).split(":", 1)[1]
        hold.identity_sealed = uow.keys.encrypt(SEAL_PURPOSE, json.dumps([kind, plain]).encode())
    else:
        assert collection is not None
        _check_collection(uow, *collection)
        hold.system, hold.collection = collection
    uow.session.add(hold)
    uow.session.flush()
    uow.audit(
        "hold.add",
        "hold",
        hold.id,
        subject_ref=hold.subject_ref,
        details={"scope": hold.scope, "system": hold.system, "collection": hold.collection},
    )
    return hold


def _check_collection(uow: UnitOfWork, system: str, collection: str) -> None:
    try:
        uow.garant.datamap.collection(system, collection)
    except NotFound as exc:
        raise InvalidInput(str(exc)) from None


def release_hold(*, uow: UnitOfWork, hold_id: int, reason: str | None = None) -> Hold:
    hold = uow.session.get(Hold, hold_id)
    if hold is None:
        raise NotFound(f"no hold {hold_id}")
    if hold.released_at is not None:
        return hold
    hold.released_at = uow.now()
    hold.released_by = uow.actor.label
    hold.identity_sealed = None
    uow.audit(
        "hold.release",
        "hold",
        hold.id,
        subject_ref=hold.subject_ref,
        details={"scope": hold.scope},
    )
    return hold


def list_holds(*, uow: UnitOfWork, include_released: bool = False) -> list[Hold]:
    query = select(Hold).order_by(Hold.id)
    if not include_released:
        query = query.where(Hold.released_at.is_(None))
    return list(uow.session.scalars(query))


def is_held(
    *,
    uow: UnitOfWork,
    subject_refs: list[str],
    system: str | None = None,
    collection: str | None = None,
    ignore_source: str | None = None,
) -> Hold | None:
    """The active hold covering this person (or this collection), if any.

    ``ignore_source`` leaves out holds placed by that source (a request's own hold must
    not stop the request).

    The rights feature asks this before an erasure: a held person's data is neither
    erased nor archived (DEF-R4), and the reply says a legal hold applies.
    """
    clauses: list[ColumnElement[bool]] = []
    if subject_refs:
        clauses.append(Hold.subject_ref.in_(subject_refs))
    if system and collection:
        clauses.append(and_(Hold.system == system, Hold.collection == collection))
    if not clauses:
        return None
    query = select(Hold).where(Hold.released_at.is_(None), or_(*clauses))
    if ignore_source is not None:
        query = query.where(or_(Hold.source.is_(None), Hold.source != ignore_source))
    return uow.session.scalar(query.order_by(Hold.id).limit(1))


def held_identities(*, uow: UnitOfWork, ignore_source: str | None = None) -> dict[str, list[str]]:
    """Identity values under an active hold, by kind, for matching in connected databases.

    ``ignore_source`` leaves out the holds that source placed (an erasure request's own
    hold must not stop the request from archiving the person's records: DEF-R3).
    """
    out: dict[str, list[str]] = {}
    for hold in list_holds(uow=uow):
        if hold.identity_sealed and (ignore_source is None or hold.source != ignore_source):
            kind, value = json.loads(uow.keys.decrypt(SEAL_PURPOSE, hold.identity_sealed))
            out.setdefault(kind, []).append(value)
    return out


def held_collections(*, uow: UnitOfWork) -> frozenset[tuple[str, str]]:
    return frozenset(
        (h.system, h.collection)
        for h in list_holds(uow=uow)
        if h.scope == "collection" and h.system and h.collection
    )


def rows_held(
    *,
    uow: UnitOfWork,
    wanted: dict[tuple[str, str], list[tuple[Any, ...]]],
    ignore_source: str | None = None,
) -> dict[tuple[str, str], set[tuple[Any, ...]]]:
    """Per (system, collection), the keys among ``wanted`` that a legal hold or a
    restriction keeps in place: on the row itself (its collection held, a held person's
    identity in one of its identity columns, its Art. 18 marker) or on a row that owns it,
    as the sweep's own predicate (``Target.own_holds``, ``Target.owner_held``) says.

    An erasure never deletes nor rewrites such a row (DEF-R4, Art. 17(3)(e), Art. 18):
    another person's hold covers a row that carries their identity even when the row is
    the requester's too. The conditions that extend a rule's active phase are left out:
    the person asked for erasure. ``ignore_source``: the request's own hold."""
    from garant.clock import local_date
    from garant.retention.conditions import RetentionConfig
    from garant.retention.target import Context, Databases, Target

    garant = uow.garant
    ctx = Context(
        local_date(uow.now(), garant.timezone),
        garant.timezone,
        held_identities(uow=uow, ignore_source=ignore_source),
        held_collections(uow=uow),
        RetentionConfig(),
    )
    dbs = Databases(garant.datamap)
    out: dict[tuple[str, str], set[tuple[Any, ...]]] = {}
    try:
        for (system_id, name), keys in wanted.items():
            system = garant.datamap.system(system_id)
            target = Target(dbs, system, system.collection(name))
            reasons = list(target.own_holds(ctx).values())
            owner = target.owner_held(ctx, 0)
            reasons += [owner] if owner is not None else []
            if not keys or not reasons:
                continue
            where = and_(target.key_in(list(keys)), func.coalesce(or_(*reasons), false()))
            with dbs.engine(system).connect() as conn:
                found = {tuple(r) for r in conn.execute(select(*target.keys).where(where))}
            if found:
                out[(system_id, name)] = found
    finally:
        dbs.close()
    return out
