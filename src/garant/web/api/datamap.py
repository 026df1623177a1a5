"""API of the data map and of subject discovery and export (each access audited, DEF-S2)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from garant.accounts.roles import Permission
from garant.store.uow import Actor
from garant.subjects.export import export_subject
from garant.subjects.schemas import ExportQuery, SubjectQuery
from garant.subjects.service import find_subject
from garant.web.deps import GarantDep, Requires
from garant.web.openapi import content

router = APIRouter(prefix="/api", tags=["datamap"])


@router.get("/datamap", dependencies=[Depends(Requires(Permission.DATAMAP_READ))])
def datamap(garant: GarantDep) -> dict[str, Any]:
    """The data map as validated (systems, collections, fields, references)."""
    result: dict[str, Any] = garant.datamap.model_dump(mode="json", by_alias=True)
    return result


@router.post("/subjects/find")
def subjects_find(
    query: SubjectQuery,
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.SUBJECT_READ))],
) -> dict[str, Any]:
    """Per system and collection, the person's own rows and the context rows."""
    with garant.unit_of_work(actor) as uow:
        found = find_subject(uow=uow, identities=query.to_identities(), purpose=query.purpose)
    return found.to_dict()


@router.post("/subjects/export", response_class=FileResponse, responses=content("application/zip"))
def subjects_export(
    query: ExportQuery,
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.SUBJECT_EXPORT))],
) -> FileResponse:
    """The person's package as a zip (AF-D1; ``portable`` for AF-D4)."""
    folder = Path(tempfile.mkdtemp(prefix="garant-export-"))
    out = folder / ("portability.zip" if query.portable else "access.zip")
    with garant.unit_of_work(actor) as uow:
        export_subject(
            uow=uow,
            identities=query.to_identities(),
            out=out,
            purpose=query.purpose,
            portable=query.portable,
            lang=query.lang,
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
