"""The notification to the supervisory authority (Art. 33(3), (4)) and its draft.

The draft holds the items of Art. 33(3) and those the CNIL's online notification form
asks: initial or follow-up, the controller, a contact (the DPO), the nature
(confidentiality, integrity, availability), categories and approximate numbers of persons
and records, likely consequences, measures taken or proposed, whether and how the persons
were informed, and the reasons for a delay. As text to paste and as a PDF, in French or
English.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from garant.breaches import service
from garant.breaches.models import Breach, BreachNotification
from garant.breaches.schemas import Phase
from garant.errors import InvalidInput, InvalidTransition
from garant.i18n import translate
from garant.policy.taxonomy import CATEGORIES
from garant.store.uow import UnitOfWork

Item = tuple[str, str]


def _contact(person: Any) -> dict[str, str]:
    fields = ("name", "email", "phone", "address")
    return {k: str(getattr(person, k, None) or "") for k in fields} if person else {}


def dpo_contact(uow: UnitOfWork) -> dict[str, str]:
    """The contact point of Art. 33(3)(b): the policy's DPO, else the controller itself."""
    policy = uow.garant.policy
    dpo = getattr(getattr(policy, "contacts", None), "dpo", None)
    return _contact(dpo) or _contact(policy.controller)


def _told(uow: UnitOfWork, breach: Breach, lang: str) -> str:
    rows = service.communications(uow=uow, breach=breach)
    if not rows:
        return translate(lang, "Not yet: the persons have not been informed.")
    parts = []
    for row in rows:
        if row.kind == "direct":
            parts.append(translate(lang, "Informed by email") + f": {row.recipients}")
        else:
            parts.append(
                translate(lang, "Not informed directly") + f" ({row.exemption}): {row.reason}"
            )
    return "; ".join(parts)


def _controller(uow: UnitOfWork) -> str:
    controller = uow.garant.policy.controller
    parts = [controller.name] + [
        getattr(controller, name, None) for name in ("legal_form", "address", "registration")
    ]
    return ", ".join(str(part) for part in parts if part)


def _facts_items(uow: UnitOfWork, breach: Breach, lang: str) -> list[Item]:
    def t(msg: str) -> str:
        return translate(lang, msg)

    cats = ", ".join(
        CATEGORIES[c].label(lang) if c in CATEGORIES else c for c in breach.data_categories
    )
    return [
        (t("Date and time of the breach"), _when(breach.occurred_at, uow, t("unknown"), lang)),
        (
            t("Date and time the processor became aware"),
            _when(breach.processor_aware_at, uow, t("not applicable"), lang),
        ),
        (t("Date and time the controller became aware"), _when(breach.aware_at, uow, "", lang)),
        (t("Nature of the breach"), ", ".join(t(n) for n in breach.nature)),
        (t("Description"), breach.description or breach.title),
        (t("Categories of persons concerned"), ", ".join(breach.person_categories) or t("unknown")),
        (t("Approximate number of persons"), _num(breach.persons_approx, t("unknown"))),
        (t("Categories of personal data records"), cats or t("unknown")),
        (t("Approximate number of records"), _num(breach.records_approx, t("unknown"))),
        (t("Systems involved"), ", ".join(breach.systems) or "-"),
        (t("Likely consequences"), breach.likely_consequences or t("being assessed")),
        (t("Measures taken or proposed"), breach.measures_taken or t("being decided")),
    ]


