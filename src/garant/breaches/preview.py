"""What "inform the persons" would do, shown before it is done (Art. 34).

Telling hundreds of persons of a breach cannot be taken back: staff see how many persons
would receive the message, how many were told already, whether the assessment advised
telling them, and the message itself in every language of the policy, and only then
confirm (``communication.communicate``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from garant.breaches import communication, service
from garant.errors import InvalidInput
from garant.store.uow import UnitOfWork


@dataclass(frozen=True)
class Message:
    lang: str
    subject: str
    text: str


@dataclass(frozen=True)
class CommunicationPreview:
    reference: str
    recipients: int
    """Persons who would be sent the message now."""
    already_told: int
    advised: bool | None
    """What the risk assessment concluded about telling the persons (None: not assessed)."""
    source: str
    """``datamap`` (every person of the systems involved) or ``list`` (addresses given)."""
    messages: list[Message] = field(default_factory=list)


def _addresses(uow: UnitOfWork, systems: list[str], identities: Iterable[str] | None) -> set[str]:
    if identities is not None:
        emails = {e.strip() for e in identities if e.strip()}
        bad = sorted(e for e in emails if "@" not in e)
        if bad:
            raise InvalidInput(f"not an email address: {bad[0]}")
        return emails
    if not systems:
        raise InvalidInput(
            "no systems involved are recorded; give the identities or record the systems"
        )
    return communication.affected_from_datamap(uow, systems)


def preview_communication(
    *, uow: UnitOfWork, ref: str | int, identities: Iterable[str] | None = None
) -> CommunicationPreview:
    """Count and render, queue nothing; the reading of the addresses is audited."""
    breach = service.get_breach(uow=uow, ref=ref)
    given = None if identities is None else list(identities)
    emails = _addresses(uow, breach.systems or [], given)
    unique: dict[str, str] = {}
    for email in sorted(emails):
        unique.setdefault(uow.subject_ref("email", email), email)
    told = communication._already_told(uow, breach, list(unique.values()))
    languages = list(uow.garant.policy.languages or ["fr", "en"])
    messages = []
    for lang in languages:
        rendered = uow.garant.mail_templates.render(
            communication.TEMPLATE, lang, communication._context(uow, breach, lang)
        )
        messages.append(Message(lang, rendered.subject, rendered.text))
    uow.audit(
        "breach.communication_preview",
        service.OBJECT,
        breach.id,
        details={"recipients": len(unique) - len(told), "already_told": len(told)},
    )
    return CommunicationPreview(
        reference=breach.reference,
        recipients=len(unique) - len(told),
        already_told=len(told),
        advised=breach.inform_persons,
        source="list" if given is not None else "datamap",
        messages=messages,
    )
