"""Erasure of records under a legal duty: to the archive, not to oblivion (DEF-R3).

An erasure request moves the person's invoices, orders, contracts and bank records out of
the live database at once, into the intermediate archive, where they stay for the time
their statute requires (counted from the record's own event) and are then destroyed by
the sweep (DEF-R6). Everything runs in the caller's unit of work: the caller may be a
rights step that already holds a writing transaction, and a second one would wait on it.

Two calls, so that a crash never leaves a record only in an unrecorded bundle:
:func:`move_to_archive` writes the bundles and records them in the caller's ``uow``
(the rows are still live until that commits); :func:`remove_archived` then deletes the
live rows the recorded bundles hold. Re-running either changes nothing twice (the same
rows give the same bundle id; deleting deleted rows deletes nothing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select

from garant.clock import local_date
from garant.errors import InvalidInput
from garant.retention import archive as archives
from garant.retention import holds
from garant.retention.conditions import RetentionConfig, load_config
from garant.retention.rules import erasure_expiry, policy_rules
from garant.retention.steps import Step, archive_select, delete_rows, row_start, steps_for
from garant.retention.sweep import Session, write_archive
from garant.retention.target import CHILD_KEPT, REFERENCED, Context, Databases, Target

if TYPE_CHECKING:
    from garant.store.uow import UnitOfWork


@dataclass(frozen=True)
class Moved:
    """One bundle an erasure wrote: its rows' keys, when it is destroyed, and why kept."""

    bundle: str
    keys: list[Any]
    """A value for a single-column key, a tuple of values for a composite one."""
    expires_at: datetime
    rule: str
    statute: str | None


def _session(uow: UnitOfWork, ignore_hold_source: str | None) -> Session:
    """A retention session read through the caller's ``uow`` (no second transaction)."""
    garant = uow.garant
    ctx = Context(
        local_date(uow.now(), garant.timezone),
        garant.timezone,
        holds.held_identities(uow=uow, ignore_source=ignore_hold_source),
        holds.held_collections(uow=uow),
        load_config(garant.workspace),
    )
    dbs = Databases(garant.datamap)
    return Session(garant, dbs, ctx.config, policy_rules(garant.policy), ctx)


def _archive_step(session: Session, system: str, collection: str) -> Step:
    coll = session.garant.datamap.collection(system, collection)
    rule = session.rules.get(coll.retention.rule) if coll.retention else None
    if rule is None or rule.archive is None:
        raise InvalidInput(f"{system}.{collection}: its retention rule has no archive phase")
    target = Target(session.dbs, session.garant.datamap.system(system), coll)
    steps = steps_for(target, rule, session.ctx, session.ctx.today)
    return next(s for s in steps if s.action == "archive")


def _legally_held(session: Session, step: Step) -> ColumnElement[bool]:
    """Only legal holds, restrictions, a held owner and a child still live stop the move,
    not the conditions that extend the active phase: the person asked for erasure."""
    legal = replace(session.ctx, config=RetentionConfig())
    reasons = list(step.target.held_reasons(legal).values())
    # a NULL restriction column means "not restricted", never "held"
    return func.coalesce(or_(*reasons), false()) if reasons else false()


def held_in_place(
    *,
    uow: UnitOfWork,
    system: str,
    collection: str,
    keys: list[Any],
    ignore_hold_source: str | None = None,
) -> set[tuple[Any, ...]]:
    """The keys :func:`move_to_archive` would leave in place for a hold or a restriction
    on the row or on a row that owns it, asked with the move's own predicate so that the
    plan never promises the archive for a row the move keeps. A child or referrer still
    live is left out: the plan moves those in the same run (children first)."""
    if not keys:
        return set()
    session = _session(uow, ignore_hold_source)
    try:
        step = _archive_step(session, system, collection)
        legal = replace(session.ctx, config=RetentionConfig())
        reasons = step.target.held_reasons(legal)
        picked = [v for k, v in reasons.items() if k not in (CHILD_KEPT, REFERENCED)]
        if not picked:
            return set()
        where = and_(step.target.key_in(list(keys)), func.coalesce(or_(*picked), false()))
        with session.dbs.engine(step.target.system).connect() as conn:
            return {tuple(r) for r in conn.execute(select(*step.target.keys).where(where))}
    finally:
        session.close()


def _expiry(session: Session, step: Step, row: dict[str, Any]) -> date:
    """An erasure archives at once: the statute runs from the record's own event."""
    events = [k for k in row if k.startswith("_event_")]
    start = row_start(row, events) or session.ctx.today
    return max(erasure_expiry(step.rule, start), session.ctx.today)


