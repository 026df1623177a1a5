"""Settling a crashed sweep: batches left ``pending`` are closed by the next run.

A batch is announced in the store before its transaction in the connected database. If
no due row remains in its key range, that transaction committed (its archive bundle, if
any, is registered from the manifest written before); otherwise it did not (orphan bundle
files are removed) and the current run does the work again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select

from garant.retention import archive as archives
from garant.retention.keys import decode_key
from garant.retention.models import RetentionBatch
from garant.store.uow import Actor

if TYPE_CHECKING:
    from garant.retention.sweep import Session


def settle_pending(session: Session, run_id: int, actor: Actor) -> int:
    """Close batches a crash left pending: applied if their rows are gone, else redone."""
    garant = session.garant
    with garant.unit_of_work(actor) as uow:
        pending = list(
            uow.session.scalars(select(RetentionBatch).where(RetentionBatch.status == "pending"))
        )
        settled = [(b.id, b.target, b.action, b.key_low, b.key_high, b.bundle_id) for b in pending]
    for batch_id, target, action, low, high, bid in settled:
        step = next(
            (s for s in session.steps if s.target.name == target and s.action == action), None
        )
        left = 0
        if step is not None:
            lo = None if low is None else _key(step, low)
            where = and_(step.in_range(lo, _key(step, high)), step.todo)
            with session.dbs.engine(step.target.system).connect() as conn:
                left = step.count(conn, where)
        _settle(session, batch_id, bid, committed=left == 0, actor=actor)
    return len(settled)


def _key(step: Any, text: str) -> Any:
    """A recorded key: typed JSON, or (a batch recorded before 0013) the plain value."""
    try:
        return decode_key(text)
    except (ValueError, TypeError, KeyError):
        return step.target.keys[0].type.python_type(text)


def _settle(
    session: Session, batch_id: int, bid: str | None, *, committed: bool, actor: Actor
) -> None:
    garant = session.garant
    with garant.unit_of_work(actor) as uow:
        batch = uow.session.get(RetentionBatch, batch_id)
        assert batch is not None
        for one in (bid or "").split():  # an archive batch: one bundle per destruction date
            if committed:
                archives.record_bundle(
                    uow=uow, manifest=archives.read_manifest(garant, one), reason="retention"
                )
            else:
                for suffix in (".bundle", ".manifest.json"):
                    (archives.archive_dir(garant) / f"{one}{suffix}").unlink(missing_ok=True)
        batch.status = "recovered" if committed else "rolled_back"
        uow.audit(
            "retention.batch.settle",
            "retention_run",
            batch.run_id,
            details={"batch": batch_id, "outcome": batch.status, "planned": batch.planned},
        )
