"""Telling the persons (Art. 34, AF-B3), or recording why they are not told directly.

The persons are found through the data map: the email identities of every collection of
the systems involved (``crm`` or ``crm.contacts``), read set-based through the
connectors; or from a list of identities given by the DPO. Each is sent a message in
clear language with the items of Art. 34(2) and recorded by keyed hash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from garant.breaches import service
from garant.breaches.models import Breach, BreachCommunication, BreachRecipient
from garant.breaches.notification import dpo_contact
from garant.breaches.schemas import Exemption
from garant.datamap.models import Collection, System
from garant.errors import InvalidInput
from garant.i18n import normalize_language
from garant.mail.service import queue_mail
from garant.policy.taxonomy import CATEGORIES
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.connectors import Connector

TEMPLATE = "breach_communication"
MAX_HOPS = 5
Match = tuple[Sequence[str], list[tuple[object, ...]]]
EXEMPTIONS = ("unintelligible", "risk_no_longer_likely", "disproportionate_effort")


def _involved(uow: UnitOfWork, systems: list[str]) -> Iterator[tuple[System, Collection]]:
    """Each collection named by the breach (``crm`` means every collection of crm)."""
    datamap = uow.garant.datamap
    for entry in systems:
        system_id, _, name = entry.partition(".")
        system = datamap.system(system_id)
        for collection in [system.collection(name)] if name else system.collections:
            yield system, collection


def _emails_of(
    connector: Connector, system: System, coll: Collection, match: Match | None, depth: int = 0
) -> set[str]:
    """Emails of the persons who own ``coll``'s rows (all, or those matching ``match``).

    A collection without an email identity leads to its owners through its ``owns``
    references (an order to its customer), one set-based query per hop.
    """

    def rows(select: list[str]) -> Iterable[dict[str, object]]:
        if match is None:
            return connector.stream(coll, select=select)
        return connector.find(coll, match[0], match[1], select=select)

    column = coll.identity.get("email")
    if column:
        found = (row.get(column) for row in rows([column]))
        return {v.strip() for v in found if isinstance(v, str) and "@" in v}
    emails: set[str] = set()
    for ref in coll.references if depth < MAX_HOPS else []:
        if ref.meaning != "owns":
            continue
        target = system.collection(ref.to)
        keys = {tuple(row.get(c) for c in ref.columns) for row in rows(list(ref.columns))}
        keys = {k for k in keys if None not in k}
        if keys:
            next_match = (coll.target_columns(ref, target), sorted(keys, key=str))
            emails |= _emails_of(connector, system, target, next_match, depth + 1)
    return emails


def affected_from_datamap(uow: UnitOfWork, systems: list[str]) -> set[str]:
    """Every email address of the persons whose data the involved collections hold."""
    from garant.connectors import connector_for

    emails: set[str] = set()
    for system, collection in _involved(uow, systems):
        connector = connector_for(uow.garant, system.id)
        emails |= _emails_of(connector, system, collection, None)
    return emails


def _context(uow: UnitOfWork, breach: Breach, lang: str) -> dict[str, object]:
    cats = [CATEGORIES[c].label(lang) if c in CATEGORIES else c for c in breach.data_categories]
    return {
        "organization": uow.garant.policy.controller.name,
        "reference": breach.reference,
        "title": breach.title,
        "description": breach.description or breach.title,
        "nature": breach.nature,
        "categories": cats,
        "consequences": breach.likely_consequences,
        "measures": breach.measures_taken,
        "contact": dpo_contact(uow),
    }


def _already_told(uow: UnitOfWork, breach: Breach, emails: list[str]) -> set[str]:
    """The emails whose person was told, under any key version (after a rotation too)."""
    owner = {ref: e for e in emails for ref in uow.subject_refs("email", e)}
    refs = list(owner)
    told: set[str] = set()
    for start in range(0, len(refs), 1000):
        chunk = refs[start : start + 1000]
        query = select(BreachRecipient.subject_ref).where(
            BreachRecipient.breach_id == breach.id, BreachRecipient.subject_ref.in_(chunk)
        )
        told.update(owner[ref] for ref in uow.session.scalars(query))
    return told


def _queue_all(
    uow: UnitOfWork,
    breach: Breach,
    row: BreachCommunication,
    todo: dict[str, str],
    language: str,
    progress: Callable[[int, int], None] | None,
) -> None:
    """One outbox message and one recipient record per person; ``progress(done, total)``."""
    context = _context(uow, breach, language)
    for done, (subject_ref, email) in enumerate(todo.items(), start=1):
        message = queue_mail(
            uow=uow,
            to=email,
            template=TEMPLATE,
            lang=language,
            context=context,
            key=f"breach:{breach.id}:{subject_ref}",
            recipient_ref=subject_ref,
        )
        uow.session.add(
            BreachRecipient(
                breach_id=breach.id,
                communication_id=row.id,
                subject_ref=subject_ref,
                message_id=message.id,
                lang=language,
                queued_at=uow.now(),
            )
        )
        if progress is not None and (done % 200 == 0 or done == len(todo)):
            progress(done, len(todo))


def communicate(
    *,
    uow: UnitOfWork,
    ref: str | int,
    identities: Iterable[str] | None = None,
    lang: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BreachCommunication:
    """Queue the Art. 34 message to every affected person not yet told; record who was."""
    breach = service.get_breach(uow=uow, ref=ref)
    if identities is None:
        if not breach.systems:
            raise InvalidInput(
                f"{breach.reference}: no systems involved are recorded; give the identities "
                "(--identities FILE) or record the systems"
            )
        emails = affected_from_datamap(uow, breach.systems)
    else:
        emails = {e.strip() for e in identities if e.strip()}
    bad = sorted(e for e in emails if "@" not in e)
    if bad:
        raise InvalidInput(f"not an email address: {bad[0]}")
    language = normalize_language(lang or (uow.garant.policy.languages or ["fr"])[0])
    unique: dict[str, str] = {}  # one person per keyed hash, however the address is spelt
    for email in sorted(emails):
        unique.setdefault(uow.subject_ref("email", email), email)
    told = _already_told(uow, breach, list(unique.values()))
    todo = {ref: email for ref, email in unique.items() if email not in told}
    row = BreachCommunication(
        breach_id=breach.id,
        kind="direct",
        recipients=len(todo),
        created_at=uow.now(),
        created_by=uow.actor.label,
    )
    uow.session.add(row)
    uow.session.flush()
    _queue_all(uow, breach, row, todo, language, progress)
    service._event(uow, breach, "communicated", f"{len(todo)} person(s)")
    uow.audit(
        "breach.communicate",
        service.OBJECT,
        breach.id,
        details={
            "recipients": len(todo),
            "source": "list" if identities is not None else "datamap",
        },
    )
    return row


def exempt(
    *,
    uow: UnitOfWork,
    ref: str | int,
    exemption: Exemption,
    reason: str,
    public_communication: str = "",
) -> BreachCommunication:
    """Record why the persons are not told directly (Art. 34(3)(a), (b), (c))."""
    if exemption not in EXEMPTIONS:
        raise InvalidInput(f'exemption: "{exemption}" is not one of {", ".join(EXEMPTIONS)}')
    if not reason.strip():
        raise InvalidInput("reason: an exemption from informing the persons must be justified")
    if exemption == "disproportionate_effort" and not public_communication.strip():
        raise InvalidInput(
            "public_communication: with disproportionate effort, a public communication or a "
            "similar measure must inform the persons instead (Art. 34(3)(c)); say which"
        )
    breach = service.get_breach(uow=uow, ref=ref)
    row = BreachCommunication(
        breach_id=breach.id,
        kind="exemption",
        exemption=exemption,
        reason=reason.strip(),
        public_communication=public_communication.strip(),
        created_at=uow.now(),
        created_by=uow.actor.label,
    )
    uow.session.add(row)
    if not breach.no_communication_reason:
        breach.no_communication_reason = f"{exemption}: {reason.strip()}"
    service._event(uow, breach, "exempted", f"{exemption}: {reason.strip()}")
    uow.audit("breach.exempt", service.OBJECT, breach.id, details={"exemption": exemption})
    return row


def public_notices(*, uow: UnitOfWork) -> list[dict[str, object]]:
    """Breaches told to the public instead of each person (Art. 34(3)(c)), newest first."""
    query = (
        select(BreachCommunication, Breach)
        .join(Breach, Breach.id == BreachCommunication.breach_id)
        .where(BreachCommunication.exemption == "disproportionate_effort")
        .order_by(BreachCommunication.created_at.desc())
    )
    return [
        {"published_at": comm.created_at, "channel": comm.public_communication}
        | _context(uow, breach, "en")
        | {"data_categories": breach.data_categories}
        for comm, breach in uow.session.execute(query).all()
    ]
