"""The preview step before persons are told of a breach: how many, and the message in each
language, then a confirmation (``garant.breaches.preview``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from garant.accounts.roles import Permission
from garant.breaches.preview import preview_communication
from garant.errors import GarantError
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.templating import render

router = APIRouter(prefix="/admin/breaches", include_in_schema=False)
Manager = Annotated[Actor, Depends(Requires(Permission.BREACH_MANAGE))]
LANGUAGES = {"fr": "Français", "en": "English"}
LANGUAGE_NAMES = {"fr": "French", "en": "English"}  # msgids, in a sentence


@router.post("/{ref}/communicate/preview", dependencies=[Depends(csrf_protect)])
async def preview(request: Request, garant: GarantDep, actor: Manager, ref: str) -> Response:
    form = await request.form()
    typed = str(form.get("identities") or "")
    lines = [line.strip() for line in typed.splitlines() if line.strip()]
    error = None
    shown = None
    try:
        with garant.unit_of_work(actor) as uow:
            shown = preview_communication(uow=uow, ref=ref, identities=lines or None)
    except GarantError as exc:
        error = _(exc.message)
    context = {
        "ref": ref,
        "preview": shown,
        "identities": "\n".join(lines),
        "error": error,
        "languages": LANGUAGES,
        "language_names": LANGUAGE_NAMES,
    }
    return render(request, "admin/breaches/preview.html", context, 422 if error else 200)
