"""The violation register as the authority reads it (Art. 33(5) GDPR, AF-B1): one entry
per breach in the order of the CNIL's register of violations (the facts, the persons and
data concerned, the consequences, the measures, the notification and the information of
the persons), in words and local times, never field names, codes or True/False.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from html import escape
from typing import Any

from garant.i18n import gettext as _
from garant.i18n.dates import format_date, format_datetime
from garant.i18n.labels import label, yes_no
from garant.printing import PRINT_CSS, pdf_bytes


def _rows(tz: tzinfo | None) -> list[tuple[str, str, Callable[[Any], str]]]:
    """(heading, column, how to say the value), in the CNIL register's order."""
    from garant.policy.wording import category

    def when(value: Any) -> str:
        return format_datetime(value, tz, "long+zone") if value else ""

    def words(kind: str) -> Callable[[Any], str]:
        return lambda value: ", ".join(label(v, kind) for v in value or [])

    def plain(value: Any) -> str:
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)

    return [
        (_("Nature of the breach"), "nature", words("nature")),
        (_("Description"), "description", plain),
        (_("Date and time of the breach"), "occurred_at", when),
        (_("Date and time the processor became aware"), "processor_aware_at", when),
        (_("Date and time the controller became aware"), "aware_at", when),
        (_("Who reported it"), "reported_by", plain),
        (_("Systems involved"), "systems", plain),
        (_("Categories of persons concerned"), "person_categories", plain),
        (_("Approximate number of persons"), "persons_approx", plain),
        (_("Categories of personal data records"), "data_categories",
         lambda v: ", ".join(category(c) for c in v or [])),
        (_("Approximate number of records"), "records_approx", plain),
        (_("Likely consequences"), "likely_consequences", plain),
        (_("Measures taken or proposed"), "measures_taken", plain),
        (_("Risk to the persons"), "risk", lambda v: label(v, "risk") if v else _("not assessed")),
        (_("Notification to the authority required"), "notify_authority", _maybe),
        (_("Information of the persons required"), "inform_persons", _maybe),
        (_("Why the assessment was overridden"), "override_reason", plain),
        (_("Why the authority was not notified"), "no_notification_reason", plain),
        (_("Why the persons were not informed"), "no_communication_reason", plain),
        (_("72-hour deadline"), "due_at", when),
    ]  # fmt: skip


def _maybe(value: Any) -> str:
    return "" if value is None else yes_no(value)


def _notifications(row: dict[str, Any], tz: tzinfo | None) -> str:
    lines = []
    for n in row.get("notifications") or []:
        text = f"{label(n['phase'], 'phase')}: {format_datetime(n['notified_at'], tz)}"
        if n.get("late"):
            text += " · " + _("late") + (f": {n['delay_reasons']}" if n["delay_reasons"] else "")
        if n.get("authority_reference"):
            text += " · " + _("reference {ref}").format(ref=n["authority_reference"])
        lines.append(escape(text))
    return "<br>".join(lines) or escape(_("None"))


def _communications(row: dict[str, Any], tz: tzinfo | None) -> str:
    lines = []
    for c in row.get("communications") or []:
        if c.get("exemption"):
            text = label(c["exemption"], "exemption") + (f": {c['reason']}" if c["reason"] else "")
        else:
            text = _("{count} person(s) informed").format(count=c.get("recipients") or 0)
        lines.append(escape(f"{format_date(c['at'], tz)} · {text}"))
    return "<br>".join(lines) or escape(_("None"))


def _entry(row: dict[str, Any], tz: tzinfo | None) -> str:
    cells = [
        f"<tr><th>{escape(heading)}</th><td>{escape(say(row.get(column)))}</td></tr>"
        for heading, column, say in _rows(tz)
        if row.get(column) not in (None, "", [])
        or column in ("risk", "notify_authority", "inform_persons")
    ]
    cells.append(
        f"<tr><th>{escape(_('Notifications to the authority'))}</th>"
        f"<td>{_notifications(row, tz)}</td></tr>"
    )
    cells.append(
        f"<tr><th>{escape(_('Communications to the persons'))}</th>"
        f"<td>{_communications(row, tz)}</td></tr>"
    )
    title = f"{row['reference']} · {row['title']}"
    return f'<h2>{escape(title)}</h2><table class="entry">{"".join(cells)}</table>'


def register_html(rows: list[dict[str, Any]], organization: str, tz: tzinfo | None) -> str:
    from garant.i18n import current_language

    title = _("Register of personal data breaches")
    count = _("{count} breach(es) recorded (GDPR Art. 33(5)).").format(count=len(rows))
    body = "".join(_entry(row, tz) for row in rows)
    return (
        f'<!doctype html><html lang="{current_language()}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{PRINT_CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="meta">{escape(organization)} · {escape(count)}</p>'
        f"{body}</body></html>"
    )


def register_pdf(rows: list[dict[str, Any]], organization: str, tz: tzinfo | None) -> bytes:
    return pdf_bytes(register_html(rows, organization, tz))
