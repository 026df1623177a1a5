"""Telling persons of a new policy version (DEF-V1), with a record of who was told.

The persons concerned are found through the data map's email identities (optionally
only in the collections of some activities); each gets one mail per version (idempotent
keys), and a notice row keyed by their hash records when.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from garant.accountability import sources
from garant.accountability.models import PolicyNotice
from garant.accountability.scan import identities
from garant.errors import InvalidInput
from garant.i18n import language
from garant.jobs.service import JobContext, enqueue
from garant.mail.service import queue_mail
from garant.store.uow import SYSTEM, Actor, UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

JOB = "accountability.policy_notify"
TEMPLATE = "accountability_policy_change"
BATCH = 500


def _summary_text(summary: str, note: str) -> str:
    """The publisher's note, else the semantic changes (``[{section, id, change}]``) in the
    current language's words (no internal ids: a person reads it)."""
    if note.strip():
        return note.strip()
    try:
        changes = json.loads(summary) if summary.strip().startswith("[") else None
    except ValueError:
        changes = None
    if not isinstance(changes, list):
        return summary.strip()
    from garant.policy.publication import describe_changes
    from garant.policy.versions import Change

    return describe_changes(
        [Change(str(c.get("section")), str(c.get("id")), str(c.get("change"))) for c in changes]
    )


def tells(number: int) -> bool:
    """DEF-V1: a new version after the first is told to the persons (the first has
    nothing to compare with)."""
    return number > 1


def _version_summary(uow: UnitOfWork, version: str) -> str:
    """The version's summary from the policy's published versions, when installed."""
    t = sources.table(uow, "policy_versions", "number", "summary")
    if t is None:
        return ""
    if not (version.isascii() and version.isdigit() and len(version) < 10):
        raise InvalidInput(f"policy version {version!r}: a version is a number (see policy log)")
    row = uow.session.execute(select(t).where(t.c.number == int(version))).first()
    if row is None:
        raise InvalidInput(f"policy version {version} has not been published")
    data = dict(row._mapping)
    return _summary_text(str(data.get("summary") or ""), str(data.get("note") or ""))


def queue_notices(*, uow: UnitOfWork, version: str) -> int:
    """Queue the notices of a published version for the worker; its job's number.

    The version is checked now, so that a caller is told at once that it does not exist
    instead of a job failing later in the worker."""
    _version_summary(uow, version)
    job = enqueue(uow=uow, kind=JOB, key=f"policy-change:{version}", payload={"version": version})
    return int(job.id)


def notice_language(garant: Garant) -> str:
    """Every person is told in the policy's first language."""
    return (garant.policy.languages or ["fr"])[0]


def _context(garant: Garant, version: str, summary: str) -> dict[str, Any]:
    policy = garant.policy
    return {
        "organization": policy.controller.name,
        "version": version,
        "summary": summary,
        "url": garant.settings.web.base_url.rstrip("/") + "/privacy",
    }


def _notify_batch(uow: UnitOfWork, version: str, emails: list[str], context: dict[str, Any]) -> int:
    refs = {uow.subject_ref("email", e): e for e in emails}
    told = set(
        uow.session.scalars(
            select(PolicyNotice.subject_ref).where(
                PolicyNotice.version == version, PolicyNotice.subject_ref.in_(list(refs))
            )
        )
    )
    lang = notice_language(uow.garant)
    count = 0
    for ref, email in refs.items():
        if ref in told:
            continue
        message = queue_mail(
            uow=uow, to=email, template=TEMPLATE, lang=lang, context=context,
            key=f"policy-change:{version}:{ref}", recipient_ref=ref,
        )  # fmt: skip
        uow.session.add(
            PolicyNotice(version=version, subject_ref=ref, outbox_id=message.id, told_at=uow.now())
        )
        count += 1
    return count


def notify_version(
    garant: Garant,
    version: str,
    *,
    activities: list[str] | None = None,
    actor: Actor = SYSTEM,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Queue one notice per person not yet told of ``version``; returns how many now.

    Each batch is its own transaction: an interrupted run resumes where it stopped.
    """
    with garant.unit_of_work(actor) as uow, language(notice_language(garant)):
        context = _context(garant, version, _version_summary(uow, version))
        datamap = sources.datamap_of(uow)
    if datamap is None:
        raise InvalidInput("no data map: Garant cannot find the persons concerned")
    wanted = set(activities) if activities else None
    total = 0
    for batch in sources.batched(identities(datamap, "email", wanted), BATCH):
        with garant.unit_of_work(actor) as uow:
            total += _notify_batch(uow, version, batch, context)
        if progress:
            progress(total)
    with garant.unit_of_work(actor) as uow:
        uow.audit("policy.notify", "policy_version", version, details={"told": total})
    return total


def notices(*, uow: UnitOfWork, version: str) -> list[dict[str, Any]]:
    query = select(PolicyNotice).where(PolicyNotice.version == version).order_by(PolicyNotice.id)
    return [
        {"subject_ref": n.subject_ref, "told_at": n.told_at.isoformat(), "outbox_id": n.outbox_id}
        for n in uow.session.scalars(query)
    ]


def on_published(uow: UnitOfWork, version: Any) -> None:
    """DEF-V1: publishing a new version (after the first) queues the notice to the persons."""
    if tells(version.number):
        enqueue(
            uow=uow,
            kind=JOB,
            key=f"policy-change:{version.number}",
            payload={"version": str(version.number)},
        )


def notify_job(context: JobContext) -> dict[str, Any]:
    """The worker's side: idempotent, resumes (people already told are skipped)."""
    told = notify_version(
        context.garant,
        str(context.payload["version"]),
        activities=context.payload.get("activities"),
        progress=lambda n: context.heartbeat({"told": n}),
    )
    return {"told": told}