def draft(
    *, uow: UnitOfWork, ref: str | int, phase: Phase, lang: str, delay_reasons: str = ""
) -> dict[str, Any]:
    """The items of the notification, labelled in ``lang``, ready for text or PDF."""
    breach = service.get_breach(uow=uow, ref=ref)
    late = service.clock_of(uow=uow, breach=breach).late

    def t(msg: str) -> str:
        return translate(lang, msg)

    kind = t("Initial notification") if phase == "initial" else t("Follow-up notification")
    items = [
        (t("Type of notification"), kind),
        (t("Controller"), _controller(uow)),
        (
            t("Contact point (data protection officer)"),
            ", ".join(v for v in dpo_contact(uow).values() if v),
        ),
        (t("Breach reference"), breach.reference),
        *_facts_items(uow, breach, lang),
        (t("Information of the persons"), _told(uow, breach, lang)),
        (
            t("Reasons for the delay"),
            delay_reasons or (t("being documented") if late else t("not late")),
        ),
    ]
    return {
        "title": t("Personal data breach notification"),
        "lang": lang,
        "phase": phase,
        "reference": breach.reference,
        "items": items,
    }


def _when(moment: datetime | None, uow: UnitOfWork, missing: str, lang: str) -> str:
    """A local time with its place, in ``lang`` (the draft's language, not the page's)."""
    if moment is None:
        return missing
    from garant.i18n import language
    from garant.i18n.dates import format_datetime

    with language(lang):
        return format_datetime(moment, uow.garant.timezone, "long+zone")


def _num(value: int | None, missing: str) -> str:
    return missing if value is None else f"~{value}"


def as_text(content: dict[str, Any]) -> str:
    lines = [content["title"], "=" * len(content["title"]), ""]
    colon = " :" if content["lang"] == "fr" else ":"  # French puts a space before a colon
    for label, value in content["items"]:
        lines.append(f"{label}{colon}\n  {value}\n")
    return "\n".join(lines)


def as_html(content: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"
        for label, value in content["items"]
    )
    return (
        f'<!doctype html><html lang="{content["lang"]}"><head><meta charset="utf-8">'
        "<style>body{font-family:sans-serif;font-size:10pt}th{text-align:left;vertical-align:top;"
        "width:35%;padding:4px}td{padding:4px;white-space:pre-wrap}table{border-collapse:collapse}"
        "tr{border-bottom:1px solid #ccc}</style></head>"
        f"<body><h1>{escape(content['title'])}</h1><table>{rows}</table></body></html>"
    )


def as_pdf(content: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=as_html(content)).write_pdf())


def record_notification(
    *,
    uow: UnitOfWork,
    ref: str | int,
    phase: Phase,
    lang: str = "fr",
    notified_at: datetime | None = None,
    delay_reasons: str = "",
    authority_reference: str = "",
) -> BreachNotification:
    """Record that the authority was notified; after 72 hours the reasons must be given."""
    if phase not in ("initial", "follow_up"):
        raise InvalidInput(f'phase: "{phase}" is not initial or follow_up')
    breach = service.get_breach(uow=uow, ref=ref)
    done = service.notifications(uow=uow, breach=breach)
    if phase == "initial" and done:
        raise InvalidTransition(f"{breach.reference} was already notified; send a follow-up")
    if phase == "follow_up" and not done:
        raise InvalidTransition(f"{breach.reference}: a follow-up needs an initial notification")
    moment = notified_at or uow.now()
    late = phase == "initial" and moment > service.clock_of(uow=uow, breach=breach).due_at
    if late and not delay_reasons.strip():
        raise InvalidInput(
            f"{breach.reference} is notified more than 72 hours after awareness: give the "
            "reasons for the delay (Art. 33(1))"
        )
    content = draft(uow=uow, ref=breach.id, phase=phase, lang=lang, delay_reasons=delay_reasons)
    row = BreachNotification(
        breach_id=breach.id,
        phase=phase,
        notified_at=moment,
        late=late,
        delay_reasons=delay_reasons.strip(),
        authority_reference=authority_reference,
        lang=lang,
        content=content,
        recorded_by=uow.actor.label,
    )
    uow.session.add(row)
    service._event(uow, breach, f"notified_{phase}", delay_reasons.strip())
    uow.audit("breach.notify", service.OBJECT, breach.id, details={"phase": phase, "late": late})
    return row
