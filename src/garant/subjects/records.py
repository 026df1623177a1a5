"""Garant's own records about a person, gathered from every feature for an access export.

Providers live in ``garant.extensions["subject_records"]``: callables
``(uow, subject_refs) -> list[section]``, a section being ``{"title": str, "rows":
[{"column heading": value, ...}]}``, written in the language active at the call
(``garant.i18n.current_language()``). Consent, rights, suppression and disclosure
features append theirs in their ``wiring.install``; this module gives the staff
access log (DEF-S2: dates and purposes of staff access to the person's data).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select

from garant.audit.models import AuditEvent
from garant.i18n import gettext as _
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

Section = dict[str, Any]
RecordProvider = Callable[[UnitOfWork, list[str]], list[Section]]


def providers(garant: Garant) -> list[RecordProvider]:
    found: list[RecordProvider] = garant.extensions.setdefault("subject_records", [])
    return found


def staff_access(uow: UnitOfWork, subject_refs: list[str]) -> list[Section]:
    """Every audited access to the person's data: when, by which role, for what purpose."""
    rows = []
    for at, action, actor, details in uow.session.connection().execute(
        _ACCESS, {"refs": subject_refs}
    ):
        if "purpose" not in (details or {}):
            continue
        rows.append(
            {
                _("Date and time"): at.isoformat()[:19].replace("T", " "),
                _("What was done"): _action(action),
                _("By"): str(actor).split(":", 1)[0],
                _("Purpose"): details["purpose"],
            }
        )
    return [{"title": _("Access to your data by our staff"), "rows": rows}] if rows else []


_EVENTS = AuditEvent.__table__.c
_ACCESS = (
    select(_EVENTS.at, _EVENTS.action, _EVENTS.actor, _EVENTS.details)
    .where(_EVENTS.subject_ref.in_(bindparam("refs", expanding=True)))
    .order_by(_EVENTS.seq)
)
"""The four columns the log shows, read as plain rows in the unit of work's transaction:
built once, no ORM entity or statement compiled per export (a fixed cost of each)."""


def _action(action: str) -> str:
    words = {
        "subject.find": _("Search for your data"),
        "subject.export": _("Copy of your data"),
        "subject.export.portable": _("Portable copy of your data"),
        "subject.erasure_plan": _("Preparation of an erasure"),
    }
    return words.get(action, action)


def gather(uow: UnitOfWork, subject_refs: list[str]) -> list[Section]:
    sections = staff_access(uow, subject_refs)
    for provider in providers(uow.garant):
        sections.extend(provider(uow, subject_refs))
    return sections
