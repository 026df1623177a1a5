"""Back-office mail viewer: the outbox, list and message (``mail.read``: dpo, privacy).

In a demo nothing is delivered (the catcher takes it), so this is where the identity code,
the reply and the download link are read.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from garant.accounts.roles import Permission
from garant.i18n import gettext as _
from garant.i18n.dates import format_datetime
from garant.mail.viewer import PAGE, list_messages, read_message
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin/mail", include_in_schema=False)
NAV = [NavItem(_("Mail"), "/admin/mail", Permission.MAIL_READ, order=85)]
Reader = Annotated[Actor, Depends(Requires(Permission.MAIL_READ))]
# English msgids, translated when the page is rendered
STATUSES = {
    "held": "waiting for review",
    "queued": "waiting to be sent",
    "sent": "sent",
    "failed": "not sent (failed)",
}
LANGUAGES = {"fr": "Français", "en": "English"}


def _when(request: Request, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_datetime(moment, request.app.state.garant.timezone)


@router.get("")
def list_page(
    request: Request, garant: GarantDep, actor: Reader, to: str = "", page: int = 1
) -> Response:
    page = max(page, 1)
    with garant.unit_of_work(actor) as uow:
        rows, total = list_messages(
            uow=uow, recipient=to or None, limit=PAGE, offset=(page - 1) * PAGE
        )
    context = {
        "rows": rows,
        "total": total,
        "to": to,
        "page": page,
        "more": page * PAGE < total,
        "when": lambda moment: _when(request, moment),
        "statuses": STATUSES,
    }
    return render(request, "admin/mail/list.html", context)


@router.get("/{message_id}")
def message_page(request: Request, garant: GarantDep, actor: Reader, message_id: int) -> Response:
    with garant.unit_of_work(actor) as uow:
        message = read_message(uow=uow, message_id=message_id)
    context = {
        "message": message,
        "when": lambda moment: _when(request, moment),
        "statuses": STATUSES,
        "languages": LANGUAGES,
    }
    return render(request, "admin/mail/message.html", context)
