"""The privacy center's request page offers only the rights the policy declares (issue 17)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from garant.app import Garant
from garant.web.app import create_app


def _offered(garant: Garant) -> set[str]:
    with TestClient(create_app(garant), base_url="http://testserver") as client:
        page = client.get("/privacy/requests?lang=en")
    assert page.status_code == 200
    return set(re.findall(r"/privacy/requests\?type=([a-z_]+)", page.text))


def test_request_page_offers_only_declared_rights(make_garant: Callable[..., Garant]) -> None:
    """The MDPH declares access, rectification and restriction: the page offers those, not
    erasure or portability it never promised; the AF offers every right it declares."""
    mdph = _offered(make_garant(example="public-body", name="mdph"))
    assert {"access", "rectification", "restriction"} <= mdph
    assert not {"erasure", "portability", "objection", "withdrawal"} & mdph
    af = _offered(make_garant(example="alliance-francaise", name="af"))
    assert {"erasure", "portability", "objection", "withdrawal"} <= af
