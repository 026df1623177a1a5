"""A request whose execution failed for good: staff are told, and it says so everywhere.

After the job's last attempt (``garant.jobs`` retries with growing delays) nobody would
otherwise notice: the request stays ``running`` while its due date (Art. 12(3)) comes
closer. The failure is audited, the DPO address is mailed at each final failure, and the
request shows "needs attention" on the dashboard, in ``request list`` and ``request show``
until it is run again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from garant.jobs.models import Job
from garant.store.uow import SYSTEM, UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

JOB = "rights.execute"


def record(garant: Garant, request_id: int, *, step: str, summary: str) -> None:
    """Audit the failure and mail staff (the summary holds no personal value)."""
    from garant.mail.service import queue_mail
    from garant.rights import policy_view, reply, service

    with garant.unit_of_work(SYSTEM) as uow:
        req = service.get(uow, request_id)
        uow.audit("request.needs_attention", "request", req.id, details={"step": step})
        to = garant.settings.mail.dpo_address or policy_view.dpo_contact(garant.policy)
        if not to:
            return
        queue_mail(
            uow=uow,
            to=to,
            template="rights_attention",
            lang=garant.policy.languages[0] if garant.policy.languages else "fr",
            context=reply.context(uow, req) | {"failure": summary},
            key=f"rights:{req.id}:attention:{step}:{uow.now().isoformat()}",
        )


def failure(uow: UnitOfWork, request_id: int) -> str | None:
    """The line saying why the request's execution stopped, when its job failed for good."""
    job = uow.session.scalar(select(Job).where(Job.idempotency_key == f"{JOB}:{request_id}"))
    if job is None or job.status != "failed":
        return None
    return (job.error or "").splitlines()[0] if job.error else "the execution failed"


def failures(uow: UnitOfWork) -> dict[int, str]:
    """Every request whose execution failed for good, with its line (one query)."""
    jobs = uow.session.scalars(select(Job).where(Job.kind == JOB, Job.status == "failed"))
    return {
        int(j.payload["request_id"]): (j.error or "").splitlines()[0] if j.error else ""
        for j in jobs
        if "request_id" in (j.payload or {}) and "copy" not in (j.payload or {})
    }
