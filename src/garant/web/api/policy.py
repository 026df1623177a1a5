"""API routes of the policy feature: form checks, lint, register, versions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse, Response

from garant.accounts.roles import Permission
from garant.i18n import current_language
from garant.policy import versions
from garant.policy.forms import check_submission
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


@router.post("/policy/publish", dependencies=[Depends(csrf_protect)])
def policy_publish(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.POLICY_MANAGE))],
    note: Annotated[str, Body(embed=True)] = "",
) -> dict[str, Any]:
    """DEF-V1: store the workspace's policy as the next version."""
    with garant.unit_of_work(actor) as uow:
        version = versions.publish(uow=uow, path=garant.policy_path, note=note)
        return versions.version_row(version)
