"""Privacy-center page of the breaches feature: the public communication of Art. 34(3)(c).

When telling each person would take a disproportionate effort, the persons are informed
"in an equally effective manner" by a public communication: this page is one, with the
items of Art. 34(2).
"""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Request
from fastapi.responses import Response

from garant.breaches.communication import public_notices
from garant.i18n import current_language
from garant.policy.taxonomy import CATEGORIES
from garant.web.deps import GarantDep
from garant.web.templating import render

router = APIRouter(prefix="/privacy", include_in_schema=False)


@router.get("/breaches")
def notices(request: Request, garant: GarantDep) -> Response:
    lang = current_language()
    with garant.unit_of_work() as uow:
        rows = public_notices(uow=uow)
    for row in rows:
        cats = cast(list[str], row["data_categories"])
        row["categories"] = [CATEGORIES[c].label(lang) if c in CATEGORIES else c for c in cats]
    return render(request, "privacy/breaches/notices.html", {"notices": rows})
