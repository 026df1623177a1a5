"""Back-office pages: the data map (read-only) and finding a person's data (audited)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from garant.accounts.roles import Permission
from garant.errors import InvalidInput
from garant.i18n import gettext as _
from garant.store.uow import Actor
from garant.subjects.export import export_subject
from garant.subjects.rules import Identity, parse_identity
from garant.subjects.service import find_subject
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)

NAV = [
    NavItem(_("Data map"), "/admin/datamap", Permission.DATAMAP_READ, order=20),
    NavItem(_("Find a person"), "/admin/subjects", Permission.SUBJECT_READ, order=21),
]
Text = Annotated[str, Form()]


@router.get("/datamap", dependencies=[Depends(Requires(Permission.DATAMAP_READ))])
def datamap_page(request: Request, garant: GarantDep) -> Response:
    return render(request, "admin/datamap/index.html", {"datamap": garant.datamap})


@router.get("/subjects", dependencies=[Depends(Requires(Permission.SUBJECT_READ))])
def subject_form(request: Request, garant: GarantDep) -> Response:
    kinds = sorted(garant.datamap.identity_kinds())
    return render(request, "admin/datamap/subject.html", {"kinds": kinds, "found": None})


def _identities(kind: str, value: str, kind2: str, value2: str) -> list[Identity]:
    pairs = [(kind, value), (kind2, value2)]
    found = [parse_identity(f"{k}={v}") for k, v in pairs if k and v.strip()]
    if not found:
        raise InvalidInput(_("Give at least one identity."))
    return found


@router.post("/subjects", dependencies=[Depends(csrf_protect)])
def subject_find(
    request: Request,
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.SUBJECT_READ))],
    kind: Text,
    value: Text,
    purpose: Text,
    kind2: Text = "",
    value2: Text = "",
) -> Response:
    identities = _identities(kind, value, kind2, value2)
    with garant.unit_of_work(actor) as uow:
        found = find_subject(uow=uow, identities=identities, purpose=purpose)
    context = {
        "kinds": sorted(garant.datamap.identity_kinds()),
        "found": found,
        "asked": {"kind": kind, "value": value, "kind2": kind2, "value2": value2},
        "purpose": purpose,
    }
    return render(request, "admin/datamap/subject.html", context)


@router.post("/subjects/export", dependencies=[Depends(csrf_protect)])
def subject_export(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.SUBJECT_EXPORT))],
    kind: Text,
    value: Text,
    purpose: Text,
    kind2: Text = "",
    value2: Text = "",
    lang: Text = "fr",
    portable: Text = "",
) -> Response:
    identities = _identities(kind, value, kind2, value2)
    folder = Path(tempfile.mkdtemp(prefix="garant-export-"))
    out = folder / ("portability.zip" if portable else "access.zip")
    with garant.unit_of_work(actor) as uow:
        export_subject(
            uow=uow,
            identities=identities,
            out=out,
            purpose=purpose,
            portable=bool(portable),
            lang="en" if lang == "en" else "fr",
        )
    return FileResponse(
        out,
        media_type="application/zip",
        filename=out.name,
        background=BackgroundTask(_cleanup, folder),
    )


def _cleanup(folder: Path) -> None:
    for item in folder.iterdir():
        item.unlink()
    folder.rmdir()
