"""Publishing a policy version is shown before it is done (DEF-V1, issue 18).

Publication tells every person the data map holds an email for, by itself (DEF-V1): one
click cannot be taken back once hundreds of mails are queued. So the surfaces first show
what publishing would do (the version, what changed, how many persons are mailed in which
language, the message in every language of the policy, when it goes) and publish only on
a confirmation bound to the file's hash (``versions.publish(expected_sha256=...)``): a
file edited after the preview is refused, never published unseen.

Features that act on a new version say what they would do through
``garant.extensions["policy_publish_preview"]``: ``fn(uow, candidate) -> Mailing | None``
(the accountability feature's policy-change notice); the preview queues nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from garant.i18n import gettext as _
from garant.i18n.labels import label
from garant.policy.versions import Candidate, Change, candidate

if TYPE_CHECKING:
    from garant.store.uow import UnitOfWork

HOOKS = "policy_publish_preview"


@dataclass(frozen=True)
class Message:
    lang: str
    subject: str
    text: str


@dataclass(frozen=True)
class Mailing:
    """What a feature will mail when the version is published."""

    recipients: int
    by_language: dict[str, int]
    """Persons per language of the message they will receive."""
    messages: list[Message] = field(default_factory=list)
    """The message in every language of the policy."""


@dataclass(frozen=True)
class PublicationPreview:
    number: int
    previous: int | None
    sha256: str
    note: str
    changes: list[Change]
    at: datetime
    """When the preview was made: publishing queues the mail at once on confirmation."""
    mailings: list[Mailing] = field(default_factory=list)

    @property
    def recipients(self) -> int:
        return sum(m.recipients for m in self.mailings)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "previous": self.previous,
            "sha256": self.sha256,
            "note": self.note,
            "changes": [c.as_dict() for c in self.changes],
            "at": self.at.isoformat(),
            "recipients": self.recipients,
            "mailings": [
                {
                    "recipients": m.recipients,
                    "by_language": dict(m.by_language),
                    "messages": [vars(x) for x in m.messages],
                }
                for m in self.mailings
            ],
        }


def describe_changes(changes: list[Change]) -> str:
    """What changed, for a person, in the current language: the sections and how
    ("retention rules (changed); processing activities (added)"), no internal ids."""
    seen: list[tuple[str, str]] = []
    for change in changes:
        if (change.section, change.change) not in seen:
            seen.append((change.section, change.change))
    return "; ".join(f"{label(s, 'policy_section')} ({_(c)})" for s, c in seen)


def preview_publication(*, uow: UnitOfWork, path: Path, note: str = "") -> PublicationPreview:
    """What publishing ``path`` would store and send; stores and queues nothing.

    The count of recipients reads the persons' addresses (as keyed hashes): audited."""
    next_version: Candidate = candidate(uow=uow, path=path, note=note)
    mailings = [
        found
        for hook in uow.garant.extensions.get(HOOKS, [])
        if (found := hook(uow, next_version)) is not None
    ]
    shown = PublicationPreview(
        number=next_version.number,
        previous=next_version.previous,
        sha256=next_version.sha256,
        note=next_version.note,
        changes=next_version.changes,
        at=uow.now(),
        mailings=mailings,
    )
    uow.audit(
        "policy.publish_preview",
        "policy_version",
        next_version.number,
        details={"sha256": next_version.sha256, "recipients": shown.recipients},
    )
    return shown
