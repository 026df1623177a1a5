"""The whole violation register as CSV, JSON or PDF (AF-B1, Art. 33(5))."""

from __future__ import annotations

import csv
import io
import json
from datetime import tzinfo
from typing import Any

from garant.breaches import service
from garant.breaches.models import Breach
from garant.store.uow import UnitOfWork

# The policy's names for the register's fields (``breaches.violation_register.fields``,
# AF-B1) and the column that holds each.
POLICY_FIELDS = {
    "nature": "nature",
    "persons_categories": "person_categories",
    "persons_count": "persons_approx",
    "records_categories": "data_categories",
    "records_count": "records_approx",
    "consequences": "likely_consequences",
    "measures": "measures_taken",
    "no_notification_reason": "no_notification_reason",
    "no_communication_reason": "no_communication_reason",
}

# The register's columns: the policy's six fields, the Art. 33(2) dates, what was done.
COLUMNS = (
    "reference",
    "title",
    "nature",
    "description",
    "occurred_at",
    "processor_aware_at",
    "aware_at",
    "reported_by",
    "systems",
    "person_categories",
    "persons_approx",
    "data_categories",
    "records_approx",
    "likely_consequences",
    "measures_taken",
    "no_notification_reason",
    "no_communication_reason",
    "risk",
    "notify_authority",
    "inform_persons",
    "override_reason",
    "due_at",
    "clock",
    "notifications",
    "communications",
    "status",
)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def row_of(uow: UnitOfWork, breach: Breach) -> dict[str, Any]:
    clock = service.clock_of(uow=uow, breach=breach)
    row = {name: _iso(getattr(breach, name, None)) for name in COLUMNS[:21]}
    row["due_at"] = clock.due_at.isoformat()
    row["clock"] = clock.status
    row["notifications"] = [
        {
            "phase": n.phase,
            "notified_at": n.notified_at.isoformat(),
            "late": n.late,
            "delay_reasons": n.delay_reasons,
            "authority_reference": n.authority_reference,
        }
        for n in service.notifications(uow=uow, breach=breach)
    ]
    row["communications"] = [
        {
            "kind": c.kind,
            "exemption": c.exemption,
            "reason": c.reason,
            "public_communication": c.public_communication,
            "recipients": c.recipients,
            "at": c.created_at.isoformat(),
        }
        for c in service.communications(uow=uow, breach=breach)
    ]
    row["status"] = breach.status
    return row


def register_rows(uow: UnitOfWork) -> list[dict[str, Any]]:
    return [row_of(uow, b) for b in reversed(service.list_breaches(uow=uow))]


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value
        )
    return "" if value is None else str(value)


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _flat(row[k]) for k in COLUMNS})
    return out.getvalue()


def to_json(rows: list[dict[str, Any]]) -> str:
    head = {"register": "personal data breaches (Art. 33(5) GDPR)", "fields": POLICY_FIELDS}
    return json.dumps(
        head | {"breaches": rows},
        indent=2,
        ensure_ascii=False,
    )


def to_pdf(rows: list[dict[str, Any]], organization: str, tz: tzinfo | None = None) -> bytes:
    """The register for the authority, laid out by ``register_pdf`` (words, local times)."""
    from garant.breaches.register_pdf import register_pdf

    return register_pdf(rows, organization, tz)
