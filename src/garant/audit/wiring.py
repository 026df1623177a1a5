"""The audit chain is sealed once a day by a scheduled job, missed days caught up."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from garant.audit import chain
from garant.clock import local_date
from garant.jobs.service import JobContext, enqueue

if TYPE_CHECKING:
    from garant.app import Garant

SEAL_JOB = "audit.seal"


def seal_job(context: JobContext) -> dict[str, Any]:
    """Seal every day through the payload's day that has no seal yet (idempotent)."""
    garant = context.garant
    day = date.fromisoformat(context.payload["day"])
    with garant.unit_of_work() as uow:
        sealed = chain.seal_through(
            uow.session, uow.keys, through=day, at=uow.now(), tz=garant.timezone
        )
    return {"sealed": [d.isoformat() for d in sealed], "day": day.isoformat()}


def schedule_seal(garant: Garant) -> None:
    """Seal yesterday's chain head, in the policy's time zone."""
    yesterday = local_date(garant.clock.now(), garant.timezone) - timedelta(days=1)
    with garant.unit_of_work() as uow:
        enqueue(
            uow=uow,
            kind=SEAL_JOB,
            key=f"audit.seal:{yesterday}",
            payload={"day": yesterday.isoformat()},
        )


def key_usage(garant: Garant, version: int) -> dict[str, int]:
    """What the audit log made with ``version``: its MACs verify and its payloads open only
    while the version is in the keyring."""
    from sqlalchemy import func, select

    from garant.audit.models import AuditEvent, AuditPayload, AuditSeal
    from garant.mail.models import OutboxMessage

    queries = {
        "audit events": select(func.count()).where(AuditEvent.mac.startswith(f"{version}.")),
        "audit seals": select(func.count()).where(AuditSeal.key_version == version),
        "audit payloads": select(func.count()).where(
            AuditPayload.key_version == version, AuditPayload.data.is_not(None)
        ),
        "outbox messages": select(func.count()).where(
            OutboxMessage.key_version == version, OutboxMessage.sealed.is_not(None)
        ),
    }
    with garant.unit_of_work(read_only=True) as uow:
        return {name: int(uow.session.scalar(q) or 0) for name, q in queries.items()}


def install(garant: Garant) -> None:
    garant.jobs.register(SEAL_JOB, seal_job)
    garant.schedulers.append(schedule_seal)
    garant.key_usage_probes.append(key_usage)
