"""Privacy-center pages of the policy feature: the notice, its versions, form notices."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup

from garant.i18n import current_language
from garant.policy import versions
from garant.policy.document import to_html_fragment
from garant.policy.forms import form_notice
from garant.policy.notice import build_notice
from garant.policy.service import current_version
from garant.web.deps import GarantDep
from garant.web.templating import render

router = APIRouter(prefix="/privacy", include_in_schema=False)


def _page(request: Request, html: str, title: str) -> Response:
    # The fragment is built from escaped text only (garant.policy.document).
    return render(request, "privacy/policy/document.html", {"body": Markup(html), "title": title})


@router.get("/notice")
def notice(request: Request, garant: GarantDep) -> Response:
    """The public privacy notice, in the visitor's language (``?lang=fr|en``)."""
    doc = build_notice(garant.policy, current_language(), version=current_version(garant))
    return _page(request, to_html_fragment(doc), doc.title)


@router.get("/forms/{form_id}")
def form_information(form_id: str, request: Request, garant: GarantDep) -> Response:
    """The information shown beside a collection form (AF-C2, DEF-C1)."""
    doc = form_notice(garant.policy, form_id, current_language())
    return _page(request, to_html_fragment(doc), doc.title)


@router.get("/policy/versions")
def policy_versions(request: Request, garant: GarantDep) -> Response:
    """DEF-V1: every published version and what changed."""
    with garant.unit_of_work() as uow:
        rows = [versions.version_row(v) for v in versions.list_versions(uow)]
    from garant.policy.notice_sections import in_force

    sentence = in_force(garant.policy, current_version(garant))
    return render(request, "privacy/policy/versions.html", {"versions": rows, "in_force": sentence})


@router.get("/policy/versions/{number}")
def policy_version(number: int, request: Request, garant: GarantDep) -> Response:
    with garant.unit_of_work() as uow:
        version = versions.get_version(uow, number)
        row = versions.version_row(version)
        diff = version.diff
    return render(request, "privacy/policy/version.html", {"version": row, "diff": diff})
