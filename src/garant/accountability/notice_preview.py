"""What telling the persons of a new policy version would send, shown before it is sent.

A policy-change notice goes to everyone the data map holds an email for (DEF-V1): staff
see how many persons would receive it, how many were told already, and the message in
every language of the policy, then confirm (``policy_change.notify_version``). Publishing
a version queues the notice by itself, so the publication's own preview
(``garant.policy.publication``) asks ``on_publish_preview`` what it will send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from garant.accountability import sources
from garant.accountability.models import PolicyNotice
from garant.accountability.policy_change import (
    TEMPLATE,
    _context,
    _version_summary,
    notice_language,
    tells,
)
from garant.accountability.scan import identities
from garant.errors import InvalidInput
from garant.i18n import language
from garant.policy.publication import Mailing, Message, describe_changes
from garant.store.uow import SYSTEM, Actor, UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.policy.versions import Candidate

CHUNK = 1000


@dataclass(frozen=True)
class NoticePreview:
    version: str
    recipients: int
    already_told: int
    messages: list[tuple[str, str, str]] = field(default_factory=list)
    """(language, subject, text) for each language of the policy."""


def _count(uow: UnitOfWork, datamap: Any, version: str, wanted: set[str] | None) -> tuple[int, int]:
    """Persons found (by keyed hash: a person in two collections is one) and those of
    them already told of ``version``."""
    seen: set[str] = set()
    told = 0
    for batch in sources.batched(identities(datamap, "email", wanted), CHUNK):
        refs = list({uow.subject_ref("email", e) for e in batch} - seen)
        seen.update(refs)
        query = select(PolicyNotice.subject_ref).where(
            PolicyNotice.version == version, PolicyNotice.subject_ref.in_(refs)
        )
        told += len(set(uow.session.scalars(query)))
    return len(seen), told


def _messages(garant: Garant, version: str, summary: Callable[[], str]) -> list[Message]:
    """The notice in every language of the policy, its summary in that language."""
    messages = []
    for lang in garant.policy.languages or ["fr", "en"]:
        with language(lang):
            context = _context(garant, version, summary())
        rendered = garant.mail_templates.render(TEMPLATE, lang, context)
        messages.append(Message(lang, rendered.subject, rendered.text))
    return messages


def preview_notices(
    garant: Garant, version: str, *, activities: list[str] | None = None, actor: Actor = SYSTEM
) -> NoticePreview:
    """Count the persons (by keyed hash, as the notices will) and render the message;
    queue nothing."""
    with garant.unit_of_work(actor, read_only=True) as uow:
        _version_summary(uow, version)  # refuses a version not published
        datamap = sources.datamap_of(uow)
    if datamap is None:
        raise InvalidInput("no data map: Garant cannot find the persons concerned")
    wanted = set(activities) if activities else None
    with garant.unit_of_work(actor) as uow:
        persons, told = _count(uow, datamap, version, wanted)
        messages = _messages(garant, version, lambda: _version_summary(uow, version))
        uow.audit("policy.notify_preview", "policy_version", version,
                  details={"recipients": persons - told, "already_told": told})  # fmt: skip
    return NoticePreview(
        version, persons - told, told, [(m.lang, m.subject, m.text) for m in messages]
    )


def on_publish_preview(uow: UnitOfWork, candidate: Candidate) -> Mailing | None:
    """DEF-V1: the notice that publishing ``candidate`` queues by itself, counted and
    rendered in the caller's unit of work (which audits the preview); none for the first
    version."""
    if not tells(candidate.number):
        return None
    garant, version = uow.garant, str(candidate.number)
    datamap = sources.datamap_of(uow)
    persons, told = _count(uow, datamap, version, None) if datamap is not None else (0, 0)

    def summary() -> str:
        return candidate.note or describe_changes(candidate.changes)

    recipients = persons - told
    by_language = {notice_language(garant): recipients} if recipients else {}
    return Mailing(recipients, by_language, _messages(garant, version, summary))
