"""Erasure of records under a legal duty: to the archive, not to oblivion (DEF-R3)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_

from garant.errors import InvalidInput
from garant.retention import archive as archives
from garant.retention.conditions import RetentionConfig
from garant.retention.steps import Step, archive_select, delete_rows
from garant.retention.sweep import Session, open_session, write_archive
from garant.store.uow import Actor

if TYPE_CHECKING:
    from garant.app import Garant


def archive_rows(
    garant: Garant,
    *,
    actor: Actor,
    system: str,
    collection: str,
    keys: list[Any],
    reason: str = "erasure",
    record_in: Any = None,
) -> str | None:
    """Move rows under a legal duty to the archive instead of deleting them (DEF-R3).

    The rows are extracted with the fields of their rule's archive phase, encrypted,
    written as a bundle, and removed from the live database with the rows they own. Rows
    under a legal hold are left untouched. Returns the bundle id (``None`` if nothing
    was archived). Raises ``InvalidInput`` when the collection's rule has no archive.
    """
    session = open_session(garant)
    try:
        step = _archive_step(session, system, collection)
        # Only legal holds (and restrictions) stop an erasure's archive, not the conditions
        # that extend the active phase: the person asked for erasure.
        legal = replace(session.ctx, config=RetentionConfig())
        reasons = step.target.held_reasons(legal)
        reasons.pop("child under a longer duty", None)
        where = and_(step.target.pk.in_(list(keys)), *(~r for r in reasons.values()))
        engine = session.dbs.engine(step.target.system)
        with engine.connect() as conn:
            rows = [dict(r) for r in conn.execute(archive_select(step, where)).mappings()]
        if not rows:
            return None
        picked = [r[step.target.pk.name] for r in rows]
        bid = archives.bundle_id(system, collection, picked)
        manifest = write_archive(session, step, bid, rows, active=False)
        with engine.begin() as conn:
            delete_rows(conn, step.target, step.target.pk.in_(picked))
        if record_in is None:
            with garant.unit_of_work(actor) as uow:
                archives.record_bundle(uow=uow, manifest=manifest, reason=reason)
        else:
            archives.record_bundle(uow=record_in, manifest=manifest, reason=reason)
        return bid
    finally:
        session.close()


def _archive_step(session: Session, system: str, collection: str) -> Step:
    for step in session.steps:
        name = (step.target.system.id, step.target.collection.name)
        if step.action == "archive" and name == (system, collection):
            return step
    raise InvalidInput(f"{system}.{collection}: its retention rule has no archive phase")
