"""No surprise destruction: the DPO approves sweeps after reading a forecast.

A workspace that never swept waits for its first approval (``garant retention approve``,
the dashboard, the back office, ``POST /api/retention/approve``). Afterwards, a sweep
that would remove more than ``max_share`` of a collection in one run (``retention.yaml``,
default 0.2) stops before changing anything, until an approval of that day covers that
many rows. Scheduled and manual sweeps go through the same gate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from garant.clock import local_date
from garant.errors import Conflict, GarantError
from garant.retention.models import RetentionApproval

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.retention.sweep import Session
    from garant.store.uow import UnitOfWork


class SweepWaits(Conflict):
    """The sweep changed nothing and waits for the DPO (exit 1: something to do)."""

    exit_code = 1


class SweepFailed(GarantError):
    """A step failed; one line names the step, the system and collection, the retry."""

    exit_code = 1
    http_status = 502


def approved_once(uow: UnitOfWork) -> bool:
    return bool(uow.session.scalar(select(func.count()).select_from(RetentionApproval)))


def approve(garant: Garant, *, uow: UnitOfWork) -> RetentionApproval:
    """Record that the DPO saw today's forecast: what each step would remove now."""
    from garant.retention.sweep import plan

    forecast = {f"{r['collection']} {r['action']}": r["due_now"] for r in plan(garant)}
    record = RetentionApproval(
        approved_at=uow.now(),
        approved_by=uow.actor.label,
        day=local_date(uow.now(), garant.timezone).isoformat(),
        forecast=forecast,
    )
    uow.session.add(record)
    uow.session.flush()
    uow.audit(
        "retention.approve",
        "retention_approval",
        record.id,
        details={"day": record.day, "rows": sum(forecast.values())},
    )
    return record


def waiting(session: Session) -> list[str]:
    """Why this sweep must not start (empty: it may). Counts only, built before any change."""
    garant = session.garant
    with garant.unit_of_work() as uow:
        if not approved_once(uow):
            return [
                "this workspace has never been swept: read the forecast (garant retention "
                "plan) and approve it (garant retention approve) first"
            ]
        day = session.ctx.today.isoformat()
        approvals = uow.session.scalars(
            select(RetentionApproval).where(RetentionApproval.day == day)
        ).all()
    allowed: dict[str, int] = {}
    for a in approvals:
        for name, n in a.forecast.items():
            allowed[name] = max(allowed.get(name, 0), int(n))
    first: set[str] = set()
    lines = []
    for step in session.steps:
        # Only a system's first step keeps the batches it walked: a later one may find
        # rows due or gone after an earlier step of the run changed the same database.
        keep = step.target.system.id not in first and not step.self_linked
        first.add(step.target.system.id)
        if line := _too_much(session, step, allowed, keep=keep):
            lines.append(line)
    return lines


def _too_much(session: Session, step: Any, allowed: dict[str, int], *, keep: bool) -> str | None:
    """Walk the step's due rows batch by batch, as the sweep will take them, until they
    pass the share of the collection allowed in one run (the collection is counted only
    once they pass what today's approval covers). The batches walked are the sweep's
    (``Step.plan``): the gate costs no second pass over the due rows."""
    share, name = session.config.max_share, f"{step.target.name} {step.action}"
    size, approved = session.config.batch_size, allowed.get(name, 0)
    plan: list[tuple[Any, int, Any, int]] = []
    due, low, limit, total = 0, None, None, 0
    with session.dbs.engine(step.target.system).connect() as conn:
        while True:
            rows, high = step.next_batch(conn, low, size)
            if not rows:
                break
            plan.append((low, rows, high, size))
            due, low = due + rows, high
            if due <= approved:
                continue
            if limit is None:  # counting stops past what is allowed: never scanned twice
                total = step.count(conn, step.target.keys[0].is_not(None))
                limit = max(int(share * total), approved) + 1
            if due >= limit:
                due = step.count(conn, step.todo)
                return (
                    f"{step.target.name}: {step.action} {due} of {total} rows "
                    f"({round(100 * due / max(total, 1))} % > {round(100 * share)} %) waits "
                    "for approval (garant retention approve)"
                )
    if keep:
        step.plan = plan
    return None
