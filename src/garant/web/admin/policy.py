"""Back-office pages of the policy feature: the register and the policy's health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from garant.accounts.roles import Permission
from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.policy import versions
from garant.policy.register import FORMATS, export_register, organization, register_rows
from garant.policy.service import run_check
from garant.store.uow import Actor
from garant.web.api.policy import MEDIA
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)

NAV = [
    NavItem(_("Register"), "/admin/register", Permission.REGISTER_READ, order=10),
    NavItem(_("Policy"), "/admin/policy", Permission.REGISTER_READ, order=11),
]


@router.get("/register", dependencies=[Depends(Requires(Permission.REGISTER_READ))])
def register_page(request: Request, garant: GarantDep, entity: str | None = None) -> Response:
    """DEF-A1: the register of processing in the CNIL's columns."""
    lang = current_language()
    policy = garant.policy
    columns, rows = register_rows(policy, entity=entity or None, lang=lang)
    return render(
        request,
        "admin/policy/register.html",
        {
            "columns": columns,
            "rows": rows,
            "org": organization(policy, lang),
            "entities": policy.controller.entities,
            "entity": entity or "",
            "formats": FORMATS,
        },
    )


@router.get("/register/export", dependencies=[Depends(Requires(Permission.REGISTER_READ))])
def register_download(
    garant: GarantDep, format: str = "csv", entity: str | None = None, lang: str = "fr"
) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="register.{format}"'}
    if format == "pdf":  # the CNIL template's layout, for the authority
        from garant.policy.register_pdf import register_pdf

        pdf = register_pdf(garant.policy, entity=entity or None, lang=lang)
        return Response(pdf, media_type="application/pdf", headers=headers)
    data = export_register(garant.policy, format, entity=entity or None, lang=lang)
    return Response(data, media_type=MEDIA[format], headers=headers)


@router.get("/policy", dependencies=[Depends(Requires(Permission.REGISTER_READ))])
def policy_page(request: Request, garant: GarantDep) -> Response:
    findings = run_check(garant)
    with garant.unit_of_work() as uow:
        rows = [versions.version_row(v) for v in versions.list_versions(uow)]
    return render(request, "admin/policy/policy.html", {"findings": findings, "versions": rows})


@router.post("/policy/publish", dependencies=[Depends(csrf_protect)])
def publish(
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.POLICY_MANAGE))],
    note: Annotated[str, Form()] = "",
) -> Response:
    """DEF-V1: publish the workspace's policy file as the next version."""
    with garant.unit_of_work(actor) as uow:
        versions.publish(uow=uow, path=garant.policy_path, note=note)
    garant.reload()
    return RedirectResponse("/admin/policy", status_code=303)
