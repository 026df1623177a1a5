"""What telling the persons of a new policy version would send, shown before it is sent.

A policy-change notice goes to everyone the data map holds an email for (DEF-V1): staff
see how many persons would receive it, how many were told already, and the message in
every language of the policy, then confirm (``policy_change.notify_version``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select

from garant.accountability import sources
from garant.accountability.models import PolicyNotice
from garant.accountability.policy_change import TEMPLATE, _context, _version_summary
from garant.accountability.scan import identities
from garant.errors import InvalidInput
from garant.store.uow import SYSTEM, Actor

if TYPE_CHECKING:
    from garant.app import Garant

CHUNK = 1000


@dataclass(frozen=True)
class NoticePreview:
    version: str
    recipients: int
    already_told: int
    messages: list[tuple[str, str, str]] = field(default_factory=list)
    """(language, subject, text) for each language of the policy."""


def preview_notices(
    garant: Garant, version: str, *, activities: list[str] | None = None, actor: Actor = SYSTEM
) -> NoticePreview:
    """Count the persons (by keyed hash, as the notices will) and render the message;
    queue nothing."""
    with garant.unit_of_work(actor, read_only=True) as uow:
        context = _context(garant, version, _version_summary(uow, version))
        datamap = sources.datamap_of(uow)
    if datamap is None:
        raise InvalidInput("no data map: Garant cannot find the persons concerned")
    wanted = set(activities) if activities else None
    seen: set[str] = set()  # a person found in two collections is one recipient
    told = 0
    with garant.unit_of_work(actor) as uow:
        for batch in sources.batched(identities(datamap, "email", wanted), CHUNK):
            refs = list({uow.subject_ref("email", e) for e in batch} - seen)
            seen.update(refs)
            query = select(PolicyNotice.subject_ref).where(
                PolicyNotice.version == version, PolicyNotice.subject_ref.in_(refs)
            )
            told += len(set(uow.session.scalars(query)))
        persons = len(seen)
        messages = []
        for lang in garant.policy.languages or ["fr", "en"]:
            rendered = garant.mail_templates.render(TEMPLATE, lang, context)
            messages.append((lang, rendered.subject, rendered.text))
        uow.audit("policy.notify_preview", "policy_version", version,
                  details={"recipients": persons - told, "already_told": told})  # fmt: skip
    return NoticePreview(version, persons - told, told, messages)
