"""Back-office pages of the policy feature: the register and the policy's health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from garant.accounts.roles import Permission
from garant.app import Garant
from garant.errors import GarantError
from garant.i18n import current_language
from garant.i18n import gettext as _
from garant.policy import versions
from garant.policy.publication import PublicationPreview, preview_publication
from garant.policy.register import FORMATS, export_register, organization, register_rows
from garant.policy.service import run_check
from garant.store.uow import Actor
from garant.web.api.policy import MEDIA
from garant.web.deps import GarantDep, Requires, csrf_protect
from garant.web.nav import NavItem
from garant.web.templating import render

router = APIRouter(prefix="/admin", include_in_schema=False)
LANGUAGE_NAMES = {"fr": "French", "en": "English"}  # msgids, in a sentence

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
def policy_page(request: Request, garant: GarantDep, published: int | None = None) -> Response:
    findings = run_check(garant)
    with garant.unit_of_work() as uow:
        rows = [versions.version_row(v) for v in versions.list_versions(uow)]
    context = {"findings": findings, "versions": rows, "published": published}
    return render(request, "admin/policy/policy.html", context)


def _problem(exc: GarantError) -> str:
    if isinstance(exc, versions.Unchanged):
        return _("The policy is unchanged since version %(number)s: nothing to publish.") % {
            "number": exc.number
        }
    if isinstance(exc, versions.ChangedSincePreview):
        return _("The policy file changed since the preview: read the new preview and confirm.")
    return _(exc.message)  # a policy file that does not load: file:line and the problem


def _preview_page(
    request: Request, garant: Garant, actor: Actor, note: str, after: GarantError | None = None
) -> Response:
    """What publishing would store and mail, with the button that confirms it."""
    shown: PublicationPreview | None = None
    error = _problem(after) if after else None
    status = after.http_status if after else 200
    try:
        with garant.unit_of_work(actor) as uow:
            shown = preview_publication(uow=uow, path=garant.policy_path, note=note)
    except GarantError as exc:
        error, status = _problem(exc), exc.http_status
    context = {"preview": shown, "note": note, "error": error, "language_names": LANGUAGE_NAMES}
    return render(request, "admin/policy/publish.html", context, status)


@router.post("/policy/publish", dependencies=[Depends(csrf_protect)])
def publish(
    request: Request,
    garant: GarantDep,
    actor: Annotated[Actor, Depends(Requires(Permission.POLICY_MANAGE))],
    note: Annotated[str, Form(max_length=2000)] = "",
    confirmed: Annotated[str, Form()] = "",
    sha256: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """DEF-V1: publish the workspace's policy file as the next version, which mails the
    persons by itself: the first post shows what it will do; only the confirmation of
    that preview (the file's hash as shown) publishes."""
    if confirmed != "yes" or not sha256:
        return _preview_page(request, garant, actor, note)
    try:
        with garant.unit_of_work(actor) as uow:
            version = versions.publish(
                uow=uow, path=garant.policy_path, note=note, expected_sha256=sha256
            )
            number = version.number
    except GarantError as exc:  # edited since the preview: show the new one
        return _preview_page(request, garant, actor, note, exc)
    garant.reload()
    return RedirectResponse(f"/admin/policy?published={number}", status_code=303)
