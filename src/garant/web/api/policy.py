"""API routes of the policy feature: form checks, lint, register, versions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from garant.accounts.roles import Permission
from garant.errors import InvalidInput
from garant.i18n import current_language
from garant.policy import versions
from garant.policy.forms import check_submission
from garant.policy.publication import preview_publication
from garant.policy.register import export_register
from garant.policy.service import run_check
from garant.store.uow import Actor
from garant.web.deps import GarantDep, Requires, csrf_protect

router = APIRouter(prefix="/api", tags=["policy"])
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.post(
    "/forms/{form_id}/validate",
    dependencies=[Depends(Requires(Permission.REGISTER_READ)), Depends(csrf_protect)],
)
def validate_form(
    form_id: str, garant: GarantDep, data: Annotated[dict[str, Any], Body()]
) -> JSONResponse:
    """AF-C2, DEF-C1: 422 naming each missing mandatory field and the consequence, in the
    language asked (``?lang=`` or Accept-Language)."""
    policy = garant.policy
    problems = check_submission(
        policy.form(form_id), data, lang=current_language(), country=policy.country
    )
    if problems:
        return JSONResponse({"valid": False, "errors": [p.as_dict() for p in problems]}, 422)
    return JSONResponse({"valid": True, "errors": []})


@router.get("/policy/check", dependencies=[Depends(Requires(Permission.CHECK_RUN))])
def policy_check(garant: GarantDep) -> list[dict[str, Any]]:
    return [f.as_dict() for f in run_check(garant)]


@router.get("/register", dependencies=[Depends(Requires(Permission.REGISTER_READ))])
def register_export(
    garant: GarantDep, format: str = "json", entity: str | None = None, lang: str = "fr"
) -> Response:
    data = export_register(garant.policy, format, entity=entity, lang=lang)
    headers = {"Content-Disposition": f'attachment; filename="register.{format}"'}
    return Response(data, media_type=MEDIA[format], headers=headers)


@router.get("/policy/versions", dependencies=[Depends(Requires(Permission.REGISTER_READ))])
def policy_versions(garant: GarantDep) -> list[dict[str, Any]]:
    with garant.unit_of_work() as uow:
        return [versions.version_row(v) for v in versions.list_versions(uow)]


class PublishIn(BaseModel):
    """Publishing mails every person concerned (DEF-V1): it is confirmed explicitly,
    best with the ``sha256`` of the preview read, so that an edited file is refused."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=2000, description="What changed, in a sentence.")
    confirm: bool = Field(
        False, description="true to publish and queue the notice; see /policy/publish/preview."
    )
    sha256: str | None = Field(
        None,
        pattern="^[0-9a-f]{64}$",
        description="The `sha256` of the preview confirmed: refused (409) if the file changed.",
    )


class PreviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field("", max_length=2000, description="What changed, in a sentence.")


class ChangeRead(BaseModel):
    section: str
    id: str
    change: str


class MessageRead(BaseModel):
    lang: str
    subject: str
    text: str


class MailingRead(BaseModel):
    recipients: int
    by_language: dict[str, int]
    messages: list[MessageRead]


class PublicationPreviewRead(BaseModel):
    """What publishing would store and mail; nothing is stored nor queued."""

    number: int
    previous: int | None
    sha256: str
    note: str
    changes: list[ChangeRead]
    at: datetime
    recipients: int
    mailings: list[MailingRead]


@router.post("/policy/publish/preview", dependencies=[Depends(csrf_protect)])
def policy_publish_preview(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.POLICY_MANAGE))],
    body: PreviewIn | None = None,
) -> PublicationPreviewRead:
    """DEF-V1: the version publishing would store, what changed, how many persons the
    notice goes to (per language) and the message in each language; queues nothing."""
    note = body.note if body else ""
    with garant.unit_of_work(actor) as uow:
        shown = preview_publication(uow=uow, path=garant.policy_path, note=note)
    return PublicationPreviewRead.model_validate(shown.as_dict())


@router.post("/policy/publish", dependencies=[Depends(csrf_protect)])
def policy_publish(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.POLICY_MANAGE))],
    body: PublishIn,
) -> dict[str, Any]:
    """DEF-V1: store the workspace's policy as the next version, which queues the notice
    to the persons by itself; refused (422) without ``confirm: true``."""
    if not body.confirm:
        raise InvalidInput(
            "publishing queues the notice to the persons: read POST /api/policy/publish/"
            "preview, then send confirm: true (with its sha256)"
        )
    with garant.unit_of_work(actor) as uow:
        version = versions.publish(
            uow=uow, path=garant.policy_path, note=body.note, expected_sha256=body.sha256
        )
        row = versions.version_row(version)
    garant.reload()
    return row