def move_to_archive(
    *,
    uow: UnitOfWork,
    system: str,
    collection: str,
    keys: list[Any],
    reason: str = "erasure",
    ignore_hold_source: str | None = None,
    remove: bool = False,
) -> list[Moved]:
    """Write the rows under a legal duty to archive bundles, one per destruction date.

    ``keys``: values of a single-column key, or tuples in the map's key order (any number
    and type of columns, as the sweep handles them).

    Rows under a legal hold, a restriction, with a held owner or with a child row still
    live (archive children first) are left in place: the keys not in the result. The
    bundles and their ``archive.create`` audit events are recorded in ``uow``. With
    ``remove`` the live rows are deleted at once (see the module's note on crashes).
    Raises ``InvalidInput`` when the collection's rule has no archive phase.
    """
    if not keys:
        return []
    session = _session(uow, ignore_hold_source)
    try:
        step = _archive_step(session, system, collection)
        where = and_(step.target.key_in(list(keys)), ~_legally_held(session, step))
        with session.dbs.engine(step.target.system).connect() as conn:
            rows = [dict(r) for r in conn.execute(archive_select(step, where)).mappings()]
        groups: dict[date, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[_expiry(session, step, row)].append(row)
        moved = [
            _write(uow, session, step, group, reason, ignore_hold_source, expires)
            for expires, group in sorted(groups.items())
        ]
        if remove:
            for item in moved:
                _delete(uow, session, step.target, item.keys, [item.bundle])
        return moved
    finally:
        session.close()


def _write(
    uow: UnitOfWork,
    session: Session,
    step: Step,
    rows: list[dict[str, Any]],
    reason: str,
    source: str | None,
    expires: date,
) -> Moved:
    assert step.rule.archive is not None
    picked = [key_of(step.target, r) for r in rows]
    bid = archives.bundle_id(step.target.system.id, step.target.collection.name, picked)
    manifest = write_archive(session, step, bid, rows, active=False, expires=expires)
    bundle = archives.record_bundle(uow=uow, manifest=manifest, reason=reason, source=source)
    return Moved(bid, picked, bundle.expires_at, step.rule.id, bundle.statute)


def key_of(target: Target, row: dict[str, Any]) -> Any:
    """A row's key as the caller gave it: a value, or a tuple for a composite key (dates,
    timestamps and text parts as the database returned them: typed JSON keeps them)."""
    names = [c.name for c in target.keys]
    return row[names[0]] if len(names) == 1 else tuple(row[n] for n in names)


def remove_archived(
    *, uow: UnitOfWork, system: str, collection: str, keys: list[Any], bundles: list[str]
) -> int:
    """Delete from the live database rows already recorded in archive bundles (DEF-R3).

    The rows they own go with them (depth first), as in the sweep. Returns the rows deleted.
    """
    if not keys:
        return 0
    known = {b.id for b in archives.list_bundles(uow=uow)}
    missing = [b for b in bundles if b not in known]
    if missing:
        raise InvalidInput(f"{system}.{collection}: archive {missing[0]} is not recorded")
    session = _session(uow, None)
    try:
        target = Target(
            session.dbs,
            session.garant.datamap.system(system),
            session.garant.datamap.collection(system, collection),
        )
        return _delete(uow, session, target, keys, bundles)
    finally:
        session.close()


def _delete(
    uow: UnitOfWork, session: Session, target: Target, keys: list[Any], bundles: list[str]
) -> int:
    with session.dbs.engine(target.system).begin() as conn:
        rows, children = delete_rows(conn, target, target.key_in(list(keys)))
    uow.audit(
        "archive.remove_live",
        "archive_bundle",
        bundles[0] if len(bundles) == 1 else None,
        details={
            "system": target.system.id,
            "collection": target.collection.name,
            "rows": rows,
            "child_rows": children,
            "bundles": bundles,
        },
    )
    return rows


def archive_rows(
    uow: UnitOfWork,
    *,
    system: str,
    collection: str,
    keys: list[Any],
    reason: str = "erasure",
    ignore_hold_source: str | None = None,
) -> str | None:
    """Archive and remove at once; the first bundle's id (``None``: nothing archived)."""
    moved = move_to_archive(
        uow=uow,
        system=system,
        collection=collection,
        keys=keys,
        reason=reason,
        ignore_hold_source=ignore_hold_source,
        remove=True,
    )
    return moved[0].bundle if moved else None
