"""Privacy-center page of the retention feature: how long each kind of data is kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from garant.i18n import current_language
from garant.web.deps import GarantDep
from garant.web.templating import render

router = APIRouter(prefix="/privacy", include_in_schema=False)


def _words(duration: Any, lang: str) -> str:
    words = getattr(duration, "words", None)
    return str(words(lang)) if callable(words) else str(duration)


@router.get("/retention")
def retention_page(request: Request, garant: GarantDep) -> Response:
    """Each rule in the person's language: duration, from when, archive and its statute."""
    lang = current_language()
    rows = []
    for rule in getattr(garant.policy, "retention_rules", []) or []:
        if getattr(rule, "governs", None):
            continue
        label = rule.label.get(lang) if getattr(rule, "label", None) else rule.id
        archive = None
        if rule.archive is not None:
            try:
                reference = garant.policy.statute(rule.archive.statute).reference
            except Exception:  # an unknown statute is the policy lint's to report
                reference = rule.archive.statute
            archive = {"duration": _words(rule.archive.duration, lang), "statute": reference}
        rows.append(
            {
                "label": label,
                "duration": _words(rule.duration, lang),
                "events": list(rule.start.latest),
                "archive": archive,
            }
        )
    return render(request, "privacy/retention/index.html", {"rules": rows})
