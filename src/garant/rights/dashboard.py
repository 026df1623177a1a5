"""Overdue requests top the dashboard; those due within a week follow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from garant.i18n import gettext as _
from garant.rights import service
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

SOON = 7


def provider(garant: Garant, uow: UnitOfWork) -> list[dict[str, Any]]:
    open_requests = service.list_requests(uow=uow, open_only=True)
    late = [r for r in open_requests if r.overdue]
    soon = [r for r in open_requests if not r.overdue and r.days_left <= SOON]
    sections = []
    stuck = [r for r in open_requests if r.attention]
    if stuck:
        sections.append(
            {
                "level": "late",
                "title": _("Rights requests that need attention"),
                "summary": _(
                    "Their execution stopped after its last attempt: fix the cause, "
                    "then run them again."
                ),
                "items": [_item(r, r.attention or "") for r in stuck],
            }
        )
    if late:
        sections.append(
            {
                "level": "late",
                "title": _("Overdue rights requests"),
                "summary": _("These requests are past their legal deadline (GDPR Art. 12(3))."),
                "items": [_item(r, _("late by %(n)s day(s)") % {"n": -r.days_left}) for r in late],
            }
        )
    if soon:
        sections.append(
            {
                "level": "due",
                "title": _("Rights requests due soon"),
                "summary": "",
                "items": [_item(r, _("due in %(n)s day(s)") % {"n": r.days_left}) for r in soon],
            }
        )
    return sections


def _item(r: Any, when: str) -> dict[str, str]:
    return {
        "text": f"#{r.id} {_(r.type)} · {r.due_day.isoformat()} · {when}",
        "href": f"/admin/rights/{r.id}",
    }
